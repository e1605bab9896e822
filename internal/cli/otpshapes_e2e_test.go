package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// faultOnce sets a fault with status and body on route for one request.
func (s *simProc) faultOnce(route string, status int, body string) {
	s.t.Helper()
	f, _ := json.Marshal(map[string]any{"route": route, "fault": map[string]any{"status": status, "body": body, "times": 1}})
	s.admin("POST", "faults", string(f))
}

// TestE2EWrongOTPInEveryShape: whatever shape ABDM's wrong-OTP answer takes
// (v3's 200 authResult failed, the flat ABDM-9999, UIDAI's 422 ABDM-1204
// "Invalid Aadhaar OTP value", the field-keyed otpValue), deactivate asks
// for the OTP again with the attempts left, and the right one then goes
// through.
func TestE2EWrongOTPInEveryShape(t *testing.T) {
	shapes := []struct{ name, body string }{
		{"200 failed", `{"txnId":"x","authResult":"failed","message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","accounts":[]}`},
		{"9999 flat", `{"code":"ABDM-9999","message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","timestamp":"2026-11-26T10:00:00Z"}`},
		{"1204 invalid OTP", `{"error":{"code":"ABDM-1204","message":"UIDAI Error code : 400 : Invalid Aadhaar OTP value."}}`},
		{"otpValue field", `{"otpValue":"Invalid OTP value","timestamp":"2026-11-26T10:00:00Z"}`},
	}
	statuses := []int{200, 400, 422, 400}
	sim := startSim(t)
	for i, c := range shapes {
		t.Run(c.name, func(t *testing.T) {
			sim.t = t
			sim.admin("POST", "clock", `{"advance":"2m"}`) // past the wait between OTPs
			sim.faultOnce("v3-account-verify", statuses[i], c.body)
			run := startCLI(t, sim, asha, deactivateArgs()...)
			right := sim.otp()
			run.send(right) // refused by the fault: asked again
			waitFor(t, run, "attempt(s) left")
			run.stdin.Close() // no second OTP: the run ends without deactivating
			code, res := run.wait(t)
			if !strings.Contains(run.stderrText(), "The OTP does not match (or has expired). 2 attempt(s) left.") {
				t.Fatalf("no re-prompt with the attempts left:\n%s", run.stderrText())
			}
			if code == exitOK || res.Outcome == "deactivated" {
				t.Fatalf("exit %d, %+v", code, res)
			}
		})
	}
	t.Run("then right", func(t *testing.T) {
		sim.t = t
		sim.admin("POST", "clock", `{"advance":"2m"}`)
		sim.faultOnce("v3-account-verify", 422, shapes[2].body)
		run := startCLI(t, sim, asha, deactivateArgs()...)
		right := sim.otp()
		run.send(right)
		run.send(right)
		code, res := run.wait(t)
		if code != exitOK || res.Outcome != "deactivated" || !strings.Contains(run.stderrText(), "2 attempt(s) left.") {
			t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
		}
	})
}

// TestE2EUIDAIFailureEndsTheRun: a real failure of UIDAI behind ABDM
// (ABDM-1204 with another UIDAI error) is not a wrong OTP: the run ends
// saying the Aadhaar service did not complete the request.
func TestE2EUIDAIFailureEndsTheRun(t *testing.T) {
	sim := startSim(t)
	sim.faultOnce("v3-account-verify", 422,
		`{"error":{"code":"ABDM-1204","message":"UIDAI Error code : 500 : Unable to connect to the UIDAI server"}}`)
	run := startCLI(t, sim, asha, deactivateArgs()...)
	run.send(sim.otp())
	code, res := run.wait(t)
	if code != exitRejected || res.Error == nil || res.Error.Kind != "aadhaar-service" ||
		strings.Contains(run.stderrText(), "attempt(s) left") {
		t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
	}
}

// TestE2EStoppedDuringOTPSend: Ctrl+C while ABDM is sending the OTP says
// that the OTP may still come, in plain words (no "context canceled").
func TestE2EStoppedDuringOTPSend(t *testing.T) {
	sim := startSim(t)
	f, _ := json.Marshal(map[string]any{"route": "v3-account-request-otp", "fault": map[string]any{"latency": "30s"}})
	sim.admin("POST", "faults", string(f))
	run := startCLI(t, sim, asha, deactivateArgs()...)
	deadline := time.Now().Add(20 * time.Second)
	for sim.count("v3-account-request-otp") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the OTP request never arrived:\n%s", run.stderrText())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the request is written in full
	_ = run.cmd.Process.Signal(os.Interrupt)
	code, res := run.wait(t)
	want := "Stopped. ABDM may already have sent the OTP; wait for it before sending again."
	if code == exitOK || res.Outcome != "cancelled" || res.Error == nil || res.Error.Message != want ||
		strings.Contains(run.stdout.String()+run.stderrText(), "context canceled") {
		t.Fatalf("exit %d, %+v\nstdout %s\nstderr:\n%s", code, res, run.stdout.String(), run.stderrText())
	}
}

// waitFor waits until the run's stderr holds text.
func waitFor(t *testing.T, run *cliRun, text string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(run.stderrText(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on stderr:\n%s", text, run.stderrText())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
