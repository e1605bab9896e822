package abdm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"abha-deactivate/abdm/wire"
)

// Step is where a Flow stands. Each step names what may come next.
type Step int

// The steps of a deactivation, in order, and of a reactivation beside it.
const (
	StepDisconnected        Step = iota // next: Connect
	StepConnected                       // facility session and key are good; next: LookUp or LoadPatient (or StartReactivation)
	StepPatient                         // the patient is known; next: RequestOTP
	StepOTPSent                         // next: Deactivate (or RequestOTP again to resend)
	StepDeactivated                     // done; NextPatient starts over, StartReactivation undoes it
	StepOutcomeUnknown                  // deactivate or reactivate was sent, its reply lost; next: CheckStatus
	StepReactivationOTPSent             // next: Reactivate (or StartReactivation again to resend)
	StepReactivated                     // done; NextPatient starts over
)

var stepNames = map[Step]string{
	StepDisconnected: "disconnected", StepConnected: "connected", StepPatient: "patient",
	StepOTPSent: "otp-sent", StepDeactivated: "deactivated", StepOutcomeUnknown: "outcome-unknown",
	StepReactivationOTPSent: "reactivation-otp-sent", StepReactivated: "reactivated",
}

func (s Step) String() string { return stepNames[s] }

// Timings of ABDM's OTPs.
const (
	OTPValidity        = 10 * time.Minute
	ResendWait         = 30 * time.Second
	DefaultMaxAttempts = 3
)

// OTPState describes the OTP transaction in progress.
type OTPState struct {
	Method       OTPMethod
	TxnID        string
	MaskedMobile string
	SentAt       time.Time
	ExpiresAt    time.Time // SentAt + OTPValidity
	ResendAt     time.Time // a new OTP may be requested from then on
	Attempts     int       // wrong OTPs entered so far
	MaxAttempts  int
}

// Remaining is how many OTP attempts are left.
func (o OTPState) Remaining() int { return max(o.MaxAttempts-o.Attempts, 0) }

// Action is what an attempt does to an ABHA.
type Action string

// The two changes this tool makes.
const (
	ActionDeactivate Action = "deactivate"
	ActionReactivate Action = "reactivate"
)

// Result describes a completed deactivation or reactivation.
type Result struct {
	Action  Action
	ID      string // the audit trail's id of the attempt
	TxnID   string
	Patient Profile
	Method  OTPMethod
	Reasons []string // codes; deactivation only
	At      time.Time
	// ByStatusCheck is true when the outcome was unknown at first and a status
	// check settled it.
	ByStatusCheck bool
	// SignedIn is true after a reactivation whose answer signed the patient
	// in: Patient is then ABDM's profile, read with the new token, as proof.
	SignedIn bool
}

// SignInState is a patient's sign-in in progress: the ABHA found by LookUp,
// then the sign-in OTP sent by StartSignIn.
type SignInState struct {
	Account      Account // zero until LookUp found an ABHA that can sign in
	Method       LoginMethod
	TxnID        string
	MaskedMobile string
	SentAt       time.Time
	ExpiresAt    time.Time
	ResendAt     time.Time
	Attempts     int
	MaxAttempts  int
	// Accounts are the ABHAs on the mobile number of a v3 sign-in by
	// mobile, when the patient must choose one (see Flow.ChooseAccount).
	Accounts []Account
}

// ReactivationState is a reactivation: the deactivated ABHA it is for (known
// as soon as the flow meets one), then the OTP sent by StartReactivation.
type ReactivationState struct {
	Account      Account // zero until an ABHA to reactivate is known
	Method       OTPMethod
	TxnID        string
	MaskedMobile string
	SentAt       time.Time
	ExpiresAt    time.Time
	ResendAt     time.Time
	Attempts     int
	MaxAttempts  int
}

// Remaining is how many reactivation OTP attempts are left.
func (r ReactivationState) Remaining() int { return max(r.MaxAttempts-r.Attempts, 0) }

// Remaining is how many sign-in OTP attempts are left.
func (s SignInState) Remaining() int { return max(s.MaxAttempts-s.Attempts, 0) }

