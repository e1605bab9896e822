package audit_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

// The benchmarks share one sample trail of 200,000 lines, built once per
// run. Compare them in one run:
//
//	go test -run XXX -bench . -benchmem ./storage/audit/
const benchLines = 200_000

var (
	sampleOnce sync.Once
	sampleDir  string
	sampleErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sampleDir != "" {
		_ = os.RemoveAll(sampleDir)
	}
	os.Exit(code)
}

// sample200k returns the path of the shared sample trail (do not append to it).
func sample200k(b *testing.B) string {
	b.Helper()
	sampleOnce.Do(func() {
		if sampleDir, sampleErr = os.MkdirTemp("", "abha-audit-bench-"); sampleErr == nil {
			sampleErr = audittest.WriteSampleTrail(context.Background(), filepath.Join(sampleDir, "audit.jsonl"), benchLines)
		}
	})
	if sampleErr != nil {
		b.Fatal(sampleErr)
	}
	return filepath.Join(sampleDir, "audit.jsonl")
}

func sampleSize(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

func benchAppend(b *testing.B, l *audit.Log) {
	ctx := context.Background()
	r := audit.Intent(audit.NewID())
	r.ABHANumber = "XX-XXXX-XXXX-9012"
	for b.Loop() {
		if err := l.Append(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendEmpty appends to a trail that starts empty (one fsync each).
func BenchmarkAppendEmpty(b *testing.B) {
	benchAppend(b, audit.Open(filepath.Join(b.TempDir(), "audit.jsonl")))
}

// BenchmarkAppend200k appends to a copy of the 200,000-line trail.
func BenchmarkAppend200k(b *testing.B) {
	src, err := os.ReadFile(sample200k(b))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "audit.jsonl")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		b.Fatal(err)
	}
	benchAppend(b, audit.Open(path))
}

// BenchmarkFirstPage200k is the history window opening: the first 50 attempts.
func BenchmarkFirstPage200k(b *testing.B) {
	l := audit.Open(sample200k(b))
	for b.Loop() {
		page, err := l.Pages(audit.EntryFilter{}).Next(context.Background(), 50)
		if err != nil || len(page) != 50 {
			b.Fatal(len(page), err)
		}
	}
}

// BenchmarkRareFilter200k pages through the whole trail for a rare status.
func BenchmarkRareFilter200k(b *testing.B) {
	l := audit.Open(sample200k(b))
	b.SetBytes(sampleSize(b, l.Path()))
	for b.Loop() {
		p := l.Pages(audit.EntryFilter{Status: audit.OutcomeNotReactivated})
		for p.More() {
			if _, err := p.Next(context.Background(), 50); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkVerify200k checks the whole chain.
func BenchmarkVerify200k(b *testing.B) {
	l := audit.Open(sample200k(b))
	b.SetBytes(sampleSize(b, l.Path()))
	for b.Loop() {
		rep, err := l.Verify(context.Background())
		if err != nil || !rep.Intact || rep.Lines != benchLines {
			b.Fatal(rep, err)
		}
	}
}

// BenchmarkCSV200k exports the whole trail as `audit --csv` does.
func BenchmarkCSV200k(b *testing.B) {
	l := audit.Open(sample200k(b))
	b.SetBytes(sampleSize(b, l.Path()))
	for b.Loop() {
		if _, err := l.ExportCSV(context.Background(), io.Discard, audit.Filter{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSequentialRead200k reads the same file line by line with bufio
// and nothing else: the floor the others compare with.
func BenchmarkSequentialRead200k(b *testing.B) {
	path := sample200k(b)
	b.SetBytes(sampleSize(b, path))
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		br := bufio.NewReaderSize(f, 64<<10)
		n := 0
		for {
			_, err := br.ReadSlice('\n')
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		if n != benchLines {
			b.Fatal(n)
		}
	}
}
