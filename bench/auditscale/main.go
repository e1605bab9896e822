// Command auditscale measures what the app's own data costs as it grows: an
// audit trail of 200,000 lines (a busy facility over years, made by
// audittest.WriteSampleTrail) against an empty one, and against reading the same
// file sequentially (as cat would) in the same run:
//
//	audit_seq_read_ms_200k: 21.0
//	history_open_ms_200k: 1.2          the History window's first page (200 attempts, newest first)
//	history_open_ratio_200k: 0.06      history_open / seq_read
//	audit_csv_ms_200k: 700             `audit --csv` of the whole trail, streamed
//	audit_csv_ratio_200k: 33
//	audit_append_ms_200k: 0.4          one record appended (and fsync'd)
//	audit_append_ms_empty: 0.4
//	audit_append_ratio: 1.0
//	peak_rss_mb_history_200k: 12       peak RSS of a process that opens the first page
//	peak_rss_mb_history_empty: 11
//	history_rss_ratio_200k: 1.1
//	...
//
// Each measurement runs in a child process (this program again, with
// -child), so that its peak RSS is its own; the child repeats its operation
// -runs times and reports the median. Progress goes to stderr, the figures
// to stdout.
//
// Then the same for 1,000,000 records (million.go), `audit --csv`, `audit
// verify` and `audit export --fhir` against an actual cat of the file.
//
// Usage: go run ./bench/auditscale [-lines 200000] [-runs 5] [-million 1000000] [-runs1m 3] [-only1m]
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

// ops are the measured operations, by name.
var ops = map[string]func(ctx context.Context, path string) error{
	"seq": func(_ context.Context, path string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r := bufio.NewReaderSize(f, 64<<10)
		for {
			if _, err := r.ReadSlice('\n'); err == io.EOF {
				return nil
			} else if err != nil && err != bufio.ErrBufferFull {
				return err
			}
		}
	},
	"history": func(ctx context.Context, path string) error {
		_, err := audit.Open(path).Pages(audit.EntryFilter{}).Next(ctx, 200)
		return err
	},
	"csv": func(ctx context.Context, path string) error { // as `audit --csv > /dev/null`
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer null.Close()
		_, err = audit.Open(path).ExportCSV(ctx, null, audit.Filter{})
		return err
	},
	"verify": func(ctx context.Context, path string) error {
		rep, err := audit.Open(path).Verify(ctx)
		if err == nil && !rep.Intact {
			err = fmt.Errorf("the sample trail is not intact: %+v", rep.Break)
		}
		return err
	},
	"append": func(ctx context.Context, path string) error {
		return audit.Open(path).Append(ctx, audit.Record{ID: audit.NewID(), Event: audit.EventIntent,
			Action: audit.ActionDeactivate, Environment: "sandbox", ABHANumber: "91-1111-2222-3333"})
	},
}

func main() {
	lines := flag.Int("lines", 200000, "lines of the large audit trail")
	million := flag.Int("million", 1000000, "lines of the trail of the *_1m figures (0: no 1M run)")
	runs1M := flag.Int("runs1m", 3, "repetitions of each operation of the 1M run")
	runs := flag.Int("runs", 5, "repetitions of each operation (the median is printed)")
	only1M := flag.Bool("only1m", false, "run only the 1M part (csv, verify and fhir against cat)")
	child := flag.String("child", "", "internal: run one operation on -file and print its median time")
	file := flag.String("file", "", "internal: the trail of -child")
	flag.Parse()
	if *child != "" {
		if err := runChild(*child, *file, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "auditscale:", err)
			os.Exit(1)
		}
		return
	}
	if *only1M {
		*lines = 0
	}
	if err := run(*lines, *runs, *million, *runs1M); err != nil {
		fmt.Fprintln(os.Stderr, "auditscale:", err)
		os.Exit(1)
	}
}

