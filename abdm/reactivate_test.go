package abdm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"abha-deactivate/abdm/sandbox"
)

// signInAndDeactivate signs abha in by Aadhaar OTP and deactivates it.
func (e *testEnv) signInAndDeactivate(abha string) Result {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.flow.LookUp(ctx, abha); err != nil {
		e.t.Fatalf("look up: %v", err)
	}
	if _, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP); err != nil {
		e.t.Fatalf("sign-in OTP: %v", err)
	}
	if _, err := e.flow.FinishSignIn(ctx, e.lastOTP()); err != nil {
		e.t.Fatalf("sign in: %v", err)
	}
	if _, err := e.flow.RequestOTP(ctx, OTPAadhaar); err != nil {
		e.t.Fatalf("request OTP: %v", err)
	}
	res, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
	if err != nil {
		e.t.Fatalf("deactivate: %v", err)
	}
	return res
}

// Deactivate, then reactivate at once ("Reactivate now"), then the patient
// can sign in again: in both generations, through the flow, journalled.
func TestDeactivateReactivateSignInAgain(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		j := &memJournal{}
		e := newTestEnv(t, withGen(gen), withJournal(j))
		ctx := context.Background()
		e.connect()
		e.signInAndDeactivate(patientAsha)
		// The patient cannot sign in while deactivated, and nothing is sent.
		e.advance(ResendWait)
		if err := e.flow.NextPatient(); err != nil {
			t.Fatal(err)
		}
		outbox := len(e.sim.Outbox())
		_, err := e.flow.LookUp(ctx, patientAsha)
		if err == nil {
			_, err = e.flow.StartSignIn(ctx, LoginAadhaarOTP)
		}
		wantKind(t, err, KindAccountInactive)
		if len(e.sim.Outbox()) != outbox {
			t.Fatal("a sign-in OTP was sent to a deactivated ABHA")
		}
		target := e.flow.State().Reactivation.Account
		if target.ABHANumber != patientAsha {
			t.Fatalf("reactivation not offered: %+v", target)
		}
		// Reactivate the ABHA the flow met, by the ABHA's mobile.
		st, err := e.flow.StartReactivation(ctx, "", OTPMobile)
		if err != nil {
			t.Fatal(err)
		}
		if st.TxnID == "" || st.MaskedMobile != "XXXXXX3210" || e.flow.State().Step != StepReactivationOTPSent {
			t.Fatalf("reactivation OTP: %+v", st)
		}
		if got := e.sim.Outbox()[len(e.sim.Outbox())-1].Purpose; got != sandbox.PurposeReactivateMobile {
			t.Fatalf("OTP purpose %q", got)
		}
		right := e.lastOTP()
		_, err = e.flow.Reactivate(ctx, wrongOTP(right))
		wantKind(t, err, KindWrongOTP)
		if s := e.flow.State(); s.Step != StepReactivationOTPSent || s.Reactivation.Remaining() != 2 {
			t.Fatalf("after a wrong OTP: %+v", s)
		}
		res, err := e.flow.Reactivate(ctx, right)
		if err != nil {
			t.Fatal(err)
		}
		if res.Action != ActionReactivate || !res.SignedIn || res.Patient.Name != "Asha Verma" || res.Patient.ABHANumber != patientAsha {
			t.Fatalf("result: %+v", res)
		}
		if s, _ := e.sim.AccountStatus(patientAsha); s != sandbox.StatusActive {
			t.Fatalf("sandbox status %q", s)
		}
		if _, err := e.flow.Reactivate(ctx, right); !errors.Is(err, ErrAlreadyReactivated) {
			t.Fatalf("second reactivate: %v", err)
		}
		// Signed in again, as any active patient.
		if err := e.flow.NextPatient(); err != nil {
			t.Fatal(err)
		}
		e.advance(ResendWait)
		if _, err := e.flow.LookUp(ctx, patientAsha); err != nil {
			t.Fatal(err)
		}
		if _, err := e.flow.StartSignIn(ctx, LoginMobileOTP); err != nil {
			t.Fatal(err)
		}
		if p, err := e.flow.FinishSignIn(ctx, e.lastOTP()); err != nil || p.ABHANumber != patientAsha {
			t.Fatalf("sign in after reactivation: %v", err)
		}
		// The wrong OTP is an attempt of its own, refused.
		if got := strings.Join(j.statuses(), ","); got != OutcomeDeactivated+","+OutcomeRejected+","+OutcomeReactivated {
			t.Fatalf("journal %q", got)
		}
		if j.intents[2].Action != ActionReactivate || j.intents[2].Method != OTPMobile {
			t.Fatalf("reactivation intent %+v", j.intents[1])
		}
	})
}

