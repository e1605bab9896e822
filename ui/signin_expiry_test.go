package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
)

// TestWizardSignInEndingNotice: with a sign-in that lasts 2 minutes and a
// moment, the Verify step shows no notice at first; once the simulator's
// clock has passed the moment (the sign-in lasts whole seconds), the wizard's timer shows the calm notice
// ("about 2 minutes"); once the sign-in has ended, the notice says to press
// "Sign in again", which takes staff to the Patient step to sign in anew.
func TestWizardSignInEndingNotice(t *testing.T) {
	e := newUIEnvSim(t, []sandbox.Option{sandbox.WithTokenTTL(signInWarning + 2*time.Second)}, withAPI(abdm.V3))
	e.toPatient()
	e.signIn(asha, false)
	e.act(func() { test.Tap(e.patient().confirm) })
	e.tapNext()
	e.wantStep(stepOTP)
	e.tapNext()
	e.wantStep(stepVerify)
	visible := func() (shown bool, title string) {
		e.act(func() {
			n := e.wiz.signIn.note
			shown = n != nil && n.box.Visible() && holds(e.wiz.footer, n.box)
			if n != nil {
				title = n.title.Text
			}
		})
		return shown, title
	}
	if shown, title := visible(); shown {
		t.Fatalf("a sign-in notice before its time: %q", title)
	}

	e.clock.Advance(3 * time.Second) // now less than 2 minutes are left: the timer (2 s) shows it
	deadline := time.Now().Add(10 * time.Second)
	for shown, _ := visible(); !shown; shown, _ = visible() {
		if time.Now().After(deadline) {
			t.Fatal("the timer did not show the notice")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, title := visible(); title != T("The patient's sign-in ends in about 2 minutes.") {
		t.Errorf("warning %q", title)
	}

	e.clock.Advance(signInWarning)
	e.act(e.wiz.Tick)
	var action string
	e.act(func() {
		n := e.wiz.signIn.note
		action = n.action.Text
		if !strings.Contains(n.detail.Text, `Press "`+T("Sign in again")+`"`) || n.action.Hidden {
			t.Errorf("after the end: %q / %q", n.title.Text, n.detail.Text)
		}
	})
	if action != T("Sign in again") {
		t.Fatalf("the notice's button is %q", action)
	}
	e.act(func() { test.Tap(e.wiz.signIn.note.action) })
	e.wiz.WaitIdle()
	e.wantStep(stepPatient)
	e.wantNotice(e.patient().notice, "Press Find patient")
	if shown, _ := visible(); shown {
		t.Error("the sign-in notice stays on the Patient step")
	}
	if st := e.wiz.flowState(); !st.SignInEnds.IsZero() {
		t.Errorf("the flow still holds the ended sign-in (%v)", st.Step)
	}
}