// State is a snapshot of a Flow for a front end to show.
type State struct {
	Step         Step
	Generation   Generation
	Busy         bool // a call is running
	SignIn       SignInState
	Login        LoginMethod // how the patient's token was obtained
	Patient      Profile
	OTP          OTPState          // zero until an OTP is sent
	Reactivation ReactivationState // its Account is set once a deactivated ABHA is met
	Result       *Result           // set at StepDeactivated and StepReactivated
	// Pending is what was sent with an unknown outcome (StepOutcomeUnknown).
	Pending Action
}

// AccountStatus is what a status check found.
type AccountStatus int

// Results of CheckStatus.
const (
	StatusActive      AccountStatus = iota + 1 // the ABHA is active: it was not deactivated
	StatusDeactivated                          // the ABHA is deactivated
)

func (s AccountStatus) String() string {
	switch s {
	case StatusActive:
		return "active"
	case StatusDeactivated:
		return "deactivated"
	}
	return "unknown"
}

// Attempt is a deactivation or reactivation about to be sent, as the audit
// trail records it.
type Attempt struct {
	Action  Action // ActionDeactivate when empty
	ID      string
	Patient Profile // the journal must mask the ABHA number
	TxnID   string
	Login   LoginMethod // how the patient signed in (deactivation)
	Method  OTPMethod
	Reasons []string // deactivation only
	Note    string   // free text for "others"; kept locally, never sent
	Started time.Time
}

// Outcome statuses recorded in the journal.
const (
	OutcomeDeactivated    = "deactivated"
	OutcomeRejected       = "rejected"        // ABDM answered with an error
	OutcomeNotSent        = "not-sent"        // failed before the request left this computer
	OutcomeUnknown        = "outcome-unknown" // sent, no answer
	OutcomeNotDeactivated = "not-deactivated" // a status check found the ABHA still active
	OutcomeReactivated    = "reactivated"
	OutcomeNotReactivated = "not-reactivated" // a status check found the ABHA still deactivated
)

// Outcome is how an Attempt ended.
type Outcome struct {
	Status   string // one of the Outcome* constants
	Code     string // ABDM's code on rejection
	Kind     Kind
	Message  string
	Duration time.Duration
}

// Journal records deactivations and reactivations (the audit trail). Intent is called before the
// request is sent; if it fails, nothing is sent.
type Journal interface {
	Intent(ctx context.Context, a Attempt) error
	Outcome(ctx context.Context, a Attempt, o Outcome) error
}

// Errors a Flow returns for input or order problems (no request is made).
var (
	ErrBusy               = errors.New("another request is still running: wait for it or cancel it")
	ErrAlreadyDeactivated = errors.New("this ABHA has already been deactivated")
	ErrAlreadyReactivated = errors.New("this ABHA has already been reactivated")
	ErrOTPFormat          = errors.New("the OTP must be exactly 6 digits")
	// ErrChooseAccount is returned by FinishSignIn when the mobile number
	// holds several ABHAs: State().SignIn.Accounts lists them for ChooseAccount.
	ErrChooseAccount = errors.New("several ABHAs are linked to this mobile number: choose the patient's")
)

// StepError is returned when an action comes out of order.
type StepError struct {
	Action string
	At     Step
}

func (e *StepError) Error() string {
	need := map[Step]string{
		StepDisconnected:        "connect to ABDM first",
		StepConnected:           "identify the patient first",
		StepPatient:             "request an OTP first",
		StepOTPSent:             "finish or restart the current OTP first",
		StepDeactivated:         "this ABHA is already deactivated; start again for another patient",
		StepOutcomeUnknown:      "the last request has an unknown outcome: check its status first",
		StepReactivationOTPSent: "finish or restart the reactivation first",
		StepReactivated:         "this ABHA is already reactivated; start again for another patient",
	}[e.At]
	return fmt.Sprintf("cannot %s now: %s", e.Action, need)
}

