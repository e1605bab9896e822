package cli

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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"abha-deactivate/internal/testtools"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

// binPath is the abha-deactivate binary built once for the end-to-end tests.
var binPath string

// repoRoot is the module's root folder, where the scripts are.
const repoRoot = "../.."

// buildTags are the tags the binary is built with: those of the test run
// (see headless_test.go), so that the fast headless loop builds it too.
var buildTags = ""

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "abha-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "abha-deactivate")
	build := exec.Command("go", "build", "-tags", buildTags, "-o", binPath, repoRoot)
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
	api      string // the API generation the commands run against it speak: v3 or v2
	cmd      *exec.Cmd
	info     map[string]string // url, gateway, healthid, gateway-v2, healthid-v2, client-id, client-secret, hip-id
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
	s := &simProc{t: t, api: "v3", cmd: cmd, info: map[string]string{}, tokens: map[string]string{}, otps: make(chan [2]string, 16)}
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
				if len(s.tokens) == 5 {
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
	s.baseURL = s.info["url"]
	return s
}

// forEachAPI runs fn as a subtest per API generation, each with its own
// simulator process, current generation first.
func forEachAPI(t *testing.T, fn func(t *testing.T, sim *simProc)) {
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			sim := startSim(t)
			sim.api = api
			fn(t, sim)
		})
	}
}

// e2eRoutes are the simulator's route names of each call, per generation.
var e2eRoutes = map[string]map[string]string{
	"v3": {"session": "v3-session", "otp": "v3-account-request-otp", "deactivate": "v3-account-verify",
		"login-otp": "v3-login-request-otp", "reactivate-otp": "v3-account-request-otp", "reactivate": "v3-login-verify"},
	"v2": {"session": "session", "otp": "aadhaar-otp", "mobile-otp": "mobile-otp", "deactivate": "deactivate",
		"login-otp": "auth-init", "reactivate-otp": "reactivate-init", "reactivate": "reactivate"},
}

// route is the simulator's name of call in sim's generation.
func (s *simProc) route(call string) string {
	if r, ok := e2eRoutes[s.api][call]; ok {
		return r
	}
	return call
}

// urls are the gateway and service base URLs of sim's generation.
func (s *simProc) urls() (gateway, service string) {
	if s.api == "v2" {
		return s.info["gateway-v2"], s.info["healthid-v2"]
	}
	return s.info["gateway"], s.info["healthid"]
}

// outbox is how many OTPs the simulator has sent.
func (s *simProc) outbox() int {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.baseURL+"/_sandbox/outbox", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var box []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&box)
	return len(box)
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
	return startCLIIn(t, t.TempDir(), sim, abha, args...)
}

// startCLIIn is startCLI with the folders of the run under home, so that
// runs can share them as one user's terminals do.
func startCLIIn(t *testing.T, home string, sim *simProc, abha string, args ...string) *cliRun {
	t.Helper()
	env := envFor(home)
	r := &cliRun{home: home}
	r.stderr = lockedBuffer{mu: &r.mu, b: &r.errBuf}
	if sim != nil {
		gw, svc := sim.urls()
		args = append(args, "--api", sim.api, "--gateway-url", gw, "--healthid-url", svc,
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
	meena = "91-8845-6789-0123" // starts deactivated
	rahul = "91-6623-4567-8901"
)

func deactivateArgs(extra ...string) []string {
	return append([]string{"deactivate", "--reasons", "101,others", "--other-reason", "going abroad", "--yes", "--json"}, extra...)
}

func TestE2EDeactivateSuccess(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		run := startCLI(t, sim, asha, deactivateArgs()...)
		run.send(sim.otp())
		code, res := run.wait(t)
		if code != exitOK || res.Outcome != "deactivated" || res.Patient == nil || res.Patient.ABHANumber != "XX-XXXX-XXXX-7890" {
			t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
		}
		if strings.Join(res.Reasons, ",") != "101,others" || res.TxnID == "" || res.Patient.Gender != "Female" || res.Patient.YearOfBirth != "1988" {
			t.Fatalf("result %+v %+v", res, res.Patient)
		}
		if n := sim.count(sim.route("deactivate")); n != 1 {
			t.Fatalf("deactivate received %d times", n)
		}
		// The audit trail has the intent and the outcome, with the generation.
		audit := exec.Command(binPath, "audit", "--csv")
		audit.Env = envFor(run.home)
		out, err := audit.Output()
		if err != nil {
			t.Fatal(err)
		}
		csv := string(out)
		if strings.Count(csv, "\n") != 3 || !strings.Contains(csv, "deactivated") || !strings.Contains(csv, "XX-XXXX-XXXX-7890") ||
			!strings.Contains(csv, "going abroad") || !strings.Contains(csv, ","+sim.api+",") {
			t.Fatalf("audit CSV:\n%s", csv)
		}
	})
}

