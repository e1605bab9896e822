package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// chainedLog appends n records (r01, r02, ...) and returns the log.
func chainedLog(t *testing.T, n int) *Log {
	t.Helper()
	l := newLog(t)
	for i := 1; i <= n; i++ {
		r := intent(fmt.Sprintf("r%02d", i))
		r.Time = t0.Add(time.Duration(i) * time.Minute)
		if err := l.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func fileLines(t *testing.T, l *Log) [][]byte {
	t.Helper()
	data, err := os.ReadFile(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func writeLines(t *testing.T, l *Log, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(l.Path(), bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, l *Log) VerifyReport {
	t.Helper()
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestAppendLinksEachLineToThePreviousOne(t *testing.T) {
	l := chainedLog(t, 3)
	lines := fileLines(t, l)
	want := ChainStart
	for i, line := range lines[:3] {
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if r.Prev != want {
			t.Errorf("line %d: prev %q, want %q", i+1, r.Prev, want)
		}
		sum := sha256.Sum256(bytes.TrimSuffix(line, []byte("\n")))
		want = hex.EncodeToString(sum[:])
	}
	if rep := verify(t, l); !rep.Intact || rep.Lines != 3 || rep.Chained != 3 || rep.Legacy != 0 {
		t.Errorf("%+v", rep)
	}
	// A record that names its own prev is linked all the same.
	r := intent("forged")
	r.Prev = strings.Repeat("ab", 32)
	if err := l.Append(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, l); !rep.Intact || rep.Chained != 4 {
		t.Errorf("after a forged prev: %+v", rep)
	}
}

func TestVerifyMissingAndEmpty(t *testing.T) {
	l := newLog(t)
	if rep := verify(t, l); !rep.Intact || rep.Lines != 0 || rep.Break != nil || rep.Path != l.Path() {
		t.Errorf("missing: %+v", rep)
	}
	writeRaw(t, l, "\n  \n")
	if rep := verify(t, l); !rep.Intact || rep.Lines != 0 {
		t.Errorf("blank: %+v", rep)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	type check struct {
		line int
		kind string
		id   string
		says string // part of the reason
	}
	cases := map[string]struct {
		tamper func(lines [][]byte) [][]byte
		want   check
	}{
		"edited line": {func(ls [][]byte) [][]byte {
			ls[4] = bytes.Replace(ls[4], []byte("moving abroad"), []byte("moving abroaD"), 1)
			return ls
		}, check{5, BreakEditedOrRemoved, "r05", "line 5 was changed"}},
		"edited line and its link": {func(ls [][]byte) [][]byte {
			ls[4] = bytes.Replace(ls[4], []byte(`"prev":"`), []byte(`"prev":"0`), 1)
			ls[4] = bytes.Replace(ls[4], []byte(`0","`), []byte(`","`), 1)
			return ls
		}, check{5, BreakEdited, "r05", "line 5 was changed"}},
		"removed line": {func(ls [][]byte) [][]byte {
			return append(ls[:4:4], ls[5:]...)
		}, check{4, BreakEditedOrRemoved, "r04", "lines between them were removed"}},
		"removed lines": {func(ls [][]byte) [][]byte {
			return append(ls[:4:4], ls[7:]...)
		}, check{4, BreakEditedOrRemoved, "r04", "removed"}},
		"swapped lines": {func(ls [][]byte) [][]byte {
			ls[3], ls[4] = ls[4], ls[3]
			return ls
		}, check{4, BreakOutOfOrder, "r05", "lines 4 and 5 are out of order or removed"}},
		"moved line": {func(ls [][]byte) [][]byte {
			moved := ls[2]
			rest := append(append([][]byte{}, ls[:2]...), ls[3:6]...)
			return append(append(rest, moved), ls[6:]...)
		}, check{3, BreakOutOfOrder, "r04", "out of order"}},
		"copied line": {func(ls [][]byte) [][]byte {
			return append(append(append([][]byte{}, ls[:5]...), ls[4]), ls[5:]...)
		}, check{6, BreakOutOfOrder, "r05", "line 5 is added, or lines are out of order"}},
		"damaged line": {func(ls [][]byte) [][]byte {
			ls[4] = append(ls[4][:40:40], '\n')
			return ls
		}, check{5, BreakDamaged, "", "line 5 is damaged"}},
		"removed prev": {func(ls [][]byte) [][]byte {
			i := bytes.Index(ls[4], []byte(`,"prev"`))
			ls[4] = append(ls[4][:i:i], "}\n"...)
			return ls
		}, check{5, BreakUnchained, "r05", "line 5 has no link"}},
		"removed first line": {func(ls [][]byte) [][]byte {
			return ls[1:]
		}, check{1, BreakRemoved, "r02", "before it were removed"}},
		"added line": {func(ls [][]byte) [][]byte {
			extra := []byte(`{"id":"added","time":"2026-11-26T08:00:00Z","event":"intent","prev":"` + strings.Repeat("0", 64) + "\"}\n")
			return append(append(append([][]byte{}, ls[:5]...), extra), ls[5:]...)
		}, check{6, BreakOutOfOrder, "added", "says it is the first line"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			l := chainedLog(t, 10)
			lines := fileLines(t, l)
			writeLines(t, l, c.tamper(lines))
			rep := verify(t, l)
			b := rep.Break
			if rep.Intact || b == nil {
				t.Fatalf("not found: %+v", rep)
			}
			if b.Line != c.want.line || b.Kind != c.want.kind || b.ID != c.want.id || !strings.Contains(b.Reason, c.want.says) {
				t.Errorf("got line %d %s %q: %s\nwant %+v", b.Line, b.Kind, b.ID, b.Reason, c.want)
			}
			t.Logf("line %d %s: %s", b.Line, b.Kind, b.Reason)
			if b.ID != "" && (b.Time == nil || b.Time.IsZero()) {
				t.Errorf("no time: %+v", b)
			}
		})
	}
}

func TestVerifyLegacyFileThenAppends(t *testing.T) {
	l := newLog(t)
	legacy := `{"id":"old1","time":"2025-11-26T07:35:00Z","event":"intent","osUser":"clinic","environment":"sandbox","clientId":"SBX_1","hipId":"IN27","abhaNumber":"XX-XXXX-XXXX-9012"}` + "\n" +
		"not json\n\n" +
		`{"id":"old1","time":"2025-11-26T07:36:00Z","event":"outcome","osUser":"clinic","environment":"sandbox","clientId":"SBX_1","hipId":"IN27","abhaNumber":"XX-XXXX-XXXX-9012","outcome":"deactivated"}` + "\r\n"
	writeRaw(t, l, legacy)
	if rep := verify(t, l); !rep.Intact || rep.Lines != 3 || rep.Legacy != 3 || rep.LegacyDamaged != 1 || rep.Chained != 0 {
		t.Errorf("legacy only: %+v", rep)
	}
	for i := range 3 {
		if err := l.Append(context.Background(), intent(fmt.Sprintf("new%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	rep := verify(t, l)
	if !rep.Intact || rep.Lines != 6 || rep.Legacy != 3 || rep.Chained != 3 {
		t.Errorf("after appends: %+v", rep)
	}
	recs, stats, err := l.Read(context.Background(), Filter{})
	if err != nil || len(recs) != 5 || stats.Skipped != 1 {
		t.Errorf("Read: %d records, %+v, %v", len(recs), stats, err)
	}
	// The last old line is covered by the first link.
	lines := fileLines(t, l)
	lines[3] = bytes.Replace(lines[3], []byte("deactivated"), []byte("rejected"), 1)
	writeLines(t, l, lines)
	if b := verify(t, l).Break; b == nil || b.Line != 4 || b.ID != "old1" {
		t.Errorf("edited last old line: %+v", b)
	}
}

func TestCutOffLineIsKeptLinkedAndReported(t *testing.T) {
	ctx := context.Background()
	l := chainedLog(t, 3)
	writeRaw(t, l, `{"id":"partial","time":"2026-11`) // a crash in the middle of a write
	if err := l.Append(ctx, intent("after")); err != nil {
		t.Fatal(err)
	}
	lines := fileLines(t, l)
	if len(lines) != 5 || string(lines[3]) != `{"id":"partial","time":"2026-11`+"\n" {
		t.Fatalf("lines: %q", lines)
	}
	var r Record
	_ = json.Unmarshal(lines[4], &r)
	if r.ID != "after" || r.Prev != LineHash(lines[3][:len(lines[3])-1]) {
		t.Errorf("the record after the cut-off line links to %q", r.Prev)
	}
	rep := verify(t, l)
	if b := rep.Break; b == nil || b.Line != 4 || b.Kind != BreakDamaged || rep.Chained != 4 {
		t.Errorf("%+v %+v", rep, b)
	}

	// An old file that ends in a cut-off line: the chain begins by covering it.
	l = newLog(t)
	writeRaw(t, l, `{"id":"old","time":"2025-11-26T07:35:00Z","event":"intent"}`+"\n"+`{"id":"cut`)
	if rep := verify(t, l); !rep.Intact || rep.LegacyDamaged != 1 {
		t.Errorf("old file: %+v", rep)
	}
	if err := l.Append(ctx, intent("first-new")); err != nil {
		t.Fatal(err)
	}
	if b := verify(t, l).Break; b == nil || b.Line != 2 || b.Kind != BreakDamaged {
		t.Errorf("old file after an append: %+v", b)
	}
}

func TestVerifyToleratesCRLFAndBlankLines(t *testing.T) {
	l := chainedLog(t, 4)
	data, _ := os.ReadFile(l.Path())
	data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n\n  \n"))
	if err := os.WriteFile(l.Path(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), intent("r05")); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, l); !rep.Intact || rep.Chained != 5 {
		t.Errorf("%+v %+v", rep, rep.Break)
	}
}

func TestVerifyReportsFirstBreakAndCountsAll(t *testing.T) {
	l := chainedLog(t, 40)
	lines := fileLines(t, l)
	lines[9] = bytes.Replace(lines[9], []byte("txn-1"), []byte("txn-2"), 1)
	lines[29] = []byte("garbage\n")
	writeLines(t, l, lines)
	rep := verify(t, l)
	if rep.Break == nil || rep.Break.Line != 10 || rep.Lines != 40 || rep.Chained != 39 {
		t.Errorf("%+v %+v", rep, rep.Break)
	}
}

func TestVerifyLongLines(t *testing.T) {
	l := newLog(t)
	r := intent("long")
	r.Message = strings.Repeat("m", MaxMessage)
	writeRaw(t, l, `{"id":"huge","time":"2025-11-26T07:35:00Z","event":"intent","otherText":"`+strings.Repeat("x", 600_000)+`"}`+"\n")
	for range 3 {
		if err := l.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	// A line longer than MaxLine is not a record (the app's are far shorter):
	// it is reported as damaged, and the records after it still verify.
	rep := verify(t, l)
	if rep.Intact || rep.Legacy != 1 || rep.LegacyDamaged != 1 || rep.Chained != 3 || rep.Break.Line != 1 ||
		rep.Break.Kind != BreakDamaged || !strings.Contains(rep.Break.Reason, "longer than 65536 bytes") {
		t.Errorf("%+v %+v", rep, rep.Break)
	}
	// Records of the longest length Append allows still verify.
	l = newLog(t)
	r.OtherText = strings.Repeat("\u202e", MaxOtherText)
	for range 3 {
		if err := l.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if rep := verify(t, l); !rep.Intact || rep.Chained != 3 {
		t.Errorf("%+v", rep)
	}
}