// Flow drives one deactivation after another for one facility connection. It
// holds the state between steps, refuses steps out of order, never runs two
// calls at once and never sends a deactivation twice by accident. Every
// method is safe to call from any goroutine; none holds a lock during I/O.
type Flow struct {
	c       *Client
	now     func() time.Time
	journal Journal
	reasons *Catalogue
	maxTry  int

	mu       sync.Mutex
	step     Step
	busy     bool
	signIn   SignInState
	transfer PatientToken // v3 mobile sign-in: the token to exchange for the chosen ABHA's
	login    LoginMethod
	xToken   string
	patient  Profile
	otp      OTPState
	react    ReactivationState
	result   *Result
	pending  *Attempt // the attempt whose outcome is unknown
}

// FlowOption configures a Flow.
type FlowOption func(*Flow)

// WithFlowClock sets the clock for OTP timings.
func WithFlowClock(now func() time.Time) FlowOption { return func(f *Flow) { f.now = now } }

// WithJournal records every deactivation attempt and its outcome.
func WithJournal(j Journal) FlowOption { return func(f *Flow) { f.journal = j } }

// WithCatalogue makes Deactivate refuse reason codes that are not in cat.
func WithCatalogue(cat Catalogue) FlowOption { return func(f *Flow) { f.reasons = &cat } }

// WithMaxAttempts sets how many wrong OTPs ABDM allows per transaction.
func WithMaxAttempts(n int) FlowOption { return func(f *Flow) { f.maxTry = n } }

// NewFlow returns a flow that uses c.
func NewFlow(c *Client, opts ...FlowOption) *Flow {
	f := &Flow{c: c, now: time.Now, maxTry: DefaultMaxAttempts}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Client returns the client the flow calls.
func (f *Flow) Client() *Client { return f.c }

// State returns a snapshot of the flow.
func (f *Flow) State() State {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := State{Step: f.step, Generation: f.c.Generation(), Busy: f.busy, SignIn: f.signIn, Login: f.login,
		Patient: f.patient, OTP: f.otp, Reactivation: f.react}
	s.SignIn.Accounts = slices.Clone(f.signIn.Accounts)
	if f.result != nil {
		r := *f.result
		s.Result = &r
	}
	if f.pending != nil {
		s.Pending = f.pending.action()
	}
	return s
}

// begin marks the flow busy if the step is one of allowed.
func (f *Flow) begin(action string, allowed ...Step) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy {
		return ErrBusy
	}
	for _, s := range allowed {
		if f.step == s {
			f.busy = true
			return nil
		}
	}
	if f.step == StepDeactivated && action == "deactivate" {
		return ErrAlreadyDeactivated
	}
	if f.step == StepReactivated && action == "reactivate" {
		return ErrAlreadyReactivated
	}
	return &StepError{Action: action, At: f.step}
}

// end clears busy and applies change under the lock.
func (f *Flow) end(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.busy = false
	if change != nil {
		change()
	}
}

// afterError moves the flow back to the step an error calls for. Called under the lock.
func (f *Flow) afterError(err error) {
	switch KindOf(err) {
	case KindGatewayCredentials:
		f.step = StepDisconnected
	case KindPatientToken:
		// The patient must sign in again; the OTP already sent stays usable
		// if the same patient comes back (see LoadPatient).
		f.step, f.xToken = StepConnected, ""
	case KindOTPExpired, KindTxnInvalid, KindTooManyAttempts, KindAccountInactive:
		switch f.step {
		case StepOTPSent:
			f.step, f.otp = StepPatient, OTPState{}
		case StepReactivationOTPSent:
			f.step = StepConnected
			f.react = ReactivationState{Account: f.react.Account}
		}
	}
}

// Connect opens the gateway session and fetches ABDM's public key, which
// proves the facility's credentials and the HealthID address.
func (f *Flow) Connect(ctx context.Context) error {
	if err := f.begin("connect", StepDisconnected, StepConnected, StepPatient, StepOTPSent, StepDeactivated,
		StepReactivationOTPSent, StepReactivated); err != nil {
		return err
	}
	err := f.c.OpenSession(ctx)
	if err == nil {
		_, err = f.c.PublicKey(ctx)
	}
	f.end(func() {
		if err != nil {
			f.afterError(err)
			return
		}
		if f.step == StepDisconnected {
			f.step = StepConnected
		}
	})
	return err
}

