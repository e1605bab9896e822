package abdm

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
)

// memJournal records what the flow journals.
type memJournal struct {
	mu       sync.Mutex
	intents  []Attempt
	outcomes []Outcome
	failWith error
}

func (j *memJournal) Intent(_ context.Context, a Attempt) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.failWith != nil {
		return j.failWith
	}
	j.intents = append(j.intents, a)
	return nil
}

func (j *memJournal) Outcome(_ context.Context, _ Attempt, o Outcome) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.outcomes = append(j.outcomes, o)
	return nil
}

func (j *memJournal) statuses() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []string
	for _, o := range j.outcomes {
		out = append(out, o.Status)
	}
	return out
}

func withJournal(j Journal) func(*envConfig) {
	return func(c *envConfig) { c.flowOpts = append(c.flowOpts, WithJournal(j)) }
}

func TestFlowSuccess(t *testing.T) { forEachGen(t, testFlowSuccess) }

func testFlowSuccess(t *testing.T, gen Generation) {
	j := &memJournal{}
	e := newTestEnv(t, withGen(gen), withJournal(j))
	st := e.toOTPSent(patientAsha)
	if st.MaskedMobile != "XXXXXX3210" || st.TxnID == "" || st.Remaining() != DefaultMaxAttempts {
		t.Fatalf("OTP state: %+v", st)
	}
	if !st.ExpiresAt.Equal(st.SentAt.Add(OTPValidity)) || !st.ResendAt.Equal(st.SentAt.Add(ResendWait)) {
		t.Fatalf("OTP timings: %+v", st)
	}
	res, err := e.flow.Deactivate(context.Background(), " "+e.lastOTP()+" ", []string{"101", "others"}, "moving abroad")
	if err != nil {
		t.Fatal(err)
	}
	if res.TxnID != st.TxnID || res.Patient.ABHANumber != patientAsha || res.ID == "" {
		t.Fatalf("result: %+v", res)
	}
	if s, _ := e.sim.AccountStatus(patientAsha); s != sandbox.StatusDeactivated {
		t.Fatalf("sandbox status %q", s)
	}
	d, ok, _ := e.sim.Deactivation(patientAsha)
	if !ok || strings.Join(d.Reasons, ",") != "101,others" || d.AuthMethod != "AADHAAR_OTP" {
		t.Fatalf("sandbox saw %+v", d)
	}
	if got := e.flow.State(); got.Step != StepDeactivated || got.Result == nil {
		t.Fatalf("state: %+v", got)
	}
	if len(j.intents) != 1 || j.intents[0].Note != "moving abroad" || strings.Join(j.statuses(), ",") != OutcomeDeactivated {
		t.Fatalf("journal: %+v %v", j.intents, j.statuses())
	}
	// Never twice.
	_, err = e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
	if !errors.Is(err, ErrAlreadyDeactivated) {
		t.Fatalf("second deactivate: %v", err)
	}
	if n := e.count(callDeactivate); n != 1 {
		t.Fatalf("deactivate requests: %d", n)
	}
	// The status check now finds it deactivated.
	if st, err := e.flow.CheckStatus(context.Background()); err != nil || st != StatusDeactivated {
		t.Fatalf("status: %v %v", st, err)
	}
	// Next patient keeps the connection.
	if err := e.flow.NextPatient(); err != nil {
		t.Fatal(err)
	}
	sessions := e.count(callSession)
	if _, err := e.flow.LoadPatient(context.Background(), e.token("91-6623-4567-8901")); err != nil {
		t.Fatal(err)
	}
	if e.count(callSession) != sessions {
		t.Fatal("a new session was opened for the next patient")
	}
}

func TestFlowWrongOTPThenRight(t *testing.T) { forEachGen(t, testFlowWrongOTPThenRight) }

