package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// binPath is the abha-deactivate binary built once for the end-to-end tests.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "abha-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "abha-deactivate")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build the binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// isolatedEnv returns an environment whose home and XDG folders are fresh
// temporary folders, so that runs never touch the real user's files.
func isolatedEnv(t *testing.T) (env []string, home string) {
	home = t.TempDir()
	return envFor(home), home
}

// envFor is the environment of a run whose folders are all under home.
func envFor(home string) []string {
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"PATH=" + os.Getenv("PATH"),
		"LANG=en_US.UTF-8",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(home, "no-bus"),
	}
}

// simProc is the `sandbox` command running in its own process.
type simProc struct {
	t        *testing.T
	cmd      *exec.Cmd
	info     map[string]string // gateway, healthid, client-id, client-secret, hip-id
	tokens   map[string]string // ABHA number -> X-Token
	otps     chan [2]string    // txnId, OTP
	baseURL  string
	stderrMu sync.Mutex
	stderr   bytes.Buffer
}

func startSim(t *testing.T) *simProc {
	t.Helper()
	env, _ := isolatedEnv(t)
	cmd := exec.Command(binPath, "sandbox", "--addr", "127.0.0.1:0", "--key-bits", "2048")
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &simProc{t: t, cmd: cmd, info: map[string]string{}, tokens: map[string]string{}, otps: make(chan [2]string, 16)}
	cmd.Stderr = &lockedBuffer{mu: &s.stderrMu, b: &s.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			s.stderrMu.Lock()
			stopped := strings.Contains(s.stderr.String(), "Simulator stopped.")
			s.stderrMu.Unlock()
			if err != nil || !stopped {
				t.Errorf("the sandbox did not stop cleanly on SIGINT: %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("the sandbox did not stop within 10 s of SIGINT")
		}
	})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		readyOnce := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "otp "):
				f := strings.Fields(line)
				s.otps <- [2]string{f[1], f[2]}
			case strings.HasPrefix(line, "x-token "):
				k, v, _ := strings.Cut(strings.TrimPrefix(line, "x-token "), ": ")
				s.tokens[k] = v
				if len(s.tokens) == 4 {
					readyOnce.Do(func() { close(ready) })
				}
			default:
				k, v, _ := strings.Cut(line, ": ")
				s.info[k] = v
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("the sandbox did not print its details")
	}
	s.baseURL = strings.TrimSuffix(s.info["gateway"], "/gateway")
	return s
}

// admin calls one of the sandbox's admin endpoints.
func (s *simProc) admin(method, path, body string) map[string]any {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.baseURL+"/_sandbox/"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		s.t.Fatalf("admin %s %s: %d %s", method, path, resp.StatusCode, data)
	}
	var v map[string]any
	_ = json.Unmarshal(data, &v)
	return v
}

func (s *simProc) count(route string) int {
	s.t.Helper()
	stats := s.admin("GET", "stats", "")
	if counts, ok := stats["counts"].(map[string]any); ok {
		stats = counts
	}
	n, _ := stats[route].(float64)
	return int(n)
}

// otp waits for the next OTP the sandbox sends.
func (s *simProc) otp() string {
	s.t.Helper()
	select {
	case m := <-s.otps:
		return m[1]
	case <-time.After(20 * time.Second):
		s.t.Fatal("no OTP was sent")
	}
	return ""
}

// cliRun is one run of the built binary.
type cliRun struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout bytes.Buffer
	stderr lockedBuffer
	mu     sync.Mutex
	errBuf bytes.Buffer
	home   string
}

type lockedBuffer struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (r *cliRun) stderrText() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.errBuf.String()
}

