package ui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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

// patientStep is step 2: find the patient's ABHA, let the patient sign in
// with an OTP (or paste a token they have), and confirm who it is.
type patientStep struct {
	w *Wizard

	demoPick  *widget.Select
	abha      *entry
	abhaLabel *widget.Label // what the field takes: depends on the API generation
	abhaHint  *hint

	found      *widget.Card // the ABHA found, and how the patient signs in
	foundText  *widget.Label
	loginPick  *widget.RadioGroup
	loginBox   *fyne.Container // hidden for a sign-in by mobile number (one way only)
	choose     *widget.RadioGroup
	chooseBox  *fyne.Container // the ABHAs on a mobile number
	signInBox  *fyne.Container
	signInSent *widget.Label
	signInOTP  *entry
	resend     *widget.Button

	token    *entry // Advanced: a token the patient already has
	advanced *widget.Accordion

	card      *widget.Card
	warning   *widget.Card // the consequences, until the card shows them
	name      *widget.Label
	number    *widget.Label
	address   *widget.Label
	gender    *widget.Label
	born      *widget.Label
	photo     *canvas.Image
	photoBox  *fyne.Container
	confirm   *check
	notice    *notice
	content   fyne.CanvasObject
	loaded    bool
	loadedFor string // the ABHA or token the shown profile belongs to
}

// loginMethods are the sign-in choices, in the order of loginPick.
var loginMethods = []abdm.LoginMethod{abdm.LoginAadhaarOTP, abdm.LoginMobileOTP}

