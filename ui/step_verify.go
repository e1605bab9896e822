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

// verifyStep is step 4: the OTP the patient received, the reasons, and the
// irreversible call after a confirmation that names the patient.
type verifyStep struct {
	w       *Wizard
	status  *otpStatus
	otp     *entry
	reasons []*check
	codes   []string
	other   *entry
	note    *hint // what ABDM receives of the reasons, which depends on the API generation
	notice  *notice
	content fyne.CanvasObject
}

func newVerifyStep(w *Wizard) *verifyStep {
	s := &verifyStep{w: w, notice: newNotice(w), status: newOTPStatus(w)}
	s.status.onSent = func() {
		s.otp.SetText("")
		s.notice.show(noticeSuccess, T("A new OTP was sent. Enter the new one."), "", "", nil)
	}
	s.status.onError = s.showError
	s.otp = newEntry(w, T("e.g. 123456"))
	s.otp.Validator = func(text string) error {
		if !abdm.IsOTP(text) {
			return errors.New(T("Enter the 6 digits of the OTP"))
		}
		return nil
	}
	w.otpInput(s.otp, s.otpTyped)
	s.other = newEntry(w, T("Write the reason (kept only in this computer's audit trail)"))
	s.other.MultiLine = true
	s.other.Wrapping = fyne.TextWrapWord
	s.other.OnSubmitted = nil // Enter starts a new line in the note
	s.other.SetMinRowsVisible(2)
	s.other.Hide()

	lang := w.opts.Language
	reasonBox := container.NewVBox()
	for _, r := range w.opts.Catalogue.Reasons() {
		code, free := r.Code, r.FreeText
		c := newCheck(w, r.Label(lang), func(on bool) { // the label only: codes mean nothing to staff
			if free {
				s.other.Hidden = !on
				s.other.Refresh()
			}
			s.enter()
		})
		s.reasons = append(s.reasons, c)
		w.name(c, "verify.reason_"+code)
		s.codes = append(s.codes, code)
		reasonBox.Add(c)
	}
	reasonBox.Add(s.other)
	w.name(s.otp, "verify.otp")
	w.name(s.other, "verify.other")
	s.note = newHint("")
	s.content = container.NewVBox(
		s.status.view(),
		field(T("OTP from the patient's phone"), s.otp, T("Ask the patient to read out the 6-digit OTP they received by SMS.")),
		field(T("Reasons for deactivation (choose at least one)"), reasonBox, ""),
		s.note,
	)
	return s
}

// otpTyped moves the focus on to the reasons once the sixth digit of the
// OTP is typed, if none is chosen yet.
func (s *verifyStep) otpTyped() {
	if f, ok := s.focusTarget().(*check); ok {
		s.w.focus(f)
	}
}

// otpInput keeps the OTP field e to digits, at most six; once the sixth is
// typed in it (e has the focus), typed runs, if not nil.
func (w *Wizard) otpInput(e *entry, typed func()) {
	e.OnChanged = func(text string) {
		if digits := onlyDigits(text, 6); digits != text {
			e.SetText(digits) // which calls OnChanged again, with the digits
			return
		}
		if typed != nil && abdm.IsOTP(text) && w.win.Canvas().Focused() == e {
			typed()
		}
	}
}

func onlyDigits(s string, limit int) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' && b.Len() < limit {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *verifyStep) title() string       { return T("Verify and deactivate") }
func (s *verifyStep) stepNotice() *notice { return s.notice }

// focusTarget is the OTP until six digits are typed, then the first reason
// while none is chosen.
func (s *verifyStep) focusTarget() fyne.Focusable {
	if !abdm.IsOTP(strings.TrimSpace(s.otp.Text)) {
		return s.otp
	}
	if codes, _ := s.chosen(); len(codes) == 0 && len(s.reasons) > 0 {
		return s.reasons[0]
	}
	return nil
}
func (s *verifyStep) view() fyne.CanvasObject { return s.content }

func (s *verifyStep) enter() {
	s.tick()
	s.note.SetText(reasonsNote(s.w.client))
	st := s.w.flowState()
	ready := st.Step == abdm.StepOTPSent && st.OTP.Remaining() > 0 // no attempt left: only a new OTP helps
	s.w.setPrimary(T("Deactivate ABHA"), widget.DangerImportance, ready, s.askConfirm)
}

func (s *verifyStep) setEnabled(on bool) {
	setEnabled(s.otp, on)
	setEnabled(s.other, on)
	for _, c := range s.reasons {
		setEnabled(c, on)
	}
	s.status.setEnabled(on)
}

func (s *verifyStep) tick() { s.status.tick() }

