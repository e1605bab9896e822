package sandbox

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// Messages of the v3 sign-in and reactivation replies.
const (
	msgV3SentAadhaarFmt = "OTP is sent to Aadhaar registered mobile number ending with %s"
	msgV3SentMobileFmt  = "OTP is sent to the mobile number ending with %s"
	msgV3Verified       = "OTP verified successfully"
	msgV3Reactivated    = "You have successfully reactivated the account"
	msgV3AlreadyActive  = "ABHA number is already active"
	msgV3BadABHANumber  = "Invalid ABHA number"
)

// v3LoginRequestOTP serves POST {abha}/v3/profile/login/request/otp: a
// sign-in OTP by ABHA number (Aadhaar or ABHA mobile) or by mobile number,
// or, with a re-activate scope set, a reactivation OTP.
func (s *Server) v3LoginRequestOTP(r *http.Request, body []byte) reply {
	var req wire.V3OTPRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return s.v3BadBody()
	}
	scopes := scopeKey(req.Scope)
	switch scopes {
	case scopesReactivateAadhaar, scopesReactivateMobile:
		return s.v3ReactivationOTP(r, req, scopes)
	case scopesLoginAadhaar, scopesLoginMobile:
	default:
		return s.v3BadScopes()
	}
	switch {
	case req.LoginHint == wire.LoginHintABHANumber:
	case req.LoginHint == wire.LoginHintMobile && scopes == scopesLoginMobile:
	default:
		return v3BadLoginHint()
	}
	if req.OTPSystem != otpSystemOf(scopes) {
		return s.v3Field(http.StatusBadRequest, "otpSystem", msgV3BadOTPSystem)
	}
	plain, decrypted, rp, ok := s.decryptV3(r, req.LoginID)
	if !ok {
		return rp
	}
	if req.LoginHint == wire.LoginHintMobile {
		mobile, valid := parseMobile(plain)
		if !decrypted || !valid {
			return s.v3Field(http.StatusBadRequest, "loginId", msgV3BadLoginID)
		}
		return s.v3MobileSignInOTP(mobile, scopes)
	}
	return s.v3NumberSignInOTP(plain, decrypted, req.OTPSystem, scopes)
}

// v3NumberSignInOTP sends a sign-in OTP by otpSystem to the active account
// whose ABHA number the request's loginId decrypted to (plain; decrypted is
// false when it was not encrypted).
func (s *Server) v3NumberSignInOTP(plain string, decrypted bool, otpSystem, scopes string) reply {
	number, valid := parseABHANumber(plain)
	if !decrypted || !valid {
		return s.v3Field(http.StatusBadRequest, "loginId", msgV3BadLoginID)
	}

	s.mu.Lock()
	now := s.Now()
	a := s.byNumberLocked(number)
	if a == nil {
		s.mu.Unlock()
		return s.v3Field(http.StatusBadRequest, "loginId", msgV3ABHANotFound)
	}
	if a.status == StatusDeactivated {
		s.mu.Unlock()
		return v3Nested(http.StatusBadRequest, wire.CodeV3Deactivated, msgV3Deactivated)
	}
	return s.v3SendAccountOTPLocked(a, v3SignInOTP, otpSystem, scopes, now)
}

// v3OTPKind is what an account OTP of one v3 flow is for: the flow, the
// outbox purposes and the wording of the reply, for the Aadhaar-linked
// mobile and for the ABHA's own.
type v3OTPKind struct {
	flow                          flow
	aadhaarPurpose, mobilePurpose string
	aadhaarFormat, mobileFormat   string
}

// The kinds of v3 account OTPs.
var (
	v3SignInOTP = v3OTPKind{flowV3Login, PurposeLoginAadhaar, PurposeLoginMobile, msgV3SentAadhaarFmt, msgV3SentMobileFmt}
	v3ReactOTP  = v3OTPKind{flowV3Reactivate, PurposeReactivateAadhaar, PurposeReactivateMobile, msgV3SentAadhaarFmt, msgV3SentMobileFmt}
	v3DeactOTP  = v3OTPKind{flowV3Account, PurposeAadhaar, PurposeMobile, msgV3SentDeactAadhaarFmt, msgV3SentDeactMobileFmt}
)

