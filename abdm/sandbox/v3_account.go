package sandbox

import (
	"encoding/json"
	"net/http"
	"time"

	"abha-deactivate/abdm/wire"
)

// Messages of the v3 profile and deactivation replies.
const (
	msgV3SentDeactAadhaarFmt = "OTP sent to Aadhaar registered mobile number ending with %s"
	msgV3SentDeactMobileFmt  = "OTP sent to mobile number ending with %s"
	msgV3BenefitLinked       = "ABHA number is linked with a government benefit scheme and cannot be deactivated"
	msgV3NoReasons           = "reasons must not be empty"
	msgV3DeactivatedOK       = "Your account has been de-activated"
)

// v3Profile serves GET {abha}/v3/profile/account with the X-token.
func (s *Server) v3Profile(r *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, rp, ok := s.v3PatientLocked(r, s.Now())
	if !ok {
		return rp
	}
	return jsonReply(http.StatusOK, wire.V3Profile{
		ABHANumber:           a.seed.number,
		PreferredABHAAddress: a.seed.address,
		Name:                 a.seed.name,
		FirstName:            a.seed.first,
		LastName:             a.seed.last,
		Gender:               a.seed.gender,
		YearOfBirth:          a.seed.yearOfBirth,
		MonthOfBirth:         a.seed.monthOfBirth,
		DayOfBirth:           a.seed.dayOfBirth,
		Mobile:               maskMobile(a.seed.mobile),
		ProfilePhoto:         profilePhoto(a.seed.number),
		Status:               a.status,
		AuthMethods:          loginMethods(a),
	})
}

// v3AccountRequestOTP serves POST {abha}/v3/profile/account/request/otp:
// with the de-activate scope set and the X-token, a deactivation OTP for the
// token's own account; with a re-activate scope set (no X-token needed), a
// reactivation OTP as login/request/otp sends it.
func (s *Server) v3AccountRequestOTP(r *http.Request, body []byte) reply {
	var req wire.V3OTPRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return s.v3BadBody()
	}
	scopes := scopeKey(req.Scope)
	switch scopes {
	case scopesReactivateAadhaar, scopesReactivateMobile:
		return s.v3ReactivationOTP(r, req, scopes)
	case scopesDeactivate:
	default:
		return s.v3BadScopes()
	}
	s.mu.Lock()
	_, rp, ok := s.v3PatientLocked(r, s.Now())
	s.mu.Unlock()
	if !ok {
		return rp
	}
	if req.LoginHint != wire.LoginHintABHANumber {
		return v3BadLoginHint()
	}
	if req.OTPSystem != wire.OTPSystemAadhaar && req.OTPSystem != wire.OTPSystemABDM {
		return s.v3Field(http.StatusBadRequest, "otpSystem", msgV3BadOTPSystem)
	}
	plain, decrypted, rp, ok := s.decryptV3(r, req.LoginID)
	if !ok {
		return rp
	}
	number, valid := parseABHANumber(plain)

	s.mu.Lock()
	now := s.Now()
	a, rp, ok := s.v3PatientLocked(r, now) // the account may have changed meanwhile
	if !ok {
		s.mu.Unlock()
		return rp
	}
	if !decrypted || !valid || number != digits(a.seed.number) {
		s.mu.Unlock()
		return s.v3Field(http.StatusBadRequest, "loginId", msgV3BadLoginID)
	}
	if a.seed.benefitLinked {
		s.mu.Unlock()
		return s.v3Flat(http.StatusBadRequest, wire.CodeV3BenefitLinked, msgV3BenefitLinked)
	}
	return s.v3SendAccountOTPLocked(a, v3DeactOTP, req.OTPSystem, scopes, now)
}

// v3AccountVerify serves POST {abha}/v3/profile/account/verify: with the
// X-token, the right OTP of the token's deactivation transaction and
// reasons, the account is deactivated and all its X-tokens die on v3.
func (s *Server) v3AccountVerify(r *http.Request, body []byte) reply {
	// The X-token is checked first, as ABDM's filters do.
	s.mu.Lock()
	_, rp, ok := s.v3PatientLocked(r, s.Now())
	s.mu.Unlock()
	if !ok {
		return rp
	}
	req, rp, ok := s.readV3Verify(body)
	if !ok {
		return rp
	}
	if scopeKey(req.Scope) != scopesDeactivate {
		return s.v3BadScopes()
	}
	reasons, ok := v3Reasons(req.Reasons)
	if !ok {
		return s.v3Field(http.StatusBadRequest, "reasons", msgV3NoReasons)
	}
	if rp, ok := s.checkTxnID(req.AuthData.OTP.TxnID); !ok {
		return rp
	}
	plain, decrypted, rp, ok := s.decryptV3(r, req.AuthData.OTP.OTPValue)
	if !ok {
		return rp
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	a, rp, ok := s.v3PatientLocked(r, now)
	if !ok {
		return rp
	}
	t, found := s.openTxnLocked(req.AuthData.OTP.TxnID, flowV3Account)
	if !found || t.account != a {
		return s.v3InvalidTxn()
	}
	if !otpMatches(t, plain, decrypted, now) {
		return s.v3WrongOTPLocked(t)
	}
	return s.v3DeactivateLocked(t, reasons, now)
}

// v3Reasons returns the texts of a deactivation's reasons; ok is false when
// there is none or one that reasonText refuses.
func v3Reasons(raw []json.RawMessage) (texts []string, ok bool) {
	texts = make([]string, 0, len(raw))
	for _, r := range raw {
		text, ok := reasonText(r)
		if !ok {
			return nil, false
		}
		texts = append(texts, text)
	}
	return texts, len(texts) > 0
}

// v3DeactivateLocked deactivates the account of t, the deactivation
// transaction whose OTP was just verified, and returns the reply.
func (s *Server) v3DeactivateLocked(t *txn, reasons []string, now time.Time) reply {
	t.finish()
	a := t.account
	system := wire.OTPSystemAadhaar
	if t.method == wire.AuthMethodMobileOTP {
		system = wire.OTPSystemABDM
	}
	s.deactivateLocked(a, Deactivation{Time: now, AuthMethod: t.method, OTPSystem: system, Reasons: reasons})
	return jsonReply(http.StatusOK, wire.V3VerifyResponse{
		TxnID:      t.id,
		AuthResult: wire.AuthResultSuccess,
		Message:    msgV3DeactivatedOK,
		Accounts:   []wire.V3Account{{ABHANumber: a.seed.number}},
	})
}