// LoadPatient reads who xToken belongs to: a token staff pasted. An ABHA
// that is already deactivated is refused with KindAccountInactive and no
// OTP is sent. If the same patient signs in again after their token
// expired, an OTP sent before stays in use.
func (f *Flow) LoadPatient(ctx context.Context, xToken string) (Profile, error) {
	xToken = NormalizeToken(xToken)
	if err := checkToken(xToken); err != nil {
		return Profile{}, err
	}
	if err := f.begin("identify the patient", StepConnected, StepPatient, StepOTPSent); err != nil {
		return Profile{}, err
	}
	p, err := f.c.Profile(ctx, xToken)
	f.end(func() { f.patientLoaded(p, err, xToken, LoginPastedToken) })
	return p, err
}

// patientLoaded records the outcome of a profile call. Called under the lock.
func (f *Flow) patientLoaded(p Profile, err error, xToken string, login LoginMethod) {
	if err != nil {
		f.afterError(err)
		return
	}
	keepOTP := f.otp.TxnID != "" && p.ABHANumber == f.patient.ABHANumber && f.now().Before(f.otp.ExpiresAt)
	f.xToken, f.patient, f.login, f.step = xToken, p, login, StepPatient
	f.signIn = SignInState{}
	if keepOTP {
		f.step = StepOTPSent
	} else {
		f.otp = OTPState{}
	}
}

// LookUp checks what staff typed (an ABHA number or address, or with v3 the
// patient's mobile number) before the patient signs in; v2 also finds the
// ABHA and its status. An ABHA that ABDM reports deactivated is refused with
// KindAccountInactive, no OTP is sent, and it becomes the flow's
// reactivation candidate (State().Reactivation.Account).
func (f *Flow) LookUp(ctx context.Context, input string) (Account, error) {
	const op = "look up the ABHA"
	if _, err := ParsePatientID(input); err != nil {
		return Account{}, err
	}
	if err := f.begin("look up a patient", StepConnected, StepPatient, StepOTPSent, StepReactivationOTPSent); err != nil {
		return Account{}, err
	}
	a, err := f.c.LookUp(ctx, input)
	if err == nil && a.Deactivated() {
		err = &Error{Op: op, Kind: KindAccountInactive, ABDMText: "ABDM reports this ABHA as " + strings.ToLower(a.Status)}
	}
	f.end(func() {
		f.react = ReactivationState{}
		if err != nil {
			f.afterError(err)
			f.signIn = SignInState{}
			if a.Deactivated() {
				f.step, f.react = StepConnected, ReactivationState{Account: a}
			}
			return
		}
		// The patient signs in anew. Another patient: forget the previous
		// one; the same one (their token expired): keep the OTP sent.
		f.step, f.xToken, f.login = StepConnected, "", ""
		if a.ABHANumber == "" || a.ABHANumber != f.patient.ABHANumber {
			f.patient, f.otp = Profile{}, OTPState{}
		}
		f.signIn = SignInState{Account: a}
	})
	return a, err
}

// StartSignIn sends the patient found by LookUp a sign-in OTP by method.
// Asked again before ResendWait has passed, it returns KindRateLimited
// with the wait and sends nothing. A deactivated ABHA (v3 ABDM-1134) is
// refused with KindAccountInactive and becomes the reactivation candidate.
func (f *Flow) StartSignIn(ctx context.Context, method LoginMethod) (SignInState, error) {
	if err := f.begin("send the sign-in OTP", StepConnected); err != nil {
		return SignInState{}, err
	}
	f.mu.Lock()
	si := f.signIn
	f.mu.Unlock()
	if si.Account.ABHANumber == "" && si.Account.ABHAAddress == "" && si.Account.Via.Kind != IDMobile {
		f.end(nil)
		return SignInState{}, &StepError{Action: "send the sign-in OTP", At: StepConnected}
	}
	if si.Account.Via.Kind == IDMobile {
		method = LoginMobileOTP // the OTP goes to the mobile number typed
	}
	if si.TxnID != "" && si.Method == method {
		if err := f.tooSoon("start the patient's sign-in", si.ResendAt); err != nil {
			f.end(nil)
			return SignInState{}, err
		}
	}
	sent, err := f.c.StartLogin(ctx, si.Account, method)
	var out SignInState
	f.end(func() {
		if err != nil {
			f.afterError(err)
			if IsKind(err, KindAccountInactive) && si.Account.ABHANumber != "" {
				f.react = ReactivationState{Account: asDeactivated(si.Account)}
			}
			if IsKind(err, KindAccountInactive) || IsKind(err, KindNotFound) {
				f.signIn = SignInState{} // no sign-in for this ABHA: staff look up another
			}
			return
		}
		now := f.now()
		f.signIn = SignInState{Account: si.Account, Method: method, TxnID: sent.TxnID, MaskedMobile: sent.MaskedMobile,
			SentAt: now, ExpiresAt: now.Add(OTPValidity), ResendAt: now.Add(ResendWait), MaxAttempts: f.maxTry}
		f.transfer = PatientToken{}
		out = f.signIn
	})
	return out, err
}