// startCLI runs the binary with args against sim, the patient token of abha
// in the environment.
func startCLI(t *testing.T, sim *simProc, abha string, args ...string) *cliRun {
	t.Helper()
	env, home := isolatedEnv(t)
	r := &cliRun{home: home}
	r.stderr = lockedBuffer{mu: &r.mu, b: &r.errBuf}
	if sim != nil {
		args = append(args, "--gateway-url", sim.info["gateway"], "--healthid-url", sim.info["healthid"],
			"--client-id", sim.info["client-id"], "--hip-id", sim.info["hip-id"])
		env = append(env, "ABDM_CLIENT_SECRET="+sim.info["client-secret"])
		if abha != "" {
			env = append(env, "ABHA_X_TOKEN="+sim.tokens[abha])
		}
	}
	r.cmd = exec.Command(binPath, args...)
	r.cmd.Env = env
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	var err error
	if r.stdin, err = r.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *cliRun) send(line string) { fmt.Fprintln(r.stdin, line) }

// wait ends the run and returns its exit code and JSON result.
func (r *cliRun) wait(t *testing.T) (int, result) {
	t.Helper()
	r.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = r.cmd.Process.Kill()
		t.Fatalf("the command did not finish; stderr:\n%s", r.stderrText())
	}
	var res result
	if bytes.HasPrefix(r.stdout.Bytes(), []byte("{")) {
		if err := json.Unmarshal(r.stdout.Bytes(), &res); err != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout.String())
		}
	}
	return r.cmd.ProcessState.ExitCode(), res
}

const (
	asha  = "91-5512-3456-7890"
	ravi  = "91-7734-5678-9012"
	meena = "91-8845-6789-0123"
)

func deactivateArgs(extra ...string) []string {
	return append([]string{"deactivate", "--reasons", "101,others", "--other-reason", "going abroad", "--yes", "--json"}, extra...)
}

func TestE2EDeactivateSuccess(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, asha, deactivateArgs()...)
	run.send(sim.otp())
	code, res := run.wait(t)
	if code != exitOK || res.Outcome != "deactivated" || res.Patient == nil || res.Patient.ABHANumber != "XX-XXXX-XXXX-7890" {
		t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
	}
	if strings.Join(res.Reasons, ",") != "101,others" || res.TxnID == "" {
		t.Fatalf("result %+v", res)
	}
	if n := sim.count("deactivate"); n != 1 {
		t.Fatalf("deactivate received %d times", n)
	}
	// The audit trail has the intent and the outcome.
	audit := exec.Command(binPath, "audit", "--csv")
	audit.Env = envFor(run.home)
	out, err := audit.Output()
	if err != nil {
		t.Fatal(err)
	}
	csv := string(out)
	if strings.Count(csv, "\n") != 3 || !strings.Contains(csv, "deactivated") || !strings.Contains(csv, "XX-XXXX-XXXX-7890") || !strings.Contains(csv, "going abroad") {
		t.Fatalf("audit CSV:\n%s", csv)
	}
}

func TestE2EWrongOTPThenRight(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, asha, deactivateArgs()...)
	right := sim.otp()
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	run.send("12a") // not 6 digits: asked again, nothing sent
	run.send(wrong) // refused by ABDM: asked again
	run.send(right) // done
	code, res := run.wait(t)
	if code != exitOK || res.Outcome != "deactivated" {
		t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
	}
	if !strings.Contains(run.stderrText(), "The OTP does not match. 2 attempt(s) left.") {
		t.Fatalf("no retry message:\n%s", run.stderrText())
	}
	if n := sim.count("deactivate"); n != 2 {
		t.Fatalf("deactivate received %d times, want 2", n)
	}
}

func TestE2EExpiredOTP(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, asha, deactivateArgs()...)
	otp := sim.otp()
	sim.admin("POST", "clock", `{"advance":"11m"}`)
	run.send(otp)
	code, res := run.wait(t)
	if code != exitRejected || res.Error == nil || res.Error.Code != "HIS-1056" || res.Error.Kind != "otp-expired" {
		t.Fatalf("exit %d, result %+v", code, res)
	}
	if !strings.Contains(res.Error.NextAction, "Request a new OTP") {
		t.Fatalf("next action %q", res.Error.NextAction)
	}
}

func TestE2ENoLinkedMobile(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, ravi, deactivateArgs()...)
	code, res := run.wait(t)
	if code != exitRejected || res.Error == nil || res.Error.Code != "HIS-3005" || res.Error.Kind != "no-linked-mobile" {
		t.Fatalf("exit %d, result %+v", code, res)
	}
}

