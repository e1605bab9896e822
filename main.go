// Command abha-deactivate deactivates a patient's ABHA (Ayushman Bharat Health
// Account) through ABDM's APIs, confirmed by an OTP sent to the patient.
//
// Without a subcommand it opens the wizard; `deactivate` runs the same flow
// in a terminal, `sandbox` serves the ABDM simulator, `audit` shows the audit
// trail. Run `abha-deactivate help` for the details.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	_ "abha-deactivate/internal/cleanlocale" // before Fyne's language set-up: see the package
)

// Stamped at build time with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = ""
)

// Exit codes of every command.
const (
	exitOK          = 0 // done (deactivated for `deactivate`, reactivated for `reactivate`)
	exitFailure     = 1 // a local problem: cancelled, audit trail, keyring, I/O
	exitUsage       = 2 // bad flags or missing input
	exitRejected    = 3 // ABDM refused (the code is shown)
	exitUnavailable = 4 // network trouble or ABDM unavailable
	exitUnknown     = 5 // the deactivation or reactivation was sent but its outcome is unknown
	exitAuditBroken = 6 // `audit verify`: the audit trail's chain is broken (a line edited, removed or damaged)
)

// stdio is where a command reads and writes; tests substitute their own.
type stdio struct {
	in       io.Reader
	out, err io.Writer
	getenv   func(string) string
}

func main() {
	os.Exit(run(os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv}))
}

// run dispatches to a subcommand and returns the process exit code.
func run(args []string, std stdio) int {
	if len(args) > 0 {
		switch args[0] {
		case "deactivate":
			return runDeactivate(args[1:], std)
		case "reactivate":
			return runReactivate(args[1:], std)
		case "status":
			return runStatus(args[1:], std)
		case "sandbox":
			return runSandbox(args[1:], std)
		case "audit":
			return runAudit(args[1:], std)
		case "forget-secret":
			return runForgetSecret(args[1:], std)
		case "version", "--version", "-version":
			fmt.Fprintln(std.out, versionString())
			return exitOK
		case "help", "--help", "-help", "-h":
			fmt.Fprint(std.out, usageText)
			return exitOK
		}
	}
	return runGUI(args, std)
}

// versionString is "abha-deactivate VERSION (COMMIT)".
func versionString() string { return "abha-deactivate " + versionNumber() }

// versionNumber is "VERSION (COMMIT)", or VERSION when the commit is unknown.
func versionNumber() string {
	c := commit
	if c == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					c = s.Value
				}
			}
		}
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if c == "" {
		return version
	}
	return fmt.Sprintf("%s (%s)", version, c)
}

const usageText = `abha-deactivate: deactivate (and reactivate) a patient's ABHA through ABDM, confirmed by an OTP.

Usage:
  abha-deactivate [--demo] [--api v3|v2] [--gateway-url URL --healthid-url URL]   open the wizard
  abha-deactivate deactivate --reasons CODES [flags]                  deactivate in the terminal
  abha-deactivate reactivate --abha-number N [flags]                  reactivate a deactivated ABHA
  abha-deactivate status [flags]                                      is the patient's ABHA still active?
  abha-deactivate sandbox [--addr 127.0.0.1:8090] [--latency D]       serve the ABDM simulator
  abha-deactivate audit [--since DATE] [--outcome O] [--csv]          show the audit trail
  abha-deactivate audit verify [--json]                               check that the audit trail was not changed
  abha-deactivate forget-secret --client-id ID                        delete a saved client secret
  abha-deactivate --version

Run "abha-deactivate COMMAND --help" for the flags of a command.

API generation: --api v3 (current, the default) or v2 (legacy), on every command.

Exit codes: 0 done, 1 local problem or cancelled, 2 usage, 3 refused by ABDM,
4 network or ABDM unavailable, 5 (de)activation sent but outcome unknown,
6 audit trail changed or damaged (audit verify).
`
