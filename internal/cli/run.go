// Package cli is the program abha-deactivate: its commands, their flags and
// the wizard's start-up. The root package's main only passes it the
// process's streams and the build stamp.
//
// Without a subcommand it opens the wizard; `deactivate` runs the same flow
// in a terminal, `sandbox` serves the ABDM simulator, `audit` shows the audit
// trail. Run `abha-deactivate help` for the details.
package cli

import "fmt"

// commands are the subcommands, by the name typed first on the command line.
var commands = map[string]func(args []string, std proc) int{
	"deactivate":    runDeactivate,
	"reactivate":    runReactivate,
	"status":        runStatus,
	"sandbox":       runSandbox,
	"audit":         runAudit,
	"forget-secret": runForgetSecret,
	"settings":      runSettings,
}

// Run runs the command that args name (without the program's name) and
// returns the process exit code. With no command it opens the wizard.
func Run(args []string, std Stdio, build Build) int {
	end := &runEnd{command: "wizard"}
	p := proc{Stdio: std, build: build, end: end}
	code := dispatch(args, p)
	end.finish(code)
	return code
}

// dispatch runs the command args name, the wizard by default.
func dispatch(args []string, p proc) int {
	if len(args) == 0 {
		return runGUI(args, p)
	}
	if cmd, ok := commands[args[0]]; ok {
		p.end.command = args[0]
		return cmd(args[1:], p)
	}
	switch args[0] {
	case "version", "--version", "-version":
		fmt.Fprintln(p.Out, p.build.String())
		return exitOK
	case "help", "--help", "-help", "-h":
		fmt.Fprint(p.Out, usageText)
		return exitOK
	}
	return runGUI(args, p)
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
  abha-deactivate audit export --fhir [--since DATE] [--output FILE]  FHIR R4 AuditEvents (NDJSON) for a collector
  abha-deactivate audit verify --against FILE [--json]                compare it with the collector's copy
  abha-deactivate audit forward [--json]                              send pending records to the collector
  abha-deactivate forget-secret --client-id ID                        delete a saved client secret
  abha-deactivate settings [--json]                                   the settings in effect, and which the facility set
  abha-deactivate --version

Run "abha-deactivate COMMAND --help" for the flags of a command.

API generation: --api v3 (current, the default) or v2 (legacy), on every command.

Exit codes: 0 done, 1 local problem or cancelled, 2 usage, 3 refused by ABDM,
4 network or ABDM unavailable, 5 (de)activation sent but outcome unknown,
6 audit trail changed or damaged (audit verify), or differs from the collector's copy.

Audit forwarding, on every command: --audit-syslog tls://HOST:PORT --audit-syslog-ca FILE
[--audit-syslog-cert FILE --audit-syslog-key FILE] (default: from settings or the facility's policy).
`
