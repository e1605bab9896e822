package abdm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"abha-deactivate/abdm/sandbox"
)

// TestChangedKeyIsFetchedAgain: when ABDM changes its public key after the
// client cached it, a refused encrypted value makes the client fetch the key
// again and send once more, so staff see no error: at sign-in, for the
// deactivation OTP, for the deactivation itself and for reactivation. The
// irreversible call is sent again only after ABDM refused the first one.
func TestChangedKeyIsFetchedAgain(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		_, other := testKeys(t)
		e := newTestEnv(t, withGen(gen))
		e.connect()
		ctx := context.Background()
		e.toOTPSent(patientAsha)
		keysBefore := e.count(callKey)
		e.sim.RotateKey(other) // ABDM changes its key while the OTP is read out
		res, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
		if err != nil {
			t.Fatalf("deactivate after the key changed: %v", err)
		}
		if res.TxnID == "" {
			t.Error("no transaction in the result")
		}
		if n := e.count(callKey) - keysBefore; n != 1 {
			t.Errorf("the key was fetched %d times, want once", n)
		}
		if n := e.count(callDeactivate); n != 2 {
			t.Errorf("the deactivation reached ABDM %d times, want 2 (refused with the old key, done with the new)", n)
		}
	})
}

// TestSameKeyRefusalStands: a wrong OTP with an unchanged key is refused as
// before; the key is fetched again once, and nothing is sent twice.
func TestSameKeyRefusalStands(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		e := newTestEnv(t, withGen(gen))
		e.connect()
		e.toOTPSent(patientAsha)
		before := e.count(callDeactivate)
		_, err := e.flow.Deactivate(context.Background(), wrongOTP(e.lastOTP()), []string{"101"}, "")
		if !IsOTPRefusal(err) {
			t.Fatalf("wrong OTP: %v", err)
		}
		if n := e.count(callDeactivate) - before; n != 1 {
			t.Errorf("the refused deactivation was sent %d times, want 1", n)
		}
	})
}

// TestChangedKeyAtSignIn: v3 encrypts the ABHA number of a sign-in too;
// with a changed key the sign-in still goes through.
func TestChangedKeyAtSignIn(t *testing.T) {
	_, other := testKeys(t)
	e := newTestEnv(t, withGen(V3))
	e.connect()
	e.sim.RotateKey(other)
	if p := e.signIn(patientAsha, LoginAadhaarOTP); p.ABHANumber == "" {
		t.Fatal("signed in to no one")
	}
}

// TestChangedKeyRefusedAgain: when the value sent again with ABDM's new key
// is refused too (not as a wrong OTP), the error says that ABDM's key may
// have changed (KindKeyChanged), keeping ABDM's code; nothing more is sent.
func TestChangedKeyRefusedAgain(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		_, other := testKeys(t)
		e := newTestEnv(t, withGen(gen))
		e.connect()
		e.toOTPSent(patientAsha)
		before := e.count(callDeactivate)
		e.sim.RotateKey(other)
		e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Status: 400, Times: 2,
			Body: `{"code":"ABDM-9999","message":"Invalid LoginId","timestamp":"2026-11-26T10:00:00Z"}`})
		_, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
		var ae *Error
		if !errors.As(err, &ae) || ae.Kind != KindKeyChanged || ae.Code != "ABDM-9999" {
			t.Fatalf("refused again after the key changed: %v (kind %v)", err, KindOf(err))
		}
		if !strings.Contains(ae.Message(), "key") || !strings.Contains(ae.NextAction(), "Go to Connect") {
			t.Errorf("advice %q / %q", ae.Message(), ae.NextAction())
		}
		if n := e.count(callDeactivate) - before; n != 2 {
			t.Errorf("the deactivation reached ABDM %d times, want 2", n)
		}
	})
}