// asDeactivated marks an account ABDM refused as deactivated.
func asDeactivated(a Account) Account {
	a.Status, a.Known = wire.StatusDeactivated, true
	return a
}

// FinishSignIn completes the sign-in with the OTP the patient received and
// reads their profile, as LoadPatient does. The token is kept in memory
// only. A v3 sign-in by mobile number that finds several ABHAs returns
// ErrChooseAccount: State().SignIn.Accounts lists them for ChooseAccount.
// A wrong OTP, and any refusal of the OTP this tool does not know, leave the
// sign-in open for another try while attempts remain.
func (f *Flow) FinishSignIn(ctx context.Context, otp string) (Profile, error) {
	if !IsOTP(otp) {
		return Profile{}, ErrOTPFormat
	}
	if err := f.begin("finish the sign-in", StepConnected); err != nil {
		return Profile{}, err
	}
	f.mu.Lock()
	si := f.signIn
	f.mu.Unlock()
	if si.TxnID == "" {
		f.end(nil)
		return Profile{}, &StepError{Action: "finish the sign-in", At: StepConnected}
	}
	tok, transfer, accounts, err := f.c.ConfirmLogin(ctx, si.Account, si.Method, si.TxnID, otp)
	var (
		p      Profile
		choose bool
		chosen Account
	)
	if err == nil && tok.Token == "" {
		// A mobile sign-in: one ABHA is taken at once, several are offered.
		switch {
		case len(accounts) == 0:
			err = &Error{Op: "confirm the patient's sign-in", Kind: KindNotFound,
				ABDMText: "no ABHA is linked to this mobile number"}
		case len(accounts) > 1:
			choose = true
		case accounts[0].Deactivated():
			chosen = accounts[0]
			err = &Error{Op: "confirm the patient's sign-in", Kind: KindAccountInactive,
				ABDMText: "ABDM reports this ABHA as " + strings.ToLower(chosen.Status)}
		default:
			chosen = accounts[0]
			tok, err = f.c.ChooseAccount(ctx, transfer, si.TxnID, chosen.ABHANumber)
		}
	}
	if err == nil && !choose {
		p, err = f.c.Profile(ctx, tok.Token)
	}
	f.end(func() {
		switch {
		case choose:
			f.signIn.Accounts, f.transfer = accounts, transfer
			err = ErrChooseAccount
		case err == nil:
			f.patientLoaded(p, nil, tok.Token, si.Method)
		case IsOTPRefusal(err):
			f.signIn.Attempts++
		case IsKind(err, KindOTPExpired), IsKind(err, KindTxnInvalid), IsKind(err, KindTooManyAttempts):
			f.signIn.TxnID = "" // a new sign-in OTP is needed
		case IsKind(err, KindAccountInactive) && chosen.ABHANumber != "":
			f.signIn = SignInState{Account: si.Account}
			f.react = ReactivationState{Account: chosen}
		default:
			f.afterError(err)
		}
	})
	return p, err
}

