package abdm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// This file is the deactivation journey (RequestOTP, Deactivate) and the
// audit trail that deactivations and reactivations share.

// RequestOTP asks ABDM to send the deactivation OTP by method. Asked again
// before ResendWait has passed, it returns KindRateLimited with the wait and
// sends nothing.
func (f *Flow) RequestOTP(ctx context.Context, method OTPMethod) (OTPState, error) {
	if method == "" {
		method = OTPAadhaar
	}
	if err := f.begin(opRequestOTP); err != nil {
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
		st = OTPState{Method: method, OTPTransaction: f.newTxn(got)}
		f.otp = st
		f.move(opRequestOTP)
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
	if err := f.begin(opDeactivate); err != nil {
		return Result{}, err
	}
	f.mu.Lock()
	a := Attempt{Action: ActionDeactivate, ID: newID(), Patient: f.patient, TxnID: f.otp.TxnID, Login: f.login,
		Method: f.otp.Method, Reasons: codes, Note: strings.TrimSpace(note), Started: f.now()}
	token := f.xToken
	f.mu.Unlock()

	if err := f.intend(ctx, a); err != nil {
		f.end(nil)
		return Result{}, err
	}
	err = f.c.Deactivate(ctx, token, a.Patient, DeactivateRequest{Method: a.Method, TxnID: a.TxnID, OTP: otp,
		Reasons: f.reasonsOf(codes)})
	res := Result{Action: ActionDeactivate, ID: a.ID, TxnID: a.TxnID, Patient: a.Patient, Method: a.Method,
		Reasons: codes}
	f.end(func() {
		f.answered(opDeactivate, &a, err, func() {
			res.At = f.now()
			f.result, f.otp = &res, OTPState{}
			f.react = ReactivationState{Account: deactivatedAccount(a.Patient)}
		}, func() { f.otp.Attempts++ })
	})
	f.record(a, err)
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// intend journals a before it is sent; if that fails, nothing is sent.
func (f *Flow) intend(ctx context.Context, a Attempt) error {
	if f.journal == nil {
		return nil
	}
	if err := f.journal.Intent(ctx, a); err != nil {
		if errors.Is(err, ErrAnotherChange) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrAuditWrite, err)
	}
	return nil
}

// answered moves the flow on after the irreversible call o for attempt a:
// done and the step o leads to on success, StepOutcomeUnknown when the reply
// was lost, otpRefused when ABDM refused the OTP (the step stays open), or
// where the error calls for. Called under the lock.
func (f *Flow) answered(o flowOp, a *Attempt, err error, done, otpRefused func()) {
	switch {
	case err == nil:
		done()
		f.move(o)
	case IsKind(err, KindOutcomeUnknown):
		f.pending = a
		f.move(evOutcomeLost)
	case IsOTPRefusal(err):
		otpRefused()
	default:
		f.afterError(err)
	}
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

// checkReasons returns the reason codes to send: checked against the
// catalogue when the flow has one, else trimmed; at least one is needed.
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
