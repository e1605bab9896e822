package sandbox

import (
	"encoding/json"
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
	return s.v2SendOTPFor(body, flowReactivate, PurposeReactivateAadhaar, PurposeReactivateMobile, func(a *account) (reply, bool) {
		if a.status == StatusActive {
			return unprocessable(wire.CodeBadRequest, msgAlreadyActive), true
		}
		return reply{}, false
	})
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
	if rp, right := checkEncryptedOTPLocked(t, found && t.flow == flowReactivate, req.AuthMethod, plain, decErr, now); !right {
		return rp
	}
	t.finish()
	a := t.account
	if a.status == StatusDeactivated { // it may have been reactivated on v3 meanwhile
		s.reactivateLocked(a, now)
	}
	return jsonReply(http.StatusOK, s.signInV2Locked(a, now))
}