// ChooseAccount signs in with one of the ABHAs a mobile sign-in found
// (State().SignIn.Accounts) and reads its profile. A deactivated one is
// refused with KindAccountInactive and becomes the reactivation candidate.
func (f *Flow) ChooseAccount(ctx context.Context, abhaNumber string) (Profile, error) {
	const op = "sign in with the chosen ABHA"
	if err := f.begin("choose the patient's ABHA", StepConnected); err != nil {
		return Profile{}, err
	}
	f.mu.Lock()
	si, transfer := f.signIn, f.transfer
	f.mu.Unlock()
	var chosen Account
	for _, a := range si.Accounts {
		if onlyDigits(a.ABHANumber) == onlyDigits(abhaNumber) {
			chosen = a
		}
	}
	if chosen.ABHANumber == "" {
		f.end(nil)
		return Profile{}, fmt.Errorf("%s: %s is not one of the ABHAs on this mobile number", op, MaskABHANumber(abhaNumber))
	}
	var (
		p   Profile
		err error
	)
	if chosen.Deactivated() {
		err = &Error{Op: op, Kind: KindAccountInactive, ABDMText: "ABDM reports this ABHA as " + strings.ToLower(chosen.Status)}
	} else {
		var tok PatientToken
		if tok, err = f.c.ChooseAccount(ctx, transfer, si.TxnID, chosen.ABHANumber); err == nil {
			if p, err = f.c.Profile(ctx, tok.Token); err == nil {
				f.end(func() { f.patientLoaded(p, nil, tok.Token, si.Method) })
				return p, nil
			}
		}
	}
	f.end(func() {
		switch {
		case IsKind(err, KindAccountInactive):
			f.react = ReactivationState{Account: asDeactivated(chosen)}
		case IsKind(err, KindPatientToken):
			f.signIn = SignInState{Account: si.Account} // the mobile sign-in expired: send a new OTP
			f.transfer = PatientToken{}
		default:
			f.afterError(err)
		}
	})
	return p, err
}

// RequestOTP asks ABDM to send the deactivation OTP by method. Asked again
// before ResendWait has passed, it returns KindRateLimited with the wait and
// sends nothing.
func (f *Flow) RequestOTP(ctx context.Context, method OTPMethod) (OTPState, error) {
	if method == "" {
		method = OTPAadhaar
	}
	if err := f.begin("request an OTP", StepPatient, StepOTPSent); err != nil {
		return OTPState{}, err
	}
	f.mu.Lock()
	token, patient, resendAt, sent := f.xToken, f.patient, f.otp.ResendAt, f.otp.TxnID != ""
	f.mu.Unlock()
	if sent {
		if err := f.tooSoon("request OTP", resendAt); err != nil {
			f.end(nil)
			return OTPState{}, err
		}
	}
	got, err := f.c.RequestOTP(ctx, token, patient, method)
	var st OTPState
	f.end(func() {
		if err != nil {
			f.afterError(err)
			return
		}
		now := f.now()
		st = OTPState{Method: method, TxnID: got.TxnID, MaskedMobile: got.MaskedMobile, SentAt: now,
			ExpiresAt: now.Add(OTPValidity), ResendAt: now.Add(ResendWait), MaxAttempts: f.maxTry}
		f.otp, f.step = st, StepOTPSent
	})
	return st, err
}

// Deactivate sends the irreversible deactivation with the OTP the patient
// received and the chosen reason codes; note is free text for "others", kept
// only in the journal. It is never sent twice: a second call while one runs
// gets ErrBusy, and after success ErrAlreadyDeactivated. A lost reply gives
// KindOutcomeUnknown, after which only CheckStatus is allowed. A refused OTP
// leaves the step open for another try.
func (f *Flow) Deactivate(ctx context.Context, otp string, reasons []string, note string) (Result, error) {
	otp = strings.TrimSpace(otp)
	if !isOTP(otp) {
		return Result{}, ErrOTPFormat
	}
	codes, err := f.checkReasons(reasons)
	if err != nil {
		return Result{}, err
	}
	if err := f.begin("deactivate", StepOTPSent); err != nil {
		return Result{}, err
	}
	f.mu.Lock()
	a := Attempt{Action: ActionDeactivate, ID: newID(), Patient: f.patient, TxnID: f.otp.TxnID, Login: f.login,
		Method: f.otp.Method, Reasons: codes, Note: strings.TrimSpace(note), Started: f.now()}
	token := f.xToken
	f.mu.Unlock()

	if f.journal != nil {
		if err := f.journal.Intent(ctx, a); err != nil {
			f.end(nil)
			return Result{}, fmt.Errorf("write the audit trail (nothing was sent to ABDM): %w", err)
		}
	}
	err = f.c.Deactivate(ctx, token, a.Patient, DeactivateRequest{Method: a.Method, TxnID: a.TxnID, OTP: otp,
		Reasons: f.reasonsOf(codes)})
	var res Result
	f.end(func() {
		switch {
		case err == nil:
			res = Result{Action: ActionDeactivate, ID: a.ID, TxnID: a.TxnID, Patient: a.Patient, Method: a.Method,
				Reasons: codes, At: f.now()}
			f.result, f.step, f.otp = &res, StepDeactivated, OTPState{}
			f.react = ReactivationState{Account: deactivatedAccount(a.Patient)}
		case IsKind(err, KindOutcomeUnknown):
			f.step, f.pending = StepOutcomeUnknown, &a
		case IsOTPRefusal(err):
			f.otp.Attempts++
		default:
			f.afterError(err)
		}
	})
	f.record(a, err)
	return res, err
}

