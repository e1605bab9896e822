package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// Messages of the deactivate API.
const (
	msgBadJSON        = "Request body is not valid JSON"
	msgBadAuthMethod  = "authMethod must be AADHAAR_OTP or MOBILE_OTP"
	msgWrongMethod    = "authMethod does not match the OTP sent for this transaction"
	msgBadReasons     = "reasons must be a non-empty list of non-empty strings"
	msgNoTxnID        = "txnId is required"
	msgNoOTP          = "otp is required"
	msgTxnNotFound    = "Transaction not found"
	msgTxnFinished    = "Transaction is already completed or replaced"
	msgOTPExpired     = "OTP expired, please request a new OTP"
	msgInvalidOTP     = "Invalid OTP"
	msgWrongOTPFormat = "Invalid OTP, %d attempt(s) left"
	msgTooManyTries   = "Maximum OTP attempts exceeded. Please try again later"
)

// deactivate serves POST {healthid}/v2/account/profile/deactivate.
func (s *Server) deactivate(r *http.Request, body []byte) reply {
	// The X-Token is checked first, as ABDM's filters do.
	s.mu.Lock()
	_, rp, ok := s.patientLocked(r, s.Now())
	s.mu.Unlock()
	if !ok {
		return rp
	}
	var req wire.DeactivateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return badRequest(msgBadJSON, "body", "")
	}
	if rp, ok := validateDeactivate(req); !ok {
		return rp
	}
	// Decrypt outside the lock; whether it worked is judged below, in order.
	if err := s.KeyReady(r.Context()); err != nil {
		return internalError("The encryption key is not available")
	}
	plain, decErr := s.decryptOTP(req.OTP)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	a, rp, ok := s.patientLocked(r, now) // the account may have changed meanwhile
	if !ok {
		return rp
	}
	t, found := s.txns[req.TxnID]
	if rp, right := checkEncryptedOTPLocked(t, found && t.account == a && t.flow == flowAccount, req.AuthMethod, plain, decErr, now); !right {
		return rp
	}
	t.finish()
	s.deactivateLocked(a, Deactivation{Time: now, AuthMethod: req.AuthMethod, Reasons: slices.Clone(req.Reasons)})
	return emptyReply(http.StatusNoContent)
}

// checkEncryptedOTPLocked judges a v2 call that confirms transaction t
// with an OTP encrypted with PKCS#1 v1.5 (deactivate, reactivate): known
// says t exists and belongs to the call; plain and decErr are the
// decryption's result. A wrong OTP counts an attempt. It returns the HIS
// refusal to send, or right when the OTP is the one sent.
func checkEncryptedOTPLocked(t *txn, known bool, method string, plain []byte, decErr error, now time.Time) (rp reply, right bool) {
	switch {
	case !known:
		return unprocessable(wire.CodeTxnNotFound, msgTxnNotFound), false
	case t.done:
		return unprocessable(wire.CodeTxnFinished, msgTxnFinished), false
	case t.method != method:
		return badRequest(msgWrongMethod, "authMethod", method), false
	case now.Sub(t.created) > otpLifetime:
		return unprocessable(wire.CodeOTPExpired, msgOTPExpired), false
	}
	if decErr == nil && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(string(plain))), []byte(t.otp)) == 1 {
		return reply{}, true
	}
	t.attempts++
	switch {
	case t.attempts >= otpMaxAttempts:
		t.done = true
		return unprocessable(wire.CodeTooManyAttempts, msgTooManyTries), false
	case decErr != nil:
		return unprocessable(wire.CodeWrongOTPAlt, msgInvalidOTP), false
	}
	return unprocessable(wire.CodeWrongOTP, fmt.Sprintf(msgWrongOTPFormat, otpMaxAttempts-t.attempts)), false
}

// validateDeactivate checks the fields of a deactivate request that need no
// state.
func validateDeactivate(req wire.DeactivateRequest) (reply, bool) {
	if req.AuthMethod != wire.AuthMethodAadhaarOTP && req.AuthMethod != wire.AuthMethodMobileOTP {
		return badRequest(msgBadAuthMethod, "authMethod", req.AuthMethod), false
	}
	if len(req.Reasons) == 0 || slices.ContainsFunc(req.Reasons, func(r string) bool { return strings.TrimSpace(r) == "" }) {
		return badRequest(msgBadReasons, "reasons", ""), false
	}
	if strings.TrimSpace(req.TxnID) == "" {
		return badRequest(msgNoTxnID, "txnId", ""), false
	}
	if strings.TrimSpace(req.OTP) == "" {
		return badRequest(msgNoOTP, "otp", ""), false
	}
	return reply{}, true
}

// decryptOTP undoes the client's encryption: standard base64, then RSA
// PKCS#1 v1.5 with the sandbox key. The key must be ready.
func (s *Server) decryptOTP(b64 string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("decoding the OTP: %w", err)
	}
	// ABDM requires RSA/ECB/PKCS1Padding; the sandbox must accept what it accepts.
	//lint:ignore SA1019 PKCS #1 v1.5 encryption is what the ABDM API specifies.
	plain, err := rsa.DecryptPKCS1v15(rand.Reader, s.privateKey(), ct)
	if err != nil {
		return nil, fmt.Errorf("decrypting the OTP: %w", err)
	}
	return plain, nil
}