func TestE2EWrongOTPThenRight(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		run := startCLI(t, sim, asha, deactivateArgs()...)
		right := sim.otp()
		run.send("12a")          // not 6 digits: asked again, nothing sent
		run.send(wrongOf(right)) // refused by ABDM: asked again
		run.send(right)          // done
		code, res := run.wait(t)
		if code != exitOK || res.Outcome != "deactivated" {
			t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
		}
		if !strings.Contains(run.stderrText(), "The OTP does not match (or has expired). 2 attempt(s) left.") {
			t.Fatalf("no retry message:\n%s", run.stderrText())
		}
		if n := sim.count(sim.route("deactivate")); n != 2 {
			t.Fatalf("deactivate received %d times, want 2", n)
		}
	})
}

// An expired OTP: v2 names it (HIS-1056) and ends the run; v3 answers it as
// a wrong one (200 authResult failed), so the command asks again.
func TestE2EExpiredOTP(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		run := startCLI(t, sim, asha, deactivateArgs()...)
		otp := sim.otp()
		sim.admin("POST", "clock", `{"advance":"11m"}`)
		run.send(otp)
		code, res := run.wait(t)
		if sim.api == "v3" {
			if !strings.Contains(run.stderrText(), "does not match (or has expired). 2 attempt(s) left.") || code != exitFailure {
				t.Fatalf("exit %d, result %+v\n%s", code, res, run.stderrText())
			}
			return
		}
		if code != exitRejected || res.Error == nil || res.Error.Code != "HIS-1056" || res.Error.Kind != "otp-expired" {
			t.Fatalf("exit %d, result %+v", code, res)
		}
		if !strings.Contains(res.Error.NextAction, "Request a new OTP") {
			t.Fatalf("next action %q", res.Error.NextAction)
		}
	})
}

func TestE2ENoLinkedMobile(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		run := startCLI(t, sim, ravi, deactivateArgs()...)
		code, res := run.wait(t)
		want := map[string][2]string{"v2": {"HIS-3005", "no-linked-mobile"}, "v3": {"ABDM-1204", "aadhaar-service"}}[sim.api]
		if code != exitRejected || res.Error == nil || res.Error.Code != want[0] || res.Error.Kind != want[1] {
			t.Fatalf("exit %d, result %+v", code, res)
		}
	})
}

func TestE2EAlreadyDeactivated(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		// By ABHA number: ABDM says so before any OTP (v2 search, v3 ABDM-1134),
		// and the report says how to reactivate.
		run := startCLI(t, sim, "", append(deactivateArgs(), "--abha-number", meena)...)
		code, res := run.wait(t)
		if code != exitRejected || res.Error == nil || res.Error.Kind != "account-inactive" || !strings.Contains(res.Hint, "reactivate") {
			t.Fatalf("exit %d, result %+v\n%s", code, res, run.stderrText())
		}
		if strings.Contains(run.stdout.String()+run.stderrText(), meena) {
			t.Fatal("the full ABHA number is in the report")
		}
		if n := sim.outbox(); n != 0 {
			t.Fatalf("%d OTPs sent for an account already deactivated", n)
		}
	})
}

func TestE2ESessionExpiryBetweenOTPAndDeactivate(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		run := startCLI(t, sim, asha, deactivateArgs()...)
		otp := sim.otp()
		sim.admin("POST", "sessions/expire", "")
		run.send(otp)
		code, res := run.wait(t)
		if code != exitOK || res.Outcome != "deactivated" {
			t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
		}
	})
}