// deactivatedAccount is the account of a patient just deactivated, for a
// reactivation at once ("Reactivate now").
func deactivatedAccount(p Profile) Account {
	return Account{Name: p.Name, ABHANumber: p.ABHANumber, ABHAAddress: p.ABHAAddress, Status: wire.StatusDeactivated,
		Known: true, Via: PatientID{Kind: IDNumber, Value: p.ABHANumber}}
}

// reasonsOf returns the catalogue entries of codes (a code the flow has no
// catalogue for stands for itself).
func (f *Flow) reasonsOf(codes []string) []Reason {
	out := make([]Reason, len(codes))
	for i, c := range codes {
		out[i] = Reason{Code: c, English: c}
		if f.reasons != nil {
			if r, ok := f.reasons.Lookup(c); ok {
				out[i] = r
			}
		}
	}
	return out
}

// IsOTPRefusal reports whether err is ABDM refusing an OTP that was sent to
// it: a wrong OTP, or a refusal this tool has no better name for (an unknown
// code, an invalid-input reply). The OTP step stays open for another try
// while attempts remain; it never ends the user's work.
func IsOTPRefusal(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case KindWrongOTP:
		return true
	case KindUnknown, KindInvalidInput:
		return e.Status != 0
	}
	return false
}

// record writes the outcome of a to the journal; a failure there is logged,
// since the change itself has already happened or not.
func (f *Flow) record(a Attempt, err error) {
	if f.journal == nil {
		return
	}
	o := Outcome{Status: OutcomeDeactivated, Duration: f.now().Sub(a.Started)}
	if a.action() == ActionReactivate {
		o.Status = OutcomeReactivated
	}
	if err != nil {
		o.Kind, o.Message = KindOf(err), KindOf(err).Message()
		var e *Error
		switch {
		case IsKind(err, KindOutcomeUnknown):
			o.Status = OutcomeUnknown
		case errors.As(err, &e) && e.Status != 0:
			o.Status, o.Code = OutcomeRejected, e.Code
		default:
			o.Status = OutcomeNotSent
		}
	}
	f.writeOutcome(a, o)
}

// writeOutcome journals o with a context of its own: the caller's may be
// cancelled already, and the record must still be written.
func (f *Flow) writeOutcome(a Attempt, o Outcome) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if jerr := f.journal.Outcome(ctx, a, o); jerr != nil {
		f.c.log.WithError(jerr).Error("could not write the outcome to the audit trail")
	}
}

// action is the attempt's action, ActionDeactivate for records that name none.
func (a Attempt) action() Action {
	if a.Action == "" {
		return ActionDeactivate
	}
	return a.Action
}

