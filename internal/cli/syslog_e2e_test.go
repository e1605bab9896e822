package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"abha-deactivate/internal/syslogtest"
	"abha-deactivate/storage/auditforward"
)

// syslogRun runs the binary in home against sim, forwarding to url with ca.
type syslogRun struct {
	t        *testing.T
	sim      *simProc
	home     string
	url, ca  string
	patients []string
}

func (s *syslogRun) flags() []string {
	return []string{"--audit-syslog", s.url, "--audit-syslog-ca", s.ca}
}

// change deactivates (even i) or reactivates (odd i) a patient, signing in
// by ABHA number and an OTP, and returns how long the command took after
// its outcome was printed.
func (s *syslogRun) change(i int) *cliRun {
	s.t.Helper()
	abha := s.patients[(i/2)%len(s.patients)]
	var run *cliRun
	if i%2 == 0 {
		run = startCLIIn(s.t, s.home, s.sim, "", append([]string{"deactivate", "--abha-number", abha, "--reasons", "101",
			"--yes", "--json"}, s.flags()...)...)
		run.send(s.sim.otp())
	} else {
		run = startCLIIn(s.t, s.home, s.sim, "", append([]string{"reactivate", "--abha-number", abha, "--otp-method", "mobile",
			"--yes", "--json"}, s.flags()...)...)
	}
	run.send(s.sim.otp())
	return run
}

// finish waits for run and checks its outcome.
func (s *syslogRun) finish(run *cliRun, i int) {
	s.t.Helper()
	want := map[bool]string{true: "deactivated", false: "reactivated"}[i%2 == 0]
	if code, res := run.wait(s.t); code != exitOK || res.Outcome != want {
		s.t.Fatalf("change %d: exit %d, %+v\n%s", i, code, res, run.stderrText())
	}
	s.sim.admin("POST", "clock", `{"advance":"2m"}`) // past the OTP resend waits
}

// auditCmdIn runs `audit ARGS` in home and returns its exit code and output.
func auditCmdIn(t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binPath, append([]string{"audit"}, args...)...)
	cmd.Env = envFor(home)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	_ = cmd.Run()
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// stallListener accepts connections and never answers: a collector that hangs.
func stallListener(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { l.Close() })
	return "tls://" + l.Addr().String()
}

// Issue 21: every record reaches a real rsyslog over TLS exactly once and
// in order, through 50 deactivations and reactivations by the terminal
// commands, the collector stopped and restarted in the middle, one command
// killed with SIGKILL while its records were pending, 10 more through the
// wizard's flow (syslog_wizard_test.go), then `audit forward`.
func TestE2ESyslogForwardingToRealRsyslog(t *testing.T) {
	dir := t.TempDir()
	certs := syslogtest.MakeCerts(t, dir)
	rs := syslogtest.StartRsyslog(t, dir, certs, certs.Server)
	s := &syslogRun{t: t, sim: startSim(t), home: t.TempDir(), url: rs.Addr(), ca: certs.CA,
		patients: []string{asha, rahul}}
	const changes = 50
	for i := 0; i < changes; i++ {
		switch i {
		case 16:
			rs.Stop() // the collector goes down in the middle
		case 34:
			rs.Start()
		case 40:
			s.killedWhilePending(i)
			continue
		}
		run := s.change(i)
		s.finish(run, i)
		if i >= 16 && i < 34 && !strings.Contains(run.stderrText(), "not yet forwarded") {
			t.Fatalf("change %d with the collector down: no warning\n%s", i, run.stderrText())
		}
	}
	const wizard = 10 // and through the wizard's flow, in this process
	s.wizardChanges(wizard)
	code, out, errOut := auditCmdIn(t, s.home, append([]string{"forward", "--json"}, s.flags()...)...)
	var fr struct{ Sent, Pending, ExitCode int }
	if err := json.Unmarshal([]byte(out), &fr); err != nil || code != exitOK || fr.Pending != 0 {
		t.Fatalf("audit forward: exit %d %+v %v\n%s%s", code, fr, err, out, errOut)
	}
	s.checkCollector(rs, 2*(changes+wizard))
}

