package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// Rules and messages of the login calls (search, auth/init, confirm).
const (
	loginRefreshTTL   = 24 * time.Hour // refreshExpiresIn of a confirm reply: 86400 s
	msgNoHealthID     = "healthId is required"
	msgNoHealthIDInit = "healthid is required"
	msgNoDetails      = "No details found for the given ABHA number or address"
	msgOTPNotDigits   = "otp must be the OTP in plain digits"
)

// decodeFields reads the string fields of a JSON object body into fields,
// matching names exactly as ABDM's Jackson does (encoding/json would also take
// "healthId" for "healthid"). Absent or null fields stay empty; other fields
// are ignored; a null body is an object with no fields. If the body is not a
// JSON object, or a field is not a string, it returns the 400 to send.
func decodeFields(body []byte, fields ...field) (reply, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return badRequest(msgBadJSON, "body", ""), false
	}
	for _, f := range fields {
		if raw, ok := m[f.name]; ok && json.Unmarshal(raw, f.dst) != nil {
			return badRequest(f.name+" must be a string", f.name, ""), false
		}
	}
	return reply{}, true
}

// field is a string field of a request body, for decodeFields.
type field struct {
	name string
	dst  *string
}

// lookupLocked finds an account by ABHA number (14 digits, hyphens and
// spaces optional) or by exact ABHA address (any case). It is stricter than
// findLocked: "x91-5512-3456-7890" is not a number.
func (s *Server) lookupLocked(id string) (*account, bool) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, false
	}
	number := strings.NewReplacer("-", "", " ", "").Replace(id)
	isNumber := len(number) == 14 && digits(number) == number
	for _, a := range s.accounts {
		if isNumber && number == digits(a.seed.number) {
			return a, true
		}
		if !isNumber && strings.EqualFold(id, a.seed.address) {
			return a, true
		}
	}
	return nil, false
}

// loginMethods lists the OTP methods an account can sign in with: Aadhaar
// OTP only if a mobile is linked to its Aadhaar.
func loginMethods(a *account) []string {
	var m []string
	if a.seed.aadhaarMobile != "" {
		m = append(m, wire.AuthMethodAadhaarOTP)
	}
	if a.seed.mobile != "" {
		m = append(m, wire.AuthMethodMobileOTP)
	}
	return m
}

