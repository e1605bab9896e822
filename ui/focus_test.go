package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
)

// wantFocus fails unless want has the keyboard focus and lies in the
// visible part of the window.
func (e *uiEnv) wantFocus(want fyne.Focusable, what string) {
	e.t.Helper()
	var got fyne.Focusable
	var visible bool
	e.act(func() {
		got = e.wiz.win.Canvas().Focused()
		if o, ok := got.(fyne.CanvasObject); ok && got != nil {
			visible = e.wiz.inView(o) || (!holds(e.wiz.body.Content, o) && e.wiz.inWindow(o))
		}
	})
	if got != want {
		e.t.Fatalf("%s: focus on %s, want %s", what, e.nameOf(got), e.nameOf(want))
	}
	if !visible {
		e.t.Fatalf("%s: %s has the focus but is scrolled out of view", what, e.nameOf(got))
	}
}

func (e *uiEnv) nameOf(f fyne.Focusable) string {
	if f == nil {
		return "nothing"
	}
	if o, ok := f.(fyne.CanvasObject); ok {
		return e.wiz.nameOf(o)
	}
	return "?"
}

// wantNoticeInView fails unless the notice is shown inside the window.
func (e *uiEnv) wantNoticeInView(n *notice) {
	e.t.Helper()
	var ok bool
	e.act(func() { ok = n.box.Visible() && holds(e.wiz.noticeSlot, n.box) && e.wiz.inWindow(n.box) })
	if !ok {
		e.t.Fatal("the notice is not shown inside the window")
	}
}

// small makes the window short, so that the steps scroll.
func (e *uiEnv) small() {
	e.act(func() { e.wiz.win.Resize(fyne.NewSize(920, 420)) })
}

// Connect, typed by hand: the first empty field has the focus, each error
// puts it in the field to fix, and Tab and Shift+Tab through the whole form
// of custom addresses keep the focused field in view of a short window.
func TestFocusConnect(t *testing.T) {
	e := newUIEnv(t, noDemo, withAPI(abdm.V2))
	c := e.connect()
	e.small()
	e.wantFocus(c.clientID, "Connect shown")

	e.tapNext()
	e.wantNotice(c.notice, "Enter the client ID.")
	e.wantNoticeInView(c.notice)
	e.wantFocus(c.clientID, "no client ID")

	creds := e.sim.Credentials()
	e.act(func() { test.Type(c.clientID, creds.ClientID) })
	e.tapNext()
	e.wantFocus(c.secret, "no secret")
	e.act(func() { test.Type(c.secret, "wrong-secret") })
	e.tapNext()
	e.wantNotice(c.notice, "Enter the HIP ID.")
	e.wantFocus(c.hipID, "no HIP ID (v2)")
	e.act(func() { test.Type(c.hipID, creds.HIPID) })
	e.tapNext()
	e.wantNotice(c.notice, "did not accept")
	e.wantNoticeInView(c.notice)
	e.wantFocus(c.secret, "secret refused")

	e.act(func() { c.env.SetSelectedIndex(c.envIndex(abdm.EnvCustom)) })
	e.act(func() { e.wiz.focus(c.env) })
	seen := map[string]bool{}
	for i := 0; i < 12; i++ {
		e.act(func() {
			test.FocusNext(e.wiz.win.Canvas())
			e.wiz.focusChanged(false)
		})
		f := e.wiz.win.Canvas().Focused()
		e.wantFocus(f, "Tab")
		seen[e.nameOf(f)] = true
	}
	for _, n := range []string{"connect.gateway", "connect.healthid", "connect.client_id", "connect.secret", "connect.hip_id", "next"} {
		if !seen[n] {
			t.Errorf("Tab never reached %s (reached %v)", n, seen)
		}
	}
	for i := 0; i < 12; i++ {
		e.act(func() {
			test.FocusPrevious(e.wiz.win.Canvas())
			e.wiz.focusChanged(false)
		})
		e.wantFocus(e.wiz.win.Canvas().Focused(), "Shift+Tab")
	}
	e.act(func() { c.gatewayURL.SetText("ftp://x") })
	e.tapNext()
	e.wantFocus(c.gatewayURL, "bad gateway address")
}

