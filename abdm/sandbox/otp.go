package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"abha-deactivate/abdm/wire"
)

// OTP rules of the simulated service.
const (
	otpResendGap    = 30 * time.Second // least time between two OTPs of an account
	otpWindow       = 30 * time.Minute // an account gets at most otpWindowMax OTPs
	otpWindowMax    = 5                // in any otpWindow
	otpLifetime     = 10 * time.Minute
	otpMaxAttempts  = 3 // wrong OTPs per transaction
	txnRetention    = time.Hour
	msgNoMobile     = "Could not find registered mobile number for given Aadhaar"
	msgNoABHAMobile = "Could not find a mobile number linked to this ABHA"
	msgResendSoon   = "Please wait 30 seconds before requesting a new OTP"
	msgTooManyOTPs  = "Too many OTP requests. Try again after 30 minutes"
	msgNotAnObject  = "Request body must be a JSON object"
)

// txn is an OTP transaction: one OTP sent, waiting to be used.
type txn struct {
	id       string
	account  *account
	otp      string
	method   string // wire.AuthMethodAadhaarOTP or wire.AuthMethodMobileOTP
	created  time.Time
	attempts int  // wrong OTPs so far
	done     bool // used, replaced, or out of attempts
	login    bool // started by auth/init (confirm calls), not generateOTP (deactivate)
}

// generateOTP serves POST {healthid}/v2/account/{aadhaar|mobile}/generateOTP.
// The Aadhaar route needs a JSON object body ({}); the mobile route, which
// ABDM documents without a body, also accepts an empty one.
func (s *Server) generateOTP(r *http.Request, body []byte, purpose string) reply {
	if !isJSONObject(body, purpose == PurposeMobile) {
		return badRequest(msgNotAnObject, "body", "")
	}
	s.mu.Lock()
	now := s.Now()
	a, rp, ok := s.patientLocked(r, now)
	if !ok {
		s.mu.Unlock()
		return rp
	}
	to, method, missing := a.seed.aadhaarMobile, wire.AuthMethodAadhaarOTP, msgNoMobile
	if purpose == PurposeMobile {
		to, method, missing = a.seed.mobile, wire.AuthMethodMobileOTP, msgNoABHAMobile
	}
	if to == "" {
		s.mu.Unlock()
		return unprocessable(wire.CodeNoLinkedMobile, missing)
	}
	if rp, limited := rateLimitLocked(&a.otpTimes, now); limited {
		s.mu.Unlock()
		return rp
	}
	return s.sendOTPLocked(a, method, false, to, purpose, now)
}

// sendOTPLocked opens a transaction for a, puts its OTP in the outbox, then
// unlocks s and tells the listener (never under the lock). It is the tail
// of every OTP-sending route; login says whether the OTP signs the patient in.
func (s *Server) sendOTPLocked(a *account, method string, login bool, to, purpose string, now time.Time) reply {
	t := s.newTxnLocked(a, method, login, now)
	msg := OTPMessage{Time: now, TxnID: t.id, OTP: t.otp, ABHANumber: a.seed.number,
		MaskedMobile: maskMobile(to), Purpose: purpose}
	s.sendLocked(msg)
	s.mu.Unlock()

	if fn := s.cfg.otpListener; fn != nil {
		fn(msg)
	}
	return jsonReply(http.StatusOK, wire.TxnResponse{TxnID: t.id, MobileNumber: msg.MaskedMobile})
}

// rateLimitLocked refuses an OTP within 30 s of the previous one, or beyond
// five in 30 minutes, given when an account's earlier OTPs of one flow were
// sent (times, pruned here): Aadhaar and mobile OTPs count together.
func rateLimitLocked(times *[]time.Time, now time.Time) (reply, bool) {
	recent := (*times)[:0]
	for _, t := range *times {
		if now.Sub(t) < otpWindow {
			recent = append(recent, t)
		}
	}
	*times = recent
	if len(recent) >= otpWindowMax {
		return unprocessable(wire.CodeTooManyOTPRequests, msgTooManyOTPs), true
	}
	if n := len(recent); n > 0 && now.Sub(recent[n-1]) < otpResendGap {
		return unprocessable(wire.CodeResendTooSoon, msgResendSoon), true
	}
	return reply{}, false
}

// newTxnLocked starts a transaction for a, replacing its previous one of the
// same flow (login or account), records the send for the flow's rate limit,
// and forgets transactions older than txnRetention.
func (s *Server) newTxnLocked(a *account, method string, login bool, now time.Time) *txn {
	for id, t := range s.txns {
		if now.Sub(t.created) > txnRetention {
			delete(s.txns, id)
		}
	}
	slot, times := &a.txn, &a.otpTimes
	if login {
		slot, times = &a.loginTxn, &a.loginTimes
	}
	if *slot != nil {
		(*slot).done = true
	}
	t := &txn{id: newUUID(s.cfg.random), account: a, otp: newOTP(s.cfg.random), method: method, created: now, login: login}
	s.txns[t.id] = t
	*slot = t
	*times = append(*times, now)
	return t
}

// isJSONObject reports whether body is a JSON object (or, if emptyOK,
// nothing but white space). Only JSON's white space (space, tab, CR, LF) may
// surround it: other characters, such as a vertical tab, make it invalid JSON.
func isJSONObject(body []byte, emptyOK bool) bool {
	trimmed := bytes.Trim(body, " \t\r\n")
	if len(trimmed) == 0 {
		return emptyOK
	}
	var m map[string]json.RawMessage
	return trimmed[0] == '{' && json.Unmarshal(trimmed, &m) == nil
}