// search serves POST {healthid}/v1/search/searchByHealthId. Deactivated
// accounts are found too, with their status.
func (s *Server) search(body []byte) reply {
	var req wire.SearchRequest
	if rp, ok := decodeFields(body, field{"healthId", &req.HealthID}); !ok {
		return rp
	}
	if strings.TrimSpace(req.HealthID) == "" {
		return badRequest(msgNoHealthID, "healthId", "")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.lookupLocked(req.HealthID)
	if !ok {
		return unprocessable(wire.CodeAccountNotFound, msgNoDetails)
	}
	return jsonReply(http.StatusOK, wire.SearchResponse{
		HealthID:       a.seed.address,
		HealthIDNumber: a.seed.number,
		Name:           a.seed.name,
		Status:         a.status,
		AuthMethods:    loginMethods(a),
	})
}

// authInit serves POST {healthid}/v2/auth/init: it sends a login OTP to the
// Aadhaar-linked mobile (AADHAAR_OTP) or the ABHA's own mobile (MOBILE_OTP).
// Login OTPs have their own rate limit, with the rules of generateOTP.
func (s *Server) authInit(body []byte) reply {
	return s.v2SendOTPFor(body, flowLogin, PurposeLoginAadhaar, PurposeLoginMobile, func(a *account) (reply, bool) {
		if a.status == StatusDeactivated {
			return unprocessable(wire.CodeAccountDisabled, msgAccountDeactivated), true
		}
		return reply{}, false
	})
}

// v2SendOTPFor serves the v2 calls that send an OTP for the ABHA a body
// {authMethod, healthid} names (auth/init, auth/reactivate/init), in flow
// fl with its purposes; refuse says whether the account's state forbids it.
func (s *Server) v2SendOTPFor(body []byte, fl flow, aadhaarPurpose, mobilePurpose string, refuse func(*account) (reply, bool)) reply {
	var req wire.AuthInitRequest
	if rp, ok := decodeFields(body, field{"authMethod", &req.AuthMethod}, field{"healthid", &req.HealthID}); !ok {
		return rp
	}
	if req.AuthMethod != wire.AuthMethodAadhaarOTP && req.AuthMethod != wire.AuthMethodMobileOTP {
		return badRequest(msgBadAuthMethod, "authMethod", req.AuthMethod)
	}
	if strings.TrimSpace(req.HealthID) == "" {
		return badRequest(msgNoHealthIDInit, "healthid", "")
	}
	s.mu.Lock()
	now := s.Now()
	a, ok := s.lookupLocked(req.HealthID)
	if !ok {
		s.mu.Unlock()
		return unprocessable(wire.CodeAccountNotFound, msgNoDetails)
	}
	if rp, refused := refuse(a); refused {
		s.mu.Unlock()
		return rp
	}
	to, purpose, missing := a.seed.aadhaarMobile, aadhaarPurpose, msgNoMobile
	if req.AuthMethod == wire.AuthMethodMobileOTP {
		to, purpose, missing = a.seed.mobile, mobilePurpose, msgNoABHAMobile
	}
	if to == "" {
		s.mu.Unlock()
		return unprocessable(wire.CodeNoLinkedMobile, missing)
	}
	if rp, limited := rateLimitLocked(&a.flows[fl].times, now); limited {
		s.mu.Unlock()
		return rp
	}
	return s.sendOTPLocked(a, fl, req.AuthMethod, to, purpose, now)
}

// confirmOTP serves POST {healthid}/v1/auth/confirmWithAadhaarOtp and
// confirmWithMobileOTP (method says which). The OTP comes in plain digits.
// The right OTP signs the patient in: a new X-Token, as IssueToken gives.
func (s *Server) confirmOTP(body []byte, method string) reply {
	var req wire.ConfirmOTPRequest
	if rp, ok := decodeFields(body, field{"txnId", &req.TxnID}, field{"otp", &req.OTP}); !ok {
		return rp
	}
	if strings.TrimSpace(req.TxnID) == "" {
		return badRequest(msgNoTxnID, "txnId", "")
	}
	otp := strings.TrimSpace(req.OTP)
	if otp == "" {
		return badRequest(msgNoOTP, "otp", "")
	}
	if digits(otp) != otp {
		return badRequest(msgOTPNotDigits, "otp", "")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	t, found := s.txns[req.TxnID]
	switch {
	case !found || t.flow != flowLogin || t.method != method:
		return unprocessable(wire.CodeTxnNotFound, msgTxnNotFound)
	case t.done:
		return unprocessable(wire.CodeTxnFinished, msgTxnFinished)
	case now.Sub(t.created) > otpLifetime:
		return unprocessable(wire.CodeOTPExpired, msgOTPExpired)
	case t.account.status == StatusDeactivated: // deactivated since auth/init
		t.done = true
		return unprocessable(wire.CodeAccountDisabled, msgAccountDeactivated)
	}
	if subtle.ConstantTimeCompare([]byte(otp), []byte(t.otp)) != 1 {
		t.attempts++
		if t.attempts >= otpMaxAttempts {
			t.done = true
			return unprocessable(wire.CodeTooManyAttempts, msgTooManyTries)
		}
		return unprocessable(wire.CodeWrongOTP, fmt.Sprintf(msgWrongOTPFormat, otpMaxAttempts-t.attempts))
	}
	t.finish()
	return jsonReply(http.StatusOK, s.signInV2Locked(t.account, now))
}

// signInV2Locked signs a in as a v2 confirm call does: a new X-Token and a
// refresh token.
func (s *Server) signInV2Locked(a *account, now time.Time) wire.JwtResponse {
	tok := s.issueXTokenLocked(a, now)
	refresh := newJWT(s.cfg.random, "Refresh", a.seed.address, "abha-user", now, now.Add(loginRefreshTTL))
	return wire.JwtResponse{
		Token:            tok,
		ExpiresIn:        int64(s.cfg.tokenTTL / time.Second),
		RefreshToken:     refresh,
		RefreshExpiresIn: int64(loginRefreshTTL / time.Second),
	}
}
