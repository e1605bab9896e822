package main

import (
	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
)

// newJournal returns the audit trail writer for one connection.
func newJournal(rt *runtimeEnv, env, clientID, hipID string, cat abdm.Catalogue) *audit.Journal {
	return audit.NewJournal(audit.Open(rt.dirs.AuditFile()),
		audit.JournalInfo{Environment: env, ClientID: clientID, HIPID: hipID}, cat)
}