// killedWhilePending runs change i against a collector that never answers
// and kills the command with SIGKILL once its outcome is out, while it
// waits to forward: its records stay pending and are sent later.
func (s *syslogRun) killedWhilePending(i int) {
	s.t.Helper()
	real := s.url
	s.url = stallListener(s.t)
	defer func() { s.url = real }()
	before := s.trailLines()
	run := s.change(i)
	s.awaitOutcome(run, before)
	if err := run.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatalf("the command ended before it could be killed: %v", err)
	}
	_ = run.cmd.Wait()
	if ws, ok := run.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		s.t.Fatalf("the command was not killed: %v", run.cmd.ProcessState)
	}
	s.sim.admin("POST", "clock", `{"advance":"2m"}`)
	trail := filepath.Join(s.home, "data", "abha-deactivate", "audit.jsonl")
	st, err := auditforward.ReadStatus(context.Background(), trail)
	if err != nil || st.Pending < 2 {
		s.t.Fatalf("after the kill: %+v %v (want its 2 records pending)", st, err)
	}
}

// trailLines counts the lines of the trail in s.home.
func (s *syslogRun) trailLines() int {
	data, _ := os.ReadFile(filepath.Join(s.home, "data", "abha-deactivate", "audit.jsonl"))
	return strings.Count(string(data), "\n")
}

// awaitOutcome waits until run has written its intent and outcome records
// to the trail, which had before lines.
func (s *syslogRun) awaitOutcome(run *cliRun, before int) {
	s.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); s.trailLines() < before+2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			s.t.Fatalf("no outcome record\n%s", run.stderrText())
		}
	}
}

// checkCollector checks that the collector's file holds every record of
// the trail once, in order, masked, and that `audit verify --against` agrees.
func (s *syslogRun) checkCollector(rs *syslogtest.Rsyslog, want int) {
	s.t.Helper()
	lines := rs.Lines(context.Background(), want, 10*time.Second)
	if len(lines) != want {
		s.t.Fatalf("the collector holds %d lines, want %d", len(lines), want)
	}
	masked := regexp.MustCompile(`^XX-XXXX-XXXX-\d{4}$`)
	data, _ := os.ReadFile(rs.Out)
	for _, secret := range []string{s.sim.info["client-secret"], asha, rahul, strings.ReplaceAll(asha, "-", ""), "9876543210", "9123456789"} {
		if strings.Contains(string(data), secret) {
			s.t.Fatalf("the collector's file holds %q", secret)
		}
	}
	for n, l := range lines {
		_, msg, ok := strings.Cut(l, "] {")
		var rec struct{ AbhaNumber, ID, Event string }
		if !ok || json.Unmarshal([]byte("{"+msg), &rec) != nil || !masked.MatchString(rec.AbhaNumber) ||
			!strings.HasPrefix(l, "<85>1 ") && !strings.HasPrefix(l, "<84>1 ") {
			s.t.Fatalf("collector line %d: %s", n+1, l)
		}
	}
	code, out, errOut := auditCmdIn(s.t, s.home, "verify", "--against", rs.Out)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("agree: %d records, each once and in order", want)) {
		s.t.Fatalf("audit verify --against: exit %d\n%s%s", code, out, errOut)
	}
}

