package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
)

// patientStep is step 2: find the patient's ABHA, let the patient sign in
// with an OTP (or paste a token they have), and confirm who it is. What it
// shows follows from one value, its patientView (step_patient_views.go);
// its requests are in step_patient_signin.go.
type patientStep struct {
	w *Wizard

	demoPick  *widget.Select
	abha      *entry
	abhaLabel *widget.Label // what the field takes: depends on the API generation
	abhaHint  *hint

	patientFound // the ABHA found, and how the patient signs in
	patientCard  // who signed in, and what deactivation means

	token    *entry // Advanced: a token the patient already has
	advanced *widget.Accordion

	shown     patientView // what apply showed last
	notice    *notice
	content   fyne.CanvasObject
	loaded    bool
	loadedFor string // the ABHA or token the shown profile belongs to
}

// loginMethods are the sign-in choices, in the order of loginPick.
var loginMethods = []abdm.LoginMethod{abdm.LoginAadhaarOTP, abdm.LoginMobileOTP}

func newPatientStep(w *Wizard) *patientStep {
	s := &patientStep{w: w, notice: newNotice(w)}
	s.abha = newEntry(w, T("e.g. 91-1234-5678-9012"))
	s.abha.OnChanged = func(string) { s.inputChanged() }
	s.abha.Validator = func(text string) error {
		if strings.TrimSpace(text) == "" {
			return nil
		}
		if _, err := s.parseID(text); err != nil {
			return errors.New(s.formatHint())
		}
		return nil
	}
	s.abhaLabel = heading("")
	s.abhaHint = newHint("")
	s.patientFound = newPatientFound(w, s.sendSignIn, func() {
		if s.w.current == stepPatient && s.w.task == nil {
			s.enter()
		}
	})
	s.patientCard = newPatientCard(w, func(bool) { s.enter() })
	s.confirm.enterTicks = true // Enter on it: "Yes, this is the patient", and Next
	w.otpInput(s.signInOTP, s.otpTyped)
	s.token = newPasswordEntry(w, T("Paste the patient's token here"))
	s.token.OnChanged = func(string) { s.inputChanged() }
	s.advanced = widget.NewAccordion(widget.NewAccordionItem(T("Advanced: use a token the patient already has"),
		field(T("Patient's token (X-Token)"), s.token,
			T("For integrators: the token a patient gets when signing in to ABHA elsewhere. It may start with \"Bearer \". It is kept in memory only."))))
	for obj, name := range map[fyne.CanvasObject]string{s.abha: "patient.abha", s.token: "patient.token", s.advanced: "patient.advanced"} {
		w.name(obj, name)
	}

	items := []fyne.CanvasObject{}
	if w.opts.Demo != nil {
		var pick fyne.CanvasObject
		s.demoPick, pick = newDemoPick(w, s.abha, func() { s.token.SetText("") })
		items = append(items, pick)
	}
	items = append(items, container.NewVBox(s.abhaLabel, s.abha, s.abhaHint), s.found, s.card, s.warning, s.advanced)
	s.content = container.NewVBox(items...)
	return s
}

// gen is the API generation of the connection (the default before Connect).
func (s *patientStep) gen() abdm.Generation {
	if s.w.client != nil {
		return s.w.client.Generation()
	}
	return s.w.set.Generation()
}

// parseID checks what was typed against what the generation accepts.
func (s *patientStep) parseID(text string) (abdm.PatientID, error) {
	id, err := abdm.ParsePatientID(text)
	if err == nil && !s.gen().Accepts(id.Kind) {
		err = errors.New(s.formatHint())
	}
	return id, err
}

// formatHint says what the field takes.
func (s *patientStep) formatHint() string {
	if s.gen().Accepts(abdm.IDMobile) {
		return T("Enter the 14-digit ABHA number, or the patient's 10-digit mobile number")
	}
	return T("Enter 14 digits, or an address such as name@abdm")
}

// syncLabels names the ABHA field for what the generation accepts.
func (s *patientStep) syncLabels() {
	if s.gen().Accepts(abdm.IDMobile) {
		s.abhaLabel.SetText(T("Patient's ABHA number or mobile number"))
		s.abhaHint.SetText(T("The 14-digit number on the patient's ABHA card, or the mobile number linked to their ABHA. ABDM sends the patient an OTP to sign in."))
	} else {
		s.abhaLabel.SetText(T("Patient's ABHA number or ABHA address"))
		s.abhaHint.SetText(T("The 14-digit number on the patient's ABHA card, or their ABHA address. ABDM sends the patient an OTP to sign in."))
	}
}

func (s *patientStep) title() string           { return T("Patient") }
func (s *patientStep) view() fyne.CanvasObject { return s.content }
func (s *patientStep) stepNotice() *notice     { return s.notice }

