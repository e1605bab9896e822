package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/internal/safetext"
	"abha-deactivate/storage/audit"
)

// settleUnresolved settles the attempts on the ABHA number whose outcome
// the audit trail leaves unknown (or missing), with the status st a check
// has just found: each gets an outcome record with its ID saying a status
// check settled it, and a line here says so (on stderr with --json, whose
// stdout is one object).
func settleUnresolved(ctx context.Context, std proc, s *session, number string, st abdm.AccountStatus, json bool) {
	if number == "" {
		return
	}
	out := std.Out
	if json {
		out = std.Err
	}
	trail := audit.Open(s.rt.dirs.AuditFile())
	open, err := trail.Unresolved(ctx, time.Now().Add(-audit.UnresolvedWindow))
	if err != nil {
		fmt.Fprintln(std.Err, "Note: the audit trail could not be searched for attempts to settle:", err)
		return
	}
	for _, e := range open {
		if !e.OnSystem(s.envName, s.client.ClientID()) {
			continue // made on another ABDM system: this check says nothing about it
		}
		a, err := e.Attempt(number)
		if err != nil {
			continue // another ABHA's attempt
		}
		o := abdm.SettledOutcome(a, st, time.Now())
		if err := s.journal.Outcome(ctx, a, o); err != nil {
			fmt.Fprintln(std.Err, "Note: the settled outcome could not be written to the audit trail:", err)
			continue
		}
		printSettled(out, e, o)
	}
}

// printSettled says that the attempt e was settled with o.
func printSettled(w io.Writer, e audit.Entry, o abdm.Outcome) {
	what := "deactivation"
	if e.Action == audit.ActionReactivate {
		what = "reactivation"
	}
	fmt.Fprintf(w, "Settled the %s of %s (audit ID %s), whose outcome was not known: %s. The audit trail records it.\n",
		what, e.Time.Local().Format("2006-01-02 15:04"), safetext.Text(e.ID), o.Message)
}
