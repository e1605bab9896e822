package abdm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Step is where a Flow stands. Each step names what may come next.
type Step int

// The steps of a deactivation, in order.
const (
	StepDisconnected   Step = iota // next: Connect
	StepConnected                  // facility session and key are good; next: LoadPatient
	StepPatient                    // the patient is known; next: RequestOTP
	StepOTPSent                    // next: Deactivate (or RequestOTP again to resend)
	StepDeactivated                // done; NextPatient starts over
	StepOutcomeUnknown             // deactivate was sent, its reply lost; next: CheckStatus
)

var stepNames = map[Step]string{
	StepDisconnected: "disconnected", StepConnected: "connected", StepPatient: "patient",
	StepOTPSent: "otp-sent", StepDeactivated: "deactivated", StepOutcomeUnknown: "outcome-unknown",
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

// Result describes a completed deactivation.
type Result struct {
	ID      string // the audit trail's id of the attempt
	TxnID   string
	Patient Profile
	Reasons []string
	At      time.Time
	// ByStatusCheck is true when the outcome was unknown at first and a status
	// check found the ABHA deactivated.
	ByStatusCheck bool
}

// SignInState is a patient's sign-in in progress: the ABHA found by LookUp,
// then the sign-in OTP sent by StartSignIn.
type SignInState struct {
	Account      Account // zero until LookUp found an active ABHA
	Method       LoginMethod
	TxnID        string
	MaskedMobile string
	SentAt       time.Time
	ExpiresAt    time.Time
	ResendAt     time.Time
	Attempts     int
	MaxAttempts  int
}

// Remaining is how many sign-in OTP attempts are left.
func (s SignInState) Remaining() int { return max(s.MaxAttempts-s.Attempts, 0) }

// State is a snapshot of a Flow for a front end to show.
type State struct {
	Step    Step
	Busy    bool // a call is running
	SignIn  SignInState
	Login   LoginMethod // how the patient's token was obtained
	Patient Profile
	OTP     OTPState // zero until an OTP is sent
	Result  *Result  // set at StepDeactivated
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

// Attempt is a deactivation about to be sent, as the audit trail records it.
type Attempt struct {
	ID      string
	Patient Profile // the journal must mask the ABHA number
	TxnID   string
	Login   LoginMethod // how the patient signed in
	Method  OTPMethod
	Reasons []string
	Note    string // free text for "others"; kept locally, never sent
	Started time.Time
}

// Outcome statuses recorded in the journal.
const (
	OutcomeDeactivated    = "deactivated"
	OutcomeRejected       = "rejected"        // ABDM answered with an error
	OutcomeNotSent        = "not-sent"        // failed before the request left this computer
	OutcomeUnknown        = "outcome-unknown" // sent, no answer
	OutcomeNotDeactivated = "not-deactivated" // a status check found the ABHA still active
)

// Outcome is how an Attempt ended.
type Outcome struct {
	Status   string // one of the Outcome* constants
	Code     string // ABDM's code on rejection
	Kind     Kind
	Message  string
	Duration time.Duration
}

// Journal records deactivations (the audit trail). Intent is called before the
// request is sent; if it fails, nothing is sent.
type Journal interface {
	Intent(ctx context.Context, a Attempt) error
	Outcome(ctx context.Context, a Attempt, o Outcome) error
}

// Errors a Flow returns for input or order problems (no request is made).
var (
	ErrBusy               = errors.New("another request is still running: wait for it or cancel it")
	ErrAlreadyDeactivated = errors.New("this ABHA has already been deactivated")
	ErrOTPFormat          = errors.New("the OTP must be exactly 6 digits")
)

// StepError is returned when an action comes out of order.
type StepError struct {
	Action string
	At     Step
}

func (e *StepError) Error() string {
	need := map[Step]string{
		StepDisconnected:   "connect to ABDM first",
		StepConnected:      "identify the patient first",
		StepPatient:        "request an OTP first",
		StepOTPSent:        "finish or restart the current OTP first",
		StepDeactivated:    "this ABHA is already deactivated; start again for another patient",
		StepOutcomeUnknown: "the last deactivation has an unknown outcome: check its status first",
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

	mu      sync.Mutex
	step    Step
	busy    bool
	signIn  SignInState
	login   LoginMethod
	xToken  string
	patient Profile
	otp     OTPState
	result  *Result
	pending *Attempt // the attempt whose outcome is unknown
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
	s := State{Step: f.step, Busy: f.busy, SignIn: f.signIn, Login: f.login, Patient: f.patient, OTP: f.otp}
	if f.result != nil {
		r := *f.result
		s.Result = &r
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
		if f.step == StepOTPSent {
			f.step, f.otp = StepPatient, OTPState{}
		}
	}
}

// Connect opens the gateway session and fetches ABDM's public key, which
// proves the facility's credentials and the HealthID address.
func (f *Flow) Connect(ctx context.Context) error {
	if err := f.begin("connect", StepDisconnected, StepConnected, StepPatient, StepOTPSent, StepDeactivated); err != nil {
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

// LookUp finds the ABHA staff typed (number or address) before the patient
// signs in. An ABHA that is already deactivated is reported with
// KindAccountInactive and the flow stops there: no OTP is sent.
func (f *Flow) LookUp(ctx context.Context, abha string) (Account, error) {
	const op = "look up the ABHA"
	if _, err := ParseABHA(abha); err != nil {
		return Account{}, err
	}
	if err := f.begin("look up a patient", StepConnected, StepPatient, StepOTPSent); err != nil {
		return Account{}, err
	}
	a, err := f.c.Search(ctx, abha)
	if err == nil && !a.Active() {
		err = &Error{Op: op, Kind: KindAccountInactive, ABDMText: "ABDM reports this ABHA as " + strings.ToLower(a.Status)}
	}
	f.end(func() {
		if err != nil {
			f.afterError(err)
			f.signIn = SignInState{}
			return
		}
		// The patient signs in anew. Another patient: forget the previous
		// one; the same one (their token expired): keep the OTP sent.
		f.step, f.xToken, f.login = StepConnected, "", ""
		if a.ABHANumber != f.patient.ABHANumber {
			f.patient, f.otp = Profile{}, OTPState{}
		}
		f.signIn = SignInState{Account: a}
	})
	return a, err
}

// StartSignIn sends the patient found by LookUp a sign-in OTP by method.
// Asked again before ResendWait has passed, it returns KindRateLimited
// with the wait and sends nothing.
func (f *Flow) StartSignIn(ctx context.Context, method LoginMethod) (SignInState, error) {
	if err := f.begin("send the sign-in OTP", StepConnected); err != nil {
		return SignInState{}, err
	}
	f.mu.Lock()
	si := f.signIn
	f.mu.Unlock()
	if si.Account.ABHANumber == "" && si.Account.ABHAAddress == "" {
		f.end(nil)
		return SignInState{}, &StepError{Action: "send the sign-in OTP", At: StepConnected}
	}
	if si.TxnID != "" && si.Method == method {
		if err := f.tooSoon("start the patient's sign-in", si.ResendAt); err != nil {
			f.end(nil)
			return SignInState{}, err
		}
	}
	id := si.Account.ABHANumber
	if id == "" {
		id = si.Account.ABHAAddress
	}
	sent, err := f.c.StartLogin(ctx, id, method)
	var out SignInState
	f.end(func() {
		if err != nil {
			f.afterError(err)
			return
		}
		now := f.now()
		f.signIn = SignInState{Account: si.Account, Method: method, TxnID: sent.TxnID, MaskedMobile: sent.MaskedMobile,
			SentAt: now, ExpiresAt: now.Add(OTPValidity), ResendAt: now.Add(ResendWait), MaxAttempts: f.maxTry}
		out = f.signIn
	})
	return out, err
}

// FinishSignIn completes the sign-in with the OTP the patient received and
// reads their profile, as LoadPatient does. The token is kept in memory only.
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
	tok, err := f.c.ConfirmLogin(ctx, si.Method, si.TxnID, otp)
	var p Profile
	if err == nil {
		p, err = f.c.Profile(ctx, tok.Token)
	}
	f.end(func() {
		switch {
		case err == nil:
			f.patientLoaded(p, nil, tok.Token, si.Method)
		case IsKind(err, KindWrongOTP):
			f.signIn.Attempts++
		case IsKind(err, KindOTPExpired), IsKind(err, KindTxnInvalid), IsKind(err, KindTooManyAttempts):
			f.signIn.TxnID = "" // a new sign-in OTP is needed
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
	token, resendAt, sent := f.xToken, f.otp.ResendAt, f.otp.TxnID != ""
	f.mu.Unlock()
	if sent {
		if err := f.tooSoon("request OTP", resendAt); err != nil {
			f.end(nil)
			return OTPState{}, err
		}
	}
	got, err := f.c.RequestOTP(ctx, token, method)
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
// KindOutcomeUnknown, after which only CheckStatus is allowed.
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
	a := Attempt{ID: newID(), Patient: f.patient, TxnID: f.otp.TxnID, Login: f.login, Method: f.otp.Method,
		Reasons: codes, Note: strings.TrimSpace(note), Started: f.now()}
	token := f.xToken
	f.mu.Unlock()

	if f.journal != nil {
		if err := f.journal.Intent(ctx, a); err != nil {
			f.end(nil)
			return Result{}, fmt.Errorf("write the audit trail (nothing was sent to ABDM): %w", err)
		}
	}
	err = f.c.Deactivate(ctx, token, DeactivateRequest{Method: a.Method, TxnID: a.TxnID, OTP: otp, Reasons: codes})
	var res Result
	f.end(func() {
		switch {
		case err == nil:
			res = Result{ID: a.ID, TxnID: a.TxnID, Patient: a.Patient, Reasons: codes, At: f.now()}
			f.result, f.step, f.otp = &res, StepDeactivated, OTPState{}
		case IsKind(err, KindOutcomeUnknown):
			f.step, f.pending = StepOutcomeUnknown, &a
		case IsKind(err, KindWrongOTP):
			f.otp.Attempts++
		default:
			f.afterError(err)
		}
	})
	f.record(a, err)
	return res, err
}

// record writes the outcome of a to the journal; a failure there is logged,
// since the deactivation itself has already happened or not.
func (f *Flow) record(a Attempt, err error) {
	if f.journal == nil {
		return
	}
	o := Outcome{Status: OutcomeDeactivated, Duration: f.now().Sub(a.Started)}
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
	// The caller's context may be cancelled already; the record must still be written.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if jerr := f.journal.Outcome(ctx, a, o); jerr != nil {
		f.c.log.WithError(jerr).Error("could not write the outcome to the audit trail")
	}
}

// CheckStatus asks ABDM whether the patient's ABHA is still active (the profile
// call fails once it is deactivated). After an unknown outcome it settles the
// flow: deactivated, or back to StepPatient for a new OTP.
func (f *Flow) CheckStatus(ctx context.Context) (AccountStatus, error) {
	if err := f.begin("check the status", StepPatient, StepOTPSent, StepOutcomeUnknown, StepDeactivated); err != nil {
		return 0, err
	}
	f.mu.Lock()
	token := f.xToken
	f.mu.Unlock()
	_, err := f.c.Profile(ctx, token)
	status := StatusActive
	if IsKind(err, KindAccountInactive) {
		status, err = StatusDeactivated, nil
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
		if status == StatusDeactivated {
			f.result = &Result{ID: settled.ID, TxnID: settled.TxnID, Patient: settled.Patient,
				Reasons: settled.Reasons, At: f.now(), ByStatusCheck: true}
			f.step, f.otp = StepDeactivated, OTPState{}
		} else {
			f.step, f.otp = StepPatient, OTPState{}
		}
	})
	if settled != nil && f.journal != nil {
		o := Outcome{Status: OutcomeDeactivated, Message: "confirmed by a status check", Duration: f.now().Sub(settled.Started)}
		if status == StatusActive {
			o.Status, o.Message = OutcomeNotDeactivated, "a status check found the ABHA still active"
		}
		if jerr := f.journal.Outcome(ctx, *settled, o); jerr != nil {
			f.c.log.WithError(jerr).Error("could not write the status check to the audit trail")
		}
	}
	return status, err
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
	f.signIn, f.login = SignInState{}, ""
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
