package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
)

// otpStatus shows where the OTP went, how long it stays valid and when a
// new one may be requested. Two steps show one each.
type otpStatus struct {
	w       *Wizard
	sentTo  *widget.Label
	valid   *widget.Label
	resend  *widget.Button
	box     *fyne.Container
	onSent  func() // after a successful resend
	onError func(error)
}

func newOTPStatus(w *Wizard) *otpStatus {
	o := &otpStatus{w: w, sentTo: heading(""), valid: widget.NewLabel("")}
	o.resend = widget.NewButton(T("Resend OTP"), o.resendNow)
	o.box = container.NewVBox(o.sentTo, container.NewHBox(o.valid, layoutSpacer(), o.resend))
	return o
}

func (o *otpStatus) view() fyne.CanvasObject { return o.box }

// tick updates the countdowns from the flow's state.
func (o *otpStatus) tick() {
	st := o.w.flowState()
	if st.Step != abdm.StepOTPSent {
		o.box.Hide()
		return
	}
	o.box.Show()
	now := o.w.opts.Now()
	o.sentTo.SetText(T("OTP sent to the patient's mobile {{.Mobile}}", map[string]any{"Mobile": st.OTP.MaskedMobile}))
	if left := st.OTP.ExpiresAt.Sub(now); left > 0 {
		o.valid.SetText(T("Valid for {{.Time}}", map[string]any{"Time": clock(left)}))
		o.valid.Importance = widget.MediumImportance
	} else {
		o.valid.SetText(T("This OTP has expired: request a new one."))
		o.valid.Importance = widget.DangerImportance
	}
	o.valid.Refresh()
	if wait := st.OTP.ResendAt.Sub(now); wait > 0 {
		o.resend.SetText(T("Resend in {{.Time}}", map[string]any{"Time": clock(wait)}))
		o.resend.Disable()
	} else {
		o.resend.SetText(T("Resend OTP"))
		if o.w.task == nil {
			o.resend.Enable()
		}
	}
}

func (o *otpStatus) setEnabled(on bool) {
	if !on {
		o.resend.Disable()
		return
	}
	o.tick()
}

// resendNow requests a new OTP; the flow refuses inside the wait without a call.
func (o *otpStatus) resendNow() { o.w.resendOTP(o.onSent, o.onError) }

// otpStep is step 3: send the OTP, to the Aadhaar-linked mobile by default.
type otpStep struct {
	w       *Wizard
	explain *widget.Label
	method  *widget.RadioGroup
	status  *otpStatus
	notice  *notice
	content fyne.CanvasObject
}

// otpMethods are the OTP choices, in the order of the radio group.
var otpMethods = []abdm.OTPMethod{abdm.OTPAadhaar, abdm.OTPMobile}

func newOTPStep(w *Wizard) *otpStep {
	s := &otpStep{w: w, notice: newNotice(w), status: newOTPStatus(w)}
	s.explain = wrapped(T("ABDM will send a one-time password (OTP) by SMS to the patient's mobile. Ask the patient to keep their phone ready. The OTP is valid for 10 minutes."))
	s.method = newChoice(T("The mobile linked to the patient's Aadhaar (usual)"), T("The mobile linked to the ABHA"))
	w.name(s.method, "otp.method")
	s.status.onSent = func() { s.notice.show(noticeSuccess, T("A new OTP was sent."), "", "", nil) }
	s.status.onError = s.showError
	s.content = container.NewVBox(s.explain, field(T("Where should ABDM send the OTP?"), s.method, ""),
		s.status.view())
	return s
}

// chosenMethod is the OTP method selected.
func (s *otpStep) chosenMethod() abdm.OTPMethod { return chosen(s.method, otpMethods) }

func (s *otpStep) title() string       { return T("Send OTP") }
func (s *otpStep) stepNotice() *notice { return s.notice }

// focusTarget is nothing: the usual method is chosen, Enter sends the OTP.
func (s *otpStep) focusTarget() fyne.Focusable { return nil }
func (s *otpStep) view() fyne.CanvasObject     { return s.content }

func (s *otpStep) enter() {
	s.tick()
	if s.w.flowState().Step == abdm.StepOTPSent {
		s.w.setPrimary(T("Next"), widget.HighImportance, true, s.w.forward)
		return
	}
	s.w.setPrimary(T("Send OTP"), widget.HighImportance, true, func() { s.send(s.w.openVerify, s.showError) })
}

func (s *otpStep) setEnabled(on bool) {
	setEnabled(s.method, on)
	s.status.setEnabled(on)
}

func (s *otpStep) tick() { s.status.tick() }

// reset hides how the last request went, for the next patient.
func (s *otpStep) reset() { s.notice.hide() }

// send asks ABDM for an OTP (a new one if one was sent already).
func (s *otpStep) send(done func(), fail func(error)) {
	w := s.w
	s.notice.hide()
	method := s.chosenMethod()
	w.run(T("Asking ABDM to send the OTP…"), func(ctx context.Context) error {
		_, err := w.flow.RequestOTP(ctx, method)
		return err
	}, func(err error) {
		if err != nil {
			fail(err)
			return
		}
		w.otpSent()
		if done != nil {
			done()
		}
		w.Tick()
	})
}

// showError explains a failed OTP request; a wait is shown, not an error.
func (s *otpStep) showError(err error) {
	switch kind := abdm.KindOf(err); {
	case showWait(s.notice, err):
	case kind == abdm.KindPatientToken:
		s.w.patientTokenExpired(err)
	case kind == abdm.KindGatewayCredentials:
		s.notice.showError(err, T("Go to Connect"), s.w.toConnect)
	default:
		s.notice.showError(err, "", nil)
	}
}

// showWait shows a rate limit with a known wait as a wait, not as an error.
func showWait(n *notice, err error) bool {
	var e *abdm.Error
	if !errors.As(err, &e) || e.Kind != abdm.KindRateLimited || e.RetryAfter <= 0 {
		return false
	}
	n.show(noticeInfo, T("Please wait {{.Time}} before requesting a new OTP.",
		map[string]any{"Time": friendlyDuration(e.RetryAfter)}), T("ABDM allows a new OTP only after a short wait."), "", nil)
	return true
}
