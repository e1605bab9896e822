package ui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"abha-deactivate/abdm"
)

// The Patient step's requests to ABDM: find the ABHA, the patient's
// sign-in, and what their answers show.

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
	method := chosen(s.loginPick, loginMethods)
	w.run(T("Asking ABDM to send the sign-in OTP…"), func(ctx context.Context) error {
		_, err := w.flow.StartSignIn(ctx, method)
		return err
	}, s.signInSent)
}

// findAndSignIn sends the sign-in OTP for what is typed at once when
// finding it asks ABDM nothing (v3 has no search): no Find patient click
// that does nothing visible. Else it finds the patient first.
func (s *patientStep) findAndSignIn() {
	w := s.w
	abhaText := strings.TrimSpace(s.abha.Text)
	if !s.directSignIn() {
		s.find()
		return
	}
	s.notice.hide()
	method := chosen(s.loginPick, loginMethods)
	w.run(T("Asking ABDM to send the sign-in OTP…"), func(ctx context.Context) error {
		if _, err := w.flow.LookUp(ctx, abhaText); err != nil {
			return err
		}
		_, err := w.flow.StartSignIn(ctx, method)
		return err
	}, s.signInSent)
}

// directSignIn reports whether the sign-in OTP can be sent for what is
// typed without finding it first: an ABHA number or a mobile number, with
// the v3 APIs.
func (s *patientStep) directSignIn() bool {
	_, ok := s.directID()
	return ok
}

// directID is what is typed, when directSignIn holds.
func (s *patientStep) directID() (abdm.PatientID, bool) {
	if s.gen() != abdm.V3 {
		return abdm.PatientID{}, false
	}
	id, err := s.parseID(strings.TrimSpace(s.abha.Text))
	return id, err == nil && id.Kind != abdm.IDAddress
}

// signInSent shows the sign-in OTP field once the OTP is sent, or why not.
func (s *patientStep) signInSent(err error) {
	w := s.w
	if err != nil {
		s.showError(err)
		return
	}
	s.signInOTP.SetText("")
	s.enter()
	w.scrollToEnd() // the OTP field ends the sign-in part
	w.focus(s.signInOTP)
	w.event("sign-in OTP sent")
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
			w.scrollToEnd()
			w.win.Canvas().Unfocus() // Enter continues with the ABHA selected
			w.event("choose the ABHA")
		case abdm.IsOTPRefusal(err):
			s.signInOTP.SetText("")
			s.enter()
			showOTPRefusal(s.notice, err, w.flowState().SignIn.Remaining(), T("Send sign-in OTP"), s.sendSignIn, s.signInOTP)
		case err != nil:
			s.showError(err)
		default:
			s.showPatient(p, key)
		}
	})
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
	number := accounts[i].ABHANumber
	s.loadProfile(T("Signing the patient in…"), s.key(), func(ctx context.Context) (abdm.Profile, error) {
		return w.flow.ChooseAccount(ctx, number)
	})
}

// loadToken reads the profile of a pasted token.
func (s *patientStep) loadToken(tok string) {
	w := s.w
	w.opts.Redact(tok)
	s.loadProfile(T("Looking up the patient with ABDM…"), tok, func(ctx context.Context) (abdm.Profile, error) {
		return w.flow.LoadPatient(ctx, tok)
	})
}

// loadProfile runs get, saying status meanwhile, and shows the profile it
// returns as that of the patient identified by key.
func (s *patientStep) loadProfile(status, key string, get func(context.Context) (abdm.Profile, error)) {
	var p abdm.Profile
	s.w.run(status, func(ctx context.Context) (err error) {
		p, err = get(ctx)
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		s.showPatient(p, key)
	})
}

// showPatient shows who the patient is and asks for the confirmation.
func (s *patientStep) showPatient(p abdm.Profile, key string) {
	w := s.w
	s.loaded, s.loadedFor = true, key
	s.fillCard(p)
	if st := w.flowState(); st.Step == abdm.StepOTPSent {
		// The same patient signed in again: the OTP sent before still counts.
		s.notice.show(noticeInfo, T("Welcome back: the OTP sent earlier can still be used."), "", "", nil)
	}
	s.enter()
	w.scrollToEnd() // the confirmation ends the card
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
		s.notice.showError(err, T("Go to Connect"), s.w.toConnect)
	default:
		s.notice.showError(err, "", nil)
	}
	s.enter()
}