// focusTarget is the confirmation once the patient is shown, the sign-in OTP
// while one is awaited, nothing while the found ABHA waits for Send (or a
// choice), and else the ABHA number.
func (s *patientStep) focusTarget() fyne.Focusable {
	switch s.viewFor(s.w.flowState()) {
	case patientShown:
		return s.confirm
	case patientSignIn, patientSignInMobile:
		return s.signInOTP
	case patientAsk:
		return s.abha
	}
	return nil // Enter sends the sign-in OTP or continues with the ABHA chosen
}

// enter shows the view for where the sign-in stands, and sets the main
// button for it.
func (s *patientStep) enter() {
	st := s.w.flowState()
	label, on, do := s.primaryFor(s.sync(st), st)
	s.w.setPrimary(label, widget.HighImportance, on, do)
}

// primaryFor is the main button of view v: its label, whether it can be
// pressed, and what it does.
func (s *patientStep) primaryFor(v patientView, st abdm.State) (label string, on bool, do func()) {
	switch v {
	case patientShown:
		return T("Next"), s.confirm.Checked, s.w.forward
	case patientChoose:
		return T("Continue with this ABHA"), s.choose.Selected != "", s.chooseAccount
	case patientSignIn, patientSignInMobile:
		// No attempt left: only a new sign-in OTP helps.
		return T("Sign in"), st.SignIn.Remaining() > 0, s.finishSignIn
	case patientFoundMobile:
		return T("Send sign-in OTP"), true, s.sendSignIn
	case patientFoundABHA:
		if st.SignIn.Account.ABHANumber != "" {
			return T("Send sign-in OTP"), true, s.sendSignIn
		}
	}
	if s.directSignIn() || (s.gen() == abdm.V3 && strings.TrimSpace(s.token.Text) == "") {
		// v3 has no search: the button sends the OTP (or says what to type).
		return T("Send sign-in OTP"), true, s.findAndSignIn
	}
	return T("Find patient"), true, s.findAndSignIn
}

func (s *patientStep) setEnabled(on bool) {
	for _, d := range []fyne.Disableable{s.abha, s.token, s.confirm, s.loginPick, s.signInOTP, s.resend, s.choose} {
		setEnabled(d, on)
	}
	if s.demoPick != nil {
		setEnabled(s.demoPick, on)
	}
	if on {
		s.sync(s.w.flowState())
	}
}

// signInIsFor reports whether the flow's sign-in is for what is typed now:
// once staff type another ABHA or mobile number, it has to be found anew.
func (s *patientStep) signInIsFor(st abdm.State) bool {
	v := st.SignIn.Account.Via.Value
	return v != "" && v == s.key()
}

// tick refreshes the resend countdown.
func (s *patientStep) tick() {
	if s.w.current == stepPatient && s.w.task == nil {
		s.sync(s.w.flowState())
	}
}

// otpTyped signs the patient in once the sixth digit of the sign-in OTP
// is typed: no Enter needed.
func (s *patientStep) otpTyped() {
	if s.shown == patientSignIn || s.shown == patientSignInMobile {
		s.w.primary()
	}
}

// reset forgets the patient, for a new connection or the next patient.
func (s *patientStep) reset() {
	s.loaded, s.loadedFor = false, ""
	s.syncLabels()
	clearEntry(s.abha)
	s.token.SetText("")
	s.signInOTP.SetText("")
	s.confirm.SetChecked(false)
	s.apply(patientAsk)
	s.notice.hide()
	if s.demoPick != nil {
		s.demoPick.ClearSelected()
	}
}

// signInAgain drops the patient shown after their token expired, keeping
// what was typed, and says that they must sign in again.
func (s *patientStep) signInAgain(err error) {
	s.loaded, s.loadedFor = false, ""
	s.token.SetText("")
	s.signInOTP.SetText("")
	st := s.w.flowState()
	v := s.sync(st)
	s.confirm.SetChecked(false)
	button, _, _ := s.primaryFor(v, st) // the name of the button that does it now
	title, detail := s.w.describe(err)
	s.notice.show(noticeWarning, title, detail+"\n"+T("Press {{.Button}} so the patient can sign in again (a new OTP). What you entered on the other steps is kept.",
		map[string]any{"Button": button}), "", nil)
}

// inputChanged drops a shown patient once what identifies them changes.
func (s *patientStep) inputChanged() {
	if s.loaded && s.key() != s.loadedFor {
		s.loaded = false
		s.confirm.SetChecked(false)
		s.sync(s.w.flowState())
	}
	if s.w.current == stepPatient && s.w.task == nil {
		s.enter()
	}
}

// key is what identifies the patient in the fields: the token when only
// it is given, else the ABHA number or address.
func (s *patientStep) key() string {
	if strings.TrimSpace(s.abha.Text) == "" {
		return abdm.NormalizeToken(s.token.Text)
	}
	id, _ := abdm.ParsePatientID(s.abha.Text)
	return id.Value
}
