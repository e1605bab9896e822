package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
)

// reactivateStep undoes a deactivation: the ABHA number, where ABDM sends
// the OTP, the OTP the patient reads out, and the call after a confirmation
// that names the ABHA. No sign-in is needed: a deactivated ABHA cannot sign in.
type reactivateStep struct {
	w        *Wizard
	demoPick *widget.Select
	abha     *entry
	method   *widget.RadioGroup
	sentTo   *widget.Label
	valid    *widget.Label
	resend   *widget.Button
	otpBox   *fyne.Container
	otp      *entry
	notice   *notice
	content  fyne.CanvasObject
}

// reactivationMethods are the OTP choices, in the order of the radio group:
// the ABHA's own mobile first (the way ABDM's guide describes).
var reactivationMethods = []abdm.OTPMethod{abdm.OTPMobile, abdm.OTPAadhaar}

func newReactivateStep(w *Wizard) *reactivateStep {
	s := &reactivateStep{w: w, notice: newNotice(w), sentTo: heading(""), valid: widget.NewLabel("")}
	s.abha = newEntry(w, T("e.g. 91-1234-5678-9012"))
	s.abha.Validator = func(text string) error {
		if strings.TrimSpace(text) == "" {
			return nil
		}
		if _, err := abdm.ParseABHA(text); err != nil {
			return errors.New(T("Enter the 14 digits of the ABHA number"))
		}
		return nil
	}
	s.abha.OnChanged = func(string) {
		if s.w.current == stepReactivate && s.w.task == nil {
			s.enter()
		}
	}
	s.method = newChoice(T("The mobile linked to the ABHA (usual)"), T("The mobile linked to the patient's Aadhaar"))
	s.resend = widget.NewButton(T("Resend OTP"), s.send)
	s.otp = newEntry(w, T("e.g. 123456"))
	w.otpInput(s.otp, nil)
	s.otpBox = container.NewVBox(s.sentTo, container.NewHBox(s.valid, layoutSpacer(), s.resend),
		field(T("OTP from the patient's phone"), s.otp, T("Ask the patient to read out the 6-digit OTP they received by SMS.")))
	s.otpBox.Hide()
	for obj, name := range map[fyne.CanvasObject]string{s.abha: "reactivate.abha", s.method: "reactivate.method",
		s.resend: "reactivate.resend", s.otp: "reactivate.otp"} {
		w.name(obj, name)
	}

	items := []fyne.CanvasObject{wrapped(T("A deactivated ABHA can be reactivated when the patient wants to use it again. ABDM sends the patient an OTP to confirm; no sign-in is needed."))}
	if w.opts.Demo != nil {
		var pick fyne.CanvasObject
		s.demoPick, pick = newDemoPick(w, s.abha, nil)
		items = append(items, pick)
	}
	items = append(items,
		field(T("ABHA number to reactivate"), s.abha, T("The 14-digit number on the patient's ABHA card.")),
		field(T("Where should ABDM send the OTP?"), s.method, ""),
		s.otpBox)
	s.content = container.NewVBox(items...)
	return s
}

func (s *reactivateStep) title() string       { return T("Reactivate") }
func (s *reactivateStep) stepNotice() *notice { return s.notice }

// focusTarget is the OTP once it is sent, else the ABHA number (with a
// number filled in, Enter there sends the OTP).
func (s *reactivateStep) focusTarget() fyne.Focusable {
	if s.w.flowState().Step == abdm.StepReactivationOTPSent {
		return s.otp
	}
	return s.abha
}
func (s *reactivateStep) view() fyne.CanvasObject { return s.content }

func (s *reactivateStep) enter() {
	s.tick()
	if st := s.w.flowState(); st.Step == abdm.StepReactivationOTPSent && st.Reactivation.Remaining() > 0 {
		s.w.setPrimary(T("Reactivate ABHA"), widget.HighImportance, true, s.askConfirm)
		return
	}
	s.w.setPrimary(T("Send reactivation OTP"), widget.HighImportance, strings.TrimSpace(s.abha.Text) != "", s.send)
}

func (s *reactivateStep) setEnabled(on bool) {
	for _, d := range []fyne.Disableable{s.abha, s.method, s.otp, s.resend} {
		setEnabled(d, on)
	}
	if s.demoPick != nil {
		setEnabled(s.demoPick, on)
	}
	if on {
		s.tick()
	}
}

