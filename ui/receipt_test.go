package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
)

// After a deactivation and after a reactivation, Open receipt saves the
// patient's PDF in the receipts folder (and asks the computer to open it).
func TestWizardReceiptAfterEachChange(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "receipts")
	e := newUIEnv(t, func(o *Options) { o.ReceiptDir = dir })
	e.deactivate(asha)
	r := e.result()
	if r.receipts.Hidden {
		t.Fatal("no receipt offered after the deactivation")
	}
	e.act(func() { test.Tap(r.receiptButtons[0]) })
	e.wiz.WaitIdle()
	e.wantNotice(r.notice, "print it for the patient")
	path := filepath.Join(dir, receiptName(*r.res))
	if data, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("receipt %s: %v (%d bytes)", path, err, len(data))
	}

	e.act(func() { test.Tap(r.undo) })
	e.wantStep(stepReactivate)
	e.tapNext() // Send reactivation OTP
	e.act(func() { test.Type(e.react().otp, e.lastOTP()) })
	e.tapNext()
	e.confirmDialog("Reactivate")
	e.wantStep(stepResult)
	if r.receipts.Hidden || r.res == nil || r.res.Action != "reactivate" {
		t.Fatal("no receipt offered after the reactivation")
	}
	e.act(func() { test.Tap(r.receiptButtons[0]) })
	e.wiz.WaitIdle()
	if _, err := os.Stat(filepath.Join(dir, receiptName(*r.res))); err != nil {
		t.Fatalf("reactivation receipt: %v", err)
	}
}