func newPatientStep(w *Wizard) *patientStep {
	s := &patientStep{w: w, notice: newNotice(w)}
	s.abha = newEntry(w, "91-1234-5678-9012")
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

	s.foundText = wrapped("")
	s.loginPick = widget.NewRadioGroup([]string{
		T("OTP to the mobile linked to the patient's Aadhaar"),
		T("OTP to the mobile linked to the ABHA"),
	}, nil)
	s.loginPick.SetSelected(s.loginPick.Options[0])
	s.loginPick.Required = true
	s.signInSent = heading("")
	s.signInOTP = newEntry(w, "123456")
	s.signInOTP.OnChanged = func(text string) {
		if d := onlyDigits(text, 6); d != text {
			s.signInOTP.SetText(d)
		}
	}
	s.resend = widget.NewButton(T("Resend OTP"), s.sendSignIn)
	s.signInBox = container.NewVBox(s.signInSent,
		field(T("Sign-in OTP from the patient's phone"), s.signInOTP, T("Ask the patient to read out the 6-digit OTP they received by SMS.")),
		container.NewHBox(layoutSpacer(), s.resend))
	s.signInBox.Hide()
	s.loginBox = container.NewVBox(heading(T("How should the patient sign in?")), s.loginPick)
	s.choose = widget.NewRadioGroup(nil, func(string) {
		if s.w.current == stepPatient && s.w.task == nil {
			s.enter()
		}
	})
	s.chooseBox = container.NewVBox(heading(T("Several ABHAs are linked to this mobile number. Which is the patient's?")), s.choose)
	s.chooseBox.Hide()
	s.found = widget.NewCard("", "", container.NewVBox(s.foundText, s.loginBox, s.signInBox, s.chooseBox))
	s.found.Hide()

	s.token = newPasswordEntry(w, T("Paste the patient's token here"))
	s.token.OnChanged = func(string) { s.inputChanged() }
	s.advanced = widget.NewAccordion(widget.NewAccordionItem(T("Advanced: use a token the patient already has"),
		field(T("Patient's token (X-Token)"), s.token,
			T("For integrators: the token a patient gets when signing in to ABHA elsewhere. It may start with \"Bearer \". It is kept in memory only."))))

	s.name, s.number, s.address = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.gender, s.born = widget.NewLabel(""), widget.NewLabel("")
	s.photo = canvas.NewImageFromResource(nil)
	s.photo.FillMode = canvas.ImageFillContain
	s.photo.SetMinSize(fyne.NewSize(112, 112))
	s.photoBox = container.NewVBox(s.photo, widget.NewLabelWithStyle(T("Photo from ABDM"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
	s.photoBox.Hide()
	s.confirm = newCheck(w, T("Yes, this is the patient in front of me, and they want to deactivate their ABHA."), func(bool) { s.enter() })
	for obj, name := range map[fyne.CanvasObject]string{s.abha: "patient.abha", s.loginPick: "patient.login", s.signInOTP: "patient.signin_otp",
		s.resend: "patient.resend", s.choose: "patient.choose", s.token: "patient.token", s.advanced: "patient.advanced", s.confirm: "patient.confirm"} {
		w.name(obj, name)
	}
	details := container.New(layout.NewFormLayout(),
		heading(T("Name")), s.name,
		heading(T("ABHA number")), s.number,
		heading(T("ABHA address")), s.address,
		heading(T("Gender")), s.gender,
		heading(T("Year of birth")), s.born)
	intro := T("Deactivating an ABHA means that, until it is reactivated, the patient:")
	s.card = widget.NewCard("", "", container.NewVBox(heading(T("Is this the patient in front of you?")),
		container.NewBorder(nil, nil, nil, s.photoBox, details),
		widget.NewSeparator(), consequencesText(intro), s.confirm))
	s.card.Hide()
	s.warning = consequencesBox(intro)

	items := []fyne.CanvasObject{}
	if w.opts.Demo != nil {
		var pick fyne.CanvasObject
		s.demoPick, pick = newDemoPick(w, s.abha, func() { s.token.SetText("") })
		items = append(items, pick)
	}
	items = append(items,
		container.NewVBox(s.abhaLabel, s.abha, s.abhaHint),
		s.found,
		s.card,
		s.warning,
		s.advanced,
	)
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
// while one is awaited, nothing while the found ABHA waits for Send, and
// else the ABHA number.
func (s *patientStep) focusTarget() fyne.Focusable {
	st := s.w.flowState()
	switch {
	case s.loaded:
		return s.confirm
	case s.signInIsFor(st) && st.SignIn.TxnID != "" && len(st.SignIn.Accounts) == 0:
		return s.signInOTP
	case s.signInIsFor(st):
		return nil // Enter sends the sign-in OTP or continues with the ABHA chosen
	}
	return s.abha
}

// enter sets the main button for where the sign-in stands.
func (s *patientStep) enter() {
	st := s.w.flowState()
	s.syncSignIn(st)
	switch {
	case s.loaded:
		s.w.setPrimary(T("Next"), widget.HighImportance, s.confirm.Checked, func() { s.w.show(stepOTP) })
	case !s.signInIsFor(st):
		s.w.setPrimary(T("Find patient"), widget.HighImportance, true, s.find)
	case st.SignIn.TxnID != "" && len(st.SignIn.Accounts) > 0:
		s.w.setPrimary(T("Continue with this ABHA"), widget.HighImportance, s.choose.Selected != "", s.chooseAccount)
	case st.SignIn.TxnID != "":
		s.w.setPrimary(T("Sign in"), widget.HighImportance, true, s.finishSignIn)
	case st.SignIn.Account.ABHANumber != "" || st.SignIn.Account.Via.Kind == abdm.IDMobile:
		s.w.setPrimary(T("Send sign-in OTP"), widget.HighImportance, true, s.sendSignIn)
	default:
		s.w.setPrimary(T("Find patient"), widget.HighImportance, true, s.find)
	}
}

func (s *patientStep) setEnabled(on bool) {
	for _, d := range []fyne.Disableable{s.abha, s.token, s.confirm, s.loginPick, s.signInOTP, s.resend, s.choose} {
		setEnabled(d, on)
	}
	if s.demoPick != nil {
		setEnabled(s.demoPick, on)
	}
	if on {
		s.syncSignIn(s.w.flowState())
	}
}

// syncSignIn shows the sign-in part for the flow's state.
func (s *patientStep) syncSignIn(st abdm.State) {
	si := st.SignIn
	if !s.signInIsFor(st) || s.loaded {
		s.found.Hide()
		if !s.loaded {
			s.warning.Show()
		}
		return
	}
	switch a := si.Account; {
	case a.Via.Kind == abdm.IDMobile:
		s.foundText.SetText(T("Mobile number {{.Mobile}}: ABDM sends the sign-in OTP to it. If several ABHAs are linked to it, the patient chooses theirs.",
			map[string]any{"Mobile": a.Mobile}))
	case a.Known:
		s.foundText.SetText(T("Found: {{.Name}}, ABHA {{.Number}}, active.", map[string]any{"Name": a.Name, "Number": a.MaskedABHANumber()}))
	default:
		s.foundText.SetText(T("ABHA {{.Number}}: ABDM confirms whose it is when the patient signs in.", map[string]any{"Number": a.MaskedABHANumber()}))
	}
	s.loginBox.Hidden = si.Account.Via.Kind == abdm.IDMobile
	s.found.Show()
	s.warning.Hide() // the card that follows the sign-in shows the consequences
	if s.syncChoice(si) {
		return
	}
	if si.TxnID == "" {
		s.signInBox.Hide()
		setEnabled(s.loginPick, s.w.task == nil)
		return
	}
	s.signInSent.SetText(T("Sign-in OTP sent to {{.Mobile}}", map[string]any{"Mobile": si.MaskedMobile}))
	s.signInBox.Show()
	if wait := si.ResendAt.Sub(s.w.opts.Now()); wait > 0 {
		s.resend.SetText(T("Resend in {{.Time}}", map[string]any{"Time": clock(wait)}))
		s.resend.Disable()
	} else {
		s.resend.SetText(T("Resend OTP"))
		setEnabled(s.resend, s.w.task == nil)
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
		s.syncSignIn(s.w.flowState())
	}
}

// reset forgets the patient, for a new connection or the next patient.
func (s *patientStep) reset() {
	s.loaded, s.loadedFor = false, ""
	s.syncLabels()
	s.chooseBox.Hide()
	s.abha.SetText("")
	s.token.SetText("")
	s.signInOTP.SetText("")
	s.confirm.SetChecked(false)
	s.showCard(false)
	s.found.Hide()
	s.notice.hide()
	if s.demoPick != nil {
		s.demoPick.ClearSelected()
	}
}

// inputChanged drops a shown patient once what identifies them changes.
func (s *patientStep) inputChanged() {
	if s.loaded && s.key() != s.loadedFor {
		s.loaded = false
		s.confirm.SetChecked(false)
		s.showCard(false)
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

// showCard shows the patient's details with the consequences and the
// confirmation, or only the consequences.
func (s *patientStep) showCard(on bool) {
	s.card.Hidden, s.warning.Hidden = !on, on
	s.card.Refresh()
	s.warning.Refresh()
}

// find looks the ABHA up, or reads the pasted token's profile.
func (s *patientStep) find() {
	w := s.w
	s.notice.hide()
	abhaText, tok := strings.TrimSpace(s.abha.Text), abdm.NormalizeToken(s.token.Text)
	switch {
	case abhaText == "" && tok == "":
		s.notice.show(noticeError, T("Enter the patient's ABHA number or ABHA address."), "", "", nil)
		w.focus(s.abha)
		return
	case abhaText == "":
		s.loadToken(tok)
		return
	}
	if _, err := s.parseID(abhaText); err != nil {
		s.notice.show(noticeError, s.formatHint(), "", "", nil)
		w.focus(s.abha)
		return
	}
	w.run(T("Looking up the ABHA with ABDM…"), func(ctx context.Context) error {
		_, err := w.flow.LookUp(ctx, abhaText)
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		s.enter()
		w.win.Canvas().Unfocus() // Enter now sends the sign-in OTP
		w.event("patient found")
	})
}

// sendSignIn asks ABDM to send the patient a sign-in OTP.
func (s *patientStep) sendSignIn() {
	w := s.w
	s.notice.hide()
	method := loginMethods[0]
	for i, o := range s.loginPick.Options {
		if o == s.loginPick.Selected {
			method = loginMethods[i]
		}
	}
	w.run(T("Asking ABDM to send the sign-in OTP…"), func(ctx context.Context) error {
		_, err := w.flow.StartSignIn(ctx, method)
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		s.signInOTP.SetText("")
		s.enter()
		w.body.Refresh()
		w.body.ScrollToBottom() // the OTP field ends the sign-in part
		w.focus(s.signInOTP)
		w.event("sign-in OTP sent")
	})
}

// finishSignIn completes the sign-in with the OTP the patient read out.
func (s *patientStep) finishSignIn() {
	w := s.w
	s.notice.hide()
	otp := strings.TrimSpace(s.signInOTP.Text)
	if !abdm.IsOTP(otp) {
		s.notice.show(noticeError, T("The OTP must be exactly 6 digits."), "", "", nil)
		w.focus(s.signInOTP)
		return
	}
	w.opts.Redact(otp)
	key := s.key()
	var p abdm.Profile
	w.run(T("Signing the patient in…"), func(ctx context.Context) (err error) {
		p, err = w.flow.FinishSignIn(ctx, otp)
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, abdm.ErrChooseAccount):
			s.enter()
			w.body.Refresh()
			w.body.ScrollToBottom()
			w.win.Canvas().Unfocus() // Enter continues with the ABHA selected
			w.event("choose the ABHA")
		case abdm.IsOTPRefusal(err):
			s.signInOTP.SetText("")
			showOTPRefusal(s.notice, err, w.flowState().SignIn.Remaining())
			s.enter()
			w.focus(s.signInOTP)
		case err != nil:
			s.showError(err)
		default:
			s.showPatient(p, key)
		}
	})
}

// syncChoice lists the ABHAs of a mobile sign-in when there is a choice,
// and reports whether it did.
func (s *patientStep) syncChoice(si abdm.SignInState) bool {
	if len(si.Accounts) == 0 || si.TxnID == "" {
		s.chooseBox.Hide()
		return false
	}
	var opts []string
	for _, a := range si.Accounts {
		state := T("active")
		if a.Deactivated() {
			state = T("deactivated")
		}
		opts = append(opts, T("{{.Name}}, ABHA {{.Number}} ({{.State}})", map[string]any{"Name": a.Name, "Number": a.MaskedABHANumber(), "State": state}))
	}
	if !slices.Equal(opts, s.choose.Options) {
		s.choose.Options = opts
		s.choose.Selected = ""
		for i, a := range si.Accounts {
			if !a.Deactivated() && s.choose.Selected == "" {
				s.choose.Selected = opts[i]
			}
		}
		s.choose.Refresh()
	}
	s.signInBox.Hide()
	s.loginBox.Hide()
	s.chooseBox.Show()
	return true
}

// chooseAccount signs in with the ABHA chosen among those on the mobile.
func (s *patientStep) chooseAccount() {
	w := s.w
	s.notice.hide()
	accounts := w.flowState().SignIn.Accounts
	i := slices.Index(s.choose.Options, s.choose.Selected)
	if i < 0 || i >= len(accounts) {
		return
	}
	number, key := accounts[i].ABHANumber, s.key()
	var p abdm.Profile
	w.run(T("Signing the patient in…"), func(ctx context.Context) (err error) {
		p, err = w.flow.ChooseAccount(ctx, number)
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		s.showPatient(p, key)
	})
}

// loadToken reads the profile of a pasted token.
func (s *patientStep) loadToken(tok string) {
	w := s.w
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
		s.showPatient(p, tok)
	})
}

// showPatient shows who the patient is and asks for the confirmation.
func (s *patientStep) showPatient(p abdm.Profile, key string) {
	w := s.w
	s.loaded, s.loadedFor = true, key
	s.name.SetText(p.Name)
	s.number.SetText(p.MaskedABHANumber())
	s.address.SetText(p.ABHAAddress)
	s.gender.SetText(orDash(genderText(p)))
	s.born.SetText(orDash(p.YearOfBirth))
	setPhoto(s.photo, s.photoBox, p.Photo)
	s.confirm.SetChecked(false)
	s.found.Hide()
	s.showCard(true)
	if st := w.flowState(); st.Step == abdm.StepOTPSent {
		// The same patient signed in again: the OTP sent before still counts.
		s.notice.show(noticeInfo, T("Welcome back: the OTP sent earlier can still be used."), "", "", nil)
	}
	s.enter()
	w.body.Refresh()        // lay out the card before scrolling to it
	w.body.ScrollToBottom() // the confirmation ends the card
	w.focus(s.confirm)
	w.event("patient signed in")
}

func (s *patientStep) showError(err error) {
	if showWait(s.notice, err) {
		s.enter()
		return
	}
	switch abdm.KindOf(err) {
	case abdm.KindAccountInactive:
		if s.w.flowState().Reactivation.Account.ABHANumber != "" {
			s.notice.show(noticeWarning, T("This ABHA is already deactivated."),
				T("Nothing was sent to the patient. If the patient wants to use it again, it can be reactivated with an OTP to their mobile."),
				T("Reactivate this ABHA"), s.w.startReactivation)
		} else {
			s.notice.show(noticeWarning, T("This ABHA is already deactivated or not active."),
				T("Nothing was sent to the patient. Nothing more needs to be done for this ABHA."), "", nil)
		}
	case abdm.KindGatewayCredentials:
		s.notice.showError(err, T("Go to Connect"), func() { s.w.show(stepConnect) })
	default:
		s.notice.showError(err, "", nil)
	}
	s.enter()
}
