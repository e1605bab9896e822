// Command auditforward measures what forwarding the audit trail to a
// syslog collector adds to the desk's path: the time of appending records
// (audit.Log.Append, as the Journal does) with a forwarder configured and
// kicked after each append, as the app does, minus the same appends
// without one, per record, against a TLS listener on 127.0.0.1 in this
// process that reads RFC 5425 frames and closes after the client does. It
// checks that every record reached the listener, then prints
// `name: value` lines:
//
//	audit_forward_ms_per_record   the difference, in milliseconds per record (median of the runs)
//	audit_append_ms_per_record    appending alone, for scale
//	peak_rss_mb_forward           the process's peak resident memory, in MB
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"abha-deactivate/internal/syslogtest"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/auditforward"
)

func main() {
	records := flag.Int("records", 300, "records appended per run")
	runs := flag.Int("runs", 5, "runs of each kind, taking turns")
	flag.Parse()
	if err := run(*records, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "auditforward:", err)
		os.Exit(1)
	}
}

func run(records, runs int) error {
	dir, err := os.MkdirTemp("", "auditforward-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pki, err := syslogtest.NewPKI(dir)
	if err != nil {
		return err
	}
	coll, err := syslogtest.Listen(pki.ServerConfig())
	if err != nil {
		return err
	}
	defer coll.Close()
	var plain, fwd []float64
	for r := 0; r < runs; r++ {
		d, err := appendRun(filepath.Join(dir, fmt.Sprintf("plain%d", r), "audit.jsonl"), records, nil)
		if err != nil {
			return err
		}
		plain = append(plain, d)
		trail := filepath.Join(dir, fmt.Sprintf("fwd%d", r), "audit.jsonl")
		d, err = appendRun(trail, records, &auditforward.Config{URL: coll.URL(), CAFile: pki.CAFile})
		if err != nil {
			return err
		}
		fwd = append(fwd, d)
		fmt.Fprintf(os.Stderr, "run %d: %.3f ms/record without forwarding, %.3f with\n", r+1, plain[r], fwd[r])
	}
	if got, want := len(coll.Messages()), records*runs; got != want {
		return fmt.Errorf("the listener received %d records, want %d", got, want)
	}
	fmt.Printf("audit_forward_ms_per_record: %.4f\n", median(fwd)-median(plain))
	fmt.Printf("audit_append_ms_per_record: %.4f\n", median(plain))
	if mb, ok := peakRSSMB(); ok {
		fmt.Printf("peak_rss_mb_forward: %.1f\n", mb)
	}
	return nil
}

// appendRun appends n records to a new trail, with a forwarder kicked after
// each append when cfg is set, and returns the milliseconds per record of
// the appends (the desk's path). With a forwarder it then waits until
// everything was forwarded (not timed).
func appendRun(trail string, n int, cfg *auditforward.Config) (float64, error) {
	log := audit.Open(trail)
	ctx := context.Background()
	if err := log.CheckWritable(); err != nil {
		return 0, err
	}
	var f *auditforward.Forwarder
	if cfg != nil {
		s, err := auditforward.NewSender(trail, *cfg)
		if err != nil {
			return 0, err
		}
		f = auditforward.StartForwarder(s, nil)
		defer f.Stop()
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		r := audit.Record{ID: audit.NewID(), Event: audit.EventIntent, Action: audit.ActionDeactivate, Environment: "demo",
			ClientID: "BENCH", ABHANumber: "91-5512-3456-7890", Reasons: []audit.Reason{{Code: "101", Label: "bench"}}}
		if err := log.Append(ctx, r); err != nil {
			return 0, err
		}
		if f != nil {
			f.Kick()
		}
	}
	ms := float64(time.Since(start).Microseconds()) / 1000 / float64(n)
	if f == nil {
		return ms, nil
	}
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := f.Flush(ctx)
		if err == nil && res.Pending == 0 {
			return ms, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("records still pending after a minute: %+v %v", res, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
