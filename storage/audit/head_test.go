package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// lastPrev is the prev of the last line of l's file.
func lastPrev(t *testing.T, l *Log) string {
	t.Helper()
	lines := fileLines(t, l)
	var r Record
	if err := json.Unmarshal(lines[len(lines)-1], &r); err != nil {
		t.Fatal(err)
	}
	return r.Prev
}

// TestLastRecordEditDetected: the last record, changed by hand, is reported
// (it no longer matches the head), and a record appended after it does not
// seal the change: it links to the line as written, so the break stays.
func TestLastRecordEditDetected(t *testing.T) {
	l := chainedLog(t, 5)
	lines := fileLines(t, l)
	original := LineHash(bytes.TrimSuffix(lines[4], []byte("\n")))
	lines[4] = bytes.Replace(lines[4], []byte("txn-1"), []byte("txn-9"), 1) // same length
	writeLines(t, l, lines)
	rep := verify(t, l)
	if rep.Intact || rep.Break.Kind != BreakLastEdited || rep.Break.Line != 5 || rep.Break.ID != "r05" ||
		rep.Head != HeadMismatch || !strings.Contains(rep.Break.Reason, "line 5, the last record the app wrote, was changed") {
		t.Fatalf("%+v %+v", rep, rep.Break)
	}
	appendAll(t, l, intent("r06"))
	if got := lastPrev(t, l); got != original {
		t.Errorf("the new record links to %s, not to the line as written (%s)", got, original)
	}
	rep = verify(t, l)
	if rep.Intact || rep.Break.Line != 5 || rep.Head != HeadMatches {
		t.Errorf("after an append: %+v %+v", rep, rep.Break)
	}
	// Another edit of the (new) last line, then two appends: still seen.
	appendAll(t, l, intent("r07"))
	if rep := verify(t, l); rep.Intact || rep.Break.Line != 5 {
		t.Errorf("later: %+v %+v", rep, rep.Break)
	}
}

// TestCutFromEndDetected: two lines removed from the end, the head left as
// it was, are reported; an append afterwards does not hide it.
func TestCutFromEndDetected(t *testing.T) {
	l := chainedLog(t, 6)
	lines := fileLines(t, l)
	writeLines(t, l, lines[:4])
	rep := verify(t, l)
	if rep.Intact || rep.Break.Kind != BreakCut || rep.Break.Line != 5 || rep.Lines != 4 ||
		!strings.Contains(rep.Break.Reason, "2 line(s) are missing from the end") {
		t.Fatalf("%+v %+v", rep, rep.Break)
	}
	appendAll(t, l, intent("r07"))
	rep = verify(t, l)
	if rep.Intact || rep.Break.Line != 4 || rep.Break.Kind != BreakEditedOrRemoved {
		t.Errorf("after an append: %+v %+v", rep, rep.Break)
	}
	// One line removed from the end is seen too.
	l = chainedLog(t, 3)
	writeLines(t, l, fileLines(t, l)[:2])
	if rep := verify(t, l); rep.Intact || rep.Break.Kind != BreakCut {
		t.Errorf("one line cut: %+v %+v", rep, rep.Break)
	}
}

// TestTrailWithoutHeadVerifies: a trail written before the head (or whose
// head is gone) is intact, the head noted missing; the next append writes it.
func TestTrailWithoutHeadVerifies(t *testing.T) {
	l := chainedLog(t, 4)
	if err := os.Remove(l.Path() + headSuffix); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, l); !rep.Intact || rep.Head != HeadMissing || rep.Chained != 4 {
		t.Errorf("%+v", rep)
	}
	appendAll(t, l, intent("r05"))
	rep := verify(t, l)
	if !rep.Intact || rep.Head != HeadMatches || rep.Chained != 5 {
		t.Errorf("after an append: %+v", rep)
	}
	h, state, err := readHead(l.Path())
	if fi, _ := os.Stat(l.Path()); err != nil || state != "" || h.Lines != 5 || h.Size != fi.Size() {
		t.Errorf("head %+v %q %v", h, state, err)
	}
	// A damaged head is rewritten by the next append, and is not a break.
	if err := os.WriteFile(l.Path()+headSuffix, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, l); !rep.Intact || rep.Head != HeadUnreadable {
		t.Errorf("damaged head: %+v", rep)
	}
	appendAll(t, l, intent("r06"))
	if rep := verify(t, l); !rep.Intact || rep.Head != HeadMatches || rep.Chained != 6 {
		t.Errorf("after the damaged head: %+v", rep)
	}
}

