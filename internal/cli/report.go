package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm"
	"abha-deactivate/internal/safetext"
)

// result is the one JSON object `deactivate --json` and `status --json` print.
type result struct {
	Outcome     string      `json:"outcome"`          // deactivated, reactivated, active, rejected, outcome-unknown, unavailable, cancelled, failed, usage
	Action      string      `json:"action,omitempty"` // deactivate or reactivate
	ExitCode    int         `json:"exitCode"`
	Environment string      `json:"environment,omitempty"`
	Patient     *patientOut `json:"patient,omitempty"`
	TxnID       string      `json:"txnId,omitempty"`
	Reasons     []string    `json:"reasons,omitempty"`
	Message     string      `json:"message,omitempty"`
	Hint        string      `json:"hint,omitempty"`    // what to run next, if anything
	Receipt     string      `json:"receipt,omitempty"` // the patient's receipt (PDF), when one was saved
	Error       *errorOut   `json:"error,omitempty"`
}

type patientOut struct {
	Name        string `json:"name"`
	ABHANumber  string `json:"abhaNumber"` // masked
	ABHAAddress string `json:"abhaAddress,omitempty"`
	Gender      string `json:"gender,omitempty"`
	YearOfBirth string `json:"yearOfBirth,omitempty"`
}

type errorOut struct {
	Kind        string `json:"kind"`
	Code        string `json:"code,omitempty"`
	HTTPStatus  int    `json:"httpStatus,omitempty"`
	Message     string `json:"message"`
	ABDMMessage string `json:"abdmMessage,omitempty"`
	NextAction  string `json:"nextAction,omitempty"`
	RetryAfterS int    `json:"retryAfterSeconds,omitempty"`
}

// reporter prints the end of a command, as text or JSON, and picks the exit code.
type reporter struct {
	std     proc
	json    bool
	env     string
	action  abdm.Action // what the command does; empty for status
	patient *abdm.Profile
	txnID   string
	reasons []string
	hint    string
	receipt string // the path of the saved receipt
	// staff says that front-desk staff read this command's errors: an error
	// with no plain words of its own is an "Unexpected problem", its details
	// sent to log (when there is one) and not shown.
	staff bool
	log   logrus.FieldLogger
}

func (r *reporter) base(outcome string, code int) result {
	res := result{Outcome: outcome, Action: string(r.action), ExitCode: code, Environment: r.env, TxnID: r.txnID,
		Reasons: r.reasons, Hint: r.hint, Receipt: r.receipt}
	if r.patient != nil {
		res.Patient = &patientOut{Name: r.patient.Name, ABHANumber: r.patient.MaskedABHANumber(), ABHAAddress: r.patient.ABHAAddress,
			Gender: r.patient.GenderWord(), YearOfBirth: r.patient.YearOfBirth}
	}
	return res
}

func (r *reporter) emit(res result, text string) int {
	if r.json {
		if err := writeJSON(r.std.Out, res); err != nil {
			fmt.Fprintln(r.std.Err, "write the result:", err)
		}
	} else if text != "" {
		fmt.Fprint(r.std.Out, text)
	}
	return res.ExitCode
}

// deactivated reports success.
func (r *reporter) deactivated(res abdm.Result) int {
	r.patient, r.txnID = &res.Patient, res.TxnID
	out := r.base("deactivated", exitOK)
	out.Message = "The ABHA is deactivated."
	text := fmt.Sprintf("\nDeactivated: the ABHA %s (%s) is now deactivated.\nTransaction ID: %s\n"+
		"The patient can reactivate it later through ABDM (for example in the ABHA app, with an OTP).\n",
		res.Patient.MaskedABHANumber(), res.Patient.Name, res.TxnID)
	return r.emit(out, text)
}

// changed reports the change the command made: a deactivation or a
// reactivation, as its action says.
func (r *reporter) changed(res abdm.Result) int {
	if r.action == abdm.ActionReactivate {
		return r.reactivated(res)
	}
	return r.deactivated(res)
}

// reactivated reports a reactivation.
func (r *reporter) reactivated(res abdm.Result) int {
	r.patient, r.txnID = &res.Patient, res.TxnID
	out := r.base("reactivated", exitOK)
	out.Message = "The ABHA is active again."
	who := res.Patient.Name
	if who == "" {
		who = "the patient"
	}
	text := fmt.Sprintf("\nReactivated: the ABHA %s (%s) is active again.\nTransaction ID: %s\n"+
		"The patient can again use it with ABDM apps, share health records through ABDM and show it at a hospital or clinic.\n",
		res.Patient.MaskedABHANumber(), who, res.TxnID)
	if res.SignedIn {
		text += "ABDM signed the patient in with it: the name above is ABDM's own record.\n"
	}
	return r.emit(out, text)
}

// cancelled reports that the user stopped before anything irreversible.
func (r *reporter) cancelled(msg string) int {
	out := r.base("cancelled", exitFailure)
	out.Message = msg
	return r.emit(out, msg+"\n")
}

// status reports the result of a status check.
func (r *reporter) status(st abdm.AccountStatus) int {
	out := r.base(st.String(), exitOK)
	if st == abdm.StatusDeactivated {
		out.Message = "The ABHA is deactivated."
	} else {
		out.Message = "The ABHA is active: it has not been deactivated."
	}
	return r.emit(out, out.Message+"\n")
}

