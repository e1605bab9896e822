package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
)

// patientView is what the Patient step shows. It follows from where the
// sign-in stands (viewFor); apply shows the parts patientViews lists for it
// and hides the others.
type patientView int

const (
	patientAsk          patientView = iota // the ABHA field, and what deactivation means
	patientFoundABHA                       // an ABHA found: how should the patient sign in?
	patientFoundMobile                     // a mobile number found: the OTP goes to it (one way only)
	patientSignIn                          // a sign-in OTP sent for an ABHA: the way chosen, and the OTP
	patientSignInMobile                    // a sign-in OTP sent to the mobile number
	patientChoose                          // several ABHAs on the mobile number: which is the patient's?
	patientShown                           // signed in: who the patient is, and the confirmation
)

// patientParts are the parts of the Patient step that a view shows.
type patientParts struct{ found, login, signIn, choose, card, warning bool }

// patientViews are the parts each view shows.
var patientViews = [...]patientParts{
	patientAsk:          {warning: true},
	patientFoundABHA:    {found: true, login: true},
	patientFoundMobile:  {found: true},
	patientSignIn:       {found: true, login: true, signIn: true},
	patientSignInMobile: {found: true, signIn: true},
	patientChoose:       {found: true, choose: true},
	patientShown:        {card: true},
}

// viewFor is the view for the flow's state and the fields.
func (s *patientStep) viewFor(st abdm.State) patientView {
	si := st.SignIn
	mobile := si.Account.Via.Kind == abdm.IDMobile
	switch {
	case s.loaded:
		return patientShown
	case !s.signInIsFor(st):
		return patientAsk
	case si.TxnID == "" && mobile:
		return patientFoundMobile
	case si.TxnID == "":
		return patientFoundABHA
	case len(si.Accounts) > 0:
		return patientChoose
	case mobile:
		return patientSignInMobile
	}
	return patientSignIn
}

// apply shows the parts of view v and hides the others.
func (s *patientStep) apply(v patientView) {
	p := patientViews[v]
	if id, direct := s.directID(); v == patientAsk && direct {
		// v3: the OTP is sent at once, so the way to sign in is chosen here.
		p.found = id.Kind != abdm.IDMobile
		p.login = p.found
	}
	showIf(s.foundText, v != patientAsk)
	s.shown = v
	showIf(s.found, p.found)
	showIf(s.loginBox, p.login)
	showIf(s.signInBox, p.signIn)
	showIf(s.chooseBox, p.choose)
	showIf(s.card, p.card)
	showIf(s.warning, p.warning)
}

// showIf shows o when on, else hides it.
func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// sync shows the view for st, with its texts, and returns it.
func (s *patientStep) sync(st abdm.State) patientView {
	v := s.viewFor(st)
	if p := patientViews[v]; p.found {
		s.fillFound(v, st.SignIn, s.w.opts.Now(), s.w.task == nil)
	}
	s.apply(v)
	return v
}

// patientFound is the part for an ABHA found: how the patient signs in,
// the sign-in OTP, or the choice among the ABHAs on a mobile number.
type patientFound struct {
	found      *widget.Card
	foundText  *widget.Label
	loginPick  *widget.RadioGroup
	loginBox   *fyne.Container // hidden for a sign-in by mobile number (one way only)
	choose     *widget.RadioGroup
	chooseBox  *fyne.Container // the ABHAs on a mobile number
	signInBox  *fyne.Container
	signInSent *widget.Label
	signInOTP  *entry
	resend     *widget.Button
}

// newPatientFound builds the part; resend sends the sign-in OTP again and
// chosen follows the choice of an ABHA.
func newPatientFound(w *Wizard, resend, chosen func()) patientFound {
	f := patientFound{foundText: wrapped(""), signInSent: heading(""), signInOTP: newEntry(w, T("e.g. 123456"))}
	f.loginPick = newChoice(T("OTP to the mobile linked to the patient's Aadhaar"), T("OTP to the mobile linked to the ABHA"))
	f.resend = widget.NewButton(T("Resend OTP"), resend)
	f.signInBox = container.NewVBox(f.signInSent,
		field(T("Sign-in OTP from the patient's phone"), f.signInOTP, T("Ask the patient to read out the 6-digit OTP they received by SMS.")),
		container.NewHBox(layoutSpacer(), f.resend))
	f.signInBox.Hide()
	f.loginBox = container.NewVBox(heading(T("How should the patient sign in?")), f.loginPick)
	f.choose = widget.NewRadioGroup(nil, func(string) { chosen() })
	f.chooseBox = container.NewVBox(heading(T("Several ABHAs are linked to this mobile number. Which is the patient's?")), f.choose)
	f.chooseBox.Hide()
	f.found = widget.NewCard("", "", container.NewVBox(f.foundText, f.loginBox, f.signInBox, f.chooseBox))
	f.found.Hide()
	for obj, name := range map[fyne.CanvasObject]string{f.loginPick: "patient.login", f.signInOTP: "patient.signin_otp",
		f.resend: "patient.resend", f.choose: "patient.choose"} {
		w.name(obj, name)
	}
	return f
}