// TestHeadBehindTheTrail: a record written without its head (a crash
// between the two writes) is no break, and the next append links to it.
func TestHeadBehindTheTrail(t *testing.T) {
	l := chainedLog(t, 3)
	old, err := os.ReadFile(l.Path() + headSuffix)
	if err != nil {
		t.Fatal(err)
	}
	appendAll(t, l, intent("r04"))
	if err := os.WriteFile(l.Path()+headSuffix, old, 0o600); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, l); !rep.Intact || rep.Head != HeadMatches {
		t.Errorf("%+v %+v", rep, rep.Break)
	}
	appendAll(t, l, intent("r05"))
	if rep := verify(t, l); !rep.Intact || rep.Head != HeadMatches || rep.Chained != 5 {
		t.Errorf("%+v %+v", rep, rep.Break)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestOversizeLastLine: a 5 MB last line (far longer than a record) is read
// only as far as a bounded tail by Append, which still writes its record;
// Verify reports the line as damaged, and the readers skip it.
func TestOversizeLastLine(t *testing.T) {
	ctx := context.Background()
	l := chainedLog(t, 3)
	writeRaw(t, l, `{"id":"huge","time":"2026-11-26T07:35:00Z","event":"intent","otherText":"`+
		strings.Repeat("x", 5<<20)+`"}`+"\n")
	f, err := os.Open(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	cr := &countingReader{r: f}
	lk, err := appendLink(ctx, cr, fi.Size(), l.Path())
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := readHead(l.Path())
	if got := cr.n.Load(); got > 2*tailBound || lk.prev != h.Hash || lk.warn == "" {
		t.Errorf("read %d bytes (at most %d), prev %s (head %s), warning %q", got, 2*tailBound, lk.prev, h.Hash, lk.warn)
	}
	appendAll(t, l, intent("r05"))
	rep := verify(t, l)
	if rep.Intact || rep.Break.Kind != BreakDamaged || rep.Break.Line != 4 || rep.Lines != 5 ||
		!strings.Contains(rep.Break.Reason, "longer than") {
		t.Errorf("%+v %+v", rep, rep.Break)
	}
	recs, stats, err := l.Read(ctx, Filter{})
	if err != nil || len(recs) != 4 || stats != (ReadStats{Lines: 5, Skipped: 1}) {
		t.Errorf("read %d records, %+v, %v", len(recs), stats, err)
	}
	entries, err := l.Pages(EntryFilter{}).Next(ctx, 10)
	if err != nil || len(entries) != 4 {
		t.Errorf("history: %d entries, %v", len(entries), err)
	}
	var csv bytes.Buffer
	if stats, err := l.ExportCSV(ctx, &csv, Filter{}); err != nil || stats.Skipped != 1 || strings.Count(csv.String(), "\n") != 5 {
		t.Errorf("csv: %+v %v\n%s", stats, err, csv.String())
	}
}

// TestOversizeLastLineWithoutNewline: the same line cut off (no newline) at
// the end of a trail without a head: the append reads a bounded tail, puts
// its record on a line of its own, and Verify reports the damage.
func TestOversizeLastLineWithoutNewline(t *testing.T) {
	l := chainedLog(t, 2)
	if err := os.Remove(l.Path() + headSuffix); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, l, strings.Repeat("y", 3<<20))
	appendAll(t, l, intent("r03"))
	rep := verify(t, l)
	if rep.Intact || rep.Break.Kind != BreakDamaged || rep.Break.Line != 3 || rep.Lines != 4 {
		t.Errorf("%+v %+v", rep, rep.Break)
	}
	if recs, stats, err := l.Read(context.Background(), Filter{}); err != nil || len(recs) != 3 || stats.Skipped != 1 {
		t.Errorf("%d records, %+v, %v", len(recs), stats, err)
	}
}
