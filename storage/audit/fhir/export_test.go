package fhir

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"abha-deactivate/storage/audit"
)

// expected is the audit ID and outcome detail of each event Export should
// write for recs (oldest first): the outcome records, then the intents
// without any outcome record.
func expected(recs []audit.Record, inPeriod func(time.Time) bool) [][2]string {
	var want, orphans [][2]string
	done := map[string]bool{}
	for _, r := range recs {
		if r.Event == audit.EventOutcome {
			done[r.ID] = true
			if inPeriod(r.Time) {
				want = append(want, [2]string{r.ID, r.Outcome})
			}
		}
	}
	for _, r := range recs {
		if r.Event == audit.EventIntent && !done[r.ID] && inPeriod(r.Time) {
			orphans = append(orphans, [2]string{r.ID, NoOutcome})
		}
	}
	return append(want, orphans...)
}

func always(time.Time) bool { return true }

func smallChunks(t *testing.T, size int) {
	old := chunkSize
	chunkSize = size
	t.Cleanup(func() { chunkSize = old })
}

// fullABHA finds an ABHA number, grouped or not, that is not part of a hex hash or ID.
var fullABHA = regexp.MustCompile(`(^|[^0-9a-fA-F])(\d{2}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4})([^0-9a-fA-F]|$)`)

func TestExportSampleTrail(t *testing.T) {
	smallChunks(t, 16<<10) // many chunks: attempts cross their edges
	trail, recs := sampleTrail(t, 6000)
	out, events, stats := export(t, trail, Options{Host: "desk-1", Workers: 2})
	want := expected(recs, always)
	if len(events) != len(want) {
		t.Fatalf("%d events, want %d", len(events), len(want))
	}
	if stats.Lines != 6000 || stats.Skipped != 0 || stats.NoOutcome == 0 {
		t.Fatalf("stats %+v", stats)
	}
	byID := map[string]audit.Record{}
	for _, r := range recs {
		byID[r.ID+"/"+r.Event+"/"+r.Outcome] = r
	}
	kinds := map[string]int{}
	for i, e := range events {
		got := [2]string{e.identifier(SystemAuditID), e.detail("outcome")}
		if got != want[i] {
			t.Fatalf("event %d is %v, want %v", i, got, want[i])
		}
		kinds[got[1]]++
		rec := byID[got[0]+"/outcome/"+got[1]]
		if got[1] == NoOutcome {
			rec = byID[got[0]+"/intent/"]
		}
		checkEvent(t, &e, rec, got[1])
	}
	for _, k := range []string{audit.OutcomeDeactivated, audit.OutcomeReactivated, audit.OutcomeRejected, audit.OutcomeNotSent,
		audit.OutcomeUnknown, audit.OutcomeCancelled, audit.OutcomeNotDeactivated, NoOutcome} {
		if kinds[k] == 0 {
			t.Errorf("no %s event in the export of the sample trail: %v", k, kinds)
		}
	}
	if m := fullABHA.Find(out); m != nil {
		t.Fatalf("a full ABHA number or long digit run in the export: %s", m)
	}
	for _, workers := range []int{1, 3} {
		again, _, _ := export(t, trail, Options{Host: "desk-1", Workers: workers})
		if !bytes.Equal(again, out) {
			t.Fatalf("the export with %d workers differs from the one with 2", workers)
		}
	}
}

