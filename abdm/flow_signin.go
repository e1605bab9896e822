package abdm

import (
	"context"
	"fmt"
	"strings"

	"abha-deactivate/abdm/wire"
)

// This file is the journey that identifies the patient: a pasted token
// (LoadPatient), or a look-up and a sign-in by OTP (LookUp, StartSignIn,
// FinishSignIn and, for a mobile number with several ABHAs, ChooseAccount).

// LoadPatient reads who xToken belongs to: a token staff pasted. An ABHA
// that is already deactivated is refused with KindAccountInactive and no
// OTP is sent. If the same patient signs in again after their token
// expired, an OTP sent before stays in use.
func (f *Flow) LoadPatient(ctx context.Context, xToken string) (Profile, error) {
	xToken = NormalizeToken(xToken)
	if err := checkToken(xToken); err != nil {
		return Profile{}, err
	}
	if err := f.begin(opLoadPatient); err != nil {
		return Profile{}, err
	}
	p, err := f.c.Profile(ctx, xToken)
	f.end(func() {
		if err != nil {
			f.afterError(err)
			return
		}
		f.patientLoaded(opLoadPatient, p, PatientToken{Token: xToken}, LoginPastedToken)
	})
	return p, err
}

// patientLoaded records the patient o identified. Called under the lock.
func (f *Flow) patientLoaded(o flowOp, p Profile, tok PatientToken, login LoginMethod) {
	keepOTP := f.otp.TxnID != "" && p.ABHANumber == f.patient.ABHANumber && f.now().Before(f.otp.ExpiresAt)
	f.xToken, f.tokenEnd, f.patient, f.login = tok.Token, tok.ExpiresAt, p, login
	f.signIn = SignInState{}
	f.move(o)
	if keepOTP {
		f.move(evOTPKept)
	} else {
		f.otp = OTPState{}
	}
}

// inactiveError refuses a that ABDM reports as deactivated.
func inactiveError(what string, a Account) *Error {
	return &Error{Op: what, Kind: KindAccountInactive, ABDMText: "ABDM reports this ABHA as " + strings.ToLower(a.Status)}
}

// LookUp checks what staff typed (an ABHA number or address, or with v3 the
// patient's mobile number) before the patient signs in; v2 also finds the
// ABHA and its status. An ABHA that ABDM reports deactivated is refused with
// KindAccountInactive, no OTP is sent, and it becomes the flow's
// reactivation candidate (State().Reactivation.Account).
func (f *Flow) LookUp(ctx context.Context, input string) (Account, error) {
	if _, err := ParsePatientID(input); err != nil {
		return Account{}, err
	}
	if err := f.begin(opLookUp); err != nil {
		return Account{}, err
	}
	a, err := f.c.LookUp(ctx, input)
	if err == nil && a.Deactivated() {
		err = inactiveError("look up the ABHA", a)
	}
	f.end(func() { f.lookedUp(a, err) })
	return a, err
}

// lookedUp records what LookUp found. Called under the lock.
func (f *Flow) lookedUp(a Account, err error) {
	f.react = ReactivationState{}
	if err != nil {
		f.afterError(err)
		f.signIn = SignInState{}
		if a.Deactivated() {
			f.move(opLookUp)
			f.react = ReactivationState{Account: a}
		}
		return
	}
	// The patient signs in anew. Another patient: forget the previous
	// one; the same one (their token expired): keep the OTP sent.
	f.move(opLookUp)
	f.xToken, f.login = "", ""
	if a.ABHANumber == "" || a.ABHANumber != f.patient.ABHANumber {
		f.patient, f.otp = Profile{}, OTPState{}
	}
	f.signIn = SignInState{Account: a}
}