// v3SendAccountOTPLocked sends account a an OTP of kind k by otpSystem, the
// tail every v3 OTP request for an account shares: a mobile to send it to
// (none linked to the Aadhaar is UIDAI's ABDM-1204), the rate limit, a new
// transaction of scopes, the outbox. It unlocks s.
func (s *Server) v3SendAccountOTPLocked(a *account, k v3OTPKind, otpSystem, scopes string, now time.Time) reply {
	to, method, purpose, format := a.seed.aadhaarMobile, wire.AuthMethodAadhaarOTP, k.aadhaarPurpose, k.aadhaarFormat
	if otpSystem == wire.OTPSystemABDM {
		to, method, purpose, format = a.seed.mobile, wire.AuthMethodMobileOTP, k.mobilePurpose, k.mobileFormat
	}
	if to == "" {
		s.mu.Unlock()
		return v3Nested(http.StatusBadRequest, wire.CodeV3UIDAIFailure, msgV3NoAadhaarMobile)
	}
	slot := &a.flows[k.flow]
	if rp, limited := s.v3RateLimitLocked(&slot.times, now); limited {
		s.mu.Unlock()
		return rp
	}
	t := s.newTxnLocked(slot, a, k.flow, method, now)
	t.scope = scopes
	return s.v3SendLocked(t, to, purpose, format, now)
}

// v3MobileSignInOTP sends a sign-in OTP to a mobile number, whether or not
// any account has it; its rate limit is per mobile.
func (s *Server) v3MobileSignInOTP(mobile, scopes string) reply {
	s.mu.Lock()
	now := s.Now()
	slot := s.mobileFlows[mobile]
	if slot == nil {
		// Forget mobiles with no OTP in the rate-limit window: nothing of
		// theirs is left to enforce (a pending transaction keeps working).
		for m, f := range s.mobileFlows {
			if n := len(f.times); n == 0 || now.Sub(f.times[n-1]) >= otpWindow {
				delete(s.mobileFlows, m)
			}
		}
		slot = &otpFlow{}
		s.mobileFlows[mobile] = slot
	}
	if rp, limited := s.v3RateLimitLocked(&slot.times, now); limited {
		s.mu.Unlock()
		return rp
	}
	t := s.newTxnLocked(slot, nil, flowV3Login, wire.AuthMethodMobileOTP, now)
	t.scope, t.mobile = scopes, mobile
	return s.v3SendLocked(t, mobile, PurposeLoginMobile, msgV3SentMobileFmt, now)
}

// v3ReactivationOTP sends a reactivation OTP for a deactivated account:
// the re-activate scope sets of login/request/otp and account/request/otp.
func (s *Server) v3ReactivationOTP(r *http.Request, req wire.V3OTPRequest, scopes string) reply {
	if req.LoginHint != wire.LoginHintABHANumber {
		return v3BadLoginHint()
	}
	if req.OTPSystem != otpSystemOf(scopes) {
		return s.v3Field(http.StatusBadRequest, "otpSystem", msgV3BadOTPSystem)
	}
	plain, decrypted, rp, ok := s.decryptV3(r, req.LoginID)
	if !ok {
		return rp
	}
	number, valid := parseABHANumber(plain)
	if !decrypted || !valid {
		return s.v3Field(http.StatusBadRequest, "loginId", msgV3BadLoginID)
	}

	s.mu.Lock()
	now := s.Now()
	a := s.byNumberLocked(number)
	if a == nil {
		s.mu.Unlock()
		return s.v3Field(http.StatusBadRequest, "loginId", msgV3ABHANotFound)
	}
	if a.status == StatusActive {
		s.mu.Unlock()
		return s.v3Flat(http.StatusBadRequest, wire.CodeV3Generic, msgV3AlreadyActive)
	}
	return s.v3SendAccountOTPLocked(a, v3ReactOTP, req.OTPSystem, scopes, now)
}