func TestE2EDroppedConnectionOnDeactivate(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		run := startCLI(t, sim, asha, deactivateArgs()...)
		otp := sim.otp()
		sim.admin("POST", "faults", `{"route":"`+sim.route("deactivate")+`","fault":{"drop":true,"process":true}}`)
		run.send(otp)
		code, res := run.wait(t)
		if code != exitUnknown || res.Outcome != "outcome-unknown" || res.Error == nil || res.Error.Kind != "outcome-unknown" {
			t.Fatalf("exit %d, result %+v\nstderr:\n%s", code, res, run.stderrText())
		}
		if n := sim.count(sim.route("deactivate")); n != 1 {
			t.Fatalf("deactivate received %d times, want exactly 1", n)
		}
		sim.admin("DELETE", "faults", "")
		// The check by ABHA number works in both generations (v3 ended the
		// patient's sign-in with the deactivation).
		status := startCLI(t, sim, "", "status", "--json", "--abha-number", asha)
		code, res = status.wait(t)
		if code != exitOK || res.Outcome != "deactivated" {
			t.Fatalf("status: exit %d, %+v\n%s", code, res, status.stderrText())
		}
	})
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
		"unknown api":     {"deactivate", "--reasons", "101", "--api", "v4"},
		"v2 mobile":       {"deactivate", "--reasons", "101", "--mobile", "98765"},
		"reactivate no n": {"reactivate", "--yes"},
	} {
		t.Run(name, func(t *testing.T) {
			s := sim
			if args[0] != "deactivate" && args[0] != "reactivate" || slices.Contains(args, "--api") {
				s = nil // the simulator's flags would replace the ones under test
			}
			run := startCLI(t, s, asha, args...)
			if code, _ := run.wait(t); code != exitUsage {
				t.Fatalf("exit %d, want %d\n%s", code, exitUsage, run.stderrText())
			}
		})
	}
	if n := sim.count("session") + sim.count("v3-session"); n != 0 {
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
	sim.api = "v2"
	cmd := exec.Command(filepath.Join(repoRoot, "scripts/curl-seed.sh"), sim.baseURL, sim.info["client-id"], sim.info["client-secret"],
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

// The README's v3 walk-through with curl and openssl (RSA-OAEP-SHA1) completes
// a v3 deactivation against the sandbox command.
func TestE2ECurlAndOpenSSLV3Deactivation(t *testing.T) {
	sim := startSim(t)
	cmd := exec.Command(filepath.Join(repoRoot, "scripts/curl-v3.sh"), sim.baseURL, sim.info["client-id"], sim.info["client-secret"])
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("curl-v3.sh: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "5. account/verify: authResult success") {
		t.Fatalf("output:\n%s", out)
	}
	if n := sim.count("v3-account-verify"); n != 1 {
		t.Fatalf("account/verify received %d times", n)
	}
	st := startCLI(t, sim, "", "status", "--json", "--abha-number", asha)
	if code, res := st.wait(t); code != exitOK || res.Outcome != "deactivated" {
		t.Fatalf("status after the curl walk-through: %d %+v", code, res)
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
	forEachAPI(t, func(t *testing.T, sim0 *simProc) {
		for _, tc := range []struct{ login, otp, authMethod string }{
			{"aadhaar", "aadhaar", "AADHAAR_OTP"},
			{"mobile", "mobile", "MOBILE_OTP"},
		} {
			t.Run(tc.login+"-login/"+tc.otp+"-otp", func(t *testing.T) {
				sim := startSim(t)
				sim.api = sim0.api
				run := startSignInCLI(t, sim, "deactivate", "--abha-number", "91551234567890",
					"--login-method", tc.login, "--otp-method", tc.otp, "--reasons", "103", "--yes", "--json")
				run.send(sim.otp()) // the sign-in OTP
				run.send(sim.otp()) // the deactivation OTP
				code, res := run.wait(t)
				if code != exitOK || res.Outcome != "deactivated" || res.Patient == nil || res.Patient.Name != "Asha Verma" {
					t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
				}
				route := sim.route("otp")
				if sim.api == "v2" && tc.otp == "mobile" {
					route = "mobile-otp"
				}
				if n := sim.count(route); n != 1 {
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
	})
}

// The acceptance line of the v3 issue, word for word: no HIP ID (v3 does not
// send it), the secret from the environment, the sign-in OTP then the
// deactivation OTP from stdin; a wrong OTP asks again; a refused secret exits 3.
func TestE2EV3HeadlessDeactivationAsSpecified(t *testing.T) {
	sim := startSim(t)
	for _, methods := range [][2]string{{"aadhaar", "aadhaar"}, {"mobile", "mobile"}, {"aadhaar", "mobile"}} {
		t.Run(methods[0]+"-"+methods[1], func(t *testing.T) {
			sim.admin("POST", "reset", "")
			env, _ := isolatedEnv(t)
			cmd := exec.Command(binPath, "deactivate", "--api", "v3", "--gateway-url", sim.info["gateway"],
				"--healthid-url", sim.info["healthid"], "--client-id", sim.info["client-id"], "--abha-number", asha,
				"--login-method", methods[0], "--otp-method", methods[1], "--reasons", "101", "--yes", "--json")
			cmd.Env = append(env, "ABDM_CLIENT_SECRET="+sim.info["client-secret"])
			stdin, _ := cmd.StdinPipe()
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			login := sim.otp()
			fmt.Fprintln(stdin, wrongOf(login)) // a wrong sign-in OTP: asked again
			fmt.Fprintln(stdin, login)
			fmt.Fprintln(stdin, sim.otp())
			stdin.Close()
			_ = cmd.Wait()
			var res result
			_ = json.Unmarshal(stdout.Bytes(), &res)
			if code := cmd.ProcessState.ExitCode(); code != exitOK || res.Outcome != "deactivated" {
				t.Fatalf("exit %d, %+v\n%s", code, res, stderr.String())
			}
			if !strings.Contains(stderr.String(), "2 attempt(s) left") {
				t.Fatalf("no second chance after a wrong OTP:\n%s", stderr.String())
			}
		})
	}
	env, _ := isolatedEnv(t)
	cmd := exec.Command(binPath, "deactivate", "--api", "v3", "--gateway-url", sim.info["gateway"],
		"--healthid-url", sim.info["healthid"], "--client-id", sim.info["client-id"], "--abha-number", asha,
		"--login-method", "aadhaar", "--otp-method", "aadhaar", "--reasons", "101", "--yes", "--json")
	cmd.Env = append(env, "ABDM_CLIENT_SECRET=not-the-secret")
	out, _ := cmd.Output()
	var res result
	_ = json.Unmarshal(out, &res)
	if code := cmd.ProcessState.ExitCode(); code != exitRejected || res.Error == nil || res.Error.Kind != "gateway-credentials" {
		t.Fatalf("refused secret: exit %d, %+v", code, res)
	}
}

// Deactivate, reactivate, then sign in and deactivate again, with the
// headless commands, in both generations.
func TestE2EDeactivateReactivateSignInAgain(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		deact := func() {
			t.Helper()
			run := startSignInCLI(t, sim, "deactivate", "--abha-number", asha, "--reasons", "101", "--yes", "--json")
			run.send(sim.otp())
			run.send(sim.otp())
			if code, res := run.wait(t); code != exitOK || res.Outcome != "deactivated" {
				t.Fatalf("deactivate: exit %d, %+v\n%s", code, res, run.stderrText())
			}
		}
		deact()
		run := startSignInCLI(t, sim, "reactivate", "--abha-number", asha, "--otp-method", "mobile", "--yes", "--json")
		right := sim.otp()
		run.send(wrongOf(right))
		run.send(right)
		code, res := run.wait(t)
		if code != exitOK || res.Outcome != "reactivated" || res.Action != "reactivate" || res.Patient == nil || res.Patient.Name != "Asha Verma" {
			t.Fatalf("reactivate: exit %d, %+v\n%s", code, res, run.stderrText())
		}
		if !strings.Contains(run.stderrText(), "1 attempt(s) left") && !strings.Contains(run.stderrText(), "2 attempt(s) left") {
			t.Fatalf("no second chance after a wrong OTP:\n%s", run.stderrText())
		}
		if n := sim.count(sim.route("reactivate-otp")); n < 1 {
			t.Fatalf("no reactivation OTP request")
		}
		sim.admin("POST", "clock", `{"advance":"1m"}`) // past the resend waits
		deact()
		audit := exec.Command(binPath, "audit", "--csv")
		audit.Env = envFor(run.home)
		out, _ := audit.Output()
		if !strings.Contains(string(out), ",reactivate,") || !strings.Contains(string(out), "reactivated") {
			t.Fatalf("the reactivation is not in the audit trail:\n%s", out)
		}
	})
}

// The acceptance line of the reactivation issue: a demo account the
// simulator holds deactivated is reactivated, the OTP from stdin.
func TestE2EReactivateADeactivatedDemoAccount(t *testing.T) {
	sim := startSim(t)
	env, _ := isolatedEnv(t)
	cmd := exec.Command(binPath, "reactivate", "--api", "v3", "--gateway-url", sim.info["gateway"],
		"--healthid-url", sim.info["healthid"], "--client-id", sim.info["client-id"], "--abha-number", meena,
		"--otp-method", "mobile", "--yes", "--json")
	cmd.Env = append(env, "ABDM_CLIENT_SECRET="+sim.info["client-secret"])
	stdin, _ := cmd.StdinPipe()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(stdin, sim.otp())
	stdin.Close()
	_ = cmd.Wait()
	var res result
	_ = json.Unmarshal(stdout.Bytes(), &res)
	if code := cmd.ProcessState.ExitCode(); code != exitOK || res.Outcome != "reactivated" || res.Patient == nil || res.Patient.Name != "Meena Iyer" {
		t.Fatalf("exit %d, %+v\n%s", code, res, stderr.String())
	}
	st := startCLI(t, sim, "", "status", "--json", "--abha-number", meena)
	if code, res := st.wait(t); code != exitOK || res.Outcome != "active" {
		t.Fatalf("status after the reactivation: %d %+v", code, res)
	}
}

// v3 signs the patient in by mobile number: with two ABHAs on it, the
// command lists them and reads the choice.
func TestE2EV3SignInByMobileNumber(t *testing.T) {
	sim := startSim(t)
	run := startSignInCLI(t, sim, "deactivate", "--mobile", "9988776655", "--reasons", "101", "--yes", "--json")
	run.send(sim.otp()) // the sign-in OTP, to that mobile
	run.send("5")       // out of range: asked again
	run.send("2")       // Sunita Devi
	code, res := run.wait(t)
	// Sunita's ABHA is linked to a government benefit: v3 refuses it, after the choice.
	if code != exitRejected || res.Error == nil || res.Error.Kind != "benefit-linked" || res.Patient == nil || res.Patient.Name != "Sunita Devi" {
		t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
	}
	if !strings.Contains(run.stderrText(), "Several ABHAs are linked to this mobile number") || !strings.Contains(run.stderrText(), "Enter a number from 1 to 2") {
		t.Fatalf("stderr:\n%s", run.stderrText())
	}
}

func TestE2ESignInWrongOTPThenRight(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		id := asha
		if sim.api == "v2" {
			id = "asha.verma@sbx" // v2 signs in by ABHA address too
		}
		run := startSignInCLI(t, sim, "deactivate", "--abha-number", id, "--reasons", "101", "--yes", "--json")
		right := sim.otp()
		run.send(wrongOf(right))
		run.send(right)
		run.send(sim.otp())
		code, res := run.wait(t)
		if code != exitOK || res.Outcome != "deactivated" {
			t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
		}
		if !strings.Contains(run.stderrText(), "The OTP does not match (or has expired). 2 attempt(s) left.") {
			t.Fatalf("stderr:\n%s", run.stderrText())
		}
	})
}

func wrongOf(otp string) string {
	if otp == "000000" {
		return "111111"
	}
	return "000000"
}

func TestE2ESignInUnknownAndDeactivated(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		notFound := map[string]string{"v2": "HIS-1008", "v3": ""}[sim.api]
		for name, tc := range map[string]struct{ abha, kind, code string }{
			"unknown ABHA number":  {"91-1111-2222-3333", "not-found", notFound},
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
		if n := sim.outbox(); n != 0 {
			t.Fatalf("%d OTPs sent", n)
		}
	})
}

// needPoppler returns the path of a poppler-utils tool (pdftotext), or skips
// the test (fails it when ABHA_REQUIRE_TOOLS=1, as make test-go sets).
func needPoppler(t testing.TB, name string) string {
	t.Helper()
	return testtools.Need(t, name, "poppler-utils")
}

// receiptText checks that path is a PDF and returns pdftotext's reading of it.
func receiptText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("the receipt %s is not a PDF (%d bytes, %v)", path, len(data), err)
	}
	out, err := exec.Command(needPoppler(t, "pdftotext"), path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// A v3 deactivation with --receipt and --lang hi saves the patient's
// receipt, names it in the JSON result, and keeps the note out of it.
func TestE2EReceiptAfterDeactivation(t *testing.T) {
	sim := startSim(t)
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	run := startSignInCLI(t, sim, "deactivate", "--abha-number", asha, "--reasons", "101,others",
		"--other-reason", "going abroad", "--yes", "--json", "--receipt", path, "--lang", "hi")
	run.send(sim.otp()) // sign-in
	run.send(sim.otp()) // deactivation
	code, res := run.wait(t)
	if code != exitOK || res.Outcome != "deactivated" || res.Receipt != path || res.TxnID == "" {
		t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
	}
	text := receiptText(t, path)
	for _, want := range []string{res.TxnID, "XX-XXXX-XXXX-7890", "Asha Verma", "डेमो"} { // --lang hi: the mark in Hindi (pdftotext drops some conjuncts)
		if !strings.Contains(text, want) {
			t.Errorf("the receipt does not say %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"going abroad", "7734", "5512-3456", "5512 3456"} {
		if strings.Contains(text, never) {
			t.Errorf("the receipt says %q:\n%s", never, text)
		}
	}
}

// A reactivation in text mode says where the receipt is.
func TestE2EReceiptAfterReactivation(t *testing.T) {
	sim := startSim(t)
	path := filepath.Join(t.TempDir(), "reactivated.pdf")
	run := startSignInCLI(t, sim, "reactivate", "--abha-number", meena, "--otp-method", "mobile", "--yes",
		"--receipt", path, "--lang", "en")
	run.send(sim.otp())
	code, _ := run.wait(t)
	if code != exitOK || !strings.Contains(run.stdout.String(), "Receipt saved: "+path+"\n") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, run.stdout.String(), run.stderrText())
	}
	if text := receiptText(t, path); !strings.Contains(text, "ABHA reactivated") || !strings.Contains(text, "Meena Iyer") {
		t.Fatalf("receipt:\n%s", text)
	}
}

// No receipt unless the change is done: refused, or its outcome unknown.
func TestE2ENoReceiptWhenNotDone(t *testing.T) {
	sim := startSim(t)
	dir := t.TempDir()
	refused := filepath.Join(dir, "refused.pdf")
	run := startCLI(t, sim, ravi, deactivateArgs("--receipt", refused)...) // no linked mobile: refused
	if code, res := run.wait(t); code != exitRejected || res.Receipt != "" {
		t.Fatalf("exit %d, %+v", code, res)
	}
	unknown := filepath.Join(dir, "unknown.pdf")
	run = startCLI(t, sim, asha, deactivateArgs("--receipt", unknown)...)
	otp := sim.otp()
	sim.admin("POST", "faults", `{"route":"`+sim.route("deactivate")+`","fault":{"drop":true,"process":true}}`)
	run.send(otp)
	if code, res := run.wait(t); code != exitUnknown || res.Receipt != "" {
		t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left: %v", entries)
	}
}

// A receipt that cannot be saved after the change is a warning: the
// deactivation is done and the exit code stays 0. A receipt that could not
// be saved where asked, or an unknown language, is refused before any OTP.
func TestE2EReceiptFailures(t *testing.T) {
	sim := startSim(t)
	dir := t.TempDir() // the receipt's path is a folder: the rename fails
	run := startCLI(t, sim, asha, deactivateArgs("--receipt", dir)...)
	run.send(sim.otp())
	code, res := run.wait(t)
	if code != exitOK || res.Outcome != "deactivated" || res.Receipt != "" ||
		!strings.Contains(run.stderrText(), "Warning: the deactivation is done, but the patient's receipt could not be saved") {
		t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
	}
	for name, args := range map[string][]string{
		"missing folder": {"--receipt", filepath.Join(dir, "missing", "r.pdf")},
		"unknown lang":   {"--receipt", filepath.Join(dir, "r.pdf"), "--lang", "fr"},
	} {
		sent := sim.outbox()
		run := startCLI(t, sim, rahul, deactivateArgs(args...)...)
		if code, res := run.wait(t); code != exitUsage || res.Error == nil || sim.outbox() != sent {
			t.Errorf("%s: exit %d, %+v", name, code, res)
		}
	}
}

// auditTrail writes a sample audit trail of n lines into home's data folder
// and returns its path.
func auditTrail(t *testing.T, home string, n int) string {
	t.Helper()
	path := filepath.Join(home, "data", "abha-deactivate", "audit.jsonl")
	if err := audittest.WriteSampleTrail(context.Background(), path, n); err != nil {
		t.Fatal(err)
	}
	return path
}

// runAuditCmd runs the binary with args against home and returns its exit
// code, stdout and stderr.
func runAuditCmd(t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = envFor(home)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

func TestE2EAuditVerify(t *testing.T) {
	home := t.TempDir()
	code, out, _ := runAuditCmd(t, home, "audit", "verify")
	if code != exitOK || !strings.HasPrefix(out, "Audit trail intact: 0 records (0 before the chain began) in ") {
		t.Fatalf("no trail yet: exit %d\n%s", code, out)
	}
	path := auditTrail(t, home, 30)
	code, out, _ = runAuditCmd(t, home, "audit", "verify")
	if code != exitOK || out != "Audit trail intact: 30 records (0 before the chain began) in "+path+"\n" {
		t.Fatalf("intact: exit %d\n%s", code, out)
	}
	pristine, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(pristine, []byte("\n"))
	lines = lines[:len(lines)-1]
	without := func(i int) [][]byte { return append(append([][]byte{}, lines[:i]...), lines[i+1:]...) }
	swapped := append([][]byte{}, lines...)
	swapped[9], swapped[10] = swapped[10], swapped[9]
	edited := append([][]byte{}, lines...)
	edited[6] = bytes.Replace(edited[6], []byte(`"osUser":"`), []byte(`"osUser":"x`), 1)
	damaged := append([][]byte{}, lines...)
	damaged[14] = append(append([]byte{}, damaged[14][:50]...), '\n')
	lastEdited := append([][]byte{}, lines...)
	lastEdited[29] = bytes.Replace(lastEdited[29], []byte(`"osUser":"`), []byte(`"osUser":"x`), 1)
	unlinked := append([][]byte{}, lines...)
	i := bytes.Index(unlinked[19], []byte(`,"prev":"`))
	unlinked[19] = append(append([]byte{}, unlinked[19][:i]...), "}\n"...)
	for name, c := range map[string]struct {
		lines [][]byte
		line  int
		kind  string
		says  string
	}{
		"edited line":  {edited, 7, audit.BreakEditedOrRemoved, "line 7 was changed after it was written"},
		"removed line": {without(4), 4, audit.BreakEditedOrRemoved, "lines between them were removed"},
		"swapped":      {swapped, 10, audit.BreakOutOfOrder, "lines 10 and 11 are out of order or removed"},
		"damaged line": {damaged, 15, audit.BreakDamaged, "line 15 is damaged"},
		"removed prev": {unlinked, 20, audit.BreakUnchained, "line 20 has no link"},
		"edited last":  {lastEdited, 30, audit.BreakLastEdited, "line 30, the last record the app wrote, was changed"},
		"cut from end": {lines[:28], 29, audit.BreakCut, "2 line(s) are missing from the end"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, bytes.Join(c.lines, nil), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, _ := runAuditCmd(t, home, "audit", "verify")
			if code != exitAuditBroken || !strings.HasPrefix(out, fmt.Sprintf("Audit trail BROKEN at line %d of %s\n", c.line, path)) ||
				!strings.Contains(out, c.says) || !strings.Contains(out, "Do not edit") {
				t.Fatalf("exit %d\n%s", code, out)
			}
			if c.kind != audit.BreakDamaged && c.kind != audit.BreakCut && !regexp.MustCompile(`\nRecord: [0-9a-f]{32}, 2026-`).MatchString(out) {
				t.Errorf("the record is not named:\n%s", out)
			}
			code, out, _ = runAuditCmd(t, home, "audit", "verify", "--json")
			var rep struct {
				audit.VerifyReport
				ExitCode int `json:"exitCode"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitAuditBroken || rep.ExitCode != exitAuditBroken ||
				rep.Intact || rep.Break == nil || rep.Break.Line != c.line || rep.Break.Kind != c.kind {
				t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
			}
		})
	}
	if err := os.WriteFile(path, pristine, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runAuditCmd(t, home, "audit", "verify", "--json"); code != exitOK || !strings.Contains(out, `"intact": true`) {
		t.Fatalf("--json intact: exit %d\n%s", code, out)
	}
	if code, _, errOut := runAuditCmd(t, home, "audit", "verify", "--frobnicate"); code != exitUsage {
		t.Fatalf("bad flag: exit %d\n%s", code, errOut)
	}
}

// A trail written before the chain existed verifies, and so do records
// appended after it.
func TestE2EAuditVerifyLegacyTrail(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "data", "abha-deactivate", "audit.jsonl")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `{"id":"0123456789abcdef0123456789abcdef","time":"2025-11-26T07:35:00Z","event":"intent","osUser":"clinic",` +
		`"environment":"sandbox","clientId":"SBX_1","hipId":"IN27","abhaNumber":"XX-XXXX-XXXX-9012"}` + "\n"
	if err := os.WriteFile(path, []byte(old+strings.Replace(old, `"intent"`, `"outcome","outcome":"deactivated"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	trail := audit.Open(path)
	for range 3 {
		if err := trail.Append(context.Background(), audit.Record{ID: audit.NewID(), Event: audit.EventIntent,
			Environment: "sandbox", ABHANumber: "91-1234-5678-9012"}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := runAuditCmd(t, home, "audit", "verify")
	if code != exitOK || out != "Audit trail intact: 5 records (2 before the chain began) in "+path+"\n" {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// The table and the CSV stream the trail, newest line first.
func TestE2EAuditTableAndCSV(t *testing.T) {
	home := t.TempDir()
	auditTrail(t, home, 1200)
	code, out, errOut := runAuditCmd(t, home, "audit", "--csv")
	rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != exitOK || len(rows) != 1201 || !strings.HasPrefix(rows[0], "time,event,action,id,osUser,environment,api,") {
		t.Fatalf("--csv: exit %d, %d rows\n%s", code, len(rows), errOut)
	}
	if rows[1] < rows[len(rows)-1] {
		t.Errorf("not newest first: %s ... %s", rows[1][:20], rows[len(rows)-1][:20])
	}
	code, out, _ = runAuditCmd(t, home, "audit", "--limit", "3", "--outcome", "deactivated")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != exitOK || len(lines) != 4 || !strings.HasPrefix(lines[0], "TIME") || strings.Count(out, " deactivated ") != 3 {
		t.Fatalf("table: exit %d\n%s", code, out)
	}
	code, out, _ = runAuditCmd(t, home, "audit")
	if n := strings.Count(out, "\n"); code != exitOK || n != 1200+3 || strings.Count(out, "TIME") != 3 {
		t.Fatalf("long table: exit %d, %d lines", code, n)
	}
}
