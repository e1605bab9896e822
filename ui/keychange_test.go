package ui

import (
	"net/http"
	"strings"
	"testing"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
)

// rotateKey has the simulator change its key by its admin HTTP call, as a
// trainer or a test from outside would.
func (e *uiEnv) rotateKey() {
	e.t.Helper()
	base := strings.TrimSuffix(e.wiz.opts.Demo.URLs[abdm.V3][0], sandbox.GatewayV3Base)
	resp, err := http.Post(base+sandbox.AdminPrefix+"rotate-key", "application/json", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		e.t.Fatalf("rotate-key: %s", resp.Status)
	}
}

// TestWizardKeyChangedBeforeDeactivation: ABDM changes its key between the
// patient's sign-in and the deactivation; the wizard fetches the key once
// more, sends the refused deactivation once more, and it is done.
func TestWizardKeyChangedBeforeDeactivation(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toVerify(asha)
		certs, deacts := e.sim.Count(e.certRoute()), e.sim.Count(e.route("deactivate"))
		e.rotateKey()
		e.enter(e.lastOTP())
		e.tapNext()
		e.confirmDialog(T("Deactivate"))
		e.wantStep(stepResult)
		if n := e.sim.Count(e.certRoute()) - certs; n != 1 {
			t.Errorf("the key was fetched %d times, want once", n)
		}
		if n := e.sim.Count(e.route("deactivate")) - deacts; n != 2 {
			t.Errorf("the deactivation reached ABDM %d times, want 2 (refused with the old key, done with the new)", n)
		}
	})
}

// TestWizardKeyChangedRefusedAgain: if the deactivation sent again with the
// new key is refused too, the notice says plainly that ABDM's key may have
// changed and offers Go to Connect.
func TestWizardKeyChangedRefusedAgain(t *testing.T) {
	e := newUIEnv(t, withAPI(abdm.V3))
	e.toVerify(asha)
	e.rotateKey()
	e.sim.SetFault(e.route("deactivate"), sandbox.Fault{Status: 400, Times: 2,
		Body: `{"code":"ABDM-9999","message":"Invalid LoginId","timestamp":"2026-11-26T10:00:00Z"}`})
	e.enter(e.lastOTP())
	e.tapNext()
	e.confirmDialog(T("Deactivate"))
	e.wantStep(stepVerify)
	n := e.verify().notice
	e.wantNotice(n, "ABDM's key may have changed")
	e.wantNotice(n, "Press Go to Connect")
	e.act(func() {
		if n.action.Hidden || n.action.Text != T("Go to Connect") {
			t.Errorf("the notice's button: %q (hidden %v)", n.action.Text, n.action.Hidden)
		}
	})
}

// certRoute is the simulator's route of the public key in the wizard's generation.
func (e *uiEnv) certRoute() sandbox.Route {
	if e.gen() == abdm.V2 {
		return sandbox.RouteCert
	}
	return sandbox.RouteV3Certificate
}
