package abdm

// flowOp is what moves a Flow from one step to the next: an action a caller
// asks for, or what the answer to a call turned out to be.
type flowOp int

// The actions callers ask for. begin allows one only at the steps the
// transition table lists for it.
const (
	opConnect flowOp = iota
	opLoadPatient
	opLookUp
	opStartSignIn
	opFinishSignIn
	opChooseAccount
	opRequestOTP
	opDeactivate
	opStartReactivation
	opReactivate
	opCheckStatus
	opNextPatient
	opCheckLater   // leave an unknown outcome to be checked later, and start with another patient
	opCheckEarlier // check the status of an attempt left unknown earlier
	numActions     // the number of actions; the answers follow
)

// What an answer turned out to be. These are never asked for: a journey
// applies one after a call, and where the table lists none for the current
// step the step stays.
const (
	evOTPKept             flowOp = iota + numActions // the same patient is back and their OTP is still valid
	evSessionRefused                                 // ABDM refused the facility's credentials
	evTokenRefused                                   // the patient's token no longer works
	evOTPVoid                                        // the OTP in progress can no longer be used
	evOutcomeLost                                    // a deactivation or reactivation was sent, its reply lost
	evDeactivationFound                              // a status check found the deactivation done
	evDeactivationNotDone                            // a status check found the ABHA still active
	evReactivationFound                              // a status check found the reactivation done
	evReactivationNotDone                            // a status check found the ABHA still deactivated
	numOps
)

// opNames are the actions as a StepError words them, and the answers by name.
var opNames = [numOps]string{
	opConnect: "connect", opLoadPatient: "identify the patient", opLookUp: "look up a patient",
	opStartSignIn: "send the sign-in OTP", opFinishSignIn: "finish the sign-in",
	opChooseAccount: "choose the patient's ABHA", opRequestOTP: "request an OTP", opDeactivate: "deactivate",
	opStartReactivation: "send the reactivation OTP", opReactivate: "reactivate", opCheckStatus: "check the status",
	opNextPatient: "start with another patient", opCheckLater: "check later",
	opCheckEarlier: "check an earlier attempt",

	evOTPKept: "otp-kept", evSessionRefused: "session-refused", evTokenRefused: "token-refused",
	evOTPVoid: "otp-void", evOutcomeLost: "outcome-lost", evDeactivationFound: "deactivation-found",
	evDeactivationNotDone: "deactivation-not-done", evReactivationFound: "reactivation-found",
	evReactivationNotDone: "reactivation-not-done",
}

// String names o as a StepError words it.
func (o flowOp) String() string { return opNames[o] }

// transitions is every move a Flow makes: for each op, the steps it may
// start from and the step it leads to. For an action, a step that is not
// listed refuses it; for an answer, it leaves the step as it is.
var transitions = [numOps]map[Step]Step{
	opConnect: {StepDisconnected: StepConnected, StepConnected: StepConnected, StepPatient: StepPatient,
		StepOTPSent: StepOTPSent, StepDeactivated: StepDeactivated,
		StepReactivationOTPSent: StepReactivationOTPSent, StepReactivated: StepReactivated},
	opLoadPatient:   {StepConnected: StepPatient, StepPatient: StepPatient, StepOTPSent: StepPatient},
	opLookUp:        {StepConnected: StepConnected, StepPatient: StepConnected, StepOTPSent: StepConnected, StepReactivationOTPSent: StepConnected},
	opStartSignIn:   {StepConnected: StepConnected},
	opFinishSignIn:  {StepConnected: StepPatient},
	opChooseAccount: {StepConnected: StepPatient},
	opRequestOTP:    {StepPatient: StepOTPSent, StepOTPSent: StepOTPSent},
	opDeactivate:    {StepOTPSent: StepDeactivated},
	opStartReactivation: {StepConnected: StepReactivationOTPSent, StepPatient: StepReactivationOTPSent,
		StepOTPSent: StepReactivationOTPSent, StepDeactivated: StepReactivationOTPSent,
		StepReactivationOTPSent: StepReactivationOTPSent},
	opReactivate: {StepReactivationOTPSent: StepReactivated},
	opCheckStatus: {StepPatient: StepPatient, StepOTPSent: StepOTPSent, StepOutcomeUnknown: StepOutcomeUnknown,
		StepDeactivated: StepDeactivated, StepReactivated: StepReactivated},
	opNextPatient: {StepDisconnected: StepDisconnected, StepConnected: StepConnected, StepPatient: StepConnected,
		StepOTPSent: StepConnected, StepDeactivated: StepConnected, StepReactivationOTPSent: StepConnected,
		StepReactivated: StepConnected},
	opCheckLater: {StepOutcomeUnknown: StepConnected},
	opCheckEarlier: {StepConnected: StepConnected, StepPatient: StepPatient, StepOTPSent: StepOTPSent,
		StepDeactivated: StepDeactivated, StepReactivationOTPSent: StepReactivationOTPSent, StepReactivated: StepReactivated},

	evOTPKept: {StepPatient: StepOTPSent},
	evSessionRefused: {StepDisconnected: StepDisconnected, StepConnected: StepDisconnected,
		StepPatient: StepDisconnected, StepOTPSent: StepDisconnected, StepDeactivated: StepDisconnected,
		StepReactivationOTPSent: StepDisconnected, StepReactivated: StepDisconnected},
	// The patient must sign in again; an OTP already sent stays usable if
	// the same patient comes back (see patientLoaded).
	evTokenRefused: {StepConnected: StepConnected, StepPatient: StepConnected, StepOTPSent: StepConnected,
		StepDeactivated: StepConnected, StepReactivationOTPSent: StepConnected, StepReactivated: StepConnected},
	evOTPVoid:             {StepOTPSent: StepPatient, StepReactivationOTPSent: StepConnected},
	evOutcomeLost:         {StepOTPSent: StepOutcomeUnknown, StepReactivationOTPSent: StepOutcomeUnknown},
	evDeactivationFound:   {StepOutcomeUnknown: StepDeactivated},
	evDeactivationNotDone: {StepOutcomeUnknown: StepPatient},
	evReactivationFound:   {StepOutcomeUnknown: StepReactivated},
	evReactivationNotDone: {StepOutcomeUnknown: StepConnected},
}

// allowed returns nil if the action o may start at step at, or the error
// that refuses it there.
func allowed(o flowOp, at Step) error {
	if _, ok := transitions[o][at]; ok {
		return nil
	}
	switch {
	case o == opDeactivate && at == StepDeactivated:
		return ErrAlreadyDeactivated
	case o == opReactivate && at == StepReactivated:
		return ErrAlreadyReactivated
	}
	return &StepError{Action: o.String(), At: at}
}

// begin marks the flow busy if the action o is allowed at its step.
func (f *Flow) begin(o flowOp) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy {
		return ErrBusy
	}
	if err := allowed(o, f.step); err != nil {
		return err
	}
	f.busy = true
	return nil
}

// move sets the step o leads to from the current one; where the table lists
// none, the step stays. It is the only place the step changes. Called under
// the lock.
func (f *Flow) move(o flowOp) {
	if next, ok := transitions[o][f.step]; ok {
		f.step = next
	}
}
