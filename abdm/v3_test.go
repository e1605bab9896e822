package abdm

import (
	"context"
	"errors"
	"testing"

	"abha-deactivate/abdm/sandbox"
)

// v3 signs a patient in by mobile number: the OTP goes to that mobile, the
// answer lists every ABHA on it, and the patient chooses theirs (a transfer
// token exchanged at login/verify/user). One ABHA is taken at once.
func TestV3MobileSignInChoosesAmongTheABHAs(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	ctx := context.Background()
	e.connect()
	a, err := e.flow.LookUp(ctx, "+91 99887 76655")
	if err != nil || a.Via.Kind != IDMobile || a.Mobile != "XXXXXX6655" {
		t.Fatalf("look up: %+v %v", a, err)
	}
	si, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP) // the method is the mobile's, whatever is asked
	if err != nil || si.Method != LoginMobileOTP {
		t.Fatalf("sign-in OTP: %+v %v", si, err)
	}
	_, err = e.flow.FinishSignIn(ctx, e.lastOTP())
	if !errors.Is(err, ErrChooseAccount) {
		t.Fatalf("finish: %v", err)
	}
	accounts := e.flow.State().SignIn.Accounts
	if len(accounts) != 2 {
		t.Fatalf("accounts %+v", accounts)
	}
	names := map[string]bool{}
	for _, acc := range accounts {
		names[acc.Name] = acc.Known && acc.ABHANumber != ""
	}
	if !names["Ravi Kumar"] || !names["Sunita Devi"] {
		t.Fatalf("accounts %+v", accounts)
	}
	if _, err := e.flow.ChooseAccount(ctx, "91-0000-0000-0000"); err == nil {
		t.Fatal("an ABHA not on the mobile was accepted")
	}
	p, err := e.flow.ChooseAccount(ctx, patientRavi)
	if err != nil || p.Name != "Ravi Kumar" || e.flow.State().Step != StepPatient {
		t.Fatalf("choose: %+v %v", p, err)
	}
	if e.sim.Count(sandbox.RouteV3LoginVerifyUser) != 1 {
		t.Fatal("the transfer token was not exchanged")
	}

	// One ABHA on the mobile: signed in at once.
	e.advance(ResendWait)
	if err := e.flow.NextPatient(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.LookUp(ctx, "9876543210"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.StartSignIn(ctx, LoginMobileOTP); err != nil {
		t.Fatal(err)
	}
	if p, err := e.flow.FinishSignIn(ctx, e.lastOTP()); err != nil || p.Name != "Asha Verma" {
		t.Fatalf("one ABHA: %+v %v", p, err)
	}
}

// A transfer token lives 300 s: a late choice starts the sign-in again.
func TestV3MobileSignInChoiceExpires(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	ctx := context.Background()
	e.connect()
	if _, err := e.flow.LookUp(ctx, "9988776655"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.StartSignIn(ctx, LoginMobileOTP); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.FinishSignIn(ctx, e.lastOTP()); !errors.Is(err, ErrChooseAccount) {
		t.Fatal(err)
	}
	e.advance(301e9)
	_, err := e.flow.ChooseAccount(ctx, patientRavi)
	wantKind(t, err, KindPatientToken)
	if si := e.flow.State().SignIn; si.TxnID != "" || si.Account.Via.Kind != IDMobile {
		t.Fatalf("the sign-in was not reset for a new OTP: %+v", si)
	}
}

// ABDM's v3 answers a refused OTP with HTTP 200 and authResult "failed": a
// wrong OTP, counted, the step kept. An authResult this tool does not know
// is a refusal too, shown with ABDM's words, and never ends the work.
func TestV3AuthResultOtherThanSuccessIsARefusal(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	ctx := context.Background()
	e.toOTPSent(patientAsha)
	e.sim.SetFault(sandbox.RouteV3AccountVerify, sandbox.Fault{Status: 200, Times: 1,
		Body: `{"txnId":"x","authResult":"failed","message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","accounts":[]}`})
	_, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
	wantKind(t, err, KindWrongOTP)
	e.sim.SetFault(sandbox.RouteV3AccountVerify, sandbox.Fault{Status: 200, Times: 1,
		Body: `{"txnId":"x","authResult":"blocked","message":"Try after some time"}`})
	_, err = e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
	wantKind(t, err, KindUnknown)
	var ae *Error
	if !errors.As(err, &ae) || ae.ABDMText != "blocked: Try after some time" || !IsOTPRefusal(err) {
		t.Fatalf("unknown authResult: %v", err)
	}
	if s := e.flow.State(); s.Step != StepOTPSent || s.OTP.Attempts != 2 {
		t.Fatalf("state: %+v", s)
	}
	if s, _ := e.sim.AccountStatus(patientAsha); s != sandbox.StatusActive {
		t.Fatal("deactivated on a refused OTP")
	}
	if _, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, ""); err != nil {
		t.Fatal(err)
	}
}

// An unknown refusal of the OTP (a code this tool does not know) keeps the
// OTP step in both generations, counted as an attempt.
func TestUnknownRefusalOfAnOTPKeepsTheStep(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		e := newTestEnv(t, withGen(gen))
		e.toOTPSent(patientAsha)
		body := map[Generation]string{
			V2: `{"code":"HIS-422","message":"Unprocessable","details":[{"code":"HIS-7777","message":"Something new"}]}`,
			V3: `{"code":"ABDM-7777","message":"Something new","timestamp":"2026-11-26T09:00:00Z"}`,
		}[gen]
		e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Status: 422, Body: body, Times: 1})
		_, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
		if !IsOTPRefusal(err) || KindOf(err) != KindUnknown {
			t.Fatalf("err %v", err)
		}
		if s := e.flow.State(); s.Step != StepOTPSent || s.OTP.Remaining() != 2 {
			t.Fatalf("state %+v", s)
		}
		if _, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, ""); err != nil {
			t.Fatal(err)
		}
	})
}

