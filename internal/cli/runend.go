package cli

import (
	"github.com/sirupsen/logrus"
)

// runEnd ends a command's log file once the command's exit code is known:
// the file's last line for the run says which command ended and with what
// exit code ("finished"). Support reads it to see how a run ended; the
// Windows tests read it to tell a program that finished from one still at
// work (see scripts/test-windows.sh). Commands close their log as before;
// while a runEnd is in charge, that close does nothing, and Run closes the
// log. A run is one goroutine's: Run, then the command, then Run again.
type runEnd struct {
	command string
	log     *logrus.Logger
	close   func() error
}

// adopt takes charge of a log that openRuntime set up and returns the
// closer the command calls. Without a runEnd (tests that build a proc by
// hand) the command closes its own log.
func (e *runEnd) adopt(log *logrus.Logger, closeLog func() error) func() error {
	if e == nil {
		return closeLog
	}
	if e.close != nil { // a second runtime in one run: its predecessor is done
		_ = e.close()
	}
	e.log, e.close = log, closeLog
	return func() error { return nil }
}

// finish writes the last line and closes the log, if a command opened one.
func (e *runEnd) finish(code int) {
	if e.close == nil {
		return
	}
	e.log.WithFields(logrus.Fields{"command": e.command, "exitCode": code}).Info("finished")
	_ = e.close()
	e.close = nil
}
