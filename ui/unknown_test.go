package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/storage/audit"
)

// loseDeactivation goes to the outcome-unknown screen: the deactivation of
// abha is done by the simulator, its reply lost.
func (e *uiEnv) loseDeactivation(abha string) {
	e.t.Helper()
	e.sim.SetFault(e.route("deactivate"), sandbox.Fault{Drop: true, Process: true, Times: 1})
	e.deactivate(abha)
	if e.result().mode != resultUnknown {
		e.t.Fatalf("result mode %d, want unknown", e.result().mode)
	}
}

// tapIn taps the button labelled label in o.
func (e *uiEnv) tapIn(o fyne.CanvasObject, label string) {
	e.t.Helper()
	e.act(func() {
		b := findButton(o, label)
		if b == nil {
			e.t.Fatalf("no %q button", label)
		}
		test.Tap(b)
	})
	e.wiz.WaitIdle()
}

// wantTrail checks the latest outcome of the attempt id in the audit trail.
func (e *uiEnv) wantSettled(id, outcome string) {
	e.t.Helper()
	recs, _, err := e.audit.Read(context.Background(), audit.Filter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, en := range audit.Summaries(recs) {
		if en.ID != id {
			continue
		}
		if en.Status != outcome || !en.SettledByStatusCheck() {
			e.t.Fatalf("attempt %s: %s %q, want %s settled by a status check", id, en.Status, en.Text, outcome)
		}
		return
	}
	e.t.Fatalf("attempt %s is not in the trail", id)
}

// The outcome-unknown screen names the patient and ABDM's transaction and
// offers Next patient (check later); the attempt is then listed above the
// Patient step, whose Check status settles it in the audit trail.
func TestUnknownOutcomeCheckLaterThenCheck(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.loseDeactivation(asha)
		r := e.result()
		u := e.wiz.flowState().Unknown
		var more string
		e.act(func() { more = test.RenderObjectToMarkup(r.content) })
		for _, want := range []string{"Asha Verma", "XX-XXXX-XXXX-7890", u.TxnID, "Next patient (check later)"} {
			if !strings.Contains(more, want) {
				t.Errorf("the outcome-unknown screen lacks %q", want)
			}
		}
		if !r.txnRow.Visible() || r.txn.Text != u.TxnID {
			t.Fatalf("transaction row %v %q", r.txnRow.Visible(), r.txn.Text)
		}
		e.tapIn(r.content, "Next patient (check later)")
		e.wantStep(stepPatient)
		band := e.wiz.later.band
		if !band.box.Visible() || len(band.buttons) != 1 || !strings.Contains(band.head.Text, "1") {
			t.Fatalf("band visible %v, %d rows, %q", band.box.Visible(), len(band.buttons), band.head.Text)
		}
		e.clock.Advance(time.Minute) // v3's check asks for a sign-in OTP
		e.tapIn(band.box, "Check status")
		if text := e.dialogText(); !strings.Contains(text, "is deactivated: the deactivation of") {
			t.Fatalf("no settled dialog: %s", text)
		}
		e.wantSettled(u.ID, audit.OutcomeDeactivated)
		if band.box.Visible() || e.wiz.later.openInRun() != 0 {
			t.Fatal("the settled attempt is still listed")
		}
		if n := e.sim.Count(e.route("deactivate")); n != 1 {
			t.Fatalf("deactivate received %d times", n)
		}
	})
}

// unresolvedTrail writes an attempt whose outcome is unknown for asha to
// the trail before the wizard starts, as an earlier run left it.
func unresolvedTrail(id string) envOpt { return unresolvedTrailOn(id, "demo") }

// unresolvedTrailOn is unresolvedTrail with the attempt made on the system env.
func unresolvedTrailOn(id, env string) envOpt {
	return func(o *Options) {
		ctx := context.Background()
		at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
		for _, r := range []audit.Record{
			{ID: id, Time: at, Event: audit.EventIntent, Action: audit.ActionDeactivate, ABHANumber: asha, TxnID: "txn-earlier",
				Environment: env, Reasons: []audit.Reason{{Code: "101", Label: "x"}}},
			{ID: id, Time: at.Add(time.Second), Event: audit.EventOutcome, Action: audit.ActionDeactivate, ABHANumber: asha,
				TxnID: "txn-earlier", Outcome: audit.OutcomeUnknown, Environment: env},
		} {
			if err := o.Audit.Append(ctx, r); err != nil {
				panic(err)
			}
		}
	}
}

// numberDialog types number into the ABHA number dialog and submits it.
func (e *uiEnv) numberDialog(number string) {
	e.t.Helper()
	var top fyne.CanvasObject
	e.act(func() { top = e.wiz.win.Canvas().Overlays().Top() })
	if top == nil || !strings.Contains(e.dialogText(), "last four digits") {
		e.t.Fatalf("no ABHA number dialog: %s", e.dialogText())
	}
	e.act(func() {
		en := findEntry(top)
		test.Type(en, number)
	})
	e.tapIn(top, "Check status")
}

func findEntry(o fyne.CanvasObject) *widget.Entry {
	if en, ok := o.(*widget.Entry); ok {
		return en
	}
	for _, k := range children(o) {
		if en := findEntry(k); en != nil {
			return en
		}
	}
	return nil
}