// checkEvent checks the fields of e, exported from rec with this outcome.
func checkEvent(t *testing.T, e *auditEvent, rec audit.Record, outcome string) {
	t.Helper()
	wantCode := map[string]string{audit.OutcomeDeactivated: "0", audit.OutcomeReactivated: "0", audit.OutcomeRejected: "4",
		audit.OutcomeCancelled: "4", audit.OutcomeNotDeactivated: "4", audit.OutcomeNotReactivated: "4",
		audit.OutcomeNotSent: "8", audit.OutcomeUnknown: "8", NoOutcome: "8"}[outcome]
	switch {
	case e.ResourceType != "AuditEvent" || e.Action != "U":
		t.Fatalf("resourceType %q action %q", e.ResourceType, e.Action)
	case e.Outcome != wantCode || e.OutcomeDesc == "":
		t.Fatalf("outcome %s exported as %q (%q), want %q", outcome, e.Outcome, e.OutcomeDesc, wantCode)
	case !e.Recorded.Equal(rec.Time):
		t.Fatalf("recorded %v, record's time %v", e.Recorded, rec.Time)
	case e.ID != rec.ID+"-"+outcome:
		t.Fatalf("id %q for %s %s", e.ID, rec.ID, outcome)
	case len(e.Subtype) != 1 || e.Subtype[0].Code != rec.ActionOf():
		t.Fatalf("subtype %+v for action %s", e.Subtype, rec.ActionOf())
	case e.identifier(SystemABHANumber) != rec.ABHANumber || !strings.HasPrefix(rec.ABHANumber, "XX-XXXX-XXXX-"):
		t.Fatalf("ABHA number %q, record's %q", e.identifier(SystemABHANumber), rec.ABHANumber)
	case e.detail("prev") != rec.Prev || e.detail("abdmTxnId") != rec.TxnID || e.detail("event") != rec.Event:
		t.Fatalf("details %+v of %+v", e.Entity, rec)
	case e.identifier(SystemFacility) != rec.HIPID || e.identifier(SystemClientID) != rec.ClientID ||
		e.identifier(SystemOSUser) != rec.OSUser || e.identifier(SystemWorkstation) != "":
		t.Fatalf("agents %+v of %+v", e.Agent, rec)
	case len(e.Purpose) != len(rec.Reasons):
		t.Fatalf("purposeOfEvent %+v for reasons %+v", e.Purpose, rec.Reasons)
	}
	requestors := 0
	for _, a := range e.Agent {
		if a.Requestor {
			requestors++
			if a.Who.Identifier.Value != rec.OSUser {
				t.Fatalf("the requestor is %+v, not the user", a.Who)
			}
		}
	}
	if requestors != 1 {
		t.Fatalf("%d requestors", requestors)
	}
	for i, rs := range rec.Reasons {
		p := e.Purpose[i]
		if len(p.Coding) != 1 || p.Coding[0].Code != rs.Code || p.Coding[0].Display != rs.Label || p.Text != rs.Label {
			t.Fatalf("purposeOfEvent %+v for reason %+v", p, rs)
		}
	}
}

func TestExportPeriod(t *testing.T) {
	smallChunks(t, 8<<10)
	trail, recs := sampleTrail(t, 3000)
	since, until := recs[700].Time, recs[2100].Time
	_, events, _ := export(t, trail, Options{Since: since, Until: until, Host: "desk-1"})
	want := expected(recs, func(t time.Time) bool { return !t.Before(since) && t.Before(until) })
	if len(events) != len(want) || len(want) < 500 {
		t.Fatalf("%d events, want %d", len(events), len(want))
	}
	for i, e := range events {
		if got := [2]string{e.identifier(SystemAuditID), e.detail("outcome")}; got != want[i] {
			t.Fatalf("event %d is %v, want %v", i, got, want[i])
		}
	}
}

