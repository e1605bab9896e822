package cli

import (
	"strings"
	"testing"
)

// A deactivation whose reply was lost, then `status` in the same user's
// folders: the check settles the attempt in the audit trail, says so, and
// `audit` shows it settled by a status check. A second check settles nothing.
func TestE2EStatusSettlesUnknownOutcome(t *testing.T) {
	sim := startSim(t)
	home := t.TempDir()
	run := startCLIIn(t, home, sim, asha, deactivateArgs()...)
	otp := sim.otp()
	sim.admin("POST", "faults", `{"route":"`+sim.route("deactivate")+`","fault":{"drop":true,"process":true}}`)
	run.send(otp)
	if code, res := run.wait(t); code != exitUnknown || res.Outcome != "outcome-unknown" {
		t.Fatalf("deactivate: exit %d, %+v\n%s", code, res, run.stderrText())
	}
	sim.admin("DELETE", "faults", "")
	status := startCLIIn(t, home, sim, "", "status", "--abha-number", asha)
	if code, _ := status.wait(t); code != exitOK {
		t.Fatalf("status: exit %d\n%s", code, status.stderrText())
	}
	out := status.stdout.String()
	if !strings.Contains(out, "Settled the deactivation of") || !strings.Contains(out, "settled by a status check: the ABHA is deactivated") {
		t.Fatalf("status did not say it settled the attempt:\n%s", out)
	}
	again := startCLIIn(t, home, sim, "", "status", "--json", "--abha-number", asha)
	if code, res := again.wait(t); code != exitOK || res.Outcome != "deactivated" || strings.Contains(again.stderrText(), "Settled") {
		t.Fatalf("second status: exit %d, %+v\n%s", code, res, again.stderrText())
	}
	trail := startCLIIn(t, home, nil, "", "audit")
	if code, _ := trail.wait(t); code != exitOK {
		t.Fatalf("audit: exit %d\n%s", code, trail.stderrText())
	}
	if got := trail.stdout.String(); !strings.Contains(got, "settled by a status check") {
		t.Fatalf("audit does not show the settlement:\n%s", got)
	}
}
