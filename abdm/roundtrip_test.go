package abdm

import (
	"context"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
)

// After Connect, "Send OTP" and "Deactivate" cost exactly one request each,
// even when the session would have expired meanwhile: the background
// renewal (Warm) has done that work ahead of time.
func TestOneRequestPerClickAfterConnect(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.toPatient(patientAsha)
	click := func(name string, do func() error) {
		t.Helper()
		e.advance(9*time.Minute + 15*time.Second)  // the session has 45 s left
		if err := e.client.Warm(ctx); err != nil { // what KeepWarm does in the background
			t.Fatal(err)
		}
		before := e.sim.Requests()
		if err := do(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := e.sim.Requests() - before; n != 1 {
			t.Fatalf("%s made %d requests, want 1", name, n)
		}
	}
	click("Send OTP", func() error { _, err := e.flow.RequestOTP(ctx, OTPAadhaar); return err })
	click("Deactivate", func() error {
		_, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
		return err
	})
}

// Without the background renewal, the same late click pays for a new session.
func TestALateClickWithoutWarmPaysForTheSession(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.toPatient(patientAsha)
	e.advance(9*time.Minute + 15*time.Second)
	before := e.sim.Requests()
	if _, err := e.flow.RequestOTP(ctx, OTPAadhaar); err != nil {
		t.Fatal(err)
	}
	if n := e.sim.Requests() - before; n != 2 {
		t.Fatalf("%d requests, want 2 (renewal, then the OTP request)", n)
	}
}

func TestWarmRenewsOnlyWhenDue(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	if err := e.client.Warm(ctx); err != nil || e.sim.Requests() != 0 {
		t.Fatal("Warm before the first connection must do nothing")
	}
	e.connect()
	before := e.sim.Requests()
	e.advance(5 * time.Minute)
	if err := e.client.Warm(ctx); err != nil || e.sim.Requests() != before {
		t.Fatalf("Warm renewed a session with 5 minutes left (%v)", err)
	}
	e.advance(3*time.Minute + 30*time.Second) // 90 s left: inside the warm margin
	if err := e.client.Warm(ctx); err != nil || e.sim.Requests() != before+1 {
		t.Fatalf("Warm did not renew (%v, %d requests)", err, e.sim.Requests()-before)
	}
	e.advance(DefaultKeyTTL - 10*time.Minute)
	if err := e.client.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if e.sim.Count(sandbox.RouteCert) != 2 {
		t.Fatalf("the key was not fetched again ahead of its TTL: %d cert requests", e.sim.Count(sandbox.RouteCert))
	}
}

func TestKeepWarmStopsWithItsContext(t *testing.T) {
	e := newTestEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.client.KeepWarm(ctx, time.Millisecond); close(done) }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("KeepWarm did not return after its context ended")
	}
}

// A gateway session that the server ends between any two steps is renewed
// without the user noticing.
func TestSessionExpiryBetweenAnyTwoSteps(t *testing.T) {
	ctx := context.Background()
	steps := []struct {
		name string
		do   func(e *testEnv) error
	}{
		{"connect", func(e *testEnv) error { return e.flow.Connect(ctx) }},
		{"find patient", func(e *testEnv) error { _, err := e.flow.LoadPatient(ctx, e.token(patientAsha)); return err }},
		{"send OTP", func(e *testEnv) error { _, err := e.flow.RequestOTP(ctx, OTPAadhaar); return err }},
		{"check status", func(e *testEnv) error { _, err := e.flow.CheckStatus(ctx); return err }},
		{"deactivate", func(e *testEnv) error {
			_, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
			return err
		}},
	}
	for gap := 1; gap < len(steps); gap++ {
		t.Run("before "+steps[gap].name, func(t *testing.T) {
			e := newTestEnv(t)
			for i, s := range steps {
				if i == gap {
					e.sim.ExpireSessions()
				}
				if err := s.do(e); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
			}
			if e.flow.State().Step != StepDeactivated {
				t.Fatalf("step %v", e.flow.State().Step)
			}
		})
	}
}

// A patient token that expires before the OTP request sends the user back
// to the patient step; signing in again carries on.
func TestPatientTokenExpiryBeforeTheOTP(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.toPatient(patientAsha)
	e.advance(31 * time.Minute) // the patient's token lives 30 minutes
	_, err := e.flow.RequestOTP(ctx, OTPAadhaar)
	wantKind(t, err, KindPatientToken)
	if st := e.flow.State(); st.Step != StepConnected || st.Patient.ABHANumber != patientAsha {
		t.Fatalf("state %+v: want the patient step, patient remembered", st)
	}
	if _, err := e.flow.LoadPatient(ctx, e.token(patientAsha)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.RequestOTP(ctx, OTPAadhaar); err != nil {
		t.Fatal(err)
	}
}
