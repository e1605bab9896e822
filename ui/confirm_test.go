package ui

import (
	"testing"
)

// TestConfirmationNeverStacks: asking again (Enter, or the button pressed
// twice) while the confirmation is open opens no second dialog, so none is
// left over the result once the first is confirmed; after it closes, the
// question can be asked again.
func TestConfirmationNeverStacks(t *testing.T) {
	e := newUIEnv(t)
	e.toVerify(asha)
	e.enter(e.lastOTP())
	e.act(func() {
		e.verify().askConfirm()
		e.verify().askConfirm()
	})
	overlays := func() (n int) {
		e.act(func() { n = len(e.wiz.win.Canvas().Overlays().List()) })
		return n
	}
	if n := overlays(); n != 1 {
		t.Fatalf("%d dialogs open after asking twice, want 1", n)
	}
	e.confirmDialog(T("Go back"))
	if n := overlays(); n != 0 {
		t.Fatalf("%d dialogs left after Go back", n)
	}
	e.act(func() { e.verify().askConfirm() })
	if n := overlays(); n != 1 {
		t.Fatalf("%d dialogs after asking again, want 1", n)
	}
	e.confirmDialog(T("Deactivate"))
	e.wantStep(stepResult)
	if n := overlays(); n != 0 {
		t.Errorf("%d dialogs over the result, want none", n)
	}
}
