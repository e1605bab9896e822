package abdm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"abha-deactivate/abdm/sandbox"
)

// An outcome lost, left for later (the link is down), then settled by
// SettleEarlier once the link is back: the journal gets the verdict, saying
// a status check settled it, and the flow serves the next patient meanwhile.
func TestCheckLaterThenSettleEarlier(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		j := &memJournal{}
		e := newTestEnv(t, withGen(gen), withJournal(j))
		ctx := context.Background()
		otp := e.toOTPSent(patientAsha)
		e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Drop: true, Process: true, Times: 1})
		_, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
		wantKind(t, err, KindOutcomeUnknown)
		u := e.flow.State().Unknown
		if u == nil || u.Patient.ABHANumber != patientAsha || u.TxnID != otp.TxnID || u.ID == "" {
			t.Fatalf("unknown attempt in the state: %+v", u)
		}
		a, err := e.flow.CheckLater()
		if err != nil || a.ID != u.ID {
			t.Fatalf("check later: %+v %v", a, err)
		}
		if s := e.flow.State(); s.Step != StepConnected || s.Unknown != nil || s.Patient.ABHANumber != "" {
			t.Fatalf("state after check later: %+v", s)
		}
		var se *StepError
		if _, err := e.flow.CheckLater(); !errors.As(err, &se) {
			t.Fatalf("check later twice: %v", err)
		}
		got, err := e.flow.SettleEarlier(ctx, a)
		if err != nil || got.Status != StatusDeactivated || !got.Done || got.Outcome.Status != OutcomeDeactivated {
			t.Fatalf("settle: %+v %v", got, err)
		}
		if !strings.HasPrefix(got.Outcome.Message, SettledMessage) {
			t.Fatalf("message %q", got.Outcome.Message)
		}
		if s := strings.Join(j.statuses(), ","); s != OutcomeUnknown+","+OutcomeDeactivated {
			t.Fatalf("journal %q", s)
		}
		if s := e.flow.State(); s.Step != StepConnected || s.Busy {
			t.Fatalf("state after settling: %+v", s)
		}
	})
}

// A deactivation dropped before ABDM processed it settles as not done.
func TestSettleEarlierNotDone(t *testing.T) {
	j := &memJournal{}
	e := newTestEnv(t, withGen(V3), withJournal(j))
	e.connect()
	a := Attempt{Action: ActionDeactivate, ID: "x1", Patient: Profile{ABHANumber: patientAsha}}
	got, err := e.flow.SettleEarlier(context.Background(), a)
	if err != nil || got.Done || got.Outcome.Status != OutcomeNotDeactivated {
		t.Fatalf("settle: %+v %v", got, err)
	}
	if got.Outcome.Duration != 0 {
		t.Fatalf("duration %v for an attempt with no start time", got.Outcome.Duration)
	}
}

// SettleEarlier needs the full ABHA number, and a connection.
func TestSettleEarlierRefusals(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	masked := Attempt{ID: "x", Patient: Profile{ABHANumber: "XX-XXXX-XXXX-1234"}}
	if _, err := e.flow.SettleEarlier(context.Background(), masked); !errors.Is(err, ErrNoABHANumber) {
		t.Fatalf("masked number: %v", err)
	}
	var se *StepError
	full := Attempt{ID: "x", Patient: Profile{ABHANumber: patientAsha}}
	if _, err := e.flow.SettleEarlier(context.Background(), full); !errors.As(err, &se) {
		t.Fatalf("before connect: %v", err)
	}
}

// A v3 reactivation signs the patient in; the app logs that sign-in out
// at once, and the simulator then refuses the token.
func TestV3ReactivationLogsOut(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	ctx := context.Background()
	e.connect()
	if _, err := e.flow.StartReactivation(ctx, patientMeena, OTPMobile); err != nil {
		t.Fatal(err)
	}
	res, err := e.flow.Reactivate(ctx, e.lastOTP())
	if err != nil || !res.SignedIn {
		t.Fatalf("reactivate: %+v %v", res, err)
	}
	if n := e.sim.Logouts(); n != 1 {
		t.Fatalf("%d logouts, want 1", n)
	}
	if n := e.sim.Count(sandbox.RouteV3Logout); n != 1 {
		t.Fatalf("%d logout calls", n)
	}
}

// Logout ends the token: the profile is refused with it afterwards; a
// failed logout is only logged, never with the token.
func TestV3LogoutInvalidatesToken(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	ctx := context.Background()
	e.connect()
	tok := e.token(patientAsha)
	if _, err := e.client.Profile(ctx, tok); err != nil {
		t.Fatalf("profile before logout: %v", err)
	}
	if err := e.client.Logout(ctx, tok); err != nil {
		t.Fatalf("logout: %v", err)
	}
	_, err := e.client.Profile(ctx, tok)
	wantKind(t, err, KindPatientToken)
	e.sim.SetFault(sandbox.RouteV3Logout, sandbox.Fault{Status: 500, Body: `{"message":"down"}`})
	tok = e.token(patientAsha)
	e.client.logoutQuietly(ctx, tok)
	if log := e.logBuf.String(); !strings.Contains(log, "logging the patient's new sign-in out failed") || strings.Contains(log, tok) {
		t.Fatalf("log after a failed logout: %s", log)
	}
}

// v2 has no logout: nothing is sent.
func TestV2LogoutDoesNothing(t *testing.T) {
	e := newTestEnv(t, withGen(V2))
	e.connect()
	if err := e.client.Logout(context.Background(), e.token(patientAsha)); err != nil {
		t.Fatal(err)
	}
	if n := e.sim.Count(sandbox.RouteV3Logout); n != 0 {
		t.Fatalf("%d logout calls on v2", n)
	}
}

// Every outcome a status check writes says so: History and `audit` show it.
func TestVerdictMessagesSaySettled(t *testing.T) {
	for v, o := range verdictOutcomes {
		if !strings.HasPrefix(o.Message, SettledMessage+": ") {
			t.Errorf("%s: message %q", v, o.Message)
		}
	}
}