func testFlowWrongOTPThenRight(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	e.toOTPSent(patientAsha)
	right := e.lastOTP()
	_, err := e.flow.Deactivate(context.Background(), wrongOTP(right), []string{"102"}, "")
	wantKind(t, err, KindWrongOTP)
	st := e.flow.State()
	if st.Step != StepOTPSent || st.OTP.Attempts != 1 || st.OTP.Remaining() != 2 {
		t.Fatalf("after a wrong OTP: %+v", st)
	}
	if _, err := e.flow.Deactivate(context.Background(), right, []string{"102"}, ""); err != nil {
		t.Fatalf("right OTP: %v", err)
	}
}

func TestFlowTooManyWrongOTPs(t *testing.T) { forEachGen(t, testFlowTooManyWrongOTPs) }

func testFlowTooManyWrongOTPs(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	e.toOTPSent(patientAsha)
	wrong := wrongOTP(e.lastOTP())
	for i := range 2 {
		_, err := e.flow.Deactivate(context.Background(), wrong, []string{"101"}, "")
		wantKind(t, err, KindWrongOTP)
		if e.flow.State().OTP.Attempts != i+1 {
			t.Fatalf("attempts %d", e.flow.State().OTP.Attempts)
		}
	}
	_, err := e.flow.Deactivate(context.Background(), wrong, []string{"101"}, "")
	wantKind(t, err, KindTooManyAttempts)
	if st := e.flow.State(); st.Step != StepPatient || st.OTP.TxnID != "" {
		t.Fatalf("after too many attempts: %+v", st)
	}
}

func TestFlowExpiredOTPThenResend(t *testing.T) { forEachGen(t, testFlowExpiredOTPThenResend) }

func testFlowExpiredOTPThenResend(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	e.toOTPSent(patientAsha)
	old := e.lastOTP()
	e.advance(OTPValidity + time.Minute)
	_, err := e.flow.Deactivate(context.Background(), old, []string{"101"}, "")
	// v2 names the expiry (HIS-1056) and closes the transaction; ABDM's v3
	// answers 200 authResult "failed" for a wrong or expired OTP alike, so
	// the OTP step stays open and the user asks for a new OTP.
	want, step := KindOTPExpired, StepPatient
	if gen == V3 {
		want, step = KindWrongOTP, StepOTPSent
	}
	wantKind(t, err, want)
	if e.flow.State().Step != step {
		t.Fatalf("step %v, want %v", e.flow.State().Step, step)
	}
	if _, err := e.flow.RequestOTP(context.Background(), OTPAadhaar); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, ""); err != nil {
		t.Fatal(err)
	}
}

func TestFlowResendWaitsLocallyAndServerSide(t *testing.T) {
	forEachGen(t, testFlowResendWaitsLocallyAndServerSide)
}

func testFlowResendWaitsLocallyAndServerSide(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	e.toOTPSent(patientAsha)
	before := e.count(callOTP)
	e.advance(10 * time.Second)
	_, err := e.flow.RequestOTP(context.Background(), OTPAadhaar)
	wantKind(t, err, KindRateLimited)
	var ae *Error
	errors.As(err, &ae)
	if ae.RetryAfter != 20*time.Second {
		t.Fatalf("retry after %v", ae.RetryAfter)
	}
	if e.count(callOTP) != before {
		t.Fatal("a resend inside the wait reached ABDM")
	}
	if e.flow.State().Step != StepOTPSent {
		t.Fatal("the OTP in hand was lost")
	}
	e.advance(21 * time.Second)
	st, err := e.flow.RequestOTP(context.Background(), OTPAadhaar)
	if err != nil {
		t.Fatal(err)
	}
	if st.Attempts != 0 {
		t.Fatal("attempts not reset by a new OTP")
	}
}

func TestFlowNoLinkedMobile(t *testing.T) { forEachGen(t, testFlowNoLinkedMobile) }

