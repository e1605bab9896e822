package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"abha-deactivate/storage/auditforward"
	"abha-deactivate/storage/paths"
	"abha-deactivate/storage/settings"
)

// forwardTimeout bounds `audit forward`.
const forwardTimeout = 2 * time.Minute

// runAuditForward sends the records not yet acknowledged by the facility's
// collector: exit 0 when nothing is left pending, 4 when the collector
// cannot be reached, 1 when records are left for another reason.
func runAuditForward(args []string, std proc) int {
	fs := newFlagSet("audit forward", "Send the audit records not yet forwarded to the facility's syslog collector.\n"+
		"Exit code 0: nothing is pending; 4: the collector could not be reached; 2: no collector configured.", std.Err)
	var sf syslogFlags
	sf.register(fs)
	jsonOut := fs.Bool("json", false, "print the result as one JSON object")
	rep := &reporter{std: std}
	given, err := parseFlags(fs, args)
	rep.json = *jsonOut
	if err != nil {
		return rep.fail(err)
	}
	var o settings.Overrides
	sf.overrides(given, &o)
	rt, err := openRuntime(std, "warn", o)
	if err != nil {
		return rep.fail(err)
	}
	defer rt.closeLog()
	cfg := rt.settings.AuditForwardConfig()
	if !cfg.Enabled() {
		return rep.fail(usagef("no audit collector is configured: give --audit-syslog tls://HOST:PORT --audit-syslog-ca FILE, " +
			"or set it in Settings (IT) or the facility's policy"))
	}
	if err := rt.settings.Validate(); err != nil {
		return rep.fail(usageError{strings.ReplaceAll(err.Error(), "\n", "; ")})
	}
	s, err := auditforward.NewSender(rt.dirs.AuditFile(), cfg)
	if err != nil {
		return rep.fail(usageError{err.Error()})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	res, err := s.Forward(ctx)
	return forwardReport(std, *jsonOut, cfg.URL, res, err)
}

// forwardReport prints what `audit forward` did and returns its exit code.
func forwardReport(std proc, jsonOut bool, url string, res auditforward.Result, err error) int {
	code := exitOK
	switch {
	case isUnreachable(err):
		code = exitUnavailable
	case err != nil || res.Pending > 0:
		code = exitFailure
	}
	if jsonOut {
		out := struct {
			auditforward.Result
			Collector string `json:"collector"`
			Error     string `json:"error,omitempty"`
			ExitCode  int    `json:"exitCode"`
		}{Result: res, Collector: url, ExitCode: code}
		if err != nil {
			out.Error = err.Error()
		}
		if werr := writeJSON(std.Out, out); werr != nil {
			fmt.Fprintln(std.Err, "write the result:", werr)
		}
		return code
	}
	if res.Reset != "" {
		fmt.Fprintf(std.Err, "Warning: %s. The whole trail was sent again; the collector may hold some records twice "+
			"(\"abha-deactivate audit verify --against\" names them).\n", res.Reset)
	}
	fmt.Fprintf(std.Out, "Sent %d audit record(s) to %s; %d pending.\n", res.Sent, url, res.Pending)
	switch {
	case res.Busy:
		fmt.Fprintln(std.Err, "Another window or command is forwarding the trail now; it sends the pending records.")
	case err != nil:
		fmt.Fprintf(std.Err, "Not sent: %v\nThe records are kept and sent when the collector answers.\n", err)
	}
	return code
}

// runAuditAgainst compares the trail with a collector's copy of it (`audit
// verify --against FILE`): exit 0 when they agree, exitAuditBroken when not.
func runAuditAgainst(std proc, file string, jsonOut bool) int {
	rep := &reporter{std: std, json: jsonOut}
	dirs, err := paths.Default()
	if err != nil {
		return rep.fail(err)
	}
	res, err := auditforward.Against(context.Background(), dirs.AuditFile(), file)
	if err != nil {
		return rep.fail(err)
	}
	return auditVerdict(std, res.Agree, jsonOut, func(code int) any {
		return struct {
			auditforward.AgainstReport
			ExitCode int `json:"exitCode"`
		}{res, code}
	}, func() string { return againstText(res) })
}

// againstText is the comparison in plain words, at most 50 differences.
func againstText(r auditforward.AgainstReport) string {
	var b strings.Builder
	if r.Agree {
		fmt.Fprintf(&b, "The audit trail and the collector's copy agree: %d records, each once and in order.\n", r.TrailRecords)
		return b.String()
	}
	fmt.Fprintf(&b, "The audit trail (%d records) and the collector's copy (%d records) DIFFER in %d place(s):\n",
		r.TrailRecords, r.CollectorRecords, r.Count)
	for i, d := range r.Differences {
		if i == 50 {
			fmt.Fprintf(&b, "  ... and %d more (--json lists up to %d)\n", r.Count-50, auditforward.MaxDifferences)
			break
		}
		fmt.Fprintf(&b, "  %s\n", differenceText(d))
	}
	return b.String()
}

func differenceText(d auditforward.Difference) string {
	rec := "record " + dash(d.ID) + " (" + dash(d.Event) + ")"
	switch d.Kind {
	case auditforward.DiffMissing:
		if d.Pending {
			return fmt.Sprintf("not yet forwarded: %s, trail line %d", rec, d.TrailLine)
		}
		return fmt.Sprintf("missing at the collector: %s, trail line %d", rec, d.TrailLine)
	case auditforward.DiffAdded:
		return fmt.Sprintf("only at the collector (not in the trail): %s, collector line %d", rec, d.CollectorLine)
	case auditforward.DiffChanged:
		return fmt.Sprintf("changed: %s, trail line %d differs from collector line %d", rec, d.TrailLine, d.CollectorLine)
	case auditforward.DiffDuplicate:
		return fmt.Sprintf("twice at the collector: %s, collector line %d", rec, d.CollectorLine)
	case auditforward.DiffOrder:
		return fmt.Sprintf("out of order at the collector: %s, collector line %d", rec, d.CollectorLine)
	}
	return fmt.Sprintf("not a record: collector line %d", d.CollectorLine)
}
