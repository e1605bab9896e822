package ui

import (
	"context"
	"errors"

	"abha-deactivate/abdm"
)

// This file turns errors into the plain words staff read. Go's own error
// text never reaches them: an error with no words of its own here is an
// "Unexpected problem", its details written to the log only.

// describe is describe(err), logging the details of an unexpected error.
func (w *Wizard) describe(err error) (title, detail string) {
	if unexpected(err) && w != nil && w.opts.Log != nil {
		w.opts.Log.WithError(err).Error("unexpected problem shown to staff")
	}
	return describe(err)
}

// describe turns an error into a title and details for the user.
func describe(err error) (title, detail string) {
	var e *abdm.Error
	switch {
	case errors.Is(err, context.Canceled) && !abdm.IsKind(err, abdm.KindOutcomeUnknown):
		// Staff pressed Cancel (or Escape): say what that means, not Go's words.
		return stoppedWords(err), ""
	case errors.As(err, &e):
		return describeABDM(e)
	}
	if title, detail, ok := describeLocal(err); ok {
		return title, detail
	}
	return T("Unexpected problem."), T("What to do: ") +
		T("Try again. If it happens again, contact your IT support: the details are in the app's log.")
}

// stoppedWords says what a cancelled request means: an OTP request that had
// reached ABDM may still bring an SMS.
func stoppedWords(err error) string {
	if abdm.StoppedOTPSend(err) {
		return T("Stopped. ABDM may already have sent the OTP; wait for it before sending again.")
	}
	return T("Stopped.")
}

// describeABDM is an ABDM error in plain words: what happened, ABDM's code
// and message when there is one, and what to do next.
func describeABDM(e *abdm.Error) (title, detail string) {
	title = T(e.Kind.Message())
	text := e.ABDMText
	if e.Kind == abdm.KindPatientToken {
		text = "" // ABDM's words here are about tokens: the plain words say it
	}
	switch {
	case e.Code != "" && text != "":
		detail = T("ABDM code {{.Code}}: {{.Text}}", map[string]any{"Code": e.Code, "Text": text}) + "\n"
	case e.Code != "":
		detail = T("ABDM code {{.Code}}", map[string]any{"Code": e.Code}) + "\n"
	case text != "":
		detail = text + "\n"
	}
	if e.RetryAfter > 0 {
		detail += T("Wait {{.Time}} before trying again.", map[string]any{"Time": friendlyDuration(e.RetryAfter)}) + "\n"
	}
	return title, detail + T("What to do: ") + T(e.Kind.NextAction())
}

// describeLocal words the errors the flow returns without asking ABDM; ok
// is false for any other error.
func describeLocal(err error) (title, detail string, ok bool) {
	switch {
	case errors.Is(err, abdm.ErrBusy):
		title = T("Another request is still running.")
	case errors.Is(err, abdm.ErrOTPFormat):
		title = T("The OTP must be exactly 6 digits.")
	case errors.Is(err, abdm.ErrNoReason):
		title = T("Choose at least one reason.")
	case errors.Is(err, abdm.ErrTokenFormat):
		title = T("The patient token is empty or has spaces in it. Paste it again.")
	case errors.Is(err, abdm.ErrAnotherChange):
		title = T("Another window on this computer is already changing this ABHA.")
		detail = T("Nothing was sent from here. Check the ABHA's status before trying again.")
	case errors.Is(err, abdm.ErrAlreadyDeactivated):
		title = T("This ABHA has already been deactivated.")
	case errors.Is(err, abdm.ErrAlreadyReactivated):
		title = T("This ABHA has already been reactivated.")
	case errors.Is(err, abdm.ErrAuditWrite):
		title = T("The audit trail could not be written, so nothing was sent to ABDM.")
		detail = T("What to do: ") + T("Ask your IT support to check the disk and the app's data folder: the details are in the app's log.")
	default:
		return "", "", false
	}
	return title, detail, true
}

// unexpected reports whether err has no plain words of its own: describe
// calls it an "Unexpected problem", and its details belong in the log.
func unexpected(err error) bool {
	var e *abdm.Error
	if err == nil || errors.Is(err, context.Canceled) || errors.As(err, &e) {
		return false
	}
	_, _, ok := describeLocal(err)
	return !ok
}

// problemDetail is what staff read under a title such as "The receipt could
// not be saved.": plain words with what to do next, err's own text in the
// log only.
func (w *Wizard) problemDetail(err error) string {
	if errors.Is(err, context.Canceled) {
		return stoppedWords(err)
	}
	w.opts.Log.WithError(err).Error("problem shown to staff")
	return T("What to do: ") + T("Try again. If it happens again, contact your IT support: the details are in the app's log.")
}
