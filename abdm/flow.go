package abdm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// This file is the core of a Flow: its state, the busy flag, the moves an
// error calls for, and what every journey shares. The journeys are in
// flow_signin.go, flow_deactivate.go, flow_reactivate.go and flow_status.go;
// the steps they may take are in transitions.go.

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
	tokenEnd time.Time // when xToken expires; zero if not known (a pasted token)
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
	if f.xToken != "" {
		s.SignInEnds = f.tokenEnd
	}
	s.SignIn.Accounts = slices.Clone(f.signIn.Accounts)
	if f.result != nil {
		r := *f.result
		s.Result = &r
	}
	if f.pending != nil {
		s.Pending = f.pending.action()
		u := *f.pending
		s.Unknown = &u
	}
	return s
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
		f.move(evSessionRefused)
	case KindPatientToken:
		f.xToken = ""
		f.move(evTokenRefused)
	case KindOTPExpired, KindTxnInvalid, KindTooManyAttempts, KindAccountInactive:
		switch f.step {
		case StepOTPSent:
			f.otp = OTPState{}
		case StepReactivationOTPSent:
			f.react = ReactivationState{Account: f.react.Account}
		}
		f.move(evOTPVoid)
	}
}

// Connect opens the gateway session and fetches ABDM's public key, which
// proves the facility's credentials and the HealthID address.
func (f *Flow) Connect(ctx context.Context) error {
	if err := f.begin(opConnect); err != nil {
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
		f.move(opConnect)
	})
	return err
}

// NextPatient forgets the patient and starts again at StepConnected, keeping
// the facility's connection. It is refused while a call runs or while an
// outcome is unknown.
func (f *Flow) NextPatient() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy {
		return ErrBusy
	}
	if err := allowed(opNextPatient, f.step); err != nil || f.step == StepDisconnected {
		return err
	}
	f.move(opNextPatient)
	f.xToken, f.patient, f.otp, f.result = "", Profile{}, OTPState{}, nil
	f.signIn, f.login, f.transfer, f.react = SignInState{}, "", PatientToken{}, ReactivationState{}
	return nil
}

// newTxn is an OTP transaction ABDM has just sent, timed from now.
func (f *Flow) newTxn(sent SentOTP) OTPTransaction {
	return newOTPTransaction(sent.TxnID, sent.MaskedMobile, f.now(), f.maxTry)
}

// beginWithOTP checks otp (six digits once trimmed, else ErrOTPFormat) and
// begins the action o, which sends it. It returns otp trimmed.
func (f *Flow) beginWithOTP(o flowOp, otp string) (string, error) {
	otp = strings.TrimSpace(otp)
	if !isOTP(otp) {
		return "", ErrOTPFormat
	}
	return otp, f.begin(o)
}

// IsOTPRefusal reports whether err is ABDM refusing an OTP that was sent to
// it: a wrong OTP, or a refusal this tool has no better name for (an unknown
// code, an invalid-input reply). The OTP step stays open for another try
// while attempts remain; it never ends the user's work.
func IsOTPRefusal(err error) bool {
	return IsKind(err, KindWrongOTP) || (IsKind(err, KindUnknown, KindInvalidInput) && statusOf(err) != 0)
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