// v3 refuses to deactivate an ABHA linked to a government benefit
// (ABDM-1228), before any OTP; there is nothing to retry.
func TestV3BenefitLinkedABHACannotBeDeactivated(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	e.toPatient(patientSunita)
	outbox := len(e.sim.Outbox())
	_, err := e.flow.RequestOTP(context.Background(), OTPAadhaar)
	wantKind(t, err, KindBenefitLinked)
	if len(e.sim.Outbox()) != outbox {
		t.Fatal("an OTP was sent")
	}
}

// After a v3 deactivation the patient's token is dead: the status check
// then asks by ABHA number, which ABDM refuses as deactivated (ABDM-1134).
func TestV3StatusCheckAfterTheTokenDied(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	e.toOTPSent(patientAsha)
	e.sim.SetFault(sandbox.RouteV3AccountVerify, sandbox.Fault{Drop: true, Process: true, Times: 1})
	_, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
	wantKind(t, err, KindOutcomeUnknown)
	before := len(e.sim.Outbox())
	st, err := e.flow.CheckStatus(context.Background())
	if err != nil || st != StatusDeactivated {
		t.Fatalf("status %v %v", st, err)
	}
	if len(e.sim.Outbox()) != before {
		t.Fatal("the check of a deactivated ABHA sent an OTP")
	}
}

// Each generation takes the identifiers it can sign in with, and refuses the
// others before any call.
func TestWhatEachGenerationSignsInWith(t *testing.T) {
	e2 := newTestEnv(t, withGen(V2))
	e2.connect()
	if _, err := e2.flow.LookUp(context.Background(), "9876543210"); !errors.Is(err, ErrMobileNeedsV3) {
		t.Fatalf("v2 mobile: %v", err)
	}
	e3 := newTestEnv(t, withGen(V3))
	e3.connect()
	if _, err := e3.flow.LookUp(context.Background(), "asha.verma@sbx"); !errors.Is(err, ErrAddressNeedsV2) {
		t.Fatalf("v3 address: %v", err)
	}
	if n := e3.sim.Requests(); n != 2 {
		t.Fatalf("%d requests", n)
	}
	if V2.Accepts(IDMobile) || !V3.Accepts(IDMobile) || V3.Accepts(IDAddress) || !V2.Accepts(IDAddress) {
		t.Fatal("Accepts")
	}
}

func TestParsePatientID(t *testing.T) {
	for in, want := range map[string]PatientID{
		"91-5512-3456-7890": {IDNumber, "91-5512-3456-7890"},
		"91551234567890":    {IDNumber, "91-5512-3456-7890"},
		"9876543210":        {IDMobile, "9876543210"},
		"+91 98765 43210":   {IDMobile, "9876543210"},
		"919876543210":      {IDMobile, "9876543210"},
		"09876543210":       {IDMobile, "9876543210"},
		"Asha.Verma@SBX":    {IDAddress, "asha.verma@sbx"},
	} {
		if got, err := ParsePatientID(in); err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "12345", "1234567890", "+1 2025550100", "@x", "a b@c", "+91987654321"} {
		if _, err := ParsePatientID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
