package audittest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"abha-deactivate/storage/audit"
)

func TestWriteSampleTrail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, n := range []int{0, 1, 2, 3000} {
		path := filepath.Join(dir, "trail", "audit.jsonl")
		if err := WriteSampleTrail(ctx, path, n); err != nil {
			t.Fatal(err)
		}
		first, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if lines := bytes.Count(first, []byte("\n")); lines != n {
			t.Errorf("n=%d: %d lines", n, lines)
		}
		rep, err := audit.Open(path).Verify(ctx)
		if err != nil || !rep.Intact || rep.Lines != n || rep.Chained != n {
			t.Errorf("n=%d: %+v %v", n, rep, err)
		}
		if err := WriteSampleTrail(ctx, path, n); err != nil {
			t.Fatal(err)
		}
		if again, err := os.ReadFile(path); err != nil || !bytes.Equal(again, first) {
			t.Errorf("n=%d: a second trail differs (%v)", n, err)
		}
	}
}

// TestSampleTrailHoldsEveryKind checks that a sample of some size has each
// kind of attempt the doc comment promises.
func TestSampleTrailHoldsEveryKind(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := WriteSampleTrail(ctx, path, 3000); err != nil {
		t.Fatal(err)
	}
	recs, stats, err := audit.Open(path).Read(ctx, audit.Filter{})
	if err != nil || stats.Skipped != 0 {
		t.Fatalf("%+v %v", stats, err)
	}
	statuses := map[string]int{}
	reactivations := 0
	for _, e := range audit.Summaries(recs) {
		statuses[e.Status]++
		if e.Action == audit.ActionReactivate {
			reactivations++
		}
	}
	for _, s := range []string{audit.OutcomeDeactivated, audit.OutcomeRejected, audit.OutcomeNotSent,
		audit.OutcomeCancelled, audit.OutcomeUnknown, audit.OutcomeNotDeactivated, audit.StatusNoOutcome} {
		if statuses[s] == 0 {
			t.Errorf("no attempt with status %q: %v", s, statuses)
		}
	}
	if reactivations == 0 {
		t.Error("no reactivation")
	}
}

func TestWriteSampleTrailCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteSampleTrail(ctx, filepath.Join(t.TempDir(), "audit.jsonl"), 10); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled write: %v", err)
	}
}