// tick shows the OTP's countdowns.
func (s *reactivateStep) tick() {
	st := s.w.flowState()
	if st.Step != abdm.StepReactivationOTPSent {
		s.otpBox.Hide()
		return
	}
	r := st.Reactivation
	now := s.w.opts.Now()
	s.sentTo.SetText(T("Reactivation OTP sent to the patient's mobile {{.Mobile}}", map[string]any{"Mobile": orDash(r.MaskedMobile)}))
	if left := r.ExpiresAt.Sub(now); left > 0 {
		s.valid.SetText(T("Valid for {{.Time}}", map[string]any{"Time": clock(left)}))
		s.valid.Importance = widget.MediumImportance
	} else {
		s.valid.SetText(T("This OTP has expired: request a new one."))
		s.valid.Importance = widget.DangerImportance
	}
	s.valid.Refresh()
	if wait := r.ResendAt.Sub(now); wait > 0 {
		s.resend.SetText(T("Resend in {{.Time}}", map[string]any{"Time": clock(wait)}))
		s.resend.Disable()
	} else {
		s.resend.SetText(T("Resend OTP"))
		setEnabled(s.resend, s.w.task == nil)
	}
	s.otpBox.Show()
}

// prefill puts in the ABHA the flow last found deactivated, if the field is empty.
func (s *reactivateStep) prefill() {
	if a := s.w.flowState().Reactivation.Account; a.ABHANumber != "" && strings.TrimSpace(s.abha.Text) == "" {
		s.abha.SetText(a.ABHANumber)
	}
}

// reset clears the step for the next patient.
func (s *reactivateStep) reset() {
	clearEntry(s.abha)
	s.otp.SetText("")
	s.notice.hide()
	s.otpBox.Hide()
	if s.demoPick != nil {
		s.demoPick.ClearSelected()
	}
}

// chosenMethod is the OTP method selected.
func (s *reactivateStep) chosenMethod() abdm.OTPMethod { return chosen(s.method, reactivationMethods) }

// send asks ABDM for the reactivation OTP (again, to resend).
func (s *reactivateStep) send() {
	w := s.w
	s.notice.hide()
	number, err := abdm.ParseABHA(s.abha.Text)
	if err != nil {
		s.notice.show(noticeError, T("Enter the 14 digits of the ABHA number"), "", "", nil)
		w.focus(s.abha)
		return
	}
	method := s.chosenMethod()
	w.run(T("Asking ABDM to send the reactivation OTP…"), func(ctx context.Context) error {
		_, err := w.flow.StartReactivation(ctx, number, method)
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		s.otp.SetText("")
		s.enter()
		w.scrollToEnd()
		w.focus(s.otp)
		w.event("reactivation OTP sent")
	})
}

// askConfirm checks the OTP and asks, naming the ABHA, before the call.
func (s *reactivateStep) askConfirm() {
	s.notice.hide()
	otp := strings.TrimSpace(s.otp.Text)
	if !abdm.IsOTP(otp) {
		s.notice.show(noticeError, T("The OTP must be exactly 6 digits."), "", "", nil)
		s.w.focus(s.otp)
		return
	}
	a := s.w.flowState().Reactivation.Account
	who := a.MaskedABHANumber()
	if a.Name != "" {
		who = a.Name + " (" + who + ")"
	}
	msg := T("Reactivate the ABHA of {{.Who}}?", map[string]any{"Who": who}) + "\n\n" +
		T("The patient will again be able to use it with ABDM apps, share health records through ABDM and show it at a hospital or clinic.")
	if !s.w.askOnce(confirmation{title: T("Reactivate this ABHA?"), confirm: T("Reactivate"), dismiss: T("Go back"),
		content: wrapped(msg), importance: widget.HighImportance, width: min(560, s.w.win.Canvas().Size().Width-40),
		onConfirm: func() { s.reactivate(otp) }}) {
		return
	}
	s.w.event("confirm reactivation")
}

// reactivate sends the call once; the wizard's single task and the flow
// both refuse a second one.
func (s *reactivateStep) reactivate(otp string) {
	w := s.w
	w.opts.Redact(otp)
	var res abdm.Result
	w.run(T("Reactivating the ABHA…"), func(ctx context.Context) (err error) {
		res, err = w.flow.Reactivate(ctx, otp)
		return err
	}, func(err error) {
		if err == nil {
			w.reactivated(res)
			return
		}
		s.showError(err)
	})
}

// showError says what went wrong and what to do; a refused OTP keeps the step.
func (s *reactivateStep) showError(err error) {
	w := s.w
	switch {
	case showWait(s.notice, err):
	case abdm.IsOTPRefusal(err) && w.flowState().Step == abdm.StepReactivationOTPSent:
		s.otp.SetText("")
		showOTPRefusal(s.notice, err, w.flowState().Reactivation.Remaining(), T("Send reactivation OTP"), s.send, s.otp)
	case abdm.IsKind(err, abdm.KindOutcomeUnknown):
		w.outcomeUnknown(err)
		return
	case abdm.IsKind(err, abdm.KindGatewayCredentials):
		s.notice.showError(err, T("Go to Connect"), w.toConnect)
	case abdm.StoppedOTPSend(err):
		s.notice.show(noticeInfo, stoppedWords(err), "", "", nil)
	case errors.Is(err, context.Canceled):
		s.notice.show(noticeInfo, T("Stopped. Nothing more was sent."), "", "", nil)
	default:
		s.notice.showError(err, "", nil)
	}
	if w.current == stepReactivate {
		s.enter()
	}
}