// runChild times op on path runs times and prints "ms: MEDIAN".
func runChild(op, path string, runs int) error {
	fn, ok := ops[op]
	if !ok {
		return fmt.Errorf("no operation %q", op)
	}
	ctx := context.Background()
	times := make([]float64, 0, runs)
	for range runs {
		start := time.Now()
		if err := fn(ctx, path); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		times = append(times, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(times)
	fmt.Printf("ms: %.3f\n", times[(len(times)-1)/2])
	return nil
}

// measure runs op on path in a child process: its median time and peak RSS.
func measure(op, path string, runs int) (ms, rssMB float64, err error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(self, "-child", op, "-file", path, "-runs", strconv.Itoa(runs))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s on %s: %w", op, filepath.Base(path), err)
	}
	text := strings.TrimSpace(strings.TrimPrefix(out.String(), "ms: "))
	if ms, err = strconv.ParseFloat(text, 64); err != nil {
		return 0, 0, fmt.Errorf("%s: unreadable answer %q", op, out.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rssMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return ms, rssMB, nil
}

func run(lines, runs, million, runs1M int) error {
	dir, err := os.MkdirTemp("", "abha-bench-audit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if lines > 0 {
		if err := runLarge(dir, lines, runs); err != nil {
			return err
		}
	}
	if million > 0 {
		return runMillion(dir, million, runs1M)
	}
	return nil
}

// runLarge prints the figures of the trail of lines lines.
func runLarge(dir string, lines, runs int) error {
	big, empty := filepath.Join(dir, "big.jsonl"), filepath.Join(dir, "empty.jsonl")
	fmt.Fprintf(os.Stderr, "auditscale: writing a sample trail of %d lines\n", lines)
	if err := audittest.WriteSampleTrail(context.Background(), big, lines); err != nil {
		return err
	}
	if fi, err := os.Stat(big); err == nil {
		fmt.Fprintf(os.Stderr, "auditscale: %.0f MB\n", float64(fi.Size())/1e6)
	}
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		return err
	}
	suffix := fmt.Sprintf("%dk", lines/1000)
	type result struct{ ms, rss float64 }
	got := map[string]result{}
	for _, m := range []struct{ op, file, name string }{
		{"seq", big, "seq_" + suffix}, {"history", big, "history_" + suffix}, {"history", empty, "history_empty"},
		{"csv", big, "csv_" + suffix}, {"append", big, "append_" + suffix}, {"append", empty, "append_empty"},
	} {
		n := runs
		if m.op == "append" {
			n = 4 * runs // an fsync each: noisier than the reads
		}
		ms, rss, err := measure(m.op, m.file, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "auditscale: %s: %.2f ms, peak RSS %.1f MB\n", m.name, ms, rss)
		got[m.name] = result{ms, rss}
	}
	seq := got["seq_"+suffix].ms
	fmt.Printf("audit_seq_read_ms_%s: %.2f\n", suffix, seq)
	fmt.Printf("history_open_ms_%s: %.2f\n", suffix, got["history_"+suffix].ms)
	fmt.Printf("history_open_ratio_%s: %.3f\n", suffix, got["history_"+suffix].ms/seq)
	fmt.Printf("audit_csv_ms_%s: %.1f\n", suffix, got["csv_"+suffix].ms)
	fmt.Printf("audit_csv_ratio_%s: %.2f\n", suffix, got["csv_"+suffix].ms/seq)
	fmt.Printf("audit_append_ms_%s: %.3f\n", suffix, got["append_"+suffix].ms)
	fmt.Printf("audit_append_ms_empty: %.3f\n", got["append_empty"].ms)
	fmt.Printf("audit_append_ratio: %.2f\n", got["append_"+suffix].ms/got["append_empty"].ms)
	for _, n := range []string{"seq_" + suffix, "history_" + suffix, "history_empty", "csv_" + suffix, "append_" + suffix, "append_empty"} {
		fmt.Printf("peak_rss_mb_%s: %.1f\n", n, got[n].rss)
	}
	fmt.Printf("history_rss_ratio_%s: %.2f\n", suffix, got["history_"+suffix].rss/got["history_empty"].rss)
	fmt.Printf("audit_runs: %d\n", runs)
	return nil
}
