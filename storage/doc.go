// Package storage groups what abha-deactivate keeps on the computer: its
// folders (paths), settings (settings), the client secret in the system
// keyring (secrets), the audit trail (audit) and the log (logs). None of
// these packages imports Fyne.
package storage