// Patient: the ABHA number has the focus when the step is shown and after an
// empty or wrong entry; the sign-in OTP after it is sent and after a refusal;
// the confirmation once the patient is shown.
func TestFocusPatient(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.small()
		e.toPatient()
		p := e.patient()
		e.wantFocus(p.abha, "Patient shown")
		e.tapNext()
		e.wantNotice(p.notice, "Enter the patient's ABHA number")
		e.wantNoticeInView(p.notice)
		e.wantFocus(p.abha, "nothing typed")
		e.act(func() { test.Type(p.abha, "12") })
		e.tapNext()
		e.wantFocus(p.abha, "too short")

		e.act(func() {
			p.abha.SetText("")
			test.Type(p.abha, asha)
		})
		if g == abdm.V2 {
			e.tapNext() // Find patient (v3 has no search: the OTP is sent at once)
		}
		e.tapNext() // Send sign-in OTP
		e.wantFocus(p.signInOTP, "sign-in OTP sent")
		e.typeSignInOTP("000000") // the sixth digit signs in
		e.wantNotice(p.notice, "Attempts left")
		e.wantNoticeInView(p.notice)
		e.wantFocus(p.signInOTP, "sign-in OTP refused")
		e.typeSignInOTP(e.lastOTP()) // the sixth digit signs in
		e.wantFocus(p.confirm, "patient shown")
	})
}

// Verify: the OTP has the focus when shown and after a wrong OTP; the first
// reason when none is chosen.
func TestFocusVerify(t *testing.T) {
	e := newUIEnv(t)
	e.small()
	e.toVerify(asha)
	v := e.verify()
	e.wantFocus(v.otp, "Verify shown")
	e.act(func() { test.Type(v.otp, "12") })
	e.tapNext()
	e.wantNotice(v.notice, "exactly 6 digits")
	e.wantNoticeInView(v.notice)
	e.wantFocus(v.otp, "short OTP")
	e.act(func() {
		v.otp.SetText("")
		test.Type(v.otp, e.lastOTP())
	})
	e.tapNext()
	e.wantNotice(v.notice, "Choose at least one reason.")
	e.wantFocus(v.reasons[0], "no reason")

	wrong := "000000"
	if wrong == e.lastOTP() {
		wrong = "111111"
	}
	e.enter(wrong)
	e.tapNext()
	e.confirmDialog("Deactivate")
	e.wantNotice(v.notice, "Attempts left: 2")
	e.wantNoticeInView(v.notice)
	e.wantFocus(v.otp, "wrong OTP")
}

// Reactivate: the ABHA number when shown, the OTP once sent and after a
// refusal.
func TestFocusReactivate(t *testing.T) {
	e := newUIEnv(t)
	e.small()
	e.toPatient()
	r := e.react()
	e.act(func() { e.wiz.modePick.SetSelected(e.wiz.modePick.Options[1]) })
	e.wantStep(stepReactivate)
	e.wantFocus(r.abha, "Reactivate shown")
	e.act(func() { test.Type(r.abha, meena) })
	e.tapNext()
	e.wantFocus(r.otp, "reactivation OTP sent")
	e.act(func() { test.Type(r.otp, "000000") })
	e.tapNext()
	e.confirmDialog("Reactivate")
	e.wantNoticeInView(r.notice)
	e.wantFocus(r.otp, "reactivation OTP refused")
	if n := e.sim.Count(sandbox.RouteV3LoginVerify) + e.sim.Count(sandbox.RouteV3AccountVerify); n != 1 {
		t.Fatalf("%d reactivation calls, want 1", n)
	}
}
