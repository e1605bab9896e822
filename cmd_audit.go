package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/paths"
)

// tableBlock is how many rows of the audit table are aligned together: the
// table is streamed, so memory stays small however long the trail is.
const tableBlock = 500

// runAudit shows the audit trail, newest first, as a table or CSV; `audit
// verify` checks its chain.
func runAudit(args []string, std stdio) int {
	if len(args) > 0 && args[0] == "verify" {
		return runAuditVerify(args[1:], std)
	}
	fs := newFlagSet("audit", "Show the audit trail of deactivations and reactivations on this computer, newest first.\n"+
		"\"abha-deactivate audit verify\" checks that it has not been changed.", std.err)
	since := fs.String("since", "", "only records on or after this date (YYYY-MM-DD, local time) or RFC 3339 time")
	until := fs.String("until", "", "only records before this date (YYYY-MM-DD, local time) or RFC 3339 time")
	outcome := fs.String("outcome", "", "only outcomes of this kind: deactivated, reactivated, rejected, outcome-unknown, not-sent, not-deactivated, not-reactivated, cancelled")
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
	trail := audit.Open(dirs.AuditFile())

	// Both outputs stream through Scan: the newest line first, no record kept.
	var (
		writeErr error
		rows     int
		stats    audit.ReadStats
	)
	if *csvOut {
		cw := audit.NewCSVWriter(std.out)
		stats, err = trail.Scan(context.Background(), f, func(r audit.Record) error {
			if writeErr = cw.Write(r); writeErr != nil {
				return audit.ErrStop
			}
			return nil
		})
		if err == nil && writeErr == nil {
			writeErr = cw.Flush()
		}
	} else {
		tw := tabwriter.NewWriter(std.out, 0, 0, 2, ' ', 0)
		header := func() { fmt.Fprintln(tw, "TIME\tEVENT\tOUTCOME\tABHA\tREASONS\tENV\tUSER\tTXN") }
		stats, err = trail.Scan(context.Background(), f, func(r audit.Record) error {
			if rows%tableBlock == 0 {
				if rows > 0 {
					if writeErr = tw.Flush(); writeErr != nil {
						return audit.ErrStop
					}
				}
				header()
			}
			rows++
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
			return nil
		})
		if err == nil && writeErr == nil {
			writeErr = tw.Flush()
		}
	}
	if err != nil {
		return rep.fail(fmt.Errorf("read the audit trail: %w", err))
	}
	if writeErr != nil {
		return rep.fail(fmt.Errorf("write the audit trail: %w", writeErr))
	}
	if stats.Skipped > 0 {
		fmt.Fprintf(std.err, "Note: %d damaged line(s) in %s were skipped. Run \"abha-deactivate audit verify\".\n",
			stats.Skipped, dirs.AuditFile())
	}
	if !*csvOut && rows == 0 {
		fmt.Fprintf(std.err, "No records (audit trail: %s).\n", dirs.AuditFile())
	}
	return exitOK
}

// runAuditVerify checks the audit trail's chain of links: exit 0 if it is
// intact, exitAuditBroken if not.
func runAuditVerify(args []string, std stdio) int {
	fs := newFlagSet("audit verify", "Check that the audit trail has not been changed: each record links to the line "+
		"before it (a SHA-256 hash),\nso an edited, removed or reordered line breaks the chain. "+
		"Exit code 0: intact; 6: broken.", std.err)
	jsonOut := fs.Bool("json", false, "print the report as one JSON object")
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	rep.json = *jsonOut
	dirs, err := paths.Default()
	if err != nil {
		return rep.fail(err)
	}
	res, err := audit.Open(dirs.AuditFile()).Verify(context.Background())
	if err != nil {
		return rep.fail(fmt.Errorf("verify the audit trail: %w", err))
	}
	code := exitOK
	if !res.Intact {
		code = exitAuditBroken
	}
	if *jsonOut {
		enc := json.NewEncoder(std.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			audit.VerifyReport
			ExitCode int `json:"exitCode"`
		}{res, code}); err != nil {
			fmt.Fprintln(std.err, "write the result:", err)
		}
		return code
	}
	fmt.Fprint(std.out, verifyText(res))
	return code
}

// verifyText is the report of `audit verify` in plain words.
func verifyText(res audit.VerifyReport) string {
	records, before := res.Lines-res.LegacyDamaged, res.Legacy-res.LegacyDamaged
	var b strings.Builder
	if res.Intact {
		fmt.Fprintf(&b, "Audit trail intact: %d records (%d before the chain began) in %s\n", records, before, res.Path)
		if res.LegacyDamaged > 0 {
			fmt.Fprintf(&b, "Note: %d damaged line(s) from before the chain began cannot be checked.\n", res.LegacyDamaged)
		}
		if res.Chained == 0 && res.Lines > 0 {
			b.WriteString("No record is linked yet: the chain begins with the next record written.\n")
		}
		return b.String()
	}
	br := res.Break
	fmt.Fprintf(&b, "Audit trail BROKEN at line %d of %s\n", br.Line, res.Path)
	if br.ID != "" && br.Time != nil {
		fmt.Fprintf(&b, "Record: %s, %s\n", br.ID, br.Time.Local().Format("2006-01-02 15:04:05 MST"))
	} else {
		b.WriteString("Record: not readable\n")
	}
	fmt.Fprintf(&b, "Reason: %s.\n", br.Reason)
	fmt.Fprintf(&b, "Checked: %d lines (%d before the chain began, %d linked).\n", res.Lines, res.Legacy, res.Chained)
	b.WriteString("What to do: keep the file exactly as it is (copy it somewhere safe) and tell the facility's IT " +
		"or data protection officer: it is the record of what was done. Do not edit, \"repair\" or delete it by " +
		"hand; that would destroy the evidence. The app goes on adding records after the break safely.\n")
	return b.String()
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
