package abdm

import (
	"context"
	"time"
)

// This file is the status check, and how it settles a deactivation or
// reactivation whose reply was lost.

// CheckStatus asks ABDM whether the patient's ABHA is active. After an
// unknown outcome it settles the flow: a deactivation found done (or not),
// a reactivation found done (or not). With the patient's token it reads the
// profile; otherwise, or once the token no longer works, it asks by ABHA
// number (see Client.StatusByNumber).
func (f *Flow) CheckStatus(ctx context.Context) (AccountStatus, error) {
	if err := f.begin(opCheckStatus); err != nil {
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
		switch {
		case f.step != StepOutcomeUnknown && err != nil:
			f.afterError(err)
		case f.step != StepOutcomeUnknown:
			f.move(opCheckStatus)
		case err == nil:
			settled, f.pending = f.pending, nil
			f.settle(*settled, status)
		}
	})
	if settled != nil && f.journal != nil {
		f.writeOutcome(*settled, SettledOutcome(*settled, status, f.now()))
	}
	return status, err
}

// verdict is what status says of the attempt a whose outcome was unknown.
func verdict(a Attempt, status AccountStatus) flowOp {
	switch {
	case a.action() == ActionDeactivate && status == StatusDeactivated:
		return evDeactivationFound
	case a.action() == ActionDeactivate:
		return evDeactivationNotDone
	case status == StatusActive:
		return evReactivationFound
	}
	return evReactivationNotDone
}

// settle moves the flow on from an unknown outcome once status is known.
// Called under the lock.
func (f *Flow) settle(a Attempt, status AccountStatus) {
	done := Result{Action: a.action(), ID: a.ID, TxnID: a.TxnID, Patient: a.Patient, Method: a.Method,
		Reasons: a.Reasons, At: f.now(), ByStatusCheck: true}
	v := verdict(a, status)
	switch v {
	case evDeactivationFound:
		f.result, f.otp = &done, OTPState{}
		f.react = ReactivationState{Account: deactivatedAccount(a.Patient)}
	case evDeactivationNotDone:
		f.otp = OTPState{}
	case evReactivationFound:
		f.result, f.react = &done, ReactivationState{}
	default:
		f.react = ReactivationState{Account: f.react.Account}
	}
	f.move(v)
}

// SettledMessage begins the Message of every outcome a status check wrote
// after an unknown outcome: the audit trail says how the attempt was settled.
const SettledMessage = "settled by a status check"

// verdictOutcomes are the journal records of the verdicts of a status check;
// each Message begins with SettledMessage (literals: the UI's translation
// test reads them).
var verdictOutcomes = map[flowOp]Outcome{
	evDeactivationFound:   {Status: OutcomeDeactivated, Message: "settled by a status check: the ABHA is deactivated"},
	evDeactivationNotDone: {Status: OutcomeNotDeactivated, Message: "settled by a status check: the ABHA is still active, so it was not deactivated"},
	evReactivationFound:   {Status: OutcomeReactivated, Message: "settled by a status check: the ABHA is active again"},
	evReactivationNotDone: {Status: OutcomeNotReactivated, Message: "settled by a status check: the ABHA is still deactivated, so it was not reactivated"},
}

// SettledOutcome is the audit trail's outcome of attempt a, whose outcome
// was unknown, once a status check found status.
func SettledOutcome(a Attempt, status AccountStatus, now time.Time) Outcome {
	o := verdictOutcomes[verdict(a, status)]
	if !a.Started.IsZero() {
		o.Duration = now.Sub(a.Started)
	}
	return o
}
