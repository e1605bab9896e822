package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"

	"abha-deactivate/abdm"
)

// The patient's sign-in (their token) lasts a limited time (v3: expiresIn,
// 30 minutes). On the steps after sign-in the wizard says calmly, a couple
// of minutes before it ends, that it will end, and once it has ended, what
// to press. A timer (time.AfterFunc, its result on the UI goroutine through
// onUI, that is fyne.Do) wakes the wizard at those moments; it is stopped
// whenever the step changes, and the ticker checks again each second.

// signInWarning is how long before the end of the sign-in the notice shows.
const signInWarning = 2 * time.Minute

// signInSteps are the steps that act with the patient's sign-in.
var signInSteps = []int{stepOTP, stepVerify}

// onSignInStep reports whether the step shown acts with the sign-in.
func (w *Wizard) onSignInStep() bool { return slices.Contains(signInSteps, w.current) }

// signInWatch is the notice about the end of the sign-in and its timer.
// Used on the UI goroutine only.
type signInWatch struct {
	note  *notice
	timer *time.Timer
	gen   int // bumped at each watchSignIn: a timer of an earlier one does nothing
}

// watchSignIn shows, updates or hides the sign-in notice for the step shown
// and sets the timer for its next change. Call on the UI goroutine.
func (w *Wizard) watchSignIn() {
	ws := &w.signIn
	if ws.timer != nil {
		ws.timer.Stop()
		ws.timer = nil
	}
	ws.gen++
	st := w.flowState()
	if !w.onSignInStep() || st.SignInEnds.IsZero() ||
		(st.Step != abdm.StepPatient && st.Step != abdm.StepOTPSent) {
		w.hideSignInNote()
		return
	}
	left := st.SignInEnds.Sub(w.opts.Now())
	switch {
	case left <= 0:
		w.showSignInNote(noticeWarning, T("The patient's sign-in has ended."),
			T("Press \"Sign in again\": the patient signs in again with a new OTP. What you entered is kept."),
			T("Sign in again"), w.signInAgain)
		return
	case left <= signInWarning:
		title := T("The patient's sign-in ends in about 2 minutes.")
		if left <= time.Minute {
			title = T("The patient's sign-in ends in about a minute.")
		}
		w.showSignInNote(noticeInfo, title,
			T("Finish this step now if you can. If the sign-in ends first, the patient signs in again with a new OTP; what you entered is kept."),
			"", nil)
	default:
		w.hideSignInNote()
		left -= signInWarning
	}
	gen := ws.gen
	ws.timer = time.AfterFunc(left, func() {
		w.onUI(false, func() {
			if w.signIn.gen == gen {
				w.watchSignIn()
			}
		})
	})
}

// showSignInNote puts the sign-in notice above the step's own.
func (w *Wizard) showSignInNote(kind noticeKind, title, detail, action string, do func()) {
	ws := &w.signIn
	if ws.note == nil {
		ws.note = newNotice(w)
	}
	ws.note.show(kind, title, detail, action, do)
	if w.footer != nil && !holds(w.footer, ws.note.box) {
		w.footer.Objects = append([]fyne.CanvasObject{ws.note.box}, w.footer.Objects...)
		w.footer.Refresh()
	}
}

// hideSignInNote takes the sign-in notice away, if shown.
func (w *Wizard) hideSignInNote() {
	n := w.signIn.note
	if n == nil || w.footer == nil || !holds(w.footer, n.box) {
		return
	}
	n.hide()
	w.footer.Objects = slices.DeleteFunc(w.footer.Objects, func(o fyne.CanvasObject) bool { return o == n.box })
	w.footer.Refresh()
}

// signInAgain ends the expired sign-in in the flow and takes staff to the
// Patient step, as when ABDM refuses an expired sign-in.
func (w *Wizard) signInAgain() {
	if w.flow == nil || !w.flow.EndExpiredSignIn() {
		w.watchSignIn()
		return
	}
	w.hideSignInNote()
	w.patientTokenExpired(&abdm.Error{Op: "keep the patient's sign-in", Kind: abdm.KindPatientToken})
}
