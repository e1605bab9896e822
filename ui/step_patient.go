package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
)

// consequences of a deactivation, in plain words (DESIGN.md section 1).
func consequences() []string {
	return []string{
		T("cannot use ABDM apps (such as the ABHA app) with this ABHA,"),
		T("cannot share health records through ABDM,"),
		T("cannot show this ABHA at a hospital or clinic."),
	}
}

// consequencesText says in one paragraph what deactivation means.
func consequencesText(intro string) *widget.Label {
	text := intro
	for _, c := range consequences() {
		text += "\n•  " + c
	}
	return wrapped(text + "\n" + T("The patient can reactivate the ABHA later through ABDM."))
}

// consequencesBox lists what deactivation means for the patient.
func consequencesBox(intro string) *widget.Card {
	return widget.NewCard("", "", consequencesText(intro))
}

// patientStep is step 2: whose ABHA, confirmed by the person at the desk.
type patientStep struct {
	w *Wizard

	demoPick  *widget.Select
	token     *entry
	card      *widget.Card
	warning   *widget.Card // the consequences, until the card shows them
	name      *widget.Label
	number    *widget.Label
	address   *widget.Label
	confirm   *check
	notice    *notice
	content   fyne.CanvasObject
	loaded    bool
	loadedFor string // the token the shown profile belongs to
}

func newPatientStep(w *Wizard) *patientStep {
	s := &patientStep{w: w, notice: newNotice()}
	s.token = newPasswordEntry(w, T("Paste the patient's token here"))
	s.token.OnChanged = func(string) { s.tokenChanged() }
	s.name, s.number, s.address = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.confirm = newCheck(w, T("Yes, this is the patient in front of me, and they want to deactivate their ABHA."), func(bool) { s.enter() })
	details := container.New(layout.NewFormLayout(),
		heading(T("Name")), s.name,
		heading(T("ABHA number")), s.number,
		heading(T("ABHA address")), s.address)
	intro := T("Deactivating an ABHA means that, until it is reactivated, the patient:")
	s.card = widget.NewCard("", "", container.NewVBox(heading(T("Is this the patient in front of you?")), details,
		widget.NewSeparator(), consequencesText(intro), s.confirm))
	s.card.Hide()
	s.warning = consequencesBox(intro)

	items := []fyne.CanvasObject{}
	if d := w.opts.Demo; d != nil {
		var names []string
		for _, p := range d.Patients {
			names = append(names, p.Name+" ("+T(p.Note)+")")
		}
		s.demoPick = widget.NewSelect(names, func(string) { s.pickDemo() })
		s.demoPick.PlaceHolder = T("Choose a demo patient")
		items = append(items, field(T("Demo patient"), s.demoPick,
			T("Demo mode: choosing a patient fills in a token from the simulator.")))
	}
	items = append(items,
		field(T("Patient's token (X-Token)"), s.token,
			T("The token the patient gets when signing in to ABHA. It may start with \"Bearer \". It is kept in memory only.")),
		s.notice.view(),
		s.card,
		s.warning,
	)
	s.content = container.NewVBox(items...)
	return s
}

func (s *patientStep) title() string           { return T("Patient") }
func (s *patientStep) view() fyne.CanvasObject { return s.content }

func (s *patientStep) enter() {
	if !s.loaded {
		s.w.setPrimary(T("Find patient"), widget.HighImportance, true, s.find)
		return
	}
	s.w.setPrimary(T("Next"), widget.HighImportance, s.confirm.Checked, func() { s.w.show(stepOTP) })
}

func (s *patientStep) setEnabled(on bool) {
	setEnabled(s.token, on)
	setEnabled(s.confirm, on)
	if s.demoPick != nil {
		setEnabled(s.demoPick, on)
	}
}

// reset forgets the patient, for a new connection or the next patient.
func (s *patientStep) reset() {
	s.loaded, s.loadedFor = false, ""
	s.token.SetText("")
	s.confirm.SetChecked(false)
	s.showCard(false)
	s.notice.hide()
	if s.demoPick != nil {
		s.demoPick.ClearSelected()
	}
}

func (s *patientStep) tokenChanged() {
	if s.loaded && abdm.NormalizeToken(s.token.Text) != s.loadedFor {
		s.loaded = false
		s.confirm.SetChecked(false)
		s.showCard(false)
		if s.w.current == stepPatient {
			s.enter()
		}
	}
}

// showCard shows the patient's details with the consequences and the
// confirmation, or only the consequences.
func (s *patientStep) showCard(on bool) {
	s.card.Hidden, s.warning.Hidden = !on, on
	s.card.Refresh()
	s.warning.Refresh()
}

func (s *patientStep) pickDemo() {
	d := s.w.opts.Demo
	i := s.demoPick.SelectedIndex()
	if d == nil || i < 0 || i >= len(d.Patients) {
		return
	}
	tok, err := d.NewToken(d.Patients[i].ABHANumber)
	if err != nil {
		s.notice.showError(err, "", nil)
		return
	}
	s.token.SetText(tok)
	s.w.win.Canvas().Focus(s.token) // Enter now finds the patient
}

// find reads who the token belongs to.
func (s *patientStep) find() {
	w := s.w
	s.notice.hide()
	tok := abdm.NormalizeToken(s.token.Text)
	if tok == "" {
		s.notice.show(noticeError, T("Paste the patient's token first."), "", "", nil)
		return
	}
	w.opts.Redact(tok)
	var p abdm.Profile
	w.run(T("Looking up the patient with ABDM…"), func(ctx context.Context) (err error) {
		p, err = w.flow.LoadPatient(ctx, tok)
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		s.loaded, s.loadedFor = true, tok
		s.name.SetText(p.Name)
		s.number.SetText(p.MaskedABHANumber())
		s.address.SetText(p.ABHAAddress)
		s.confirm.SetChecked(false)
		s.showCard(true)
		if st := w.flowState(); st.Step == abdm.StepOTPSent {
			// The same patient signed in again: the OTP sent before still counts.
			s.notice.show(noticeInfo, T("Welcome back: the OTP sent earlier can still be used."), "", "", nil)
		}
		s.enter()
		w.body.Refresh()        // lay out the card before scrolling to it
		w.body.ScrollToBottom() // the confirmation ends the card
		w.win.Canvas().Focus(s.confirm)
	})
}

func (s *patientStep) showError(err error) {
	switch abdm.KindOf(err) {
	case abdm.KindAccountInactive:
		s.notice.show(noticeWarning, T("This ABHA is already deactivated or not active."),
			T("Nothing was sent to the patient. Nothing more needs to be done for this ABHA."), "", nil)
	case abdm.KindGatewayCredentials:
		s.notice.showError(err, T("Go to Connect"), func() { s.w.show(stepConnect) })
	default:
		s.notice.showError(err, "", nil)
	}
}