// StartSignIn sends the patient found by LookUp a sign-in OTP by method.
// Asked again before ResendWait has passed, it returns KindRateLimited
// with the wait and sends nothing. A deactivated ABHA (v3 ABDM-1134) is
// refused with KindAccountInactive and becomes the reactivation candidate.
func (f *Flow) StartSignIn(ctx context.Context, method LoginMethod) (SignInState, error) {
	if err := f.begin(opStartSignIn); err != nil {
		return SignInState{}, err
	}
	f.mu.Lock()
	si := f.signIn
	f.mu.Unlock()
	if si.Account.ABHANumber == "" && si.Account.ABHAAddress == "" && si.Account.Via.Kind != IDMobile {
		f.end(nil)
		return SignInState{}, &StepError{Action: opStartSignIn.String(), At: StepConnected}
	}
	if si.Account.Via.Kind == IDMobile {
		method = LoginMobileOTP // the OTP goes to the mobile number typed
	}
	if si.TxnID != "" && si.Method == method {
		if err := f.tooSoon("start the patient's sign-in", si.ResendAt); err != nil {
			f.end(nil)
			return SignInState{}, err
		}
	}
	sent, err := f.c.StartLogin(ctx, si.Account, method)
	var out SignInState
	f.end(func() {
		if err != nil {
			f.afterError(err)
			if IsKind(err, KindAccountInactive) && si.Account.ABHANumber != "" {
				f.react = ReactivationState{Account: asDeactivated(si.Account)}
			}
			if IsKind(err, KindAccountInactive, KindNotFound) {
				f.signIn = SignInState{} // no sign-in for this ABHA: staff look up another
			}
			return
		}
		f.move(opStartSignIn)
		f.signIn = SignInState{Account: si.Account, Method: method, OTPTransaction: f.newTxn(sent)}
		f.transfer = PatientToken{}
		out = f.signIn
	})
	return out, err
}

// asDeactivated marks an account ABDM refused as deactivated.
func asDeactivated(a Account) Account {
	a.Status, a.Known = wire.StatusDeactivated, true
	return a
}

// signInAnswer is what confirming a sign-in learnt.
type signInAnswer struct {
	profile  Profile
	token    PatientToken // the patient's token, once signed in
	transfer PatientToken // a mobile sign-in's token, to exchange for the chosen ABHA's
	accounts []Account    // the ABHAs a mobile sign-in found
	choose   bool         // the patient must choose among accounts
	chosen   Account      // the one ABHA a mobile sign-in found
	err      error
}

// FinishSignIn completes the sign-in with the OTP the patient received and
// reads their profile, as LoadPatient does. The token is kept in memory
// only. A v3 sign-in by mobile number that finds several ABHAs returns
// ErrChooseAccount: State().SignIn.Accounts lists them for ChooseAccount.
// A wrong OTP, and any refusal of the OTP this tool does not know, leave the
// sign-in open for another try while attempts remain.
func (f *Flow) FinishSignIn(ctx context.Context, otp string) (Profile, error) {
	otp, err := f.beginWithOTP(opFinishSignIn, otp)
	if err != nil {
		return Profile{}, err
	}
	f.mu.Lock()
	si := f.signIn
	f.mu.Unlock()
	if si.TxnID == "" {
		f.end(nil)
		return Profile{}, &StepError{Action: opFinishSignIn.String(), At: StepConnected}
	}
	got := f.confirmSignIn(ctx, si, otp)
	f.end(func() { f.signInFinished(si, &got) })
	return got.profile, got.err
}

// confirmSignIn sends the sign-in OTP and, once signed in, reads the profile.
func (f *Flow) confirmSignIn(ctx context.Context, si SignInState, otp string) signInAnswer {
	var a signInAnswer
	a.token, a.transfer, a.accounts, a.err = f.c.ConfirmLogin(ctx, si.Account, si.Method, si.TxnID, otp)
	if a.err == nil && a.token.Token == "" {
		f.pickMobileAccount(ctx, si.TxnID, &a)
	}
	if a.err == nil && !a.choose {
		a.profile, a.err = f.c.Profile(ctx, a.token.Token)
	}
	return a
}