func testFlowNoLinkedMobile(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	ctx := context.Background()
	e.connect()
	if _, err := e.flow.LoadPatient(ctx, e.token(patientRavi)); err != nil {
		t.Fatal(err)
	}
	_, err := e.flow.RequestOTP(ctx, OTPAadhaar)
	want, code := KindNoLinkedMobile, "HIS-3005"
	if gen == V3 {
		want, code = KindAadhaarService, "ABDM-1204" // UIDAI's refusal passed through
	}
	wantKind(t, err, want)
	var ae *Error
	errors.As(err, &ae)
	if ae.Code != code {
		t.Fatalf("code %q, want %q", ae.Code, code)
	}
	if e.flow.State().Step != StepPatient {
		t.Fatal("step changed")
	}
}

func TestFlowAlreadyDeactivatedSendsNoOTP(t *testing.T) {
	forEachGen(t, testFlowAlreadyDeactivatedSendsNoOTP)
}

func testFlowAlreadyDeactivatedSendsNoOTP(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	ctx := context.Background()
	e.connect()
	_, err := e.flow.LoadPatient(ctx, e.token(patientMeena))
	// v2 names the state (HIS-1007); v3 refuses the token of a deactivated ABHA.
	want := KindAccountInactive
	if gen == V3 {
		want = KindPatientToken
	}
	wantKind(t, err, want)
	if _, err := e.flow.RequestOTP(ctx, OTPAadhaar); err == nil {
		t.Fatal("OTP allowed for a deactivated account")
	}
	if n := e.count(callOTP); n != 0 {
		t.Fatalf("%d OTP requests", n)
	}
}

func TestFlowRefusesStepsOutOfOrder(t *testing.T) { forEachGen(t, testFlowRefusesStepsOutOfOrder) }

func testFlowRefusesStepsOutOfOrder(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	ctx := context.Background()
	var se *StepError
	if _, err := e.flow.LoadPatient(ctx, "tok"); !errors.As(err, &se) {
		t.Fatalf("load before connect: %v", err)
	}
	if _, err := e.flow.RequestOTP(ctx, OTPAadhaar); !errors.As(err, &se) || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("OTP before connect: %v", err)
	}
	if _, err := e.flow.Deactivate(ctx, "123456", []string{"101"}, ""); !errors.As(err, &se) {
		t.Fatalf("deactivate before OTP: %v", err)
	}
	if _, err := e.flow.Deactivate(ctx, "12345", []string{"101"}, ""); !errors.Is(err, ErrOTPFormat) {
		t.Fatalf("short OTP: %v", err)
	}
	if _, err := e.flow.Deactivate(ctx, "123456", nil, ""); !errors.Is(err, ErrNoReason) {
		t.Fatalf("no reason: %v", err)
	}
	if _, err := e.flow.LoadPatient(ctx, "two words"); !errors.Is(err, ErrTokenFormat) {
		t.Fatalf("bad token: %v", err)
	}
	if n := e.count(callSession); n != 0 {
		t.Fatalf("%d requests made for refused steps", n)
	}
}

func TestFlowUnknownReasonCode(t *testing.T) { forEachGen(t, testFlowUnknownReasonCode) }