func TestE2EAlreadyDeactivated(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, meena, deactivateArgs()...)
	code, res := run.wait(t)
	if code != exitRejected || res.Error == nil || res.Error.Kind != "account-inactive" || res.Error.Code != "HIS-1007" {
		t.Fatalf("exit %d, result %+v", code, res)
	}
	if n := sim.count("aadhaar-otp"); n != 0 {
		t.Fatalf("%d OTPs sent for an account already deactivated", n)
	}
}

func TestE2ESessionExpiryBetweenOTPAndDeactivate(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, asha, deactivateArgs()...)
	otp := sim.otp()
	sim.admin("POST", "sessions/expire", "")
	run.send(otp)
	code, res := run.wait(t)
	if code != exitOK || res.Outcome != "deactivated" {
		t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
	}
}

func TestE2EDroppedConnectionOnDeactivate(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, asha, deactivateArgs()...)
	otp := sim.otp()
	sim.admin("POST", "faults", `{"route":"deactivate","fault":{"drop":true,"process":true}}`)
	run.send(otp)
	code, res := run.wait(t)
	if code != exitUnknown || res.Outcome != "outcome-unknown" || res.Error == nil || res.Error.Kind != "outcome-unknown" {
		t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
	}
	if n := sim.count("deactivate"); n != 1 {
		t.Fatalf("deactivate received %d times, want exactly 1", n)
	}
	sim.admin("DELETE", "faults", "")
	status := startCLI(t, sim, asha, "status", "--json")
	code, res = status.wait(t)
	if code != exitOK || res.Outcome != "deactivated" {
		t.Fatalf("status: exit %d, %+v\n%s", code, res, status.stderrText())
	}
}

func TestE2EUsageErrors(t *testing.T) {
	sim := startSim(t)
	for name, args := range map[string][]string{
		"no reasons":      {"deactivate", "--yes"},
		"unknown reason":  {"deactivate", "--reasons", "101,999", "--yes"},
		"bad env":         {"deactivate", "--reasons", "101", "--env", "staging"},
		"stray argument":  {"deactivate", "--reasons", "101", "extra"},
		"unknown flag":    {"deactivate", "--frobnicate"},
		"env conflicts":   {"deactivate", "--reasons", "101", "--env", "production"},
		"remote sandbox":  {"sandbox", "--addr", "0.0.0.0:8090"},
		"audit bad since": {"audit", "--since", "yesterday"},
	} {
		t.Run(name, func(t *testing.T) {
			s := sim
			if args[0] != "deactivate" {
				s = nil
			}
			run := startCLI(t, s, asha, args...)
			if code, _ := run.wait(t); code != exitUsage {
				t.Fatalf("exit %d, want %d\n%s", code, exitUsage, run.stderrText())
			}
		})
	}
	if n := sim.count("session"); n != 0 {
		t.Fatalf("%d session requests made for usage errors", n)
	}
}

func TestE2EDemoMode(t *testing.T) {
	run := startCLI(t, nil, "", "deactivate", "--demo", "--reasons", "104", "--yes")
	otpLine := regexp.MustCompile(`\[demo phone\] SMS to XXXXXX\d{4}: (\d{6}) is your OTP`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := otpLine.FindStringSubmatch(run.stderrText()); m != nil {
			run.send(m[1])
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, _ := run.wait(t)
	out := run.stdout.String()
	if code != exitOK || !strings.Contains(out, "Deactivated: the ABHA XX-XXXX-XXXX-7890 (Asha Verma) is now deactivated.") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, run.stderrText())
	}
}

func TestE2EVersion(t *testing.T) {
	out, err := exec.CommandContext(context.Background(), binPath, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "abha-deactivate ") {
		t.Fatalf("%q %v", out, err)
	}
}