// A collector whose certificate cannot be trusted (signed by another CA, or
// expired) gets nothing; the command still ends promptly after its
// outcome, warning that the records stay pending, and `audit forward`
// exits 4.
func TestE2ESyslogRefusedCertificates(t *testing.T) {
	dir := t.TempDir()
	certs := syslogtest.MakeCerts(t, dir)
	sim := startSim(t)
	for _, c := range []struct{ name, cert, ca, why string }{
		{"wrong CA", certs.Server, certs.OtherCA, "certificate signed by unknown authority"},
		{"expired", certs.Expired, certs.CA, "expired"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rs := syslogtest.StartRsyslog(t, t.TempDir(), certs, c.cert)
			s := &syslogRun{t: t, sim: sim, home: t.TempDir(), url: rs.Addr(), ca: c.ca, patients: []string{asha}}
			run := s.change(0)
			s.awaitOutcome(run, 0)
			outcomeAt := time.Now()
			s.finish(run, 0)
			if lag := time.Since(outcomeAt); lag > 2*time.Second {
				t.Errorf("the command ended %v after its outcome", lag)
			}
			if e := run.stderrText(); !strings.Contains(e, "2 audit record(s) not yet forwarded") || !strings.Contains(e, c.why) {
				t.Errorf("no clear warning:\n%s", e)
			}
			code, out, errOut := auditCmdIn(t, s.home, append([]string{"forward"}, s.flags()...)...)
			if code != exitUnavailable || !strings.Contains(out, "Sent 0 audit record(s)") || !strings.Contains(out, "2 pending") {
				t.Errorf("audit forward: exit %d\n%s%s", code, out, errOut)
			}
			if data, _ := os.ReadFile(rs.Out); len(data) != 0 {
				t.Errorf("the collector received:\n%s", data)
			}
			s.sim.admin("POST", "clock", `{"advance":"2m"}`)
			run = s.change(1) // back to active for the next case
			s.finish(run, 1)
		})
	}
}

// `audit forward` without a collector is a usage error; `audit verify
// --against` names each difference and exits 6.
func TestE2EAuditForwardUsageAndAgainst(t *testing.T) {
	home := t.TempDir()
	if code, _, errOut := auditCmdIn(t, home, "forward"); code != exitUsage || !strings.Contains(errOut, "no audit collector is configured") {
		t.Fatalf("forward without a collector: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := auditCmdIn(t, home, "forward", "--audit-syslog", "tls://collector.example:6514"); code != exitUsage ||
		!strings.Contains(errOut, "needs the CA") {
		t.Fatalf("forward without a CA: exit %d\n%s", code, errOut)
	}
	run := startCLIIn(t, home, nil, "", "deactivate", "--demo", "--reasons", "104", "--yes", "--audit-syslog", "tls://collector.example:6514")
	if code, _ := run.wait(t); code != exitUsage || !strings.Contains(run.stderrText(), "needs the CA") {
		t.Fatalf("deactivate with a collector but no CA: exit %d\n%s", code, run.stderrText())
	}
	data := filepath.Join(home, "data", "abha-deactivate")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	r1 := `{"id":"a1","time":"2026-12-03T10:00:00Z","event":"intent"}`
	r2 := `{"id":"a1","time":"2026-12-03T10:00:01Z","event":"outcome","outcome":"deactivated"}`
	coll := filepath.Join(home, "collected.log")
	if err := errors.Join(os.WriteFile(filepath.Join(data, "audit.jsonl"), []byte(r1+"\n"+r2+"\n"), 0o600),
		os.WriteFile(coll, []byte(r1+"\n"), 0o600)); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := auditCmdIn(t, home, "verify", "--against", coll, "--json")
	var rep auditforward.AgainstReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitAuditBroken || rep.Agree || rep.Count != 1 ||
		rep.Differences[0].Kind != auditforward.DiffMissing || rep.Differences[0].Event != "outcome" {
		t.Fatalf("exit %d %+v %v\n%s%s", code, rep, err, out, errOut)
	}
	if code, out, _ := auditCmdIn(t, home, "verify", "--against", coll); code != exitAuditBroken ||
		!strings.Contains(out, "not yet forwarded: record a1 (outcome), trail line 2") {
		t.Fatalf("text: exit %d\n%s", code, out)
	}
}
