package fhir

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"abha-deactivate/internal/testtools"
)

// The exports checked against the official FHIR R4 JSON schema, every line,
// by tools/fhir-validate (node; scripts/install-deps.sh test installs it).

// validate runs tools/fhir-validate on ndjson and returns its exit code and output.
func validate(t *testing.T, ndjson []byte) (int, string) {
	t.Helper()
	node := testtools.Need(t, "node", "nodejs")
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "..", "tools", "fhir-validate")
	testtools.NeedFile(t, filepath.Join(dir, "node_modules", "@asymmetrik", "fhir-json-schema-validator", "fhir.schema.json"),
		"run scripts/install-deps.sh test (npm ci in tools/fhir-validate)")
	cmd := exec.Command(node, filepath.Join(dir, "validate.js"), "--type", "AuditEvent")
	cmd.Stdin = bytes.NewReader(ndjson)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

func TestExportIsValidFHIR(t *testing.T) {
	smallChunks(t, 16<<10)
	trail, _ := sampleTrail(t, 3000)
	sample, events, _ := export(t, trail, Options{Host: "desk-1"})
	hostile, more, _ := export(t, hostileTrail(t), Options{Host: "desk\u202e\"1\" \u00a0"})
	all := append(append([]byte(nil), sample...), hostile...)
	code, out := validate(t, all)
	want := len(events) + len(more)
	if code != 0 || !strings.Contains(out, strconv.Itoa(want)+" valid, 0 invalid") {
		t.Fatalf("the validator refused the export (exit %d, %d events):\n%s", code, want, out)
	}
}

func TestValidatorRefusesBrokenAuditEvents(t *testing.T) {
	trail, _ := sampleTrail(t, 20)
	good, _, _ := export(t, trail, Options{Host: "desk-1"})
	first := string(good[:bytes.IndexByte(good, '\n')])
	outcome := regexp.MustCompile(`"outcome":"[0-9]+"`)
	broken := []string{
		outcome.ReplaceAllString(first, `"outcome":"3"`),
		strings.Replace(first, `"recorded":"2026-`, `"recorded":"yesterday 2026-`, 1),
		strings.Replace(first, `"action":"U"`, `"action":"U","deactivated":true`, 1),
		strings.Replace(first, `"action":"U"`, `"action":"deactivate"`, 1),
		strings.Replace(first, `"requestor":true`, `"requestor":"yes"`, 1),
		strings.Replace(first, `"display":"human user"`, `"display":""`, 1),
		first[:len(first)-2],
		strings.Replace(first, `"resourceType":"AuditEvent"`, `"resourceType":"Patient"`, 1),
	}
	// Each broken line between good ones: line 2k is broken, line 2k+1 good.
	input := first + "\n"
	for i, b := range broken {
		if b == first {
			t.Fatalf("broken line %d is not broken", i)
		}
		input += b + "\n" + first + "\n"
	}
	code, out := validate(t, []byte(input))
	if code == 0 || !strings.Contains(out, fmt.Sprintf("%d valid, %d invalid", len(broken)+1, len(broken))) {
		t.Fatalf("the validator took a broken AuditEvent (exit %d):\n%s", code, out)
	}
	for i := range broken {
		if !strings.Contains(out, fmt.Sprintf("line %d: INVALID", 2*i+2)) {
			t.Fatalf("broken line %d not reported:\n%s", 2*i+2, out)
		}
	}
	if code, out := validate(t, nil); code == 0 {
		t.Fatalf("no input accepted:\n%s", out)
	}
}
