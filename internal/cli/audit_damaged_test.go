//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAuditRefusesAFIFO: an audit.jsonl replaced by a FIFO makes `audit`,
// `audit --csv` and `audit verify` fail at once with a clear message, not
// wait for a writer for ever.
func TestAuditRefusesAFIFO(t *testing.T) {
	inProcessEnv(t)
	data := filepath.Join(os.Getenv("XDG_DATA_HOME"), "abha-deactivate")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(data, "audit.jsonl"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"audit"}, {"audit", "--csv"}, {"audit", "verify"}, {"audit", "verify", "--json"}} {
		var out, errOut bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- Run(args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(string) string { return "" }},
				Build{Version: "1"})
		}()
		select {
		case code := <-done:
			if said := out.String() + errOut.String(); code == exitOK || !strings.Contains(said, "named pipe") {
				t.Errorf("%v: exit %d, output:\n%s", args, code, said)
			}
		case <-time.After(time.Second):
			t.Fatalf("%v: still running after a second", args)
		}
	}
}