// v3SendLocked sends the OTP of t to the mobile to (see deliverLocked: it
// unlocks s) and answers with the transaction and where the OTP went, in
// the wording format (with %s for the masked number).
func (s *Server) v3SendLocked(t *txn, to, purpose, format string, now time.Time) reply {
	s.deliverLocked(t, to, purpose, now)
	return jsonReply(http.StatusOK, wire.V3TxnResponse{TxnID: t.id, Message: fmt.Sprintf(format, "******"+lastFour(to))})
}

// v3VerifyBody is the body of login/verify and account/verify as the
// sandbox reads it: wire.V3VerifyRequest, but with reasons kept raw, so that
// a reason sent as a JSON number (a v2 habit) is taken as its text.
type v3VerifyBody struct {
	Scope    []string          `json:"scope"`
	AuthData wire.V3AuthData   `json:"authData"`
	Reasons  []json.RawMessage `json:"reasons"`
}

// readV3Verify decodes a verify body and checks what needs no state:
// authData.authMethods must be ["otp"], txnId a UUID.
func (s *Server) readV3Verify(body []byte) (v3VerifyBody, reply, bool) {
	var req v3VerifyBody
	if err := json.Unmarshal(body, &req); err != nil {
		return req, s.v3BadBody(), false
	}
	if !slices.Equal(req.AuthData.AuthMethods, []string{wire.AuthMethodOTP}) {
		return req, s.v3Field(http.StatusBadRequest, "authMethods", msgV3BadAuthMethods), false
	}
	return req, reply{}, true
}

// checkTxnID refuses a txnId that is not a UUID, field-keyed.
func (s *Server) checkTxnID(id string) (reply, bool) {
	if !isUUID(id) {
		return s.v3Field(http.StatusBadRequest, "txnId", msgV3InvalidTxn), false
	}
	return reply{}, true
}

// otpMatches tells whether a decrypted OTP is the one of t and still fresh.
func otpMatches(t *txn, plain string, decrypted bool, now time.Time) bool {
	return decrypted && now.Sub(t.created) <= otpLifetime &&
		subtle.ConstantTimeCompare([]byte(plain), []byte(t.otp)) == 1
}

// v3WrongOTPLocked counts a wrong, undecryptable or expired OTP: HTTP 200
// with authResult "failed", or, at the last allowed attempt, 429 ABDM-1100
// and the end of the transaction. A sign-in by Aadhaar OTP is refused as
// ABDM passes on UIDAI's refusal: 422 ABDM-1204 "UIDAI Error code : 400 :
// Invalid Aadhaar OTP value.".
func (s *Server) v3WrongOTPLocked(t *txn) reply {
	t.attempts++
	if t.attempts >= otpMaxAttempts {
		t.finish()
		return s.v3Flat(http.StatusTooManyRequests, wire.CodeV3TooManyOTPs, msgV3TooManyTries)
	}
	if t.flow == flowV3Login && t.method == wire.AuthMethodAadhaarOTP {
		return v3Nested(http.StatusUnprocessableEntity, wire.CodeV3UIDAIFailure, msgV3UIDAIWrongOTP)
	}
	return jsonReply(http.StatusOK, wire.V3VerifyResponse{TxnID: t.id, AuthResult: wire.AuthResultFailed,
		Message: msgV3WrongOTP, Accounts: []wire.V3Account{}})
}

