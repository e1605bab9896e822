//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// auditTrailIsAFIFO points the app's folders at a fresh temporary home
// (inProcessEnv) whose audit.jsonl is a FIFO, which no writer ever opens.
func auditTrailIsAFIFO(t *testing.T) {
	t.Helper()
	inProcessEnv(t)
	data := filepath.Join(os.Getenv("XDG_DATA_HOME"), "abha-deactivate")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(data, "audit.jsonl"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAuditRefusesAFIFO: an audit.jsonl replaced by a FIFO makes `audit`,
// `audit --csv` and `audit verify` fail at once with a clear message, not
// wait for a writer for ever.
func TestAuditRefusesAFIFO(t *testing.T) {
	auditTrailIsAFIFO(t)
	type ran struct {
		code int
		said string
	}
	for _, args := range [][]string{{"audit"}, {"audit", "--csv"}, {"audit", "verify"}, {"audit", "verify", "--json"}} {
		done := make(chan ran, 1)
		go func() {
			code, out, errOut := runInProcess(nil, args...)
			done <- ran{code, out + errOut}
		}()
		select {
		case r := <-done:
			if r.code == exitOK || !strings.Contains(r.said, "named pipe") {
				t.Errorf("%v: exit %d, output:\n%s", args, r.code, r.said)
			}
		case <-time.After(time.Second):
			t.Fatalf("%v: still running after a second", args)
		}
	}
}
