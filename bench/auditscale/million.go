package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"abha-deactivate/storage/audit/audittest"
)

// The 1,000,000-record run: `audit --csv`, `audit verify` and `audit export
// --fhir` (fhir.go) against reading the same file with an actual cat
// process, in the same run, on one sample trail written once:
//
//	audit_seq_cat_ms_1m: 143.1        cat FILE > /dev/null, median (500 MB)
//	audit_csv_ms_1m: 5344.1           `audit --csv` of the whole trail, to /dev/null
//	audit_csv_ratio_1m: 34.80         csv / cat (timed again just before csv)
//	peak_rss_mb_csv_1m: 35.3
//	audit_verify_ms_1m: 4526.4        `audit verify`
//	audit_verify_ratio_1m: 27.84
//	peak_rss_mb_verify_1m: 13.9
//	audit_fhir_ms_1m: ...             `audit export --fhir > /dev/null`
//	audit_*_cpu_ms_1m: 2000           CPU time (user + system, all cores) of one run of
//	                                  the op: on a busy machine steadier than wall time
//
// (figures of one run at a load average of 9-10 on 2 cores.)

// million is the 1M-record sample trail of a run, written once, and cat's
// median time on it. Another measurement at 1M uses m.Measure.
type million struct {
	path  string
	runs  int
	catMS float64
}

// newMillion writes the 1M sample trail in dir and times cat on it.
func newMillion(dir string, lines, runs int) (*million, error) {
	path := filepath.Join(dir, "million.jsonl")
	fmt.Fprintf(os.Stderr, "auditscale: writing a sample trail of %d lines\n", lines)
	if err := audittest.WriteSampleTrail(context.Background(), path, lines); err != nil {
		return nil, err
	}
	m := &million{path: path, runs: runs}
	var err error
	if m.catMS, err = catMS(path, runs); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil {
		fmt.Fprintf(os.Stderr, "auditscale: %.0f MB, cat %.1f ms\n", float64(fi.Size())/1e6, m.catMS)
	}
	return m, nil
}

// catMS is the median time of `cat path > /dev/null`, as a process, after
// one run to warm the page cache.
func catMS(path string, runs int) (float64, error) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	times := make([]float64, 0, runs)
	for i := range runs + 1 {
		cmd := exec.Command("cat", path)
		cmd.Stdout, cmd.Stderr = null, os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("cat: %w", err)
		}
		if i > 0 {
			times = append(times, float64(time.Since(start).Microseconds())/1000)
		}
	}
	slices.Sort(times)
	return times[(len(times)-1)/2], nil
}

// Measure runs op (a name in ops) on the 1M trail in a child process, runs
// times: its median time, that time over cat's, the child's peak RSS and
// its CPU time per run.
// The machine is shared, and its load drifts over a run, so the ratio is
// over a cat timed again just before op (audit_seq_cat_ms_1m is the first).
func (m *million) Measure(op string) (ms, ratio, rssMB, cpuMS float64, err error) {
	cat, err := catMS(m.path, m.runs)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	before := childCPU()
	ms, rssMB, err = measure(op, m.path, m.runs)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	cpuMS = float64(childCPU()-before) / float64(time.Millisecond) / float64(m.runs)
	fmt.Fprintf(os.Stderr, "auditscale: %s_1m: %.1f ms, %.0f ms CPU (cat just before: %.1f ms), peak RSS %.1f MB\n",
		op, ms, cpuMS, cat, rssMB)
	return ms, ms / cat, rssMB, cpuMS, nil
}

// childCPU is the CPU time of the child processes waited for so far.
func childCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runMillion prints the figures of the 1M run.
func runMillion(dir string, lines, runs int) error {
	m, err := newMillion(dir, lines, runs)
	if err != nil {
		return err
	}
	fmt.Printf("audit_seq_cat_ms_1m: %.1f\n", m.catMS)
	for _, op := range []string{"csv", "verify", "fhir"} {
		ms, ratio, rss, cpu, err := m.Measure(op)
		if err != nil {
			return err
		}
		fmt.Printf("audit_%s_ms_1m: %.1f\n", op, ms)
		fmt.Printf("audit_%s_ratio_1m: %.2f\n", op, ratio)
		fmt.Printf("peak_rss_mb_%s_1m: %.1f\n", op, rss)
		fmt.Printf("audit_%s_cpu_ms_1m: %.0f\n", op, cpu)
	}
	return os.Remove(m.path)
}
