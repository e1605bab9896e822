package ui

// The wizard builds a step the first time it is needed (shown, or used by
// another step), not before the first frame: only the Connect step is built
// by New. These accessors build on first use; call them on the UI goroutine,
// as for every widget. A step built while a request runs starts disabled,
// as setBusy left the others.

// patientStep returns the Patient step, building it on first use.
func (w *Wizard) patientStep() *patientStep {
	if w.patient == nil {
		w.patient = newPatientStep(w)
		w.built(w.patient)
	}
	return w.patient
}

// otpStep returns the Send OTP step, building it on first use.
func (w *Wizard) otpStep() *otpStep {
	if w.sendOTP == nil {
		w.sendOTP = newOTPStep(w)
		w.built(w.sendOTP)
	}
	return w.sendOTP
}

// verifyStep returns the Verify and deactivate step, building it on first use.
func (w *Wizard) verifyStep() *verifyStep {
	if w.verify == nil {
		w.verify = newVerifyStep(w)
		w.built(w.verify)
	}
	return w.verify
}

// resultView returns the result view, building it on first use.
func (w *Wizard) resultView() *resultView {
	if w.result == nil {
		w.result = newResultView(w)
		w.built(w.result)
	}
	return w.result
}

// reactivateStep returns the Reactivate step, building it on first use.
func (w *Wizard) reactivateStep() *reactivateStep {
	if w.react == nil {
		w.react = newReactivateStep(w)
		w.built(w.react)
	}
	return w.react
}

// built brings a step just built in line with the others.
func (w *Wizard) built(s step) {
	if w.task != nil {
		s.setEnabled(false)
	}
}

// stepAt returns step i (see the step indexes), building it on first use.
func (w *Wizard) stepAt(i int) step {
	switch i {
	case stepConnect:
		return w.connect
	case stepPatient:
		return w.patientStep()
	case stepOTP:
		return w.otpStep()
	case stepVerify:
		return w.verifyStep()
	case stepResult:
		return w.resultView()
	case stepReactivate:
		return w.reactivateStep()
	}
	panic("ui: no step " + stepNames[i])
}

// builtSteps returns the steps built so far, in the order of their indexes.
func (w *Wizard) builtSteps() []step {
	all := make([]step, 0, len(stepNames))
	add := func(s step, ok bool) {
		if ok {
			all = append(all, s)
		}
	}
	add(w.connect, w.connect != nil)
	add(w.patient, w.patient != nil)
	add(w.sendOTP, w.sendOTP != nil)
	add(w.verify, w.verify != nil)
	add(w.result, w.result != nil)
	add(w.react, w.react != nil)
	return all
}

// pathTitles are the titles of the steps of the two paths (the step trail),
// which the trail shows before those steps are built. They are the steps'
// own title(), constant for these steps (a test checks that they agree).
var pathTitles = map[int]func() string{
	stepConnect:    func() string { return T("Connect") },
	stepPatient:    func() string { return T("Patient") },
	stepOTP:        func() string { return T("Send OTP") },
	stepVerify:     func() string { return T("Verify and deactivate") },
	stepReactivate: func() string { return T("Reactivate") },
}

// titleOf returns the title of step i without building it.
func (w *Wizard) titleOf(i int) string {
	if t, ok := pathTitles[i]; ok {
		return t()
	}
	return w.stepAt(i).title()
}

// tickBuilt refreshes the countdowns of the steps built so far.
func (w *Wizard) tickBuilt() {
	for _, s := range w.builtSteps() {
		if t, ok := s.(interface{ tick() }); ok {
			t.tick()
		}
	}
}
