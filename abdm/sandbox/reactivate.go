package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"abha-deactivate/abdm/wire"
)

// Messages of the v2 reactivation calls.
const (
	msgAlreadyActive = "ABHA number is already active"
)

// reactivateInit serves POST {healthid}/v2/auth/reactivate/init: it sends a
// reactivation OTP for a deactivated account, found by ABHA number or
// address, to its Aadhaar-linked mobile (AADHAAR_OTP) or its own mobile
// (MOBILE_OTP). No X-Token: a deactivated ABHA cannot sign in.
func (s *Server) reactivateInit(body []byte) reply {
	var req wire.ReactivateInitRequest
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
	if a.status == StatusActive {
		s.mu.Unlock()
		return unprocessable(wire.CodeBadRequest, msgAlreadyActive)
	}
	to, purpose, missing := a.seed.aadhaarMobile, PurposeReactivateAadhaar, msgNoMobile
	if req.AuthMethod == wire.AuthMethodMobileOTP {
		to, purpose, missing = a.seed.mobile, PurposeReactivateMobile, msgNoABHAMobile
	}
	if to == "" {
		s.mu.Unlock()
		return unprocessable(wire.CodeNoLinkedMobile, missing)
	}
	if rp, limited := rateLimitLocked(&a.flows[flowReactivate].times, now); limited {
		s.mu.Unlock()
		return rp
	}
	return s.sendOTPLocked(a, flowReactivate, req.AuthMethod, to, purpose, now)
}

// reactivate serves POST {healthid}/v2/auth/reactivate: the OTP of a
// reactivation transaction, RSA PKCS#1 v1.5 encrypted as for deactivate,
// makes the account active again and signs the patient in.
func (s *Server) reactivate(r *http.Request, body []byte) reply {
	var req wire.ReactivateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return badRequest(msgBadJSON, "body", "")
	}
	if req.AuthMethod != wire.AuthMethodAadhaarOTP && req.AuthMethod != wire.AuthMethodMobileOTP {
		return badRequest(msgBadAuthMethod, "authMethod", req.AuthMethod)
	}
	if strings.TrimSpace(req.TxnID) == "" {
		return badRequest(msgNoTxnID, "txnId", "")
	}
	if strings.TrimSpace(req.OTP) == "" {
		return badRequest(msgNoOTP, "otp", "")
	}
	if err := s.KeyReady(r.Context()); err != nil {
		return internalError("The encryption key is not available")
	}
	plain, decErr := s.decryptOTP(req.OTP)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	t, found := s.txns[req.TxnID]
	switch {
	case !found || t.flow != flowReactivate:
		return unprocessable(wire.CodeTxnNotFound, msgTxnNotFound)
	case t.done:
		return unprocessable(wire.CodeTxnFinished, msgTxnFinished)
	case t.method != req.AuthMethod:
		return badRequest(msgWrongMethod, "authMethod", req.AuthMethod)
	case now.Sub(t.created) > otpLifetime:
		return unprocessable(wire.CodeOTPExpired, msgOTPExpired)
	}
	right := decErr == nil &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(string(plain))), []byte(t.otp)) == 1
	if !right {
		t.attempts++
		if t.attempts >= otpMaxAttempts {
			t.done = true
			return unprocessable(wire.CodeTooManyAttempts, msgTooManyTries)
		}
		if decErr != nil {
			return unprocessable(wire.CodeWrongOTPAlt, msgInvalidOTP)
		}
		return unprocessable(wire.CodeWrongOTP, fmt.Sprintf(msgWrongOTPFormat, otpMaxAttempts-t.attempts))
	}
	t.finish()
	a := t.account
	if a.status == StatusDeactivated { // it may have been reactivated on v3 meanwhile
		s.reactivateLocked(a, now)
	}
	return jsonReply(http.StatusOK, s.signInV2Locked(a, now))
}