// pickMobileAccount settles a mobile sign-in: one ABHA is taken at once,
// several are offered to choose from.
func (f *Flow) pickMobileAccount(ctx context.Context, txnID string, a *signInAnswer) {
	const what = "confirm the patient's sign-in"
	switch {
	case len(a.accounts) == 0:
		a.err = &Error{Op: what, Kind: KindNotFound, ABDMText: "no ABHA is linked to this mobile number"}
	case len(a.accounts) > 1:
		a.choose = true
	case a.accounts[0].Deactivated():
		a.chosen = a.accounts[0]
		a.err = inactiveError(what, a.chosen)
	default:
		a.chosen = a.accounts[0]
		a.token, a.err = f.c.ChooseAccount(ctx, a.transfer, txnID, a.chosen.ABHANumber)
	}
}

// signInFinished records what FinishSignIn learnt; a choice to make becomes
// ErrChooseAccount. Called under the lock.
func (f *Flow) signInFinished(si SignInState, a *signInAnswer) {
	switch {
	case a.choose:
		f.signIn.Accounts, f.transfer = a.accounts, a.transfer
		a.err = ErrChooseAccount
	case a.err == nil:
		f.patientLoaded(opFinishSignIn, a.profile, a.token, si.Method)
	case IsOTPRefusal(a.err):
		f.signIn.Attempts++
	case IsKind(a.err, KindOTPExpired, KindTxnInvalid, KindTooManyAttempts):
		f.signIn.TxnID = "" // a new sign-in OTP is needed
	case IsKind(a.err, KindAccountInactive) && a.chosen.ABHANumber != "":
		f.signIn = SignInState{Account: si.Account}
		f.react = ReactivationState{Account: a.chosen}
	default:
		f.afterError(a.err)
	}
}

// ChooseAccount signs in with one of the ABHAs a mobile sign-in found
// (State().SignIn.Accounts) and reads its profile. A deactivated one is
// refused with KindAccountInactive and becomes the reactivation candidate.
func (f *Flow) ChooseAccount(ctx context.Context, abhaNumber string) (Profile, error) {
	const what = "sign in with the chosen ABHA"
	if err := f.begin(opChooseAccount); err != nil {
		return Profile{}, err
	}
	f.mu.Lock()
	si, transfer := f.signIn, f.transfer
	f.mu.Unlock()
	chosen, found := findAccount(si.Accounts, abhaNumber)
	if !found {
		f.end(nil)
		return Profile{}, fmt.Errorf("%s: %s is not one of the ABHAs on this mobile number", what, MaskABHANumber(abhaNumber))
	}
	var (
		p   Profile
		tok PatientToken
		err error
	)
	if chosen.Deactivated() {
		err = inactiveError(what, chosen)
	} else if tok, err = f.c.ChooseAccount(ctx, transfer, si.TxnID, chosen.ABHANumber); err == nil {
		p, err = f.c.Profile(ctx, tok.Token)
	}
	f.end(func() {
		switch {
		case err == nil:
			f.patientLoaded(opChooseAccount, p, tok, si.Method)
		case IsKind(err, KindAccountInactive):
			f.react = ReactivationState{Account: asDeactivated(chosen)}
		case IsKind(err, KindPatientToken):
			f.signIn = SignInState{Account: si.Account} // the mobile sign-in expired: send a new OTP
			f.transfer = PatientToken{}
		default:
			f.afterError(err)
		}
	})
	return p, err
}

// findAccount returns the account of accounts with ABHA number abhaNumber.
func findAccount(accounts []Account, abhaNumber string) (Account, bool) {
	for _, a := range accounts {
		if a.ABHANumber != "" && onlyDigits(a.ABHANumber) == onlyDigits(abhaNumber) {
			return a, true
		}
	}
	return Account{}, false
}

// EndExpiredSignIn forgets the patient's sign-in once the time State().SignInEnds
// has passed, as when ABDM refuses an expired token: the patient must sign
// in again. It reports whether it did; it does nothing while a call runs.
func (f *Flow) EndExpiredSignIn() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy || f.xToken == "" || f.tokenEnd.IsZero() || f.now().Before(f.tokenEnd) {
		return false
	}
	f.afterError(&Error{Op: "keep the patient's sign-in", Kind: KindPatientToken})
	return true
}