// CheckStatus asks ABDM whether the patient's ABHA is active. After an
// unknown outcome it settles the flow: a deactivation found done (or not),
// a reactivation found done (or not). With the patient's token it reads the
// profile; otherwise, or once the token no longer works, it asks by ABHA
// number (see Client.StatusByNumber).
func (f *Flow) CheckStatus(ctx context.Context) (AccountStatus, error) {
	if err := f.begin("check the status", StepPatient, StepOTPSent, StepOutcomeUnknown, StepDeactivated,
		StepReactivated); err != nil {
		return 0, err
	}
	f.mu.Lock()
	token, patient, pending := f.xToken, f.patient, f.pending
	f.mu.Unlock()
	var (
		status AccountStatus
		err    error
	)
	if pending != nil && pending.action() == ActionReactivate {
		status, err = f.c.StatusByNumber(ctx, pending.Patient.ABHANumber)
	} else {
		status, err = f.c.Status(ctx, token, patient)
	}
	var settled *Attempt
	f.end(func() {
		if err != nil {
			if f.step != StepOutcomeUnknown {
				f.afterError(err)
			}
			return
		}
		if f.step != StepOutcomeUnknown {
			return
		}
		settled, f.pending = f.pending, nil
		f.settle(*settled, status)
	})
	if settled != nil && f.journal != nil {
		f.writeOutcome(*settled, settledOutcome(*settled, status, f.now()))
	}
	return status, err
}

// settle moves the flow on from an unknown outcome once status is known.
// Called under the lock.
func (f *Flow) settle(a Attempt, status AccountStatus) {
	done := Result{Action: a.action(), ID: a.ID, TxnID: a.TxnID, Patient: a.Patient, Method: a.Method,
		Reasons: a.Reasons, At: f.now(), ByStatusCheck: true}
	switch {
	case a.action() == ActionDeactivate && status == StatusDeactivated:
		f.result, f.step, f.otp = &done, StepDeactivated, OTPState{}
		f.react = ReactivationState{Account: deactivatedAccount(a.Patient)}
	case a.action() == ActionDeactivate:
		f.step, f.otp = StepPatient, OTPState{}
	case status == StatusActive:
		f.result, f.step = &done, StepReactivated
		f.react = ReactivationState{}
	default:
		f.step = StepConnected
		f.react = ReactivationState{Account: f.react.Account}
	}
}

// settledOutcome is the journal record of a status check after an unknown outcome.
func settledOutcome(a Attempt, status AccountStatus, now time.Time) Outcome {
	o := Outcome{Message: "confirmed by a status check", Duration: now.Sub(a.Started)}
	switch {
	case a.action() == ActionDeactivate && status == StatusDeactivated:
		o.Status = OutcomeDeactivated
	case a.action() == ActionDeactivate:
		o.Status, o.Message = OutcomeNotDeactivated, "a status check found the ABHA still active"
	case status == StatusActive:
		o.Status = OutcomeReactivated
	default:
		o.Status, o.Message = OutcomeNotReactivated, "a status check found the ABHA still deactivated"
	}
	return o
}

// NextPatient forgets the patient and starts again at StepConnected, keeping
// the facility's connection. It is refused while a call runs or while an
// outcome is unknown.
func (f *Flow) NextPatient() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.busy:
		return ErrBusy
	case f.step == StepOutcomeUnknown:
		return &StepError{Action: "start with another patient", At: f.step}
	case f.step == StepDisconnected:
		return nil
	}
	f.step, f.xToken, f.patient, f.otp, f.result = StepConnected, "", Profile{}, OTPState{}, nil
	f.signIn, f.login, f.transfer, f.react = SignInState{}, "", PatientToken{}, ReactivationState{}
	return nil
}

func (f *Flow) checkReasons(codes []string) ([]string, error) {
	if f.reasons != nil {
		return f.reasons.Check(codes)
	}
	var out []string
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, ErrNoReason
	}
	return out, nil
}

// isOTP reports whether s is exactly six ASCII digits.
func isOTP(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// tooSoon refuses, without a call, a new OTP before resendAt: the wait is
// reported as KindRateLimited, as ABDM's HIS-1023 would be.
func (f *Flow) tooSoon(op string, resendAt time.Time) error {
	now := f.now()
	if !now.Before(resendAt) {
		return nil
	}
	wait := resendAt.Sub(now).Round(time.Second)
	return &Error{Op: op, Kind: KindRateLimited, RetryAfter: wait,
		ABDMText: fmt.Sprintf("a new OTP can be requested in %s", wait)}
}

// IsOTP reports whether s (trimmed) is a well-formed 6-digit OTP.
func IsOTP(s string) bool { return isOTP(strings.TrimSpace(s)) }

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
