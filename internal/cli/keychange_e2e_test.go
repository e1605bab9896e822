package cli

import (
	"strings"
	"testing"
)

// TestE2EKeyChangedBeforeDeactivation: the simulator changes its key (by
// its admin HTTP call) after the deactivation OTP was sent; deactivate
// fetches the key once more, sends the refused deactivation once more and
// completes.
func TestE2EKeyChangedBeforeDeactivation(t *testing.T) {
	forEachAPI(t, func(t *testing.T, sim *simProc) {
		certRoute := map[string]string{"v3": "v3-certificate", "v2": "cert"}[sim.api]
		run := startCLI(t, sim, asha, deactivateArgs()...)
		otp := sim.otp()
		certs, deacts := sim.count(certRoute), sim.count(sim.route("deactivate"))
		sim.admin("POST", "rotate-key", "")
		run.send(otp)
		code, res := run.wait(t)
		if code != exitOK || res.Outcome != "deactivated" {
			t.Fatalf("exit %d, %+v\n%s", code, res, run.stderrText())
		}
		if n := sim.count(certRoute) - certs; n != 1 {
			t.Errorf("the key was fetched %d times, want once", n)
		}
		if n := sim.count(sim.route("deactivate")) - deacts; n != 2 {
			t.Errorf("the deactivation reached ABDM %d times, want 2", n)
		}
	})
}

// TestE2EKeyChangedRefusedAgain: refused again with the new key, the run
// ends saying that ABDM's key may have changed and what to do.
func TestE2EKeyChangedRefusedAgain(t *testing.T) {
	sim := startSim(t)
	run := startCLI(t, sim, asha, "deactivate", "--reasons", "101", "--yes")
	otp := sim.otp()
	sim.admin("POST", "rotate-key", "")
	sim.admin("POST", "faults", `{"route":"v3-account-verify","fault":{"status":400,"times":2,`+
		`"body":"{\"code\":\"ABDM-9999\",\"message\":\"Invalid LoginId\"}"}}`)
	run.send(otp)
	code, _ := run.wait(t)
	text := run.stderrText()
	if code != exitRejected || !strings.Contains(text, "ABDM's key may have changed") ||
		!strings.Contains(text, "Run the command again") {
		t.Fatalf("exit %d\n%s", code, text)
	}
}
