package audit

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"abha-deactivate/abdm"
)

// Unresolved lists the attempts whose latest outcome is outcome-unknown or
// missing, not those a status check settled since.
func TestUnresolved(t *testing.T) {
	ctx := context.Background()
	l := Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	add := func(r Record) {
		t.Helper()
		if err := l.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	intent := func(id string, at time.Time) Record {
		return Record{ID: id, Time: at, Event: EventIntent, Action: ActionDeactivate, ABHANumber: "91-1234-5678-9012",
			TxnID: "txn-" + id, Reasons: []Reason{{Code: "101", Label: "x"}}, OTPMethod: "aadhaar"}
	}
	outcome := func(id, o, msg string, at time.Time) Record {
		return Record{ID: id, Time: at, Event: EventOutcome, Outcome: o, Message: msg, ABHANumber: "91-1234-5678-9012"}
	}
	add(intent("done", t0))
	add(outcome("done", OutcomeDeactivated, "", t0.Add(time.Second)))
	add(intent("lost", t0.Add(time.Minute)))
	add(outcome("lost", OutcomeUnknown, "", t0.Add(time.Minute+time.Second)))
	add(intent("settled", t0.Add(2*time.Minute)))
	add(outcome("settled", OutcomeUnknown, "", t0.Add(2*time.Minute+time.Second)))
	add(intent("closed", t0.Add(3*time.Minute)))
	add(outcome("settled", OutcomeNotDeactivated, abdm.SettledMessage+": still active", t0.Add(4*time.Minute)))

	got, err := l.Unresolved(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "closed" || got[1].ID != "lost" {
		t.Fatalf("unresolved: %+v", got)
	}
	all, _, err := l.Read(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range Summaries(all) {
		if want := e.ID == "settled"; e.SettledByStatusCheck() != want {
			t.Errorf("%s: settled by a status check %v", e.ID, !want)
		}
	}
	if got, _ := l.Unresolved(ctx, t0.Add(150*time.Second)); len(got) != 1 || got[0].ID != "closed" {
		t.Fatalf("since: %+v", got)
	}
}

// Entry.Attempt rebuilds the attempt for a status check, with the full
// number staff typed, which must match the masked one.
func TestEntryAttempt(t *testing.T) {
	in := Record{ID: "a1", Event: EventIntent, Action: ActionReactivate, ABHANumber: "XX-XXXX-XXXX-9012", TxnID: "t1",
		OTPMethod: string(abdm.OTPMobile), Reasons: []Reason{{Code: "101"}}}
	e := Entry{ID: "a1", Intent: &in, Status: StatusNoOutcome}
	a, err := e.Attempt("91 1234 5678 9012")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "a1" || a.Action != abdm.ActionReactivate || a.TxnID != "t1" || a.Patient.ABHANumber != "91-1234-5678-9012" ||
		a.Method != abdm.OTPMobile || len(a.Reasons) != 1 {
		t.Fatalf("attempt %+v", a)
	}
	if _, err := e.Attempt("91-1234-5678-0000"); !errors.Is(err, ErrOtherABHA) {
		t.Fatalf("another number: %v", err)
	}
	if _, err := e.Attempt("12"); err == nil {
		t.Fatal("a bad number was taken")
	}
}