// fail reports err in plain words with what to do next, and returns its exit code.
func (r *reporter) fail(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	code := exitCodeOf(err)
	out := r.base(outcomeOf(code), code)
	var e *abdm.Error
	var text string
	switch {
	case errors.As(err, &e):
		out.Error = &errorOut{Kind: e.Kind.String(), Code: e.Code, HTTPStatus: e.Status, Message: e.Message(),
			ABDMMessage: e.ABDMText, NextAction: nextAction(e), RetryAfterS: int(e.RetryAfter.Seconds())}
		text = abdmErrorText(e, r.hint)
	case errors.Is(err, context.Canceled):
		out.Outcome = "cancelled"
		msg := stoppedText(err)
		out.Error = &errorOut{Kind: "cancelled", Message: msg}
		text = "\n" + msg + "\n"
	case r.staff && !plainText(err):
		out.Error = &errorOut{Kind: "unexpected", Message: unexpectedText, NextAction: r.unexpectedNext(err)}
		text = "\n" + unexpectedText + "\nWhat to do: " + out.Error.NextAction + "\n"
	default:
		kind := "failed"
		if code == exitUsage {
			kind = "usage"
		}
		// Local errors may quote arguments, file names or file contents.
		msg := safetext.Lines(err.Error())
		out.Error = &errorOut{Kind: kind, Message: msg}
		text = "\n" + msg + "\n"
		if code == exitUsage {
			text += "Run with --help to see the flags.\n"
		}
	}
	// Errors go to stderr in text mode: stdout carries results only.
	if !r.json {
		fmt.Fprint(r.std.Err, text)
		return code
	}
	return r.emit(out, "")
}

// abdmErrorText is e in plain words for stderr: what happened, ABDM's own
// code and words, when to try again, what to do, and hint if not empty.
func abdmErrorText(e *abdm.Error, hint string) string {
	text := "\n" + e.Message()
	abdmText := e.ABDMText
	if e.Kind == abdm.KindPatientToken {
		abdmText = "" // ABDM's words here are about tokens: the plain words say it
	}
	switch {
	case e.Code != "" && abdmText != "":
		text += fmt.Sprintf(" (ABDM code %s: %s)", e.Code, abdmText)
	case e.Code != "":
		text += fmt.Sprintf(" (ABDM code %s)", e.Code)
	case abdmText != "":
		text += " (" + abdmText + ")"
	}
	if e.RetryAfter > 0 {
		text += fmt.Sprintf("\nWait %s before trying again.", e.RetryAfter)
	}
	text += "\nWhat to do: " + nextAction(e) + "\n"
	if e.Kind == abdm.KindOutcomeUnknown {
		text += "To check: abha-deactivate status (with the same ABHA number or patient token and settings).\n"
	}
	if hint != "" {
		text += hint + "\n"
	}
	return text
}

// exitCodeOf maps an error to the documented exit codes.
func exitCodeOf(err error) int {
	var u usageError
	var e *abdm.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u), errors.Is(err, abdm.ErrNoReason), errors.Is(err, abdm.ErrTokenFormat),
		errors.Is(err, abdm.ErrMobileNeedsV3), errors.Is(err, abdm.ErrAddressNeedsV2), errors.Is(err, abdm.ErrPatientIDFormat),
		errors.Is(err, abdm.ErrABHAFormat), errors.Is(err, abdm.ErrNothingToReactivate):
		return exitUsage
	case errors.As(err, &e):
		switch e.Kind {
		case abdm.KindOutcomeUnknown:
			return exitUnknown
		case abdm.KindNetwork, abdm.KindTLS, abdm.KindProxy, abdm.KindServiceUnavailable, abdm.KindBadReply:
			return exitUnavailable
		}
		return exitRejected
	}
	return exitFailure
}

func outcomeOf(code int) string {
	switch code {
	case exitUsage:
		return "usage"
	case exitRejected:
		return "rejected"
	case exitUnavailable:
		return "unavailable"
	case exitUnknown:
		return "outcome-unknown"
	}
	return "failed"
}

// unexpectedText is what staff read of an error with no words of its own.
const unexpectedText = "Unexpected problem."

// unexpectedNext logs err's details and says what to do next.
func (r *reporter) unexpectedNext(err error) string {
	if r.log == nil {
		// No log is open (the run stopped before it was): the details can
		// only be shown.
		return "Try again. If it happens again, give your IT support these details: " + safetext.Lines(err.Error())
	}
	r.log.WithError(err).Error("unexpected problem")
	return "Try again. If it happens again, contact your IT support: the details are in the app's log."
}

// stoppedText says what a cancelled run means: an OTP request that had
// reached ABDM may still bring an SMS.
func stoppedText(err error) string {
	if abdm.StoppedOTPSend(err) {
		return "Stopped. ABDM may already have sent the OTP; wait for it before sending again."
	}
	return "Stopped."
}

// plainText reports whether err's own text is written for staff: a usage
// problem, or one of the flow's errors in plain words.
func plainText(err error) bool {
	var u usageError
	if errors.As(err, &u) {
		return true
	}
	for _, known := range []error{errNoInput, abdm.ErrAnotherChange, abdm.ErrAuditWrite, abdm.ErrAlreadyDeactivated,
		abdm.ErrAlreadyReactivated, abdm.ErrChooseAccount, abdm.ErrOTPFormat, abdm.ErrBusy} {
		if errors.Is(err, known) {
			return true
		}
	}
	return false
}

// nextAction is what to do after e, in the terminal's terms where the
// wizard's words name a button.
func nextAction(e *abdm.Error) string {
	if e.Kind == abdm.KindKeyChanged {
		return "Run the command again: it connects afresh and fetches ABDM's key. If it happens again, contact your IT support."
	}
	return e.NextAction()
}