func testFlowUnknownReasonCode(t *testing.T, gen Generation) {
	cat, err := ParseCatalogue([]byte(`{"reasons":[{"code":"101","en":"a"},{"code":"others","en":"o","freeText":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, withGen(gen), func(c *envConfig) { c.flowOpts = append(c.flowOpts, WithCatalogue(cat)) })
	e.toOTPSent(patientAsha)
	if _, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"999"}, ""); err == nil || !strings.Contains(err.Error(), "999") {
		t.Fatalf("unknown code: %v", err)
	}
	if e.count(callDeactivate) != 0 {
		t.Fatal("sent with an unknown code")
	}
}

func TestFlowDoubleSubmitSendsOnce(t *testing.T) { forEachGen(t, testFlowDoubleSubmitSendsOnce) }

func testFlowDoubleSubmitSendsOnce(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	e.toOTPSent(patientAsha)
	e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Latency: 300 * time.Millisecond})
	otp := e.lastOTP()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.flow.Deactivate(context.Background(), otp, []string{"101"}, "")
		}()
	}
	wg.Wait()
	ok, busy := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrBusy), errors.Is(err, ErrAlreadyDeactivated):
			busy++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || busy != 4 {
		t.Fatalf("ok %d, refused %d", ok, busy)
	}
	if n := e.count(callDeactivate); n != 1 {
		t.Fatalf("deactivate received %d times", n)
	}
}

func TestFlowDroppedConnectionIsOutcomeUnknown(t *testing.T) {
	forEachGen(t, testFlowDroppedConnectionIsOutcomeUnknown)
}

func testFlowDroppedConnectionIsOutcomeUnknown(t *testing.T, gen Generation) {
	j := &memJournal{}
	e := newTestEnv(t, withGen(gen), withJournal(j))
	e.toOTPSent(patientAsha)
	e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Drop: true, Process: true})
	ctx := context.Background()
	_, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
	wantKind(t, err, KindOutcomeUnknown)
	if n := e.count(callDeactivate); n != 1 {
		t.Fatalf("deactivate received %d times", n)
	}
	var se *StepError
	if _, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, ""); !errors.As(err, &se) {
		t.Fatalf("second deactivate after unknown outcome: %v", err)
	}
	if _, err := e.flow.RequestOTP(ctx, OTPAadhaar); !errors.As(err, &se) {
		t.Fatalf("new OTP before a status check: %v", err)
	}
	if err := e.flow.NextPatient(); !errors.As(err, &se) {
		t.Fatalf("next patient before a status check: %v", err)
	}
	e.sim.ClearFaults()
	st, err := e.flow.CheckStatus(ctx)
	if err != nil || st != StatusDeactivated {
		t.Fatalf("status %v %v", st, err)
	}
	s := e.flow.State()
	if s.Step != StepDeactivated || s.Result == nil || !s.Result.ByStatusCheck {
		t.Fatalf("state after check: %+v", s)
	}
	if got := strings.Join(j.statuses(), ","); got != OutcomeUnknown+","+OutcomeDeactivated {
		t.Fatalf("journal outcomes %q", got)
	}
}

func TestFlowDropBeforeProcessingSettlesAsActive(t *testing.T) {
	forEachGen(t, testFlowDropBeforeProcessingSettlesAsActive)
}

func testFlowDropBeforeProcessingSettlesAsActive(t *testing.T, gen Generation) {
	j := &memJournal{}
	e := newTestEnv(t, withGen(gen), withJournal(j))
	e.toOTPSent(patientAsha)
	e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Drop: true, Times: 1})
	ctx := context.Background()
	_, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
	wantKind(t, err, KindOutcomeUnknown)
	st, err := e.flow.CheckStatus(ctx)
	if err != nil || st != StatusActive {
		t.Fatalf("status %v %v", st, err)
	}
	if e.flow.State().Step != StepPatient {
		t.Fatalf("step %v: a new OTP is needed", e.flow.State().Step)
	}
	e.advance(ResendWait)
	if _, err := e.flow.RequestOTP(ctx, OTPAadhaar); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, ""); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(j.statuses(), ","); got != "outcome-unknown,not-deactivated,deactivated" {
		t.Fatalf("journal %q", got)
	}
}

func TestFlowDeactivateTimeoutIsOutcomeUnknown(t *testing.T) {
	forEachGen(t, testFlowDeactivateTimeoutIsOutcomeUnknown)
}

func testFlowDeactivateTimeoutIsOutcomeUnknown(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen), func(c *envConfig) { c.clientOpts = append(c.clientOpts, WithCallTimeout(300*time.Millisecond)) })
	e.toOTPSent(patientAsha)
	e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Latency: 3 * time.Second})
	_, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
	wantKind(t, err, KindOutcomeUnknown)
	if n := e.count(callDeactivate); n != 1 {
		t.Fatalf("deactivate received %d times", n)
	}
}

func TestFlowSessionExpiryBetweenOTPAndDeactivate(t *testing.T) {
	forEachGen(t, testFlowSessionExpiryBetweenOTPAndDeactivate)
}

func testFlowSessionExpiryBetweenOTPAndDeactivate(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	e.toOTPSent(patientAsha)
	e.sim.ExpireSessions()
	if _, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, ""); err != nil {
		t.Fatalf("deactivate after the session expired: %v", err)
	}
	// The refused call was not processed, so the retry is the one deactivation.
	if n := e.count(callDeactivate); n != 2 {
		t.Fatalf("deactivate requests %d, want 2 (refused at the gateway, then done)", n)
	}
}

func TestFlowPatientTokenExpiryKeepsTheOTP(t *testing.T) {
	forEachGen(t, testFlowPatientTokenExpiryKeepsTheOTP)
}

func testFlowPatientTokenExpiryKeepsTheOTP(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	e.toOTPSent(patientAsha)
	otp := e.lastOTP()
	e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Status: 401, Times: 1})
	_, err := e.flow.Deactivate(context.Background(), otp, []string{"101"}, "")
	wantKind(t, err, KindPatientToken)
	if e.flow.State().Step != StepConnected {
		t.Fatalf("step %v, want connected (patient must sign in again)", e.flow.State().Step)
	}
	if _, err := e.flow.LoadPatient(context.Background(), e.token(patientAsha)); err != nil {
		t.Fatal(err)
	}
	if st := e.flow.State(); st.Step != StepOTPSent || st.OTP.TxnID == "" {
		t.Fatalf("OTP not kept for the same patient: %+v", st)
	}
	if _, err := e.flow.Deactivate(context.Background(), otp, []string{"101"}, ""); err != nil {
		t.Fatal(err)
	}
}

func TestFlowAuditFailureSendsNothing(t *testing.T) { forEachGen(t, testFlowAuditFailureSendsNothing) }

func testFlowAuditFailureSendsNothing(t *testing.T, gen Generation) {
	j := &memJournal{failWith: errors.New("disk full")}
	e := newTestEnv(t, withGen(gen), withJournal(j))
	e.toOTPSent(patientAsha)
	_, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
	if err == nil || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("err %v", err)
	}
	if e.count(callDeactivate) != 0 || e.flow.State().Step != StepOTPSent {
		t.Fatal("sent despite the audit failure")
	}
}

func TestErrorsNeverHoldSecrets(t *testing.T) { forEachGen(t, testErrorsNeverHoldSecrets) }

func testErrorsNeverHoldSecrets(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	tok := e.token(patientAsha)
	creds := e.sim.Credentials()
	e.toOTPSent(patientAsha)
	otp := e.lastOTP()
	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }
	e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Status: 422, Body: `{"code":"HIS-422","details":[{"code":"HIS-9999","message":"bad otp ` + otp + ` for token ` + tok + ` secret ` + creds.ClientSecret + `"}]}`, Times: 1})
	collect(e.flow.Deactivate(context.Background(), otp, []string{"101"}, ""))
	e.sim.SetFault(e.route(callProfile), sandbox.Fault{Status: 500, Body: `{"message":"` + tok + `"}`})
	collect(e.flow.CheckStatus(context.Background()))
	collect(e.client.Profile(context.Background(), tok))
	for _, err := range errs {
		if err == nil {
			t.Fatal("want an error")
		}
		for _, secret := range []string{tok, creds.ClientSecret, otp} {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("secret in error: %v", err)
			}
		}
	}
	log := e.logBuf.String()
	for _, secret := range []string{tok, creds.ClientSecret, otp} {
		if strings.Contains(log, secret) {
			t.Fatalf("secret in the client's log")
		}
	}
}
