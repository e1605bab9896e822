package audit_test

// The tests that read a sample trail from audittest, which imports audit and
// so cannot be imported by the package's own tests.

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

func TestVerifyCancelled(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/audit.jsonl"
	if err := audittest.WriteSampleTrail(context.Background(), path, 10_000); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := audit.Open(path).Verify(ctx); err == nil {
		t.Error("a cancelled Verify succeeded")
	}
	rep, err := audit.Open(path).Verify(context.Background())
	if err != nil || !rep.Intact || rep.Lines != 10_000 || rep.Chained != 10_000 {
		t.Errorf("sample trail: %+v %v", rep, err)
	}
}

func TestScanCancelled(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	big := audit.Open(filepath.Join(t.TempDir(), "big.jsonl"))
	if err := audittest.WriteSampleTrail(ctx, big.Path(), 3000); err != nil {
		t.Fatal(err)
	}
	if _, err := big.Scan(cancelled, audit.Filter{}, func(audit.Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestStreamedCSVMatchesWriteCSV(t *testing.T) {
	ctx := context.Background()
	l := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err := audittest.WriteSampleTrail(ctx, l.Path(), 500); err != nil {
		t.Fatal(err)
	}
	var streamed bytes.Buffer
	cw := audit.NewCSVWriter(&streamed)
	var recs []audit.Record
	if _, err := l.Scan(ctx, audit.Filter{}, func(r audit.Record) error {
		recs = append(recs, r)
		return cw.Write(r)
	}); err != nil {
		t.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	if err := audit.WriteCSV(&whole, recs); err != nil {
		t.Fatal(err)
	}
	if streamed.String() != whole.String() || bytes.Count(whole.Bytes(), []byte("\n")) != 501 {
		t.Errorf("streamed CSV differs (%d and %d bytes)", streamed.Len(), whole.Len())
	}
	var empty bytes.Buffer
	if err := audit.NewCSVWriter(&empty).Flush(); err != nil || empty.String() != strings.Join(audit.CSVHeader, ",")+"\n" {
		t.Errorf("empty export %q %v", empty.String(), err)
	}
	// Read is Scan sorted by time: the sample trail is in time order already.
	all, _, err := l.Read(ctx, audit.Filter{})
	if err != nil || !slices.EqualFunc(all, recs, func(a, b audit.Record) bool { return a.ID == b.ID && a.Time.Equal(b.Time) }) {
		t.Errorf("Read and Scan disagree: %v", err)
	}
}

func TestFirstPageReadsLittle(t *testing.T) {
	ctx := context.Background()
	l := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err := audittest.WriteSampleTrail(ctx, l.Path(), 8000); err != nil {
		t.Fatal(err)
	}
	p := l.Pages(audit.EntryFilter{})
	page, err := p.Next(ctx, 50)
	if err != nil || len(page) != 50 || !p.More() {
		t.Fatalf("%d entries, %v", len(page), err)
	}
	if st := p.Stats(); st.Lines > 200 {
		t.Errorf("the first page read %d lines", st.Lines)
	}
	recs, _, _ := l.Read(ctx, audit.Filter{})
	if want := audit.Summaries(recs)[:50]; !reflect.DeepEqual(page, want) {
		t.Errorf("first page differs from audit.Summaries")
	}
	// Appends after the first page are not shown; the rest still comes.
	if err := l.Append(ctx, audit.Intent("later")); err != nil {
		t.Fatal(err)
	}
	rest := audit.AllPages(t, p, 1000)
	if len(rest)+50 != len(audit.Summaries(recs)) {
		t.Errorf("%d entries after the first page, want %d", len(rest), len(audit.Summaries(recs))-50)
	}
	for _, e := range rest {
		if e.ID == "later" {
			t.Error("an append after the first page was shown")
		}
	}
	// A rare filter over the whole file.
	p = l.Pages(audit.EntryFilter{Status: audit.OutcomeNotReactivated})
	got := audit.AllPages(t, p, 50)
	if want := audit.WantPages(t, l, audit.EntryFilter{Status: audit.OutcomeNotReactivated}); !reflect.DeepEqual(got, want) || len(got) == 0 {
		t.Errorf("rare filter: %d entries, want %d", len(got), len(want))
	}
}

// cancelAfter is a context that is cancelled after its Err has been asked
// for n times.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestPagerGoesOnAfterCancel(t *testing.T) {
	ctx := context.Background()
	l := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err := audittest.WriteSampleTrail(ctx, l.Path(), 6000); err != nil {
		t.Fatal(err)
	}
	want := audit.AllPages(t, l.Pages(audit.EntryFilter{Status: audit.OutcomeRejected}), 100)
	p := l.Pages(audit.EntryFilter{Status: audit.OutcomeRejected})
	var got []audit.Entry
	cancels := 0
	for p.More() {
		page, err := p.Next(&cancelAfter{ctx, 1}, 40)
		if errors.Is(err, context.Canceled) {
			cancels++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
	}
	if cancels == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("%d cancels; %d entries, want %d", cancels, len(got), len(want))
	}
}