// fillFound puts the sign-in's texts in view v; idle is whether no request
// runs.
func (f *patientFound) fillFound(v patientView, si abdm.SignInState, now time.Time, idle bool) {
	switch a := si.Account; {
	case a.Via.Kind == abdm.IDMobile:
		f.foundText.SetText(T("Mobile number {{.Mobile}}: ABDM sends the sign-in OTP to it. If several ABHAs are linked to it, the patient chooses theirs.",
			map[string]any{"Mobile": a.Mobile}))
	case a.Known:
		f.foundText.SetText(T("Found: {{.Name}}, ABHA {{.Number}}, active.", map[string]any{"Name": a.Name, "Number": a.MaskedABHANumber()}))
	default:
		f.foundText.SetText(T("ABHA {{.Number}}: ABDM confirms whose it is when the patient signs in.", map[string]any{"Number": a.MaskedABHANumber()}))
	}
	switch v {
	case patientChoose:
		f.fillChoice(si.Accounts)
	case patientFoundABHA, patientFoundMobile:
		setEnabled(f.loginPick, idle)
	case patientSignIn, patientSignInMobile:
		f.fillSignIn(si, now, idle)
	}
}

// fillSignIn says where the sign-in OTP went and when it can be sent again.
func (f *patientFound) fillSignIn(si abdm.SignInState, now time.Time, idle bool) {
	f.signInSent.SetText(T("Sign-in OTP sent to {{.Mobile}}", map[string]any{"Mobile": si.MaskedMobile}))
	if wait := si.ResendAt.Sub(now); wait > 0 {
		f.resend.SetText(T("Resend in {{.Time}}", map[string]any{"Time": clock(wait)}))
		f.resend.Disable()
	} else {
		f.resend.SetText(T("Resend OTP"))
		setEnabled(f.resend, idle)
	}
}

// fillChoice lists the ABHAs on the mobile number, the first active one
// chosen, unless the same list is shown already.
func (f *patientFound) fillChoice(accounts []abdm.Account) {
	var opts []string
	for _, a := range accounts {
		state := T("active")
		if a.Deactivated() {
			state = T("deactivated")
		}
		opts = append(opts, T("{{.Name}}, ABHA {{.Number}} ({{.State}})", map[string]any{"Name": a.Name, "Number": a.MaskedABHANumber(), "State": state}))
	}
	if slices.Equal(opts, f.choose.Options) {
		return
	}
	f.choose.Options = opts
	f.choose.Selected = ""
	for i, a := range accounts {
		if !a.Deactivated() && f.choose.Selected == "" {
			f.choose.Selected = opts[i]
		}
	}
	f.choose.Refresh()
}

// patientCard is the part for the patient signed in: who they are, what
// deactivation means, and the confirmation; before that, warning says what
// deactivation means.
type patientCard struct {
	card     *widget.Card
	warning  *widget.Card // the consequences, until the card shows them
	name     *widget.Label
	number   *widget.Label
	address  *widget.Label
	gender   *widget.Label
	born     *widget.Label
	photo    *canvas.Image
	photoBox *fyne.Container
	confirm  *check
}

// newPatientCard builds the part; confirmed follows the confirmation.
func newPatientCard(w *Wizard, confirmed func(bool)) patientCard {
	c := patientCard{name: widget.NewLabel(""), number: widget.NewLabel(""), address: widget.NewLabel(""),
		gender: widget.NewLabel(""), born: widget.NewLabel(""), photo: canvas.NewImageFromResource(nil)}
	c.photo.FillMode = canvas.ImageFillContain
	c.photo.SetMinSize(fyne.NewSize(112, 112))
	c.photoBox = container.NewVBox(c.photo, widget.NewLabelWithStyle(T("Photo from ABDM"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
	c.photoBox.Hide()
	c.confirm = newCheck(w, T("Yes, this is the patient in front of me, and they want to deactivate their ABHA."), confirmed)
	w.name(c.confirm, "patient.confirm")
	details := container.New(layout.NewFormLayout(),
		heading(T("Name")), c.name,
		heading(T("ABHA number")), c.number,
		heading(T("ABHA address")), c.address,
		heading(T("Gender")), c.gender,
		heading(T("Year of birth")), c.born)
	intro := T("Deactivating an ABHA means that, until it is reactivated, the patient:")
	c.card = widget.NewCard("", "", container.NewVBox(heading(T("Is this the patient in front of you?")),
		container.NewBorder(nil, nil, nil, c.photoBox, details),
		widget.NewSeparator(), consequencesText(intro), c.confirm))
	c.card.Hide()
	c.warning = consequencesBox(intro)
	return c
}

// fillCard shows profile p on the card, not yet confirmed.
func (c *patientCard) fillCard(p abdm.Profile) {
	c.name.SetText(p.Name)
	c.number.SetText(p.MaskedABHANumber())
	c.address.SetText(p.ABHAAddress)
	c.gender.SetText(orDash(genderText(p)))
	c.born.SetText(orDash(p.YearOfBirth))
	setPhoto(c.photo, c.photoBox, p.Photo)
	c.confirm.SetChecked(false)
}
