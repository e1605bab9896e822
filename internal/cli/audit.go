package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/paths"
)

// tableBlock is how many rows of the audit table are aligned together: the
// table is streamed, so memory stays small however long the trail is.
const tableBlock = 500

// auditFlags are the flags of `audit`.
type auditFlags struct {
	since, until, outcome string
	limit                 int
	csv                   bool
}

func (a *auditFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.since, "since", "", "only records on or after this date (YYYY-MM-DD, local time) or RFC 3339 time")
	fs.StringVar(&a.until, "until", "", "only records before this date (YYYY-MM-DD, local time) or RFC 3339 time")
	fs.StringVar(&a.outcome, "outcome", "", "only outcomes of this kind: deactivated, reactivated, rejected, outcome-unknown, not-sent, not-deactivated, not-reactivated, cancelled")
	fs.IntVar(&a.limit, "limit", 0, "at most this many records (the newest)")
	fs.BoolVar(&a.csv, "csv", false, "print CSV (for a spreadsheet) instead of a table")
}

// filter is the audit filter the flags ask for.
func (a *auditFlags) filter() (audit.Filter, error) {
	var f audit.Filter
	var err error
	if f.Since, err = parseDay(a.since); err != nil {
		return f, usagef("--since: %v", err)
	}
	if f.Until, err = parseDay(a.until); err != nil {
		return f, usagef("--until: %v", err)
	}
	f.Outcome, f.Limit = strings.TrimSpace(a.outcome), a.limit
	return f, nil
}

// auditCommands are the sub-commands of `audit`, by name.
var auditCommands = map[string]func(args []string, std proc) int{
	"verify":  runAuditVerify,
	"export":  runAuditExport,
	"forward": runAuditForward,
}

// runAudit shows the audit trail, newest first, as a table or CSV; `audit
// verify` checks its chain.
func runAudit(args []string, std proc) int {
	if len(args) > 0 {
		if sub, ok := auditCommands[args[0]]; ok {
			return sub(args[1:], std)
		}
	}
	fs := newFlagSet("audit", "Show the audit trail of deactivations and reactivations on this computer, newest first.\n"+
		"\"abha-deactivate audit verify\" checks that it has not been changed; \"abha-deactivate audit export --fhir\"\n"+
		"exports it as FHIR R4 AuditEvents.", std.Err)
	var af auditFlags
	af.register(fs)
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	f, err := af.filter()
	if err != nil {
		return rep.fail(err)
	}
	dirs, err := paths.Default()
	if err != nil {
		return rep.fail(err)
	}
	// Both outputs stream, the newest line first, no record kept.
	trail := audit.Open(dirs.AuditFile())
	table := &auditTable{tw: tabwriter.NewWriter(std.Out, 0, 0, 2, ' ', 0)}
	var stats audit.ReadStats
	if af.csv {
		stats, err = trail.ExportCSV(context.Background(), std.Out, f)
		if err != nil {
			err = fmt.Errorf("export the audit trail: %w", err)
		}
	} else {
		stats, err = scanAudit(trail, f, table)
	}
	if err != nil {
		return rep.fail(err)
	}
	if stats.Skipped > 0 {
		fmt.Fprintf(std.Err, "Note: %d damaged line(s) in %s were skipped. Run \"abha-deactivate audit verify\".\n",
			stats.Skipped, dirs.AuditFile())
	}
	if !af.csv && table.rows == 0 {
		fmt.Fprintf(std.Err, "No records (audit trail: %s).\n", dirs.AuditFile())
	}
	return exitOK
}

// scanAudit writes to out the records of trail that f keeps, as they stream past.
func scanAudit(trail *audit.Log, f audit.Filter, out *auditTable) (audit.ReadStats, error) {
	var writeErr error
	stats, err := trail.Scan(context.Background(), f, func(r audit.Record) error {
		if writeErr = out.Write(r.Safe()); writeErr != nil {
			return audit.ErrStop
		}
		return nil
	})
	if err != nil {
		return stats, fmt.Errorf("read the audit trail: %w", err)
	}
	if writeErr == nil {
		writeErr = out.Flush()
	}
	if writeErr != nil {
		return stats, fmt.Errorf("write the audit trail: %w", writeErr)
	}
	return stats, nil
}

// auditTable writes records as an aligned table, tableBlock rows at a time,
// each block under its own header.
type auditTable struct {
	tw   *tabwriter.Writer
	rows int
}

// Write adds r to the table.
func (t *auditTable) Write(r audit.Record) error {
	if t.rows%tableBlock == 0 {
		if t.rows > 0 {
			if err := t.tw.Flush(); err != nil {
				return err
			}
		}
		fmt.Fprintln(t.tw, "TIME\tEVENT\tOUTCOME\tABHA\tREASONS\tENV\tUSER\tTXN")
	}
	t.rows++
	codes := make([]string, len(r.Reasons))
	for i, rs := range r.Reasons {
		codes[i] = rs.Code
	}
	out := r.Outcome
	if r.Code != "" {
		out += " (" + r.Code + ")"
	}
	if strings.HasPrefix(r.Message, abdm.SettledMessage) {
		out += " (" + abdm.SettledMessage + ")"
	}
	fmt.Fprintf(t.tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Time.Local().Format("2006-01-02 15:04:05"), r.Event,
		dash(out), r.ABHANumber, strings.Join(codes, ","), r.Environment, r.OSUser, dash(r.TxnID))
	return nil
}

// Flush writes out the last block.
func (t *auditTable) Flush() error { return t.tw.Flush() }

// runAuditVerify checks the audit trail's chain of links: exit 0 if it is
// intact, exitAuditBroken if not.
func runAuditVerify(args []string, std proc) int {
	fs := newFlagSet("audit verify", "Check that the audit trail has not been changed: each record links to the line "+
		"before it (a SHA-256 hash),\nso an edited, removed or reordered line breaks the chain. "+
		"Exit code 0: intact; 6: broken.", std.Err)
	jsonOut := fs.Bool("json", false, "print the report as one JSON object")
	against := fs.String("against", "", "compare the trail with the collector's copy in FILE (rsyslog's \"%rawmsg%\" lines or JSON lines): exit 6 on any difference")
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	if *against != "" {
		return runAuditAgainst(std, *against, *jsonOut)
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
	return auditVerdict(std, res.Intact, *jsonOut, func(code int) any {
		return struct {
			audit.VerifyReport
			ExitCode int `json:"exitCode"`
		}{res, code}
	}, func() string { return verifyText(res) })
}

// auditVerdict prints the result of a check of the trail (as JSON that
// ends with its exit code, or in plain words) and returns that exit code:
// exitOK when the check passed, exitAuditBroken when not.
func auditVerdict(std proc, passed, jsonOut bool, asJSON func(code int) any, text func() string) int {
	code := exitOK
	if !passed {
		code = exitAuditBroken
	}
	if jsonOut {
		if err := writeJSON(std.Out, asJSON(code)); err != nil {
			fmt.Fprintln(std.Err, "write the result:", err)
		}
		return code
	}
	fmt.Fprint(std.Out, text())
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
		if res.Head == audit.HeadMissing && res.Chained > 0 {
			b.WriteString("Note: no head file yet (a trail from an older version): a change to the last record, or " +
				"records cut from the end, can be seen from the next record written.\n")
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