// "Reactivate now", straight from the result of a deactivation.
func TestReactivateRightAfterADeactivation(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		e := newTestEnv(t, withGen(gen))
		ctx := context.Background()
		e.connect()
		e.signInAndDeactivate(patientAsha)
		if _, err := e.flow.StartReactivation(ctx, "", OTPAadhaar); err != nil {
			t.Fatal(err)
		}
		if got := e.sim.Outbox()[len(e.sim.Outbox())-1].Purpose; got != sandbox.PurposeReactivateAadhaar {
			t.Fatalf("OTP purpose %q", got)
		}
		if _, err := e.flow.Reactivate(ctx, e.lastOTP()); err != nil {
			t.Fatal(err)
		}
		if s, _ := e.sim.AccountStatus(patientAsha); s != sandbox.StatusActive {
			t.Fatalf("sandbox status %q", s)
		}
	})
}

// Meena's ABHA starts deactivated: staff type its number.
func TestReactivateADemoPatientWhoStartsDeactivated(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		e := newTestEnv(t, withGen(gen))
		ctx := context.Background()
		e.connect()
		if _, err := e.flow.StartReactivation(ctx, "9188 4567 8901 23", OTPMobile); err != nil {
			t.Fatal(err)
		}
		res, err := e.flow.Reactivate(ctx, e.lastOTP())
		if err != nil || res.Patient.Name != "Meena Iyer" {
			t.Fatalf("reactivate: %+v %v", res, err)
		}
		// An active ABHA has nothing to reactivate: ABDM refuses, nothing is lost.
		if err := e.flow.NextPatient(); err != nil {
			t.Fatal(err)
		}
		e.advance(ResendWait)
		_, err = e.flow.StartReactivation(ctx, patientRahul, OTPMobile)
		if err == nil || e.flow.State().Step != StepConnected {
			t.Fatalf("reactivating an active ABHA: %v, step %v", err, e.flow.State().Step)
		}
	})
}

// v3: NHA's guide puts the reactivation OTP at account/request/otp, two
// clients at login/request/otp. A refusal naming the path is followed by
// one try at the other; any other refusal is not.
func TestV3ReactivationFallsBackToTheLoginPathOnce(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	ctx := context.Background()
	e.connect()
	e.sim.SetFault(sandbox.RouteV3AccountRequestOTP, sandbox.Fault{Status: 404, Times: 1,
		Body: `{"code":"ABDM-9999","message":"No handler found for the path"}`})
	if _, err := e.flow.StartReactivation(ctx, patientMeena, OTPMobile); err != nil {
		t.Fatal(err)
	}
	if a, l := e.sim.Count(sandbox.RouteV3AccountRequestOTP), e.sim.Count(sandbox.RouteV3LoginRequestOTP); a != 1 || l != 1 {
		t.Fatalf("account path %d, login path %d, want 1 and 1", a, l)
	}
	if _, err := e.flow.Reactivate(ctx, e.lastOTP()); err != nil {
		t.Fatal(err)
	}

	e2 := newTestEnv(t, withGen(V3))
	e2.connect()
	e2.sim.SetFault(sandbox.RouteV3AccountRequestOTP, sandbox.Fault{Status: 503, Times: 1})
	_, err := e2.flow.StartReactivation(ctx, patientMeena, OTPMobile)
	wantKind(t, err, KindServiceUnavailable)
	if l := e2.sim.Count(sandbox.RouteV3LoginRequestOTP); l != 0 {
		t.Fatalf("a refusal that names no path went to the login path %d times", l)
	}
}

