package abdm

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// This file is the vocabulary front ends import: where a Flow stands, what
// it shows, and what the audit trail records. The journeys that move it are
// in flow_*.go.

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

// String is the step's stable name, such as "otp-sent".
func (s Step) String() string { return stepNames[s] }

// Timings of ABDM's OTPs.
const (
	OTPValidity        = 10 * time.Minute
	ResendWait         = 30 * time.Second
	DefaultMaxAttempts = 3
)

// OTPTransaction is an OTP ABDM sent to the patient and the tries made with
// it. The deactivation, sign-in and reactivation states embed it.
type OTPTransaction struct {
	TxnID        string
	MaskedMobile string
	SentAt       time.Time
	ExpiresAt    time.Time // SentAt + OTPValidity
	ResendAt     time.Time // a new OTP may be requested from then on
	Attempts     int       // wrong OTPs entered so far
	MaxAttempts  int
}

// Remaining is how many OTP attempts are left.
func (t OTPTransaction) Remaining() int { return max(t.MaxAttempts-t.Attempts, 0) }

// newOTPTransaction is a transaction just sent at now, allowing maxTry attempts.
func newOTPTransaction(txnID, maskedMobile string, now time.Time, maxTry int) OTPTransaction {
	return OTPTransaction{TxnID: txnID, MaskedMobile: maskedMobile, SentAt: now, ExpiresAt: now.Add(OTPValidity),
		ResendAt: now.Add(ResendWait), MaxAttempts: maxTry}
}

// OTPState describes the deactivation OTP transaction in progress.
type OTPState struct {
	Method OTPMethod
	OTPTransaction
}

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
// SignInState is a patient's sign-in in progress: the ABHA found by LookUp,
// then the sign-in OTP sent by StartSignIn.
type SignInState struct {
	Account Account // zero until LookUp found an ABHA that can sign in
	Method  LoginMethod
	OTPTransaction
	// Accounts are the ABHAs on the mobile number of a v3 sign-in by
	// mobile, when the patient must choose one (see Flow.ChooseAccount).
	Accounts []Account
}

// ReactivationState is a reactivation: the deactivated ABHA it is for (known
// as soon as the flow meets one), then the OTP sent by StartReactivation.
type ReactivationState struct {
	Account Account // zero until an ABHA to reactivate is known
	Method  OTPMethod
	OTPTransaction
}

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
	// SignInEnds is when the patient's sign-in (their token) expires; zero
	// when no patient is signed in or it is not known (a pasted token).
	SignInEnds time.Time
	Result     *Result // set at StepDeactivated and StepReactivated
	// Pending is what was sent with an unknown outcome (StepOutcomeUnknown).
	Pending Action
	// Unknown is the attempt whose outcome is unknown (StepOutcomeUnknown):
	// the patient, the transaction, the audit trail's ID.
	Unknown *Attempt
}

// AccountStatus is what a status check found.
type AccountStatus int

// Results of CheckStatus.
const (
	StatusActive      AccountStatus = iota + 1 // the ABHA is active: it was not deactivated
	StatusDeactivated                          // the ABHA is deactivated
)

// String is "active", "deactivated" or "unknown".
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
	ErrBusy = errors.New("another request is still running: wait for it or cancel it")
	// ErrAnotherChange is what a Journal's Intent returns when another
	// window or terminal on this computer is changing the same ABHA at that
	// moment: nothing is sent.
	ErrAnotherChange = errors.New("another window on this computer is already changing this ABHA: " +
		"nothing was sent from here; check the ABHA's status before trying again")
	// ErrAuditWrite is returned when the audit trail could not be written
	// before the irreversible call: nothing is sent.
	ErrAuditWrite         = errors.New("write the audit trail (nothing was sent to ABDM)")
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

// Error says what was asked and what must come first.
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
