package abdm

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrNothingToReactivate is returned by StartReactivation when no ABHA to
// reactivate is known and none was given.
var ErrNothingToReactivate = errors.New("enter the ABHA number of the patient whose ABHA is to be reactivated")

// StartReactivation asks ABDM to send the reactivation OTP by method for
// abha (an ABHA number; v2 also takes an address) or, when abha is empty,
// for the deactivated ABHA the flow last met (State().Reactivation.Account:
// a look-up, a refused sign-in, or a deactivation just done). No patient
// token is needed: a deactivated ABHA cannot sign in. Asked again before
// ResendWait has passed, it returns KindRateLimited and sends nothing.
func (f *Flow) StartReactivation(ctx context.Context, abha string, method OTPMethod) (ReactivationState, error) {
	if method == "" {
		method = OTPMobile
	}
	if method != OTPAadhaar && method != OTPMobile {
		return ReactivationState{}, errors.New("request the reactivation OTP: unknown OTP method " + string(method))
	}
	var typed Account
	if strings.TrimSpace(abha) != "" {
		id, err := ParsePatientID(abha)
		if err != nil {
			return ReactivationState{}, err
		}
		if id.Kind == IDMobile {
			return ReactivationState{}, ErrABHAFormat
		}
		typed = Account{Via: id, ABHANumber: numberOf(id), ABHAAddress: addressOf(id)}
	}
	if err := f.begin("send the reactivation OTP", StepConnected, StepPatient, StepOTPSent, StepDeactivated,
		StepReactivationOTPSent); err != nil {
		return ReactivationState{}, err
	}
	f.mu.Lock()
	cur := f.react
	f.mu.Unlock()
	target := cur.Account
	if typed.id() != "" && !sameABHA(typed, target) {
		target, cur = typed, ReactivationState{}
	}
	if target.id() == "" {
		f.end(nil)
		return ReactivationState{}, ErrNothingToReactivate
	}
	if cur.TxnID != "" && cur.Method == method {
		if err := f.tooSoon("request the reactivation OTP", cur.ResendAt); err != nil {
			f.end(nil)
			return ReactivationState{}, err
		}
	}
	sent, err := f.c.api.startReactivation(ctx, target, method)
	var out ReactivationState
	f.end(func() {
		if err != nil {
			f.afterError(err)
			if f.step != StepReactivationOTPSent {
				f.react = ReactivationState{Account: target}
			}
			return
		}
		now := f.now()
		f.react = ReactivationState{Account: target, Method: method, TxnID: sent.TxnID, MaskedMobile: sent.MaskedMobile,
			SentAt: now, ExpiresAt: now.Add(OTPValidity), ResendAt: now.Add(ResendWait), MaxAttempts: f.maxTry}
		// The patient and any deactivation in progress are left behind.
		f.step, f.xToken, f.patient, f.otp, f.signIn, f.login = StepReactivationOTPSent, "", Profile{}, OTPState{}, SignInState{}, ""
		f.result = nil
		out = f.react
	})
	return out, err
}

// sameABHA reports whether two accounts name the same ABHA.
func sameABHA(a, b Account) bool {
	if a.ABHANumber != "" && b.ABHANumber != "" {
		return onlyDigits(a.ABHANumber) == onlyDigits(b.ABHANumber)
	}
	return a.id() != "" && strings.EqualFold(a.id(), b.id())
}

func numberOf(id PatientID) string {
	if id.Kind == IDNumber {
		return id.Value
	}
	return ""
}

func addressOf(id PatientID) string {
	if id.Kind == IDAddress {
		return id.Value
	}
	return ""
}

// Reactivate confirms the reactivation with the OTP the patient received. It
// is journalled like a deactivation and never sent twice: ErrBusy while it
// runs, ErrAlreadyReactivated after success, KindOutcomeUnknown (then only
// CheckStatus) when the reply is lost. The answer signs the patient in; the
// profile read with that token is the result's Patient, as proof (if it
// cannot be read, the result names the ABHA as known before).
func (f *Flow) Reactivate(ctx context.Context, otp string) (Result, error) {
	otp = strings.TrimSpace(otp)
	if !isOTP(otp) {
		return Result{}, ErrOTPFormat
	}
	if err := f.begin("reactivate", StepReactivationOTPSent); err != nil {
		return Result{}, err
	}
	f.mu.Lock()
	r := f.react
	acc := r.Account
	a := Attempt{Action: ActionReactivate, ID: newID(), TxnID: r.TxnID, Method: r.Method, Started: f.now(),
		Patient: Profile{Name: acc.Name, ABHANumber: acc.ABHANumber, ABHAAddress: acc.ABHAAddress}}
	f.mu.Unlock()

	if f.journal != nil {
		if err := f.journal.Intent(ctx, a); err != nil {
			f.end(nil)
			return Result{}, fmt.Errorf("write the audit trail (nothing was sent to ABDM): %w", err)
		}
	}
	f.c.addSecret(otp)
	tok, err := f.c.api.reactivate(ctx, acc, r.Method, r.TxnID, otp)
	res := Result{Action: ActionReactivate, ID: a.ID, TxnID: a.TxnID, Patient: a.Patient, Method: a.Method}
	if err == nil && tok.Token != "" {
		if p, perr := f.c.Profile(ctx, tok.Token); perr == nil {
			res.Patient, res.SignedIn = p, true
		} else {
			f.c.log.WithError(perr).Info("reactivated; the profile could not be read with the new token")
		}
	}
	f.end(func() {
		switch {
		case err == nil:
			res.At = f.now()
			f.result, f.step, f.react = &res, StepReactivated, ReactivationState{}
			if res.SignedIn {
				f.patient = res.Patient
			}
		case IsKind(err, KindOutcomeUnknown):
			f.step, f.pending = StepOutcomeUnknown, &a
		case IsOTPRefusal(err):
			f.react.Attempts++
		default:
			f.afterError(err)
		}
	})
	f.record(a, err)
	return res, err
}