// A lost answer to the reactivation is "outcome unknown": only a status
// check, which settles it; never a second reactivation by itself.
func TestReactivationOutcomeUnknownThenCheckStatus(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		j := &memJournal{}
		e := newTestEnv(t, withGen(gen), withJournal(j))
		ctx := context.Background()
		e.connect()
		if _, err := e.flow.StartReactivation(ctx, patientMeena, OTPMobile); err != nil {
			t.Fatal(err)
		}
		e.sim.SetFault(e.route(callReactivate), sandbox.Fault{Drop: true, Process: true, Times: 1})
		before := e.count(callReactivate)
		_, err := e.flow.Reactivate(ctx, e.lastOTP())
		wantKind(t, err, KindOutcomeUnknown)
		var se *StepError
		if _, err := e.flow.Reactivate(ctx, e.lastOTP()); !errors.As(err, &se) {
			t.Fatalf("second reactivate after an unknown outcome: %v", err)
		}
		if n := e.count(callReactivate) - before; n != 1 {
			t.Fatalf("reactivate received %d times", n)
		}
		if e.flow.State().Pending != ActionReactivate {
			t.Fatalf("pending %q", e.flow.State().Pending)
		}
		e.advance(ResendWait) // v3's check asks for a sign-in OTP
		st, err := e.flow.CheckStatus(ctx)
		if err != nil || st != StatusActive {
			t.Fatalf("status %v %v", st, err)
		}
		s := e.flow.State()
		if s.Step != StepReactivated || s.Result == nil || !s.Result.ByStatusCheck || s.Result.Action != ActionReactivate {
			t.Fatalf("state after the check: %+v", s)
		}
		if got := strings.Join(j.statuses(), ","); got != OutcomeUnknown+","+OutcomeReactivated {
			t.Fatalf("journal %q", got)
		}
	})
}

// A reactivation dropped before ABDM processed it settles as "not
// reactivated", and the staff may ask for a new OTP.
func TestReactivationDroppedBeforeProcessingSettlesAsStillDeactivated(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		j := &memJournal{}
		e := newTestEnv(t, withGen(gen), withJournal(j))
		ctx := context.Background()
		e.connect()
		if _, err := e.flow.StartReactivation(ctx, patientMeena, OTPMobile); err != nil {
			t.Fatal(err)
		}
		e.sim.SetFault(e.route(callReactivate), sandbox.Fault{Drop: true, Times: 1})
		_, err := e.flow.Reactivate(ctx, e.lastOTP())
		wantKind(t, err, KindOutcomeUnknown)
		st, err := e.flow.CheckStatus(ctx)
		if err != nil || st != StatusDeactivated {
			t.Fatalf("status %v %v", st, err)
		}
		if s := e.flow.State(); s.Step != StepConnected || s.Reactivation.Account.ABHANumber != patientMeena {
			t.Fatalf("state: %+v", s)
		}
		e.advance(ResendWait)
		if _, err := e.flow.StartReactivation(ctx, "", OTPMobile); err != nil {
			t.Fatal(err)
		}
		if _, err := e.flow.Reactivate(ctx, e.lastOTP()); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(j.statuses(), ","); got != "outcome-unknown,not-reactivated,reactivated" {
			t.Fatalf("journal %q", got)
		}
	})
}

func TestReactivationRefusesBadInput(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	ctx := context.Background()
	e.connect()
	if _, err := e.flow.StartReactivation(ctx, "", OTPMobile); !errors.Is(err, ErrNothingToReactivate) {
		t.Fatalf("no ABHA: %v", err)
	}
	if _, err := e.flow.StartReactivation(ctx, "98765 43210", OTPMobile); !errors.Is(err, ErrABHAFormat) {
		t.Fatalf("a mobile number: %v", err)
	}
	if _, err := e.flow.Reactivate(ctx, "123456"); err == nil {
		t.Fatal("reactivate before the OTP was sent")
	}
	if _, err := e.flow.Reactivate(ctx, "12345"); !errors.Is(err, ErrOTPFormat) {
		t.Fatalf("short OTP: %v", err)
	}
	if e.sim.Requests() != 2 { // the session and the key of Connect
		t.Fatalf("%d requests for refused input", e.sim.Requests())
	}
}
