package ui

import (
	"strings"
	"testing"

	"abha-deactivate/abdm"
)

// TestNoAttemptsLeftOffersANewOTP: once every attempt of an OTP is used, the
// notice no longer says to read it again: it offers a new OTP, and
// Deactivate is disabled.
func TestNoAttemptsLeftOffersANewOTP(t *testing.T) {
	e := newUIEnv(t)
	e.toVerify(asha)
	right := e.lastOTP()
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	for e.wiz.flowState().OTP.Remaining() > 0 { // the flow's state is safe to read from any goroutine
		before := e.wiz.flowState().OTP.Remaining()
		e.enter(wrong)
		e.act(func() { e.verify().askConfirm() })
		e.confirmDialog(T("Deactivate"))
		if e.wiz.flowState().OTP.Remaining() >= before {
			t.Fatalf("attempts left stayed at %d; notice %q", before, e.verify().notice.title.Text)
		}
	}
	e.wiz.WaitIdle()
	e.uiLock()
	defer e.uiUnlock()
	n := e.verify().notice
	if n.action.Hidden || n.action.Text != T("Request a new OTP") || strings.Contains(n.detail.Text, "read the OTP again") {
		t.Errorf("notice %q / %q, action %q (hidden %v)", n.title.Text, n.detail.Text, n.action.Text, n.action.Hidden)
	}
	if !e.wiz.next.Disabled() {
		t.Error("Deactivate is still enabled with no attempts left")
	}
	if got := e.wiz.win.Canvas().Focused(); got != n.action {
		t.Errorf("focus on %T, not on the notice's %q button", got, n.action.Text)
	}
	// A refusal that leaves no attempt (whatever ABDM's code) says the same.
	showOTPRefusal(n, &abdm.Error{Kind: abdm.KindWrongOTP, Status: 400}, 0, T("Request a new OTP"), func() {}, nil)
	want := T("No attempts are left for this OTP. Press \"{{.Button}}\" to get a new one.",
		map[string]any{"Button": T("Request a new OTP")})
	if n.detail.Text != want || n.action.Hidden {
		t.Errorf("no attempt left: %q (action hidden %v)", n.detail.Text, n.action.Hidden)
	}
	if got := e.wiz.win.Canvas().Focused(); got != n.action {
		t.Errorf("no attempt left: focus on %T, not on the notice's button", got)
	}
}

// uiLock and uiUnlock hold the UI for a test's checks, as act does.
func (e *uiEnv) uiLock()   { e.wiz.uiMu.Lock() }
func (e *uiEnv) uiUnlock() { e.wiz.uiMu.Unlock() }