func TestExportEmptyAndMissingTrail(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"missing.jsonl", "empty.jsonl"} {
		if name == "empty.jsonl" {
			if err := os.WriteFile(dir+"/"+name, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		out, _, stats := export(t, audit.Open(dir+"/"+name), Options{Host: "h"})
		if len(out) != 0 || stats != (Stats{}) {
			t.Fatalf("%s: %q %+v", name, out, stats)
		}
	}
}

// hostileTrail appends records with text the fast path does not take, a
// hand-edited line with an unmasked ABHA number, a damaged line and a blank one.
func hostileTrail(t *testing.T) *audit.Log {
	t.Helper()
	trail := audit.Open(t.TempDir() + "/audit.jsonl")
	ctx := context.Background()
	base := audit.Record{Action: audit.ActionDeactivate, API: "v2", Environment: "custom \"lab\"", ClientID: "client\\1",
		HIPID: "IN-हिप", ABHANumber: "91-1234-5678-9012", OSUser: "रवि\u00a0kumar", TxnID: "txn\u202eevil",
		Reasons:   []audit.Reason{{Code: "10 1", Label: "Privacy\u2028concerns \"quoted\""}, {Code: "others", Label: "Other"}},
		OtherText: "moving\tabroad \u200b soon", LoginMethod: "MOBILE_OTP", OTPMethod: "AADHAAR_OTP"}
	for i, o := range []string{audit.OutcomeRejected, "", audit.OutcomeReactivated} {
		r := base
		r.ID = audit.NewID()
		if i == 2 {
			r.Action = audit.ActionReactivate
		}
		r.Event = audit.EventIntent
		if err := trail.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
		if o == "" {
			continue // an intent left without outcome
		}
		r.Event, r.Outcome, r.Code, r.Message, r.DurationMS = audit.EventOutcome, o, "HIS-1\x1b[2J", "Bad OTP \x07 <b>", 1200
		if err := trail.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(trail.Path(), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("\n" + `{"id":"edited","time":"2026-02-03T04:05:06+05:30","event":"outcome","outcome":"deactivated",` +
		`"abhaNumber":"91-1234-5678-9012","reasons":[{"code":"101","label":"Privacy"}]}` + "\n{\"id\":\"cut\",\"ti\n"); err != nil {
		t.Fatal(err)
	}
	return trail
}

func TestExportHostileText(t *testing.T) {
	trail := hostileTrail(t)
	out, events, stats := export(t, trail, Options{Host: "desk\u202e\"1\""})
	if stats.Skipped != 1 || stats.Lines != 7 || stats.NoOutcome != 1 || len(events) != 4 {
		t.Fatalf("stats %+v, %d events", stats, len(events))
	}
	if fullABHA.Find([]byte(`"value":"91-1234-5678-9012"`)) == nil || fullABHA.Find([]byte(`"91123456789012"`)) == nil {
		t.Fatal("fullABHA misses an ABHA number")
	}
	if m := fullABHA.Find(out); m != nil {
		t.Fatalf("a full ABHA number in the export: %s", m)
	}
	for _, bad := range []string{"\u202e", "\u2028", "\u00a0", "\x1b", "\x07", "\u200b"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Fatalf("the export holds %q as it is:\n%s", bad, out)
		}
	}
	e := events[0]
	if e.identifier(SystemOSUser) != "रवि kumar" || e.detail("abdmTxnId") != `txn\u202eevil` ||
		e.detail("environment") != `custom "lab"` || e.identifier(SystemClientID) != `client\1` {
		t.Fatalf("text not kept as `audit` shows it: %+v", e)
	}
	if len(e.Purpose) != 2 || len(e.Purpose[0].Coding) != 0 || e.Purpose[0].Text != `Privacy\u2028concerns "quoted"` ||
		e.Purpose[1].Coding[0].Code != "others" {
		t.Fatalf("purposeOfEvent %+v", e.Purpose)
	}
	edited := events[2]
	if edited.identifier(SystemABHANumber) != "XX-XXXX-XXXX-9012" || edited.Recorded.Format(time.RFC3339) != "2026-02-02T22:35:06Z" ||
		edited.ID != "edited-deactivated" {
		t.Fatalf("hand-edited line exported as %+v", edited)
	}
	if events[3].detail("outcome") != NoOutcome || events[3].Outcome != OutcomeSerious {
		t.Fatalf("the intent without outcome exported as %+v", events[3])
	}
	if got := slices.Index(strings.Split(string(out), "\n"), ""); got != len(events) {
		t.Fatalf("an empty line at %d", got)
	}
}

// failAfter is a writer that fails once n bytes were written.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, os.ErrClosed
	}
	return len(p), nil
}

func TestExportStopsOnWriteErrorAndCancel(t *testing.T) {
	smallChunks(t, 8<<10)
	trail, _ := sampleTrail(t, 4000)
	for _, n := range []int{0, 100 << 10} {
		if _, err := Export(context.Background(), trail, Options{Host: "h", Workers: 2}, &failAfter{n: n}); err == nil ||
			!strings.Contains(err.Error(), "write the AuditEvents") {
			t.Fatalf("failing writer after %d bytes: %v", n, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Export(ctx, trail, Options{Host: "h"}, &bytes.Buffer{}); err == nil {
		t.Fatal("a cancelled export succeeded")
	}
}
