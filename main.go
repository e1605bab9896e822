// Command abha-deactivate deactivates a patient's ABHA (Ayushman Bharat Health
// Account) through ABDM's APIs, confirmed by an OTP sent to the patient.
// The commands and the wizard's start-up live in package internal/cli.
package main

import (
	"os"

	_ "abha-deactivate/internal/cleanlocale" // before Fyne's language set-up: see the package
	"abha-deactivate/internal/cli"
)

// Stamped at build time with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = ""
)

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.OS(), cli.Build{Version: version, Commit: commit}))
}
