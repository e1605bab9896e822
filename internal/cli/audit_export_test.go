package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `audit export --fhir` through the binary: its flags, exit codes and
// output; the AuditEvents themselves are checked in storage/audit/fhir
// (against the FHIR R4 schema too).
func TestE2EAuditExportFHIR(t *testing.T) {
	home := t.TempDir()
	code, out, errOut := runAuditCmd(t, home, "audit", "export", "--fhir")
	if code != exitOK || out != "" || !strings.Contains(errOut, "No records to export") {
		t.Fatalf("no trail: exit %d\n%s\n%s", code, out, errOut)
	}
	path := auditTrail(t, home, 400)
	code, out, errOut = runAuditCmd(t, home, "audit", "export", "--fhir")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 150 {
		t.Fatalf("%d AuditEvents from 400 lines", len(lines))
	}
	for i, line := range lines {
		var e struct{ ResourceType, Recorded, Outcome string }
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.ResourceType != "AuditEvent" || e.Outcome == "" {
			t.Fatalf("line %d: %v %+v", i+1, err, e)
		}
	}

	// --output: the same, in a file; --since and --until narrow it.
	file := filepath.Join(home, "events.ndjson")
	if code, _, errOut := runAuditCmd(t, home, "audit", "export", "--fhir", "--output", file); code != exitOK {
		t.Fatalf("--output: exit %d\n%s", code, errOut)
	}
	if got, err := os.ReadFile(file); err != nil || string(got) != out {
		t.Fatalf("--output wrote %d bytes, stdout had %d (%v)", len(got), len(out), err)
	}
	code, some, _ := runAuditCmd(t, home, "audit", "export", "--fhir", "--since", "2026-01-01T06:00:00Z", "--until", "2026-01-01T07:00:00Z")
	if n := strings.Count(some, "\n"); code != exitOK || n == 0 || n >= len(lines) {
		t.Fatalf("--since/--until: exit %d, %d of %d events", code, n, len(lines))
	}

	// A damaged line is skipped and counted.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("{not a record}\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, again, errOut := runAuditCmd(t, home, "audit", "export", "--fhir")
	if code != exitOK || again != out || !strings.Contains(errOut, "1 damaged line(s)") {
		t.Fatalf("damaged line: exit %d, same output %v\n%s", code, again == out, errOut)
	}

	for name, args := range map[string][]string{
		"no format":  {"audit", "export"},
		"bad since":  {"audit", "export", "--fhir", "--since", "yesterday"},
		"bad until":  {"audit", "export", "--fhir", "--until", "2026-13-01"},
		"extra":      {"audit", "export", "--fhir", "now"},
		"bad output": {"audit", "export", "--fhir", "--output", filepath.Join(home, "no", "such", "dir", "x.ndjson")},
	} {
		code, out, errOut := runAuditCmd(t, home, args...)
		want := exitUsage
		if name == "bad output" {
			want = exitFailure
		}
		if code != want || out != "" || errOut == "" {
			t.Errorf("%s: exit %d (want %d)\n%s\n%s", name, code, want, out, errOut)
		}
	}
	if entries, _ := os.ReadDir(home); bytes.Contains([]byte(strings.Join(names(entries), " ")), []byte(".tmp")) {
		t.Fatalf("a temporary file left behind: %v", names(entries))
	}
}

func names(entries []os.DirEntry) []string {
	var n []string
	for _, e := range entries {
		n = append(n, e.Name())
	}
	return n
}
