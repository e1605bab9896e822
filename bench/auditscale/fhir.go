package main

// audit export --fhir over a trail of a million lines, against reading the
// same file with cat in the same run:
//
//	audit_cat_ms_1m: 80             cat FILE > /dev/null
//	audit_fhir_ms_1m: 900           the export (fhir.Export, as `audit export --fhir > /dev/null`)
//	audit_fhir_ratio_1m: 11         audit_fhir / audit_cat (goal: at most 3)
//	peak_rss_mb_fhir_1m: 30         peak RSS of the exporting process (goal: under 64)
//	audit_fhir_cpu_ms_1m: 2000      CPU time (user + system, all cores) of one export: on a
//	                                busy machine a steadier figure than the wall time

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
	"abha-deactivate/storage/audit/fhir"
)

func init() {
	ops["cat"] = func(ctx context.Context, path string) error {
		cmd := exec.CommandContext(ctx, "cat", path)
		devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer devNull.Close()
		cmd.Stdout, cmd.Stderr = devNull, os.Stderr
		return cmd.Run()
	}
	ops["fhir"] = func(ctx context.Context, path string) error {
		devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer devNull.Close()
		_, err = fhir.Export(ctx, audit.Open(path), fhir.Options{Host: "bench"}, devNull)
		return err
	}
}

// runFHIR measures the export over a sample trail of lines lines (the
// figures are named for a million).
func runFHIR(lines, runs int) error {
	dir, err := os.MkdirTemp("", "abha-bench-fhir-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "audit.jsonl")
	fmt.Fprintf(os.Stderr, "auditscale: writing a sample trail of %d lines for the FHIR export\n", lines)
	if err := audittest.WriteSampleTrail(context.Background(), path, lines); err != nil {
		return err
	}
	suffix := fmt.Sprintf("%dm", lines/1000000)
	if lines%1000000 != 0 {
		suffix = fmt.Sprintf("%dk", lines/1000)
	}
	catMS, _, err := measure("cat", path, runs)
	if err != nil {
		return err
	}
	before := childCPU()
	ms, rss, err := measure("fhir", path, runs)
	if err != nil {
		return err
	}
	cpuMS := float64(childCPU()-before) / float64(time.Millisecond) / float64(runs)
	fmt.Printf("audit_cat_ms_%s: %.1f\n", suffix, catMS)
	fmt.Printf("audit_fhir_ms_%s: %.1f\n", suffix, ms)
	fmt.Printf("audit_fhir_ratio_%s: %.2f\n", suffix, ms/catMS)
	fmt.Printf("peak_rss_mb_fhir_%s: %.1f\n", suffix, rss)
	fmt.Printf("audit_fhir_cpu_ms_%s: %.0f\n", suffix, cpuMS)
	return nil
}

// childCPU is the CPU time of the child processes waited for so far.
func childCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
