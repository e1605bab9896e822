package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// logLines returns the JSON lines of the app's log file in the home that
// inProcessEnv set up.
func logLines(t *testing.T) []map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "abha-deactivate", "logs", "abha-deactivate.log"))
	if err != nil {
		t.Fatalf("the log file: %v", err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// Each run's last line in the log says which command ended, with the exit
// code the process returns: after everything the command logged, its
// cleanup (the demo simulator, forwarding) included.
func TestRunLogsHowItFinished(t *testing.T) {
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"settings", "--json"}, exitOK},
		// No OTP typed (stdin is empty): the run ends after the demo's simulator started.
		{[]string{"deactivate", "--demo", "--reasons", "101", "--yes", "--json"}, exitFailure},
		{[]string{"status", "--demo", "--json", "--abha-number", "91-8845-6789-0123"}, exitOK},
	}
	for _, c := range cases {
		code, out, errOut := inProcess(t, nil, c.args...)
		if code != c.want {
			t.Fatalf("%v: exit %d, want %d\n%s\n%s", c.args, code, c.want, out, errOut)
		}
		lines := logLines(t)
		last := lines[len(lines)-1]
		if last["msg"] != "finished" || last["command"] != c.args[0] || last["exitCode"] != float64(code) {
			t.Errorf("%v (exit %d): last log line %v, want msg finished, command %s, exitCode %d", c.args, code, last, c.args[0], code)
		}
		if n := countFinished(lines); n != 1 {
			t.Errorf("%v: %d finished lines, want 1", c.args, n)
		}
	}
}

func countFinished(lines []map[string]any) int {
	n := 0
	for _, l := range lines {
		if l["msg"] == "finished" {
			n++
		}
	}
	return n
}

// A command that opens no log (--version) writes none.
func TestRunVersionWritesNoLog(t *testing.T) {
	if code, _, _ := inProcess(t, nil, "--version"); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "abha-deactivate", "logs")); !os.IsNotExist(err) {
		t.Errorf("--version made the log folder (%v)", err)
	}
}
