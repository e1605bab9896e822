package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// randomTrail writes about n lines as a busy facility's trail might hold
// them after years: legacy lines without prev first, attempts with one or
// several outcomes (status checks hours later), attempts never finished,
// orphan outcomes, damaged lines (some of them intents), blank lines, and
// equal times. Times never go backwards down the file.
func randomTrail(rng *rand.Rand, n int) []byte {
	var b bytes.Buffer
	at := t0
	var open []string // attempts with an intent and maybe more outcomes to come
	actions := map[string]string{}
	outcomes := []string{OutcomeDeactivated, OutcomeRejected, OutcomeUnknown, OutcomeNotSent, OutcomeCancelled,
		OutcomeNotDeactivated, OutcomeReactivated, OutcomeNotReactivated}
	id := 0
	write := func(r Record, lines int) {
		if lines > n/5 { // the first fifth is legacy
			r.Prev = fmt.Sprintf("%064x", lines)
		}
		line, _ := json.Marshal(r)
		b.Write(line)
		b.WriteByte('\n')
	}
	for lines := 0; lines < n; lines++ {
		if rng.IntN(4) != 0 { // else the same time as the line before
			at = at.Add(time.Duration(rng.IntN(600)) * time.Second)
		}
		base := Record{Time: at, OSUser: "clinic", Environment: "sandbox", ClientID: "SBX_1", HIPID: "IN27",
			ABHANumber: "XX-XXXX-XXXX-9012"}
		switch k := rng.IntN(100); {
		case k < 38 || len(open) == 0:
			id++
			r := base
			r.ID, r.Event = fmt.Sprintf("att%05d", id), EventIntent
			if rng.IntN(4) == 0 {
				r.Action = ActionReactivate
			} else if rng.IntN(2) == 0 {
				r.Action = ActionDeactivate
			} // else none: an old record, meaning deactivate
			r.Reasons = []Reason{{"101", "Privacy concerns"}}
			actions[r.ID] = r.Action
			if rng.IntN(25) == 0 { // the intent line is damaged: its outcomes are orphans
				line, _ := json.Marshal(r)
				b.Write(line[:len(line)/2])
				b.WriteByte('\n')
			} else {
				write(r, lines)
			}
			if rng.IntN(12) != 0 { // else never finished
				open = append(open, r.ID)
			}
		case k < 78:
			i := len(open) - 1 - rng.IntN(min(len(open), 4)) // mostly a recent attempt
			if rng.IntN(10) == 0 {
				i = rng.IntN(len(open)) // a status check, much later
			}
			r := base
			r.ID, r.Event, r.Action = open[i], EventOutcome, actions[open[i]]
			r.Outcome = outcomes[rng.IntN(len(outcomes))]
			if rng.IntN(3) == 0 {
				r.Message = "a message"
			}
			write(r, lines)
			if r.Outcome != OutcomeUnknown || rng.IntN(3) == 0 {
				open = append(open[:i], open[i+1:]...)
			}
		case k < 83: // an orphan outcome: its intent is not in the file
			id++
			r := base
			r.ID, r.Event, r.Outcome = fmt.Sprintf("orphan%05d", id), EventOutcome, outcomes[rng.IntN(len(outcomes))]
			write(r, lines)
		case k < 88:
			b.WriteString([]string{"garbage", `{"id":"x"}`, `{"id":"cut","time":"2026`, "[]"}[rng.IntN(4)] + "\n")
		case k < 91:
			b.WriteString("  \n")
		default:
			if len(open) > 40 {
				open = open[len(open)-40:] // the rest are never finished
			}
			lines--
		}
	}
	return b.Bytes()
}

// wantPages is what Pages must give: Summaries over Read, filtered, with
// the attempts that have no intent last.
func wantPages(t *testing.T, l *Log, f EntryFilter) []Entry {
	t.Helper()
	recs, _, err := l.Read(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var withIntent, orphans []Entry
	for _, e := range Summaries(recs) {
		switch {
		case !f.Match(e):
		case e.Intent == nil:
			orphans = append(orphans, e)
		default:
			withIntent = append(withIntent, e)
		}
	}
	return append(withIntent, orphans...)
}

func allPages(t *testing.T, p *Pager, n int) []Entry {
	t.Helper()
	var all []Entry
	for p.More() {
		page, err := p.Next(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > n || (len(page) < n && p.More()) {
			t.Fatalf("a page of %d entries for %d asked, More %v", len(page), n, p.More())
		}
		all = append(all, page...)
	}
	return all
}

func TestPagesEqualSummaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 8 {
		l := Open(filepath.Join(t.TempDir(), "audit.jsonl"))
		if err := os.WriteFile(l.Path(), randomTrail(rng, 50+rng.IntN(1500)), 0o600); err != nil {
			t.Fatal(err)
		}
		all := wantPages(t, l, EntryFilter{})
		if len(all) < 10 {
			t.Fatalf("trial %d: only %d entries", trial, len(all))
		}
		pick := func() time.Time { return all[rng.IntN(len(all))].Time }
		filters := []EntryFilter{
			{},
			{Status: OutcomeUnknown},
			{Status: StatusNoOutcome},
			{Status: OutcomeDeactivated, Action: ActionDeactivate},
			{Action: ActionReactivate},
			{Since: pick()},
			{Until: pick()},
			{Since: pick(), Until: pick(), Status: OutcomeRejected},
		}
		for _, f := range filters {
			want := wantPages(t, l, f)
			sizes := []int{3, 50, 5000}
			if f == (EntryFilter{}) || f.Status != "" {
				sizes = append(sizes, 1)
			}
			for _, n := range sizes {
				got := allPages(t, l.Pages(f), n)
				if !reflect.DeepEqual(got, want) {
					i := 0
					for i < min(len(got), len(want)) && reflect.DeepEqual(got[i], want[i]) {
						i++
					}
					var g, w Entry
					if i < len(got) {
						g = got[i]
					}
					if i < len(want) {
						w = want[i]
					}
					t.Fatalf("trial %d, filter %+v, pages of %d: %d entries, want %d; first difference at %d:\n got %s %v %s\nwant %s %v %s",
						trial, f, n, len(got), len(want), i, g.ID, g.Time, g.Status, w.ID, w.Time, w.Status)
				}
			}
		}
	}
}

func TestPagerEdges(t *testing.T) {
	ctx := context.Background()
	p := newLog(t).Pages(EntryFilter{})
	if page, err := p.Next(ctx, 10); err != nil || page != nil || p.More() {
		t.Errorf("missing file: %v %v %v", page, err, p.More())
	}
	l := chainedLog(t, 5)
	p = l.Pages(EntryFilter{})
	if _, err := p.Next(ctx, 0); err == nil {
		t.Error("a page of 0 accepted")
	}
	if _, err := p.Next(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// The file replaced under an open history.
	if err := os.Rename(l.Path(), l.Path()+".old"); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, l, "{}\n")
	if _, err := p.Next(ctx, 2); err == nil {
		t.Error("a replaced file was read on")
	}
}
