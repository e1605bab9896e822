package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/paths"
)

// runAudit shows the audit trail, newest first, as a table or CSV.
func runAudit(args []string, std stdio) int {
	fs := newFlagSet("audit", "Show the audit trail of deactivations on this computer, newest first.", std.err)
	since := fs.String("since", "", "only records on or after this date (YYYY-MM-DD, local time) or RFC 3339 time")
	until := fs.String("until", "", "only records before this date (YYYY-MM-DD, local time) or RFC 3339 time")
	outcome := fs.String("outcome", "", "only outcomes of this kind: deactivated, rejected, outcome-unknown, not-sent, not-deactivated")
	limit := fs.Int("limit", 0, "at most this many records (the newest)")
	csvOut := fs.Bool("csv", false, "print CSV (for a spreadsheet) instead of a table")
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	var f audit.Filter
	var err error
	if f.Since, err = parseDay(*since); err != nil {
		return rep.fail(usagef("--since: %v", err))
	}
	if f.Until, err = parseDay(*until); err != nil {
		return rep.fail(usagef("--until: %v", err))
	}
	f.Outcome, f.Limit = strings.TrimSpace(*outcome), *limit
	dirs, err := paths.Default()
	if err != nil {
		return rep.fail(err)
	}
	recs, stats, err := audit.Open(dirs.AuditFile()).Read(context.Background(), f)
	if err != nil {
		return rep.fail(fmt.Errorf("read the audit trail: %w", err))
	}
	if stats.Skipped > 0 {
		fmt.Fprintf(std.err, "Note: %d damaged line(s) in %s were skipped.\n", stats.Skipped, dirs.AuditFile())
	}
	if *csvOut {
		if err := audit.WriteCSV(std.out, recs); err != nil {
			return rep.fail(fmt.Errorf("write CSV: %w", err))
		}
		return exitOK
	}
	if len(recs) == 0 {
		fmt.Fprintf(std.err, "No records (audit trail: %s).\n", dirs.AuditFile())
		return exitOK
	}
	tw := tabwriter.NewWriter(std.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tEVENT\tOUTCOME\tABHA\tREASONS\tENV\tUSER\tTXN")
	for _, r := range recs {
		codes := make([]string, len(r.Reasons))
		for i, rs := range r.Reasons {
			codes[i] = rs.Code
		}
		out := r.Outcome
		if r.Code != "" {
			out += " (" + r.Code + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Time.Local().Format("2006-01-02 15:04:05"), r.Event,
			dash(out), r.ABHANumber, strings.Join(codes, ","), r.Environment, r.OSUser, dash(r.TxnID))
	}
	if err := tw.Flush(); err != nil {
		return rep.fail(err)
	}
	return exitOK
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parseDay reads YYYY-MM-DD (start of that day, local time) or an RFC 3339 time.
func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date like 2026-11-26", s)
}
