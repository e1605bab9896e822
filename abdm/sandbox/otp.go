package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
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

// flow is the kind of an OTP transaction. Every flow has its own
// transactions and its own rate limit per account, and a transaction is
// only ever verified by the calls of its own flow: a txnId of another flow
// is unknown there.
type flow int

const (
	flowAccount      flow = iota // v2 generateOTP, then deactivate
	flowLogin                    // v2 auth/init, then confirmWith...
	flowReactivate               // v2 reactivate/init, then reactivate
	flowV3Login                  // v3 login/request/otp (sign-in scopes), then login/verify
	flowV3Account                // v3 account/request/otp (de-activate), then account/verify
	flowV3Reactivate             // v3 OTP with the re-activate scope, then login/verify
	numFlows
)

// otpFlow is the state of one flow for one account (or, for the v3 mobile
// sign-in, for one mobile number): when its OTPs were sent, for the rate
// limit, and its current transaction.
type otpFlow struct {
	times []time.Time
	txn   *txn
}

// txn is an OTP transaction: one OTP sent, waiting to be used.
type txn struct {
	id       string
	flow     flow
	slot     *otpFlow // where the transaction is the current one of its flow
	account  *account // nil for a v3 sign-in by mobile number
	mobile   string   // v3 sign-in by mobile number: the mobile the OTP went to
	otp      string
	method   string // wire.AuthMethodAadhaarOTP or wire.AuthMethodMobileOTP
	scope    string // v3: the scope set of the OTP request, as scopeKey gives it
	created  time.Time
	attempts int  // wrong OTPs so far
	done     bool // used, replaced, or out of attempts
}

// finish marks t as used and no longer the current transaction of its flow.
func (t *txn) finish() {
	t.done = true
	if t.slot != nil && t.slot.txn == t {
		t.slot.txn = nil
	}
}

// openTxnLocked returns the transaction id if it is still open and of one of
// the flows given.
func (s *Server) openTxnLocked(id string, flows ...flow) (*txn, bool) {
	t, found := s.txns[id]
	if !found || t.done || !slices.Contains(flows, t.flow) {
		return nil, false
	}
	return t, true
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
	if rp, limited := rateLimitLocked(&a.flows[flowAccount].times, now); limited {
		s.mu.Unlock()
		return rp
	}
	return s.sendOTPLocked(a, flowAccount, method, to, purpose, now)
}

// sendOTPLocked opens a transaction of flow f for a, puts its OTP in the
// outbox, then unlocks s and tells the listener (never under the lock). It
// is the tail of every v2 OTP-sending route.
func (s *Server) sendOTPLocked(a *account, f flow, method, to, purpose string, now time.Time) reply {
	t := s.newTxnLocked(&a.flows[f], a, f, method, now)
	msg := s.deliverLocked(t, to, purpose, now)
	return jsonReply(http.StatusOK, wire.TxnResponse{TxnID: t.id, MobileNumber: msg.MaskedMobile})
}

// deliverLocked puts the OTP of t, sent to the mobile to, in the outbox, then
// unlocks s and calls the OTP listener, if any, with no lock held.
func (s *Server) deliverLocked(t *txn, to, purpose string, now time.Time) OTPMessage {
	msg := OTPMessage{Time: now, TxnID: t.id, OTP: t.otp, MaskedMobile: maskMobile(to), Purpose: purpose}
	if t.account != nil {
		msg.ABHANumber = t.account.seed.number
	}
	s.sendLocked(msg)
	s.mu.Unlock()

	if fn := s.cfg.otpListener; fn != nil {
		fn(msg)
	}
	return msg
}

// rateVerdict is what the OTP rate limit says about one more OTP.
type rateVerdict int

const (
	rateOK      rateVerdict = iota
	rateTooSoon             // within otpResendGap of the previous OTP
	rateTooMany             // otpWindowMax already sent in otpWindow
)

// checkRateLocked judges one more OTP given when the earlier OTPs of one
// flow were sent (times, pruned here): within 30 s of the previous one, or
// beyond five in 30 minutes, it is refused. Aadhaar and mobile OTPs of a
// flow count together.
func checkRateLocked(times *[]time.Time, now time.Time) rateVerdict {
	recent := (*times)[:0]
	for _, t := range *times {
		if now.Sub(t) < otpWindow {
			recent = append(recent, t)
		}
	}
	*times = recent
	if len(recent) >= otpWindowMax {
		return rateTooMany
	}
	if n := len(recent); n > 0 && now.Sub(recent[n-1]) < otpResendGap {
		return rateTooSoon
	}
	return rateOK
}

// rateLimitLocked is checkRateLocked with the v2 replies (422 HIS-2017 and
// HIS-1023).
func rateLimitLocked(times *[]time.Time, now time.Time) (reply, bool) {
	switch checkRateLocked(times, now) {
	case rateTooMany:
		return unprocessable(wire.CodeTooManyOTPRequests, msgTooManyOTPs), true
	case rateTooSoon:
		return unprocessable(wire.CodeResendTooSoon, msgResendSoon), true
	}
	return reply{}, false
}

// newTxnLocked starts a transaction of flow f in slot (a's, or a mobile's
// for a v3 sign-in by mobile number, when a is nil), replacing the slot's
// previous one, records the send for the slot's rate limit, and forgets
// transactions older than txnRetention.
func (s *Server) newTxnLocked(slot *otpFlow, a *account, f flow, method string, now time.Time) *txn {
	for id, t := range s.txns {
		if now.Sub(t.created) > txnRetention {
			delete(s.txns, id)
		}
	}
	if slot.txn != nil {
		slot.txn.done = true
	}
	t := &txn{id: newUUID(s.cfg.random), flow: f, slot: slot, account: a, otp: newOTP(s.cfg.random),
		method: method, created: now}
	s.txns[t.id] = t
	slot.txn = t
	slot.times = append(slot.times, now)
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