// open shows the step with the cursor in the OTP field.
func (s *verifyStep) open() {
	s.w.show(stepVerify)
	s.w.focus(s.otp)
}

// otpSent clears what belonged to an earlier OTP.
func (s *verifyStep) otpSent() {
	s.otp.SetText("")
	s.notice.hide()
}

// reset clears the step for the next patient.
func (s *verifyStep) reset() {
	s.otpSent()
	for _, c := range s.reasons {
		c.SetChecked(false)
	}
	s.other.SetText("")
}

func (s *verifyStep) chosen() (codes []string, note string) {
	for i, c := range s.reasons {
		if c.Checked {
			codes = append(codes, s.codes[i])
			if r, _ := s.w.opts.Catalogue.Lookup(s.codes[i]); r.FreeText {
				note = strings.TrimSpace(s.other.Text)
			}
		}
	}
	return codes, note
}

// askConfirm checks the input and asks, naming the patient, before the
// irreversible call.
func (s *verifyStep) askConfirm() {
	s.notice.hide()
	otp := strings.TrimSpace(s.otp.Text)
	codes, note := s.chosen()
	switch {
	case !abdm.IsOTP(otp):
		s.notice.show(noticeError, T("The OTP must be exactly 6 digits."), "", "", nil)
		s.w.focus(s.otp)
		return
	case len(codes) == 0:
		s.notice.show(noticeError, T("Choose at least one reason."), "", "", nil)
		s.w.focus(s.reasons[0])
		return
	}
	p := s.w.flowState().Patient
	msg := T("Deactivate the ABHA of {{.Name}} ({{.Number}})?", map[string]any{"Name": p.Name, "Number": p.MaskedABHANumber()}) +
		"\n\n" + T("Until it is reactivated, the patient:") + "\n"
	for _, c := range consequences() {
		msg += "•  " + c + "\n"
	}
	label := wrapped(msg)
	s.w.askOnce(confirmation{title: T("Deactivate this ABHA?"), confirm: T("Deactivate"), dismiss: T("Go back"),
		content: label, importance: widget.DangerImportance, width: min(560, s.w.win.Canvas().Size().Width-40),
		onConfirm: func() { s.deactivate(otp, codes, note) }})
}

// deactivate sends the irreversible call once; the wizard's single task
// and the flow both refuse a second one.
func (s *verifyStep) deactivate(otp string, codes []string, note string) {
	w := s.w
	w.opts.Redact(otp)
	var res abdm.Result
	w.run(T("Deactivating the ABHA…"), func(ctx context.Context) (err error) {
		res, err = w.flow.Deactivate(ctx, otp, codes, note)
		return err
	}, func(err error) {
		if err == nil {
			w.deactivated(res)
			return
		}
		s.showError(err)
	})
}

// showError says what went wrong and offers the next action.
func (s *verifyStep) showError(err error) {
	w := s.w
	if showWait(s.notice, err) {
		return
	}
	if abdm.IsOTPRefusal(err) {
		// A wrong OTP, or a refusal ABDM did not explain: the OTP step stays.
		s.otp.SetText("")
		s.enter()
		showOTPRefusal(s.notice, err, w.flowState().OTP.Remaining(), T("Request a new OTP"), w.requestNewOTP, s.otp)
		return
	}
	switch abdm.KindOf(err) {
	case abdm.KindOutcomeUnknown:
		w.outcomeUnknown(err)
	case abdm.KindBenefitLinked:
		s.notice.showError(err, "", nil)
	case abdm.KindOTPExpired, abdm.KindTxnInvalid, abdm.KindTooManyAttempts:
		s.notice.showError(err, T("Request a new OTP"), w.requestNewOTP)
		defer w.focus(s.notice.action) // after enter: the OTP cannot be used again
	case abdm.KindPatientToken:
		w.patientTokenExpired(err)
	case abdm.KindGatewayCredentials:
		s.notice.showError(err, T("Go to Connect"), w.toConnect)
	default:
		if errors.Is(err, context.Canceled) {
			s.notice.show(noticeInfo, T("Stopped. The deactivation was not sent."), "", "", nil)
			return
		}
		s.notice.showError(err, "", nil)
	}
	if w.current == stepVerify {
		s.enter() // the flow's step may have changed: OTP needed again
	}
}

// reasonsNote says what ABDM receives of the reasons chosen: v2 takes their
// codes, v3 their English wording.
func reasonsNote(c *abdm.Client) string {
	if c != nil && c.Generation() == abdm.V2 {
		return T("The codes are sent to ABDM. The wording of the reasons is this app's own, not ABDM's.")
	}
	return T("ABDM receives the English wording of each reason chosen. The wording is this app's own, not ABDM's.")
}
