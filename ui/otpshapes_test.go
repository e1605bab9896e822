package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
)

// wrongOTPShapes are the ways ABDM says an OTP is wrong: v3's 200 with
// authResult "failed", the flat ABDM-9999, UIDAI's refusal passed on as 422
// ABDM-1204, and the field-keyed otpValue.
var wrongOTPShapes = []struct {
	name   string
	status int
	body   string
}{
	{"200 failed", http.StatusOK,
		`{"txnId":"x","authResult":"failed","message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","accounts":[]}`},
	{"9999 flat", http.StatusBadRequest,
		`{"code":"ABDM-9999","message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","timestamp":"2026-11-26T10:00:00Z"}`},
	{"1204 invalid OTP", http.StatusUnprocessableEntity,
		`{"error":{"code":"ABDM-1204","message":"UIDAI Error code : 400 : Invalid Aadhaar OTP value."}}`},
	{"otpValue field", http.StatusBadRequest, `{"otpValue":"Invalid OTP value","timestamp":"2026-11-26T10:00:00Z"}`},
}

// TestWizardWrongOTPInEveryShape: whatever shape ABDM's wrong-OTP answer
// takes, the Verify step says the OTP does not match, with the attempts
// left, keeps the step with the cursor in the OTP field, and the right OTP
// then deactivates.
func TestWizardWrongOTPInEveryShape(t *testing.T) {
	for _, c := range wrongOTPShapes {
		t.Run(c.name, func(t *testing.T) {
			e := newUIEnv(t, withAPI(abdm.V3))
			e.toVerify(asha)
			e.sim.SetFault(sandbox.RouteV3AccountVerify, sandbox.Fault{Status: c.status, Body: c.body, Times: 1})
			e.enter(e.lastOTP())
			e.tapNext()
			e.confirmDialog(T("Deactivate"))
			e.wantStep(stepVerify)
			e.wantNotice(e.verify().notice, T("The OTP does not match."))
			e.wantNotice(e.verify().notice, "Attempts left: 2")
			e.act(func() {
				if got := e.wiz.win.Canvas().Focused(); got != e.verify().otp {
					t.Errorf("focus on %T, not the OTP field", got)
				}
			})
			e.enter(e.lastOTP())
			e.tapNext()
			e.confirmDialog(T("Deactivate"))
			e.wantStep(stepResult)
		})
	}
}

// TestWizardWrongAadhaarSignInOTP: the simulator refuses a wrong Aadhaar
// sign-in OTP as ABDM does (422 ABDM-1204, UIDAI's "Invalid Aadhaar OTP
// value"): a wrong OTP with attempts left, not an Aadhaar service failure.
// A real UIDAI failure still says the Aadhaar service failed.
func TestWizardWrongAadhaarSignInOTP(t *testing.T) {
	e := newUIEnv(t, withAPI(abdm.V3))
	e.toPatient()
	p := e.patient()
	e.act(func() { test.Type(p.abha, asha) })
	e.tapNext() // Find patient
	e.tapNext() // Send sign-in OTP (Aadhaar)
	right := e.lastOTP()
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	e.act(func() { test.Type(p.signInOTP, wrong) })
	e.tapNext()
	e.wantNotice(p.notice, T("The OTP does not match."))
	e.wantNotice(p.notice, "Attempts left: 2")

	e.sim.SetFault(sandbox.RouteV3LoginVerify, sandbox.Fault{Status: http.StatusUnprocessableEntity, Times: 1,
		Body: `{"error":{"code":"ABDM-1204","message":"UIDAI Error code : 500 : Unable to connect to the UIDAI server"}}`})
	e.act(func() { test.Type(p.signInOTP, right) })
	e.tapNext()
	e.wantNotice(p.notice, T(abdm.KindAadhaarService.Message()))

	e.act(func() { p.signInOTP.SetText(""); test.Type(p.signInOTP, right) })
	e.tapNext()
	if !p.loaded {
		t.Fatalf("the right sign-in OTP did not sign in: %q", p.notice.title.Text)
	}
}

// TestWizardStoppedOTPRequest: Escape while ABDM is sending the OTP says in
// plain words that the OTP may still come; Go's "context canceled" is never
// shown.
func TestWizardStoppedOTPRequest(t *testing.T) {
	e := newUIEnv(t, withAPI(abdm.V3))
	e.toPatient()
	e.findPatient(asha)
	e.act(func() { test.Tap(e.patient().confirm) })
	e.tapNext()
	e.wantStep(stepOTP)
	e.sim.SetFault(e.route("otp"), sandbox.Fault{Latency: time.Minute})
	e.act(func() { test.Tap(e.wiz.next) })
	for deadline := time.Now().Add(10 * time.Second); e.sim.Count(e.route("otp")) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the OTP request never arrived")
		}
	}
	time.Sleep(100 * time.Millisecond) // written in full
	e.act(func() { e.wiz.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	e.wiz.WaitIdle()
	n := e.otp().notice
	e.wantNotice(n, T("Stopped. ABDM may already have sent the OTP; wait for it before sending again."))
	e.act(func() {
		if strings.Contains(n.title.Text+n.detail.Text, "context canceled") {
			t.Errorf("Go's words shown: %q / %q", n.title.Text, n.detail.Text)
		}
	})
}