// v3LoginVerify serves POST {abha}/v3/profile/login/verify: it completes a
// sign-in (an X-token; a transfer token for a sign-in by mobile number) or a
// reactivation, whichever the transaction's scope set says.
func (s *Server) v3LoginVerify(r *http.Request, body []byte) reply {
	req, rp, ok := s.readV3Verify(body)
	if !ok {
		return rp
	}
	scopes := scopeKey(req.Scope)
	switch scopes {
	case scopesLoginAadhaar, scopesLoginMobile, scopesReactivateAadhaar, scopesReactivateMobile:
	default:
		return s.v3BadScopes()
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
	t, found := s.openTxnLocked(req.AuthData.OTP.TxnID, flowV3Login, flowV3Reactivate)
	if !found {
		return s.v3InvalidTxn()
	}
	if t.scope != scopes {
		return s.v3BadScopes()
	}
	if !otpMatches(t, plain, decrypted, now) {
		return s.v3WrongOTPLocked(t)
	}
	t.finish()
	a := t.account
	switch {
	case t.flow == flowV3Reactivate:
		if a.status == StatusDeactivated {
			s.reactivateLocked(a, now)
		}
		return jsonReply(http.StatusOK, s.v3SignInLocked(t, a, msgV3Reactivated, now))
	case a == nil: // by mobile number
		return s.v3MobileSignedInLocked(t, now)
	case a.status == StatusDeactivated: // deactivated since the OTP was sent
		return v3Nested(http.StatusBadRequest, wire.CodeV3Deactivated, msgV3Deactivated)
	}
	return jsonReply(http.StatusOK, s.v3SignInLocked(t, a, msgV3Verified, now))
}

// v3MobileSignedInLocked is the reply to a verified sign-in by mobile
// number t: the mobile's accounts and a transfer token to pick one with.
func (s *Server) v3MobileSignedInLocked(t *txn, now time.Time) reply {
	accounts := s.withMobileLocked(t.mobile)
	listed := make([]wire.V3Account, 0, len(accounts))
	for _, b := range accounts {
		listed = append(listed, v3AccountOf(b))
	}
	return jsonReply(http.StatusOK, wire.V3VerifyResponse{
		TxnID:      t.id,
		AuthResult: wire.AuthResultSuccess,
		Message:    msgV3Verified,
		Token:      s.issueTTokenLocked(t, accounts, now),
		ExpiresIn:  int64(transferTokenTTL / time.Second),
		Accounts:   listed,
	})
}

// v3LoginVerifyUser serves POST {abha}/v3/profile/login/verify/user: with
// the transfer token of a sign-in by mobile number (T-token), the X-token of
// one of that mobile's accounts.
func (s *Server) v3LoginVerifyUser(r *http.Request, body []byte) reply {
	var req wire.V3VerifyUserRequest
	decodeErr := json.Unmarshal(body, &req)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	tok, ok := bearer(r.Header.Get(wire.HeaderTToken))
	tt, found := s.tTokens[tok]
	if !ok || !found || !now.Before(tt.expires) {
		return s.v3Message(http.StatusUnauthorized, msgV3TTokenExpired)
	}
	if decodeErr != nil {
		return s.v3BadBody()
	}
	if req.TxnID != tt.txnID {
		return s.v3Message(http.StatusUnauthorized, msgV3TTokenExpired)
	}
	number, valid := parseABHANumber(strings.TrimSpace(req.ABHANumber))
	i := slices.IndexFunc(tt.accounts, func(a *account) bool { return digits(a.seed.number) == number })
	if !valid || i < 0 {
		return s.v3Field(http.StatusBadRequest, "ABHANumber", msgV3BadABHANumber)
	}
	a := tt.accounts[i]
	if a.status == StatusDeactivated {
		return v3Nested(http.StatusBadRequest, wire.CodeV3Deactivated, msgV3Deactivated)
	}
	return jsonReply(http.StatusOK, wire.V3TokenResponse{
		Token:            s.issueXTokenLocked(a, now),
		ExpiresIn:        int64(s.cfg.tokenTTL / time.Second),
		RefreshToken:     s.v3Refresh(a, now),
		RefreshExpiresIn: int64(v3RefreshTTL / time.Second),
	})
}

// reasonText reads one entry of reasons: a non-blank string, or a JSON
// number taken as its text.
func reasonText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil || strings.TrimSpace(s) == "" {
			return "", false
		}
		return s, true
	}
	var n json.Number
	if (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) && json.Unmarshal(raw, &n) == nil {
		return n.String(), true
	}
	return "", false
}