// At start, before any connection, the Connect step lists the attempts an
// earlier run left unresolved; Check status asks for the full ABHA number
// (the trail keeps it masked), connects, then checks and settles it.
func TestUnresolvedListedAtStartAndCheckedAfterConnect(t *testing.T) {
	e := newUIEnv(t, unresolvedTrail("earlier-1"))
	e.wiz.WaitIdle()
	e.wantStep(stepConnect)
	band := e.wiz.later.band
	var text string
	e.act(func() {
		if len(e.wiz.later.entries) == 1 {
			text = e.wiz.later.rowText(e.wiz.later.entries[0])
		}
	})
	if !band.box.Visible() || len(band.buttons) != 1 || !strings.Contains(text, "XX-XXXX-XXXX-7890") || !strings.Contains(text, "txn-earlier") {
		t.Fatalf("the Connect step does not list the unresolved attempt: %s", text)
	}
	e.tapIn(band.box, "Check status")
	e.numberDialog("91-5512-3456-0000") // the wrong ABHA: refused
	if e.wiz.current != stepConnect || e.wiz.later.queued != nil {
		t.Fatal("another ABHA's number was taken")
	}
	e.act(func() { e.wiz.win.Canvas().Overlays().Top().(fyne.Widget).Hide() })
	e.tapIn(band.box, "Check status")
	e.numberDialog(asha)
	e.wantStep(stepConnect)
	e.wantNotice(e.connect().notice, "status check runs once you are connected")
	e.tapNext() // Connect; the check follows
	e.wantStep(stepPatient)
	if text := e.dialogText(); !strings.Contains(text, "still active: the deactivation of 2026-11-25") {
		t.Fatalf("no settled dialog: %s", text)
	}
	e.wantSettled("earlier-1", audit.OutcomeNotDeactivated)
}

// History lists the unresolved attempts with Check status; once checked,
// the table shows the attempt settled by a status check.
func TestHistoryChecksUnresolved(t *testing.T) {
	e := newUIEnv(t, unresolvedTrail("earlier-2"))
	e.toPatient()
	h := e.openHistory()
	if text := e.dialogText(); !strings.Contains(text, "Attempts with an unknown outcome: 1") {
		t.Fatalf("History does not list it: %s", text)
	}
	var top fyne.CanvasObject
	e.act(func() { top = e.wiz.win.Canvas().Overlays().Top() })
	e.tapIn(top, "Check status")
	e.numberDialog(asha)
	e.wiz.WaitIdle()
	e.wantSettled("earlier-2", audit.OutcomeNotDeactivated)
	var cell string
	e.act(func() {
		for _, r := range h.rows {
			if r.ID == "earlier-2" {
				cell = historyCell(r, 3)
			}
		}
	})
	if cell != "settled by a status check: the ABHA is still active, so it was not deactivated" {
		t.Fatalf("History's outcome cell %q", cell)
	}
}

// An attempt made on another ABDM system (here production, while the window
// is connected to the demo) is listed with its system, and its status is not
// checked here: the answer of another system would settle it wrongly.
func TestUnresolvedOnAnotherSystemIsNotSettled(t *testing.T) {
	e := newUIEnv(t, unresolvedTrailOn("earlier-3", "production"))
	e.toPatient()
	var text string
	e.act(func() { text = e.wiz.later.rowText(e.wiz.later.entries[0]) })
	if !strings.Contains(text, "PRODUCTION · live ABDM") {
		t.Fatalf("the row does not name its system: %s", text)
	}
	e.openHistory()
	var top fyne.CanvasObject
	e.act(func() { top = e.wiz.win.Canvas().Overlays().Top() })
	e.tapIn(top, "Check status")
	e.numberDialog(asha)
	e.wiz.WaitIdle()
	if text := e.dialogText(); !strings.Contains(text, "another ABDM system") {
		t.Fatalf("no refusal: %s", text)
	}
	var n int
	e.act(func() { n = len(e.wiz.later.entries) })
	if n != 1 {
		t.Fatalf("the attempt left the list: %d listed", n)
	}
	recs, _, err := e.wiz.opts.Audit.Read(context.Background(), audit.Filter{})
	if err != nil || len(recs) != 2 {
		t.Fatalf("the trail changed: %d records, %v", len(recs), err)
	}
}

// Closing the window (or File > Quit) while an attempt of this run is
// unresolved asks first; Stay keeps the window, Quit closes it.
func TestQuitAsksWithUnresolved(t *testing.T) {
	e := newUIEnv(t)
	e.loseDeactivation(asha)
	e.act(e.wiz.onClose)
	text := e.dialogText()
	if !strings.Contains(text, "Quit with unknown outcomes?") || !strings.Contains(text, "unknown outcome: 1") {
		t.Fatalf("no question before quitting: %s", text)
	}
	e.confirmDialog("Stay")
	select {
	case <-e.wiz.stopTick:
		t.Fatal("the window closed after Stay")
	default:
	}
	var quit *fyne.MenuItem
	for _, it := range e.wiz.menu().Items[0].Items {
		if it.IsQuit {
			quit = it
		}
	}
	if quit == nil {
		t.Fatal("no Quit item in the File menu")
	}
	e.act(quit.Action)
	e.confirmDialog("Quit")
	select {
	case <-e.wiz.stopTick:
	default:
		t.Fatal("the window did not close after Quit")
	}
}

// Ctrl+H opens History, but not over another dialog.
func TestHistoryShortcut(t *testing.T) {
	e := newUIEnv(t)
	sc, ok := e.wiz.win.Canvas().(fyne.Shortcutable)
	if !ok {
		t.Skip("the test canvas takes no shortcuts")
	}
	e.act(func() { sc.TypedShortcut(historyShortcut) })
	e.wiz.WaitIdle()
	h := e.wiz.lastHistory
	if h == nil || !strings.Contains(e.dialogText(), "History") {
		t.Fatal("Ctrl+H did not open History")
	}
	e.act(func() { sc.TypedShortcut(historyShortcut) })
	if e.wiz.lastHistory != h {
		t.Fatal("Ctrl+H opened a second History over the first")
	}
}
