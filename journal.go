package main

import (
	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
)

// newJournal returns the audit trail writer for one connection of c.
func newJournal(rt *runtimeEnv, env string, c *abdm.Client, cat abdm.Catalogue) *audit.Journal {
	return audit.NewJournal(audit.Open(rt.dirs.AuditFile()),
		audit.JournalInfo{Environment: env, ClientID: c.ClientID(), HIPID: c.HIPID(), API: string(c.Generation())}, cat)
}
