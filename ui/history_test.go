package ui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

// openHistory opens History on the trail e.audit and waits for its first
// page and its chain check.
func (e *uiEnv) openHistory() *history {
	e.t.Helper()
	var h *history
	e.act(func() {
		e.wiz.showHistory()
		h = e.wiz.lastHistory
	})
	e.wiz.WaitIdle()
	return h
}

// A busy facility's trail opens in pages, newest first; Show older adds the
// next page; an outcome filter shows only those attempts.
func TestHistoryPagesAndFilters(t *testing.T) {
	e := newUIEnv(t)
	if err := audittest.WriteSampleTrail(context.Background(), e.audit.Path(), 5000); err != nil {
		t.Fatal(err)
	}
	all, _, err := e.audit.Read(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := audit.Summaries(all)
	h := e.openHistory()
	if len(h.rows) != historyPage || h.more.Disabled() {
		t.Fatalf("first page: %d rows (more enabled: %v), want %d and more", len(h.rows), !h.more.Disabled(), historyPage)
	}
	if h.rows[0].ID != want[0].ID {
		t.Fatalf("the first row is not the newest attempt")
	}
	if !h.warning.Hidden {
		t.Fatalf("warning on an intact trail: %q", h.warning.Text)
	}
	e.act(func() { test.Tap(h.more) })
	e.wiz.WaitIdle()
	if len(h.rows) != 2*historyPage || h.rows[historyPage].ID != want[historyPage].ID {
		t.Fatalf("after Show older: %d rows", len(h.rows))
	}

	e.act(func() { h.outcome.SetSelectedIndex(3) }) // refused by ABDM
	e.wiz.WaitIdle()
	if len(h.rows) == 0 {
		t.Fatal("no refused attempts shown")
	}
	for _, r := range h.rows {
		if r.Status != audit.OutcomeRejected {
			t.Fatalf("filter shows a %q attempt", r.Status)
		}
	}
	e.act(func() {
		h.from.SetText("2026-13-40")
		h.reload()
	})
	if !strings.Contains(h.status.Text, "year-month-day") {
		t.Fatalf("a bad date is not explained: %q", h.status.Text)
	}
}

// A trail edited by hand is reported when History opens.
func TestHistoryWarnsOfABrokenChain(t *testing.T) {
	e := newUIEnv(t)
	if err := audittest.WriteSampleTrail(context.Background(), e.audit.Path(), 400); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(e.audit.Path())
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(data, []byte(`"outcome":"rejected"`), []byte(`"outcome":"deactivated"`), 1)
	if bytes.Equal(edited, data) {
		t.Fatal("the sample trail has no refusal to edit")
	}
	if err := os.WriteFile(e.audit.Path(), edited, 0o600); err != nil {
		t.Fatal(err)
	}
	h := e.openHistory()
	if h.warning.Hidden || !strings.Contains(h.warning.Text, "changed outside this app") {
		t.Fatalf("no warning of the edit: %q", h.warning.Text)
	}
}

// A filter chosen while a page is still being read is the one shown.
func TestHistoryFilterChangedWhileReading(t *testing.T) {
	e := newUIEnv(t)
	if err := audittest.WriteSampleTrail(context.Background(), e.audit.Path(), 5000); err != nil {
		t.Fatal(err)
	}
	h := e.openHistory()
	e.act(func() {
		h.outcome.SetSelectedIndex(3) // refused by ABDM: its page is being read...
		h.outcome.SetSelectedIndex(1) // ...when staff choose Deactivated
	})
	e.wiz.WaitIdle()
	if len(h.rows) == 0 {
		t.Fatal("nothing shown for the filter chosen last")
	}
	for _, r := range h.rows {
		if r.Status != audit.OutcomeDeactivated {
			t.Fatalf("a %q attempt is shown under Deactivated", r.Status)
		}
	}
}
