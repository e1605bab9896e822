package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReverseLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		var b bytes.Buffer
		for range rng.IntN(40) {
			switch rng.IntN(4) {
			case 0:
				b.WriteByte('\n')
			case 1:
				b.WriteString(strings.Repeat("x", rng.IntN(3000)))
			default:
				fmt.Fprintf(&b, "line %d\n", rng.IntN(1000))
			}
		}
		data := b.Bytes()
		want := bytes.Split(data, []byte("\n"))
		var offs []int64
		off := int64(0)
		for _, w := range want {
			offs = append(offs, off)
			off += int64(len(w)) + 1
		}
		rl := newReverseLines(bytes.NewReader(data), int64(len(data)), 1+rng.IntN(64))
		for i := len(want) - 1; i >= 0; i-- {
			line, at, err := rl.next()
			if err != nil || !bytes.Equal(line, want[i]) || at != offs[i] {
				t.Fatalf("trial %d, line %d: %q at %d, %v; want %q at %d", trial, i, line, at, err, want[i], offs[i])
			}
		}
		if _, _, err := rl.next(); err != io.EOF {
			t.Fatalf("trial %d: %v at the end", trial, err)
		}
	}
	// A file cut short under the reader is an error, not a silent end.
	rl := newReverseLines(bytes.NewReader([]byte("a\nb\n")), 100, 8)
	if _, _, err := rl.next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short file: %v", err)
	}
}

func TestScanNewestFirstInFileOrder(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	appendAll(t, l,
		outcome("c", OutcomeDeactivated, at(3)),
		outcome("a", OutcomeRejected, at(1)),
		outcome("d", OutcomeUnknown, at(4)),
		outcome("b", OutcomeDeactivated, at(2)),
	)
	writeRaw(t, l, "damaged\n")
	if err := l.Append(ctx, outcome("e", OutcomeDeactivated, at(5))); err != nil {
		t.Fatal(err)
	}
	scan := func(f Filter, stopAfter int) (string, ReadStats) {
		var ids []string
		stats, err := l.Scan(ctx, f, func(r Record) error {
			ids = append(ids, r.ID)
			if len(ids) == stopAfter {
				return ErrStop
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(ids, ","), stats
	}
	for _, c := range []struct {
		f     Filter
		stop  int
		want  string
		stats ReadStats
	}{
		{Filter{}, 0, "e,b,d,a,c", ReadStats{Lines: 6, Skipped: 1}},
		{Filter{Limit: 2}, 0, "e,b", ReadStats{Lines: 3, Skipped: 1}},
		{Filter{}, 1, "e", ReadStats{Lines: 1}},
		{Filter{Outcome: OutcomeDeactivated}, 0, "e,b,c", ReadStats{Lines: 6, Skipped: 1}},
		{Filter{Since: at(2), Until: at(5)}, 0, "b,d,c", ReadStats{Lines: 6, Skipped: 1}},
	} {
		if got, stats := scan(c.f, c.stop); got != c.want || stats != c.stats {
			t.Errorf("%+v: %s %+v, want %s %+v", c.f, got, stats, c.want, c.stats)
		}
	}
	boom := errors.New("boom")
	if _, err := l.Scan(ctx, Filter{}, func(Record) error { return boom }); err != boom {
		t.Errorf("callback error: %v", err)
	}
	var n int
	if _, err := Open(filepath.Join(t.TempDir(), "none")).Scan(ctx, Filter{}, func(Record) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("missing file: %d %v", n, err)
	}
}
