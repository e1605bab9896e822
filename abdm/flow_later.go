package abdm

import (
	"context"
	"errors"
)

// This file is what a front end does with an unknown outcome it cannot
// settle now (the link to ABDM is down): leave it to be checked later, and
// settle it then, in this run or a later one, by the ABHA's status.

// CheckLater leaves the attempt whose outcome is unknown unsettled and
// starts again with another patient, keeping the facility's connection. It
// returns the attempt, for the front end to offer a status check later
// (see SettleEarlier); the audit trail already records it as unknown.
func (f *Flow) CheckLater() (Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy {
		return Attempt{}, ErrBusy
	}
	if err := allowed(opCheckLater, f.step); err != nil {
		return Attempt{}, err
	}
	var a Attempt
	if f.pending != nil {
		a = *f.pending
	}
	f.move(opCheckLater)
	f.pending = nil
	f.xToken, f.patient, f.otp, f.result = "", Profile{}, OTPState{}, nil
	f.signIn, f.login, f.transfer, f.react = SignInState{}, "", PatientToken{}, ReactivationState{}
	return a, nil
}

// ErrNoABHANumber is returned by SettleEarlier for an attempt whose full
// ABHA number is not known.
var ErrNoABHANumber = errors.New("check the status: enter the patient's full ABHA number")

// Settled is what a status check found of an attempt left unknown.
type Settled struct {
	Status  AccountStatus
	Outcome Outcome // as written to the audit trail
	Done    bool    // the deactivation or reactivation was found done
}

// SettleEarlier asks ABDM for the status of the ABHA of a, an attempt whose
// outcome was left unknown (CheckLater, or an earlier run: a.Patient needs
// the full ABHA number), and writes the verdict to the audit trail as a's
// outcome, saying a status check settled it. It leaves the flow's own step
// and patient as they are. On v3, an active ABHA's patient receives a
// sign-in OTP they may ignore (see Client.StatusByNumber).
func (f *Flow) SettleEarlier(ctx context.Context, a Attempt) (Settled, error) {
	if onlyDigits(a.Patient.ABHANumber) == "" || len(onlyDigits(a.Patient.ABHANumber)) != 14 {
		return Settled{}, ErrNoABHANumber
	}
	if err := f.begin(opCheckEarlier); err != nil {
		return Settled{}, err
	}
	status, err := f.c.StatusByNumber(ctx, a.Patient.ABHANumber)
	f.end(func() {
		if err != nil && IsKind(err, KindGatewayCredentials) {
			f.afterError(err)
		}
	})
	if err != nil {
		return Settled{}, err
	}
	out := Settled{Status: status, Outcome: SettledOutcome(a, status, f.now())}
	v := verdict(a, status)
	out.Done = v == evDeactivationFound || v == evReactivationFound
	if f.journal != nil {
		f.writeOutcome(a, out.Outcome)
	}
	return out, nil
}
