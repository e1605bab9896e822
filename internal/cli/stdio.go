package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"abha-deactivate/internal/safetext"
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

// Stdio is where a command reads and writes, and how it reads the
// environment; tests substitute their own.
type Stdio struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
}

// OS is the process's own standard streams and environment. The secrets
// the commands take from the environment (the client secret, the patient's
// token) are read once and removed from it, so that no program this one
// starts (a keyring helper, the PDF viewer, a browser) inherits them.
func OS() Stdio {
	kept := takeEnv(envClientSecret, envXToken)
	getenv := func(k string) string {
		if v, ok := kept[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	return Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: getenv}
}

// takeEnv returns the values of names that are set, and unsets them.
func takeEnv(names ...string) map[string]string {
	kept := map[string]string{}
	for _, k := range names {
		if v, ok := os.LookupEnv(k); ok {
			kept[k] = v
			_ = os.Unsetenv(k)
		}
	}
	return kept
}

// Build says which build of the program runs: the main package stamps it
// with -ldflags "-X main.version=... -X main.commit=..." and passes it in.
type Build struct {
	Version string // "dev" when not stamped
	Commit  string // empty when not stamped: the VCS revision Go recorded is used then
}

// String is "abha-deactivate VERSION (COMMIT)".
func (b Build) String() string { return "abha-deactivate " + b.Number() }

// Number is "VERSION (COMMIT)", or VERSION when the commit is unknown.
func (b Build) Number() string {
	c := b.Commit
	if c == "" {
		c = vcsRevision()
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if c == "" {
		return b.Version
	}
	return fmt.Sprintf("%s (%s)", b.Version, c)
}

// vcsRevision is the commit Go recorded in the binary, if any.
func vcsRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}

// proc is what a command gets from its process: its streams and
// environment, and the build it runs in.
type proc struct {
	Stdio
	build Build
	end   *runEnd // closes the log with the exit code; nil in tests
}

// usageError is a problem with the command line; it exits with exitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// writeJSON writes v as indented JSON and a newline, with the characters
// encoding/json leaves as they are (C1 controls, bidirectional and other
// format characters) escaped too: text from ABDM or a file may hold them.
func writeJSON(w io.Writer, v any) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(safetext.JSON(out), '\n'))
	return err
}
