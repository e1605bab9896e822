package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// Navigation: the wizard shows steps as the table (screens.go) says, and
// the steps report here what happened to them. Steps never call each other;
// what one step's outcome means for another is decided in this file.

// path is the steps of the task chosen.
func (w *Wizard) path() []int {
	if w.reactivating() {
		return reactivationPath
	}
	return deactivationPath
}

// scrollToEnd lays out what the step has just added at its end (a patient's
// card, an OTP field) and scrolls down to it.
func (w *Wizard) scrollToEnd() {
	w.body.Refresh()
	w.body.ScrollToBottom()
}

// reactivating reports whether staff chose to reactivate an ABHA.
func (w *Wizard) reactivating() bool { return w.modePick.Selected == w.modePick.Options[1] }

// show switches to step i.
func (w *Wizard) show(i int) {
	w.current = i
	s := w.stepAt(i)
	w.closeDialogs()         // a dialog never outlives the step it was opened on
	w.win.Canvas().Unfocus() // nothing of the step before keeps the keys
	w.opts.Log.WithField("step", screens[i].name).Info("wizard step shown")
	w.stack.Objects = []fyne.CanvasObject{s.view()}
	w.stack.Refresh()
	w.noticeSlot.Objects = []fyne.CanvasObject{s.stepNotice().view()}
	w.noticeSlot.Refresh()
	w.body.ScrollToTop()
	path := w.path()
	if n := slices.Index(path, i); n >= 0 {
		w.stepTitle.SetText(T("Step {{.N}} of {{.Of}}: {{.Title}}", map[string]any{"N": n + 1, "Of": len(path), "Title": s.title()}))
	} else {
		w.stepTitle.SetText(s.title())
	}
	w.updateTrail()
	w.later.stepShown(i)
	w.modeBox.Hidden = !screens[i].task
	w.modeBox.Refresh()
	w.back.Hidden = screens[i].back == noStep
	w.back.Refresh()
	s.enter()
	if n := s.stepNotice(); n.box.Visible() {
		w.noticeShown(n)
	}
	w.watchSignIn()
	if f := s.focusTarget(); f != nil {
		w.focus(f)
	} else {
		w.focusChanged(true)
	}
}

// updateTrail shows the steps of the task chosen, the one shown in bold.
func (w *Wizard) updateTrail() {
	var segs []widget.RichTextSegment
	path := w.path()
	for n, i := range path {
		text := T("{{.N}}. {{.Title}}", map[string]any{"N": n + 1, "Title": w.titleOf(i)})
		if n < len(path)-1 {
			text += "   ›   "
		}
		style := widget.RichTextStyleInline
		if i == w.current {
			style = widget.RichTextStyleStrong
		}
		segs = append(segs, &widget.TextSegment{Text: text, Style: style})
	}
	w.stepTrail.Segments = segs
	w.stepTrail.Refresh()
}

// goBack shows the step the table puts before the one shown.
func (w *Wizard) goBack() {
	if back := screens[w.current].back; w.task == nil && back != noStep {
		w.show(back)
	}
}

// forward shows the step the table puts after the one shown.
func (w *Wizard) forward() { w.show(screens[w.current].next) }

// modeChanged shows the first step of the task chosen after Connect.
func (w *Wizard) modeChanged() {
	if !screens[w.current].task {
		return
	}
	if w.reactivating() {
		stepOf[*reactivateStep](w).prefill()
		w.show(stepReactivate)
		return
	}
	w.show(stepPatient)
}

// startReactivation switches to reactivation for the ABHA the flow last
// found deactivated (a look-up, a refused sign-in, a deactivation just done).
func (w *Wizard) startReactivation() {
	if w.task != nil {
		return
	}
	r := stepOf[*reactivateStep](w)
	r.reset()
	w.modePick.SetSelected(w.modePick.Options[1]) // shows the step through modeChanged
	if w.current != stepReactivate {
		r.prefill()
		w.show(stepReactivate)
	}
	w.focus(r.abha) // Enter sends the reactivation OTP
	w.event("reactivation ready")
}

// resetter is a step that forgets what it holds of a patient.
type resetter interface{ reset() }

// resetSteps clears steps ids for a new patient, building them if need be.
func (w *Wizard) resetSteps(ids ...int) {
	for _, i := range ids {
		w.stepAt(i).(resetter).reset()
	}
}

// connected makes the connection just opened with set the wizard's, and
// goes on to the Patient step, with the connection's warning (if any) on it.
func (w *Wizard) connected(set settings.Settings, c connection) {
	w.set, w.secret = set, c.secret
	if w.system != nil {
		w.system.show(set)
		w.win.SetTitle(T("ABHA Deactivation") + " — " + w.system.text.Text)
	}
	w.useClient(c.client, c.flow)
	w.flowEnv = c.env
	w.resetSteps(stepPatient, stepReactivate)
	w.modePick.SetSelected(w.modePick.Options[0])
	if c.warning != "" {
		w.stepAt(stepPatient).stepNotice().show(noticeWarning, c.warning, "", "", nil)
	}
	w.forward()
	w.later.connected() // a status check that waited for Connect
}

// nextPatient keeps the connection and starts again at the patient step.
func (w *Wizard) nextPatient() {
	if w.flow == nil || w.flow.NextPatient() != nil {
		return
	}
	w.resetSteps(stepPatient, stepVerify, stepReactivate, stepOTP)
	w.modePick.SetSelected(w.modePick.Options[0])
	w.forward() // from the result, the next patient
}

// patientTokenExpired shows the patient step after the patient's token
// expired, keeping everything else that was entered.
func (w *Wizard) patientTokenExpired(err error) {
	stepOf[*patientStep](w).signInAgain(err)
	w.show(stepPatient)
}

// requestNewOTP shows the Send OTP step and sends a new OTP; once it is
// sent, the Verify step waits for it.
func (w *Wizard) requestNewOTP() {
	w.show(stepOTP)
	o := stepOf[*otpStep](w)
	o.send(w.openVerify, o.showError)
}

// resendOTP sends a new OTP from the step shown, which done and fail answer.
func (w *Wizard) resendOTP(done func(), fail func(error)) { stepOf[*otpStep](w).send(done, fail) }

// otpSent clears what belonged to an earlier OTP.
func (w *Wizard) otpSent() { stepOf[*verifyStep](w).otpSent() }

// openVerify shows the Verify step with the cursor in the OTP field.
func (w *Wizard) openVerify() { stepOf[*verifyStep](w).open() }

// deactivated shows that the deactivation is done.
func (w *Wizard) deactivated(res abdm.Result) { stepOf[*resultView](w).showSuccess(res) }

// reactivated shows that the reactivation is done.
func (w *Wizard) reactivated(res abdm.Result) { stepOf[*resultView](w).showReactivated(res) }

// outcomeUnknown shows that a change was sent and no answer came back.
func (w *Wizard) outcomeUnknown(err error) { stepOf[*resultView](w).showUnknown(err) }

// toConnect shows the Connect step, to fix the facility's credentials.
func (w *Wizard) toConnect() { w.show(stepConnect) }
