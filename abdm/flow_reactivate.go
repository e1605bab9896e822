package abdm

import (
	"context"
	"errors"
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
	typed, err := typedAccount(abha)
	if err != nil {
		return ReactivationState{}, err
	}
	if err := f.begin(opStartReactivation); err != nil {
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
	f.end(func() { out = f.reactivationSent(target, method, sent, err) })
	return out, err
}

// typedAccount is the ABHA staff typed for a reactivation (an ABHA number or
// address), or the zero Account when they typed none.
func typedAccount(abha string) (Account, error) {
	if strings.TrimSpace(abha) == "" {
		return Account{}, nil
	}
	id, err := ParsePatientID(abha)
	if err != nil {
		return Account{}, err
	}
	if id.Kind == IDMobile {
		return Account{}, ErrABHAFormat
	}
	return Account{Via: id, ABHANumber: numberOf(id), ABHAAddress: addressOf(id)}, nil
}

// reactivationSent records the reactivation OTP sent for target, or the
// error that refused it, and returns the reactivation state. Called under
// the lock.
func (f *Flow) reactivationSent(target Account, method OTPMethod, sent SentOTP, err error) ReactivationState {
	if err != nil {
		f.afterError(err)
		if f.step != StepReactivationOTPSent {
			f.react = ReactivationState{Account: target}
		}
		return ReactivationState{}
	}
	f.react = ReactivationState{Account: target, Method: method, OTPTransaction: f.newTxn(sent)}
	f.move(opStartReactivation)
	// The patient and any deactivation in progress are left behind.
	f.xToken, f.patient, f.otp, f.signIn, f.login = "", Profile{}, OTPState{}, SignInState{}, ""
	f.result = nil
	return f.react
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
	otp, err := f.beginWithOTP(opReactivate, otp)
	if err != nil {
		return Result{}, err
	}
	f.mu.Lock()
	r := f.react
	acc := r.Account
	a := Attempt{Action: ActionReactivate, ID: newID(), TxnID: r.TxnID, Method: r.Method, Started: f.now(),
		Patient: Profile{Name: acc.Name, ABHANumber: acc.ABHANumber, ABHAAddress: acc.ABHAAddress}}
	f.mu.Unlock()

	if err := f.intend(ctx, a); err != nil {
		f.end(nil)
		return Result{}, err
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
		f.c.logoutQuietly(ctx, tok.Token)
	}
	f.end(func() {
		f.answered(opReactivate, &a, err, func() {
			res.At = f.now()
			f.result, f.react = &res, ReactivationState{}
			if res.SignedIn {
				f.patient = res.Patient
			}
		}, func() { f.react.Attempts++ })
	})
	f.record(a, err)
	return res, err
}
