package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileBytes are what a terminal must never receive from a server: ESC
// (clear screen, window title, colours), BEL, BS, CR, the C1 CSI and
// bidirectional controls that reorder what staff read.
var hostileBytes = [][]byte{[]byte("\x1b"), []byte("\a"), []byte("\b"), []byte("\r"), []byte("\u009b"),
	[]byte("\u202e"), []byte("\u200f"), []byte("\u2066")}

// hostileText is every class of them, as a JSON string's contents.
const hostileText = `x\u001b[2J\u001b]0;pwned\u0007\b\r\u009b31m \u202eRLO \u200fRLM \u2066LRI`

func assertNoHostileBytes(t *testing.T, what string, out []byte) {
	t.Helper()
	for _, b := range hostileBytes {
		if bytes.Contains(out, b) {
			t.Errorf("%s holds %q raw:\n%q", what, b, out)
		}
	}
}

// TestE2EHostileServerText: ABDM's error code and message, and the
// patient's name, chosen by a hostile server, reach stdout and stderr only
// in escaped form, with and without --json.
func TestE2EHostileServerText(t *testing.T) {
	sim := startSim(t)
	profile, _ := json.Marshal(map[string]string{"ABHANumber": asha, "preferredAbhaAddress": "asha@sbx",
		"name": "NAME", "gender": "F", "yearOfBirth": "1988", "status": "ACTIVE"})
	profile = bytes.Replace(profile, []byte("NAME"), []byte("Asha "+hostileText), 1)
	sim.admin("POST", "faults", `{"route":"v3-profile","fault":{"status":200,"body":`+jsonString(string(profile))+`}}`)
	refusal := `{"code":"ABDM-1228","message":"evil ` + hostileText + `"}`
	sim.admin("POST", "faults", `{"route":"`+sim.route("deactivate")+`","fault":{"status":400,"body":`+jsonString(refusal)+`}}`)
	for _, asJSON := range []bool{true, false} {
		args := []string{"deactivate", "--reasons", "101", "--yes"}
		if asJSON {
			args = append(args, "--json")
		}
		sim.admin("POST", "clock", `{"advance":"1m"}`) // past the simulator's wait between OTPs
		run := startCLI(t, sim, asha, args...)
		run.send(sim.otp())
		code, _ := run.wait(t)
		if code != exitRejected {
			t.Fatalf("json=%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", asJSON, code, exitRejected, run.stdout.String(), run.stderrText())
		}
		assertNoHostileBytes(t, "stdout", run.stdout.Bytes())
		assertNoHostileBytes(t, "stderr", []byte(run.stderrText()))
		both := run.stdout.String() + run.stderrText()
		if !bytes.Contains([]byte(both), []byte(`\x1b`)) && !bytes.Contains([]byte(both), []byte(`\u001b`)) {
			t.Errorf("json=%v: the escape is not shown in a visible form:\n%s", asJSON, both)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestE2ETwoTerminalsOnePatient: two terminals of one user deactivate the
// same ABHA at once. The irreversible call reaches ABDM once; the other run
// says another window is changing this ABHA, and sends nothing.
func TestE2ETwoTerminalsOnePatient(t *testing.T) {
	sim := startSim(t)
	home := t.TempDir()
	var runs []*cliRun
	var otps []string
	for range 2 {
		sim.admin("POST", "clock", `{"advance":"1m"}`) // past the simulator's wait between OTPs
		r := startCLIIn(t, home, sim, asha, "deactivate", "--reasons", "101", "--yes", "--json")
		otps = append(otps, sim.otp())
		runs = append(runs, r)
	}
	// The first verify takes a while at ABDM, so the two overlap.
	sim.admin("POST", "faults", `{"route":"`+sim.route("deactivate")+`","fault":{"latency":"1500ms","times":1}}`)
	for i, r := range runs {
		r.send(otps[i])
	}
	codes := map[int]int{}
	for _, r := range runs {
		code, _ := r.wait(t)
		codes[code]++
	}
	if n := sim.count(sim.route("deactivate")); n != 1 {
		t.Errorf("the irreversible call reached ABDM %d times, want 1", n)
	}
	// The run that got through may still be refused by ABDM: the second OTP
	// request can end the first one's transaction.
	var said []byte
	for _, r := range runs {
		if bytes.Contains(r.stdout.Bytes(), []byte("another window on this computer")) {
			said = r.stdout.Bytes()
		}
	}
	if codes[exitFailure] != 1 || codes[exitOK]+codes[exitRejected] != 1 || said == nil {
		t.Errorf("exit codes %v; no run said another window was changing the ABHA", codes)
	}
}

// TestAuditShowsAHandEditedTrailSafely: control characters written into the
// trail by hand reach neither the table nor the CSV raw.
func TestAuditShowsAHandEditedTrailSafely(t *testing.T) {
	inProcessEnv(t)
	data := filepath.Join(os.Getenv("XDG_DATA_HOME"), "abha-deactivate")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	line := `{"id":"x1","time":"2026-12-01T10:00:00Z","event":"outcome","action":"deactivate","osUser":"u\u001b]0;pwned\u0007",` +
		`"environment":"sandbox\u202e","abhaNumber":"XX-XXXX-XXXX-7890","outcome":"rejected","code":"HIS\u001b[2J",` +
		`"message":"m\u009b31m","otherText":"t\u200f"}` + "\n"
	if err := os.WriteFile(filepath.Join(data, "audit.jsonl"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"audit"}, {"audit", "--csv"}} {
		var out, errOut bytes.Buffer
		code := Run(args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(string) string { return "" }},
			Build{Version: "1"})
		if code != exitOK || !strings.Contains(out.String(), "HIS") {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out.String(), errOut.String())
		}
		assertNoHostileBytes(t, strings.Join(args, " "), out.Bytes())
		assertNoHostileBytes(t, strings.Join(args, " ")+" stderr", errOut.Bytes())
	}
}

// TestE2EDamagedSettingsContactNothing: a settings file with an invalid
// custom address stops the run (exit 2) with a message naming the file and
// the field, before any connection: it never falls back to the sandbox.
func TestE2EDamagedSettingsContactNothing(t *testing.T) {
	sim := startSim(t)
	home := t.TempDir()
	cfg := filepath.Join(home, "config", "abha-deactivate")
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	damaged := `{"version":2,"environment":"custom","apiVersion":"v3","gatewayUrl":"gw.example.in","healthIdUrl":"https://abha.example.in","clientId":"FAC_1"}`
	if err := os.WriteFile(filepath.Join(cfg, "settings.json"), []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}
	before := sim.count(sim.route("session"))
	run := startCLIIn(t, home, sim, asha, "status", "--json")
	code, _ := run.wait(t)
	if said := run.stdout.String() + run.stderrText(); code != exitUsage || !strings.Contains(said, "settings.json has an invalid Gateway URL") {
		t.Errorf("exit %d, output:\n%s", code, said)
	}
	if n := sim.count(sim.route("session")); n != before {
		t.Errorf("%d gateway session(s) opened", n-before)
	}
	if data, _ := os.ReadFile(filepath.Join(cfg, "settings.json")); string(data) != damaged {
		t.Errorf("the damaged file changed: %q", data)
	}
}

// TestLocalErrorsShownSafely: a local error that quotes an argument, a
// file name or a file's text raw reaches the terminal escaped, with its own
// line breaks kept, with and without --json.
func TestLocalErrorsShownSafely(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		var out, errOut bytes.Buffer
		rep := &reporter{std: proc{Stdio: Stdio{Out: &out, Err: &errOut}}, json: asJSON}
		if code := rep.fail(usagef("--thing %s: not allowed\nsecond line", "a\x1b]0;pwned\a\u202eb")); code != exitUsage {
			t.Errorf("json=%v: exit %d", asJSON, code)
		}
		assertNoHostileBytes(t, "stdout", out.Bytes())
		assertNoHostileBytes(t, "stderr", errOut.Bytes())
		if both := out.String() + errOut.String(); !strings.Contains(both, "x1b") {
			t.Errorf("json=%v: the escape is not shown:\n%s", asJSON, both)
		}
	}
}
