package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/internal/testtools"
	"abha-deactivate/storage/audit"
)

// pdfText is pdftotext's reading of the PDF at path, as the receipt's own
// tests read it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(testtools.Need(t, "pdftotext", "poppler-utils"), "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// History prints a completed change's receipt again from its row: the
// trail's time, masked number, reasons and reference; not for a refusal.
func TestHistoryPrintsAReceiptAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "receipts")
	e := newUIEnv(t, func(o *Options) { o.ReceiptDir = dir })
	e.deactivate(asha)
	done := *e.result().res
	h := e.openHistory()
	if len(h.rows) != 1 || !h.reprint.Disabled() {
		t.Fatalf("%d rows, reprint enabled before a row is chosen: %v", len(h.rows), !h.reprint.Disabled())
	}
	e.act(func() { h.table.Select(widget.TableCellID{Row: 1, Col: 0}) })
	if h.reprint.Disabled() {
		t.Fatal("Print receipt again not offered for a deactivation")
	}
	e.act(func() { test.Tap(h.reprint) })
	e.wiz.WaitIdle()
	if !strings.Contains(h.note.Text, "print it for the patient") {
		t.Fatalf("note %q", h.note.Text)
	}
	path := filepath.Join(dir, receiptName(entryResult(h.rows[0])))
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, path)
	for _, want := range []string{"ABHA deactivated", "XX-XXXX-XXXX-7890", done.TxnID, "TEST / DEMO",
		historyClock(LangEnglish)(h.rows[0].Outcome.Time), "The patient does not want to use ABHA for now"} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt again does not say %q:\n%s", want, text)
		}
	}
	if h.cell(h.rows[0], 0) != historyClock(LangEnglish)(h.rows[0].Time) || !strings.HasSuffix(h.cell(h.rows[0], 0), " IST") {
		t.Errorf("History's time %q has no zone", h.cell(h.rows[0], 0))
	}
	refused := audit.Entry{Status: audit.OutcomeRejected, Outcome: &audit.Record{Outcome: audit.OutcomeRejected}}
	if reprintable(refused) {
		t.Error("a refusal offers a receipt")
	}
}

// The time of History is the receipt's: with the day, the time of day and
// the zone.
func TestHistoryClock(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 37, 0, 0, time.UTC)
	if got, want := historyClock(LangEnglish)(at), "3 December 2026, 6:07 pm IST"; got != want {
		t.Errorf("English %q, want %q", got, want)
	}
	if got := historyClock(LangHindi)(at); !strings.Contains(got, "दिसंबर") || !strings.Contains(got, "भारतीय मानक समय") {
		t.Errorf("Hindi %q", got)
	}
}