// The seed's four calls with curl, the OTP encrypted by openssl pkeyutl with
// PKCS#1 padding, must be accepted by the simulator.
func TestE2ECurlAndOpenSSLSeedCalls(t *testing.T) {
	sim := startSim(t)
	cmd := exec.Command("scripts/curl-seed.sh", sim.baseURL, sim.info["client-id"], sim.info["client-secret"],
		sim.info["hip-id"], sim.tokens[asha])
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("curl-seed.sh: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "4. deactivate: 204 No Content") {
		t.Fatalf("output:\n%s", out)
	}
	if n := sim.count("deactivate"); n != 1 {
		t.Fatalf("deactivate received %d times", n)
	}
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// startSignInCLI runs the command with no patient token: --abha-number
// signs the patient in.
func startSignInCLI(t *testing.T, sim *simProc, args ...string) *cliRun {
	t.Helper()
	return startCLI(t, sim, "", args...)
}

func TestE2ESignInThenDeactivateEachWay(t *testing.T) {
	for _, tc := range []struct{ login, otp, authMethod string }{
		{"aadhaar", "aadhaar", "AADHAAR_OTP"},
		{"mobile", "mobile", "MOBILE_OTP"},
	} {
		t.Run(tc.login+"-login/"+tc.otp+"-otp", func(t *testing.T) {
			sim := startSim(t)
			run := startSignInCLI(t, sim, "deactivate", "--abha-number", "91551234567890",
				"--login-method", tc.login, "--otp-method", tc.otp, "--reasons", "103", "--yes", "--json")
			run.send(sim.otp()) // the sign-in OTP
			run.send(sim.otp()) // the deactivation OTP
			code, res := run.wait(t)
			if code != exitOK || res.Outcome != "deactivated" || res.Patient == nil || res.Patient.Name != "Asha Verma" {
				t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
			}
			if n := sim.count(map[string]string{"aadhaar": "aadhaar-otp", "mobile": "mobile-otp"}[tc.otp]); n != 1 {
				t.Fatalf("%d %s OTP requests", n, tc.otp)
			}
			audit := exec.Command(binPath, "audit", "--csv")
			audit.Env = envFor(run.home)
			out, err := audit.Output()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.authMethod) || strings.Count(string(out), strings.ToUpper(tc.login)+"_OTP") < 2 {
				t.Fatalf("the audit trail does not record the login and OTP methods:\n%s", out)
			}
		})
	}
}

func TestE2ESignInWrongOTPThenRight(t *testing.T) {
	sim := startSim(t)
	run := startSignInCLI(t, sim, "deactivate", "--abha-number", "asha.verma@sbx", "--reasons", "101", "--yes", "--json")
	right := sim.otp()
	run.send(wrongOf(right))
	run.send(right)
	run.send(sim.otp())
	code, res := run.wait(t)
	if code != exitOK || res.Outcome != "deactivated" {
		t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
	}
	if !strings.Contains(run.stderrText(), "The OTP does not match. 2 attempt(s) left.") {
		t.Fatalf("stderr:\n%s", run.stderrText())
	}
}

func wrongOf(otp string) string {
	if otp == "000000" {
		return "111111"
	}
	return "000000"
}

func TestE2ESignInUnknownAndDeactivated(t *testing.T) {
	sim := startSim(t)
	for name, tc := range map[string]struct{ abha, kind, code string }{
		"unknown ABHA number":  {"91-1111-2222-3333", "not-found", "HIS-1008"},
		"already deactivated":  {meena, "account-inactive", ""},
		"malformed ABHA input": {"91-1111", "usage", ""},
	} {
		t.Run(name, func(t *testing.T) {
			run := startSignInCLI(t, sim, "deactivate", "--abha-number", tc.abha, "--reasons", "101", "--yes", "--json")
			code, res := run.wait(t)
			want := exitRejected
			if tc.kind == "usage" {
				want = exitUsage
			}
			if code != want || res.Error == nil || res.Error.Kind != tc.kind || (tc.code != "" && res.Error.Code != tc.code) {
				t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
			}
		})
	}
	if n := sim.count("auth-init") + sim.count("aadhaar-otp"); n != 0 {
		t.Fatalf("%d OTPs sent", n)
	}
}
