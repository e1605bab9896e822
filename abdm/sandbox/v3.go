package sandbox

import (
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// This file holds what every ABHA v3 route shares: the header checks, the
// error shapes, the OAEP decryption, scope sets and the X-token check.

// Rules of the v3 calls.
const (
	v3ClockWindow    = 5 * time.Minute       // TIMESTAMP may be this far from the base clock
	v3RefreshTTL     = 1296000 * time.Second // refreshExpiresIn of a v3 sign-in: 15 days
	transferTokenTTL = 300 * time.Second     // T-token of a sign-in by mobile number
	v3RetryAfter     = "30"                  // Retry-After of ABDM-1022, seconds
)

// Codes and messages of the v3 replies.
const (
	codeV3Array = "ABDM-9999: " // sic, as in the top-level array and the session errors

	msgV3RequestID       = "REQUEST-ID is required and must be a UUID"
	msgV3BadTimestamp    = "Invalid timestamp format"
	msgV3Skew            = "Request timestamp is outside the allowed window"
	msgV3BadBody         = "Invalid request body"
	msgV3BadScopes       = "Invalid combination of scopes"
	msgV3BadLoginHint    = "Invalid Login Hint"
	msgV3BadOTPSystem    = "Invalid otpSystem"
	msgV3BadLoginID      = "Invalid LoginId"
	msgV3ABHANotFound    = "ABHA number not found"
	msgV3Deactivated     = "Deactivated ABHA Account"
	msgV3NoAadhaarMobile = "UIDAI Error: no mobile number is linked with this Aadhaar"
	msgV3UIDAIWrongOTP   = "UIDAI Error code : 400 : Invalid Aadhaar OTP value."
	msgV3TooSoon         = "Too many requests, please try again after some time"
	msgV3TooManyOTPs     = "You have requested too many OTPs. Please try again after 30 minutes"
	msgV3TooManyTries    = "Maximum OTP attempts exceeded. Please try again after 30 minutes"
	msgV3BadAuthMethods  = "Invalid authMethods"
	msgV3InvalidTxn      = "Invalid Transaction Id"
	msgV3WrongOTP        = "Please enter a valid OTP. Entered OTP is either expired or incorrect."
	msgV3XTokenRequired  = "X-token is required"
	msgV3BadXToken       = "Invalid X-token"
	msgV3UnknownXToken   = "Invalid X-Token"
	msgV3XTokenExpired   = "X-token expired"
	msgV3TTokenExpired   = "T-token expired"
	msgV3KeyMissing      = "The encryption key is not available"
)

// Scope sets of the v3 OTP requests, as scopeKey writes them.
var (
	scopesLoginAadhaar      = scopeKey([]string{wire.ScopeABHALogin, wire.ScopeAadhaarVerify})
	scopesLoginMobile       = scopeKey([]string{wire.ScopeABHALogin, wire.ScopeMobileVerify})
	scopesReactivateAadhaar = scopeKey([]string{wire.ScopeABHALogin, wire.ScopeAadhaarVerify, wire.ScopeReactivate})
	scopesReactivateMobile  = scopeKey([]string{wire.ScopeABHALogin, wire.ScopeMobileVerify, wire.ScopeReactivate})
	scopesDeactivate        = scopeKey([]string{wire.ScopeABHAProfile, wire.ScopeDeactivate})
)

// scopeKey writes a list of scopes as a set: sorted, without duplicates,
// comma-separated. Two requests have the same scopes when their keys match.
func scopeKey(scopes []string) string {
	set := slices.Clone(scopes)
	slices.Sort(set)
	return strings.Join(slices.Compact(set), ",")
}

// otpSystemOf is the otpSystem a sign-in or reactivation scope set goes with.
func otpSystemOf(scopes string) string {
	if scopes == scopesLoginAadhaar || scopes == scopesReactivateAadhaar {
		return wire.OTPSystemAadhaar
	}
	return wire.OTPSystemABDM
}

// handleV3 runs a v3 route: the headers every v3 call needs, the gateway
// token (all but the session call), then the route's handler.
func (s *Server) handleV3(route Route, r *http.Request, body []byte) reply {
	if rp, ok := s.checkV3Headers(r); !ok {
		return rp
	}
	if route == RouteV3Session {
		return s.v3Session(r, body)
	}
	if rp, ok := s.checkGateway(r); !ok {
		return rp
	}
	switch route {
	case RouteV3Certificate:
		return s.v3Certificate(r)
	case RouteV3LoginRequestOTP:
		return s.v3LoginRequestOTP(r, body)
	case RouteV3LoginVerify:
		return s.v3LoginVerify(r, body)
	case RouteV3LoginVerifyUser:
		return s.v3LoginVerifyUser(r, body)
	case RouteV3Profile:
		return s.v3Profile(r)
	case RouteV3AccountRequestOTP:
		return s.v3AccountRequestOTP(r, body)
	case RouteV3AccountVerify:
		return s.v3AccountVerify(r, body)
	case RouteV3Logout:
		return s.v3Logout(r)
	}
	return s.v3Flat(http.StatusInternalServerError, wire.CodeV3Generic, "no handler for this route")
}

// checkV3Headers checks REQUEST-ID (a UUID) and TIMESTAMP (exactly
// wire.TimestampLayout, within v3ClockWindow of the base clock). The base
// clock is the configured one without Advance's offset, so moving the
// sandbox clock forward does not make a real-time client's clock skewed.
func (s *Server) checkV3Headers(r *http.Request) (reply, bool) {
	if !isUUID(strings.TrimSpace(r.Header.Get(wire.HeaderRequestID))) {
		return s.v3Field(http.StatusBadRequest, wire.HeaderRequestID, msgV3RequestID), false
	}
	raw := r.Header.Get(wire.HeaderTimestamp)
	ts, err := time.Parse(wire.TimestampLayout, raw)
	if err != nil || ts.Format(wire.TimestampLayout) != raw {
		return s.v3Flat(http.StatusBadRequest, wire.CodeV3BadTimestamp, msgV3BadTimestamp), false
	}
	if skew := s.cfg.clock.Now().Sub(ts); skew > v3ClockWindow || skew < -v3ClockWindow {
		return s.v3Flat(http.StatusBadRequest, wire.CodeV3ClockSkew, msgV3Skew), false
	}
	return reply{}, true
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hexadecimal form
// (any version, either case).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}

// stamp is the "timestamp" of v3 error bodies: the sandbox clock, RFC 3339.
func (s *Server) stamp() string {
	return s.Now().UTC().Format(time.RFC3339)
}

// v3Flat is the flat error {code, message, timestamp}.
func (s *Server) v3Flat(status int, code, msg string) reply {
	return jsonReply(status, wire.V3CodeError{Code: code, Message: msg, Timestamp: s.stamp()})
}

// v3Field is a field-keyed error {"<field>": msg, "timestamp"}.
func (s *Server) v3Field(status int, field, msg string) reply {
	return jsonReply(status, map[string]string{field: msg, "timestamp": s.stamp()})
}

// v3Message is the code-less error {message, timestamp}.
func (s *Server) v3Message(status int, msg string) reply {
	return jsonReply(status, wire.V3MessageError{Message: msg, Timestamp: s.stamp()})
}

// v3Nested is the nested error {error:{code, message}}.
func v3Nested(status int, code, msg string) reply {
	var e wire.V3Error
	e.Error.Code = code
	e.Error.Message = msg
	return jsonReply(status, e)
}

// v3BadLoginHint is ABDM's top-level array for a loginHint it does not know.
func v3BadLoginHint() reply {
	return jsonReply(http.StatusBadRequest, []wire.V3CodeError{{Code: codeV3Array, Message: msgV3BadLoginHint}})
}

// v3BadScopes is the ABDM-1107 refusal of a scope set.
func (s *Server) v3BadScopes() reply {
	return s.v3Flat(http.StatusBadRequest, wire.CodeV3BadScopes, msgV3BadScopes)
}

// v3BadBody answers a body that is not the JSON the call takes.
func (s *Server) v3BadBody() reply {
	return s.v3Flat(http.StatusBadRequest, wire.CodeV3Generic, msgV3BadBody)
}

// v3InvalidTxn is the ABDM-1017 refusal of an unknown or finished txnId.
func (s *Server) v3InvalidTxn() reply {
	return s.v3Flat(http.StatusBadRequest, wire.CodeV3InvalidTxn, msgV3InvalidTxn)
}

// v3KeyMissing answers when the RSA key could not be made.
func (s *Server) v3KeyMissing() reply {
	return s.v3Flat(http.StatusInternalServerError, wire.CodeV3Generic, msgV3KeyMissing)
}

// v3RateLimitLocked is checkRateLocked with the v3 replies: 429 ABDM-1022
// with Retry-After within 30 s of the previous OTP, 429 ABDM-1100 beyond
// five in 30 minutes.
func (s *Server) v3RateLimitLocked(times *[]time.Time, now time.Time) (reply, bool) {
	switch checkRateLocked(times, now) {
	case rateTooMany:
		return s.v3Flat(http.StatusTooManyRequests, wire.CodeV3TooManyOTPs, msgV3TooManyOTPs), true
	case rateTooSoon:
		rp := s.v3Flat(http.StatusTooManyRequests, wire.CodeV3TooManyRequests, msgV3TooSoon)
		rp.header = map[string]string{"Retry-After": v3RetryAfter}
		return rp, true
	}
	return reply{}, false
}

// decryptOAEP undoes a v3 client's encryption: standard base64, then
// RSA-OAEP with SHA-1, MGF1-SHA-1 and an empty label, with the sandbox key.
// The key must be ready. Surrounding white space is dropped from the result.
func (s *Server) decryptOAEP(b64 string) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return "", fmt.Errorf("decoding: %w", err)
	}
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, s.privateKey(), ct, nil)
	if err != nil {
		return "", fmt.Errorf("decrypting: %w", err)
	}
	return strings.TrimSpace(string(plain)), nil
}

// decryptV3 waits for the key and decrypts one encrypted field; decrypted
// tells whether it did. ok is false if the key is missing; rp is then the
// reply.
func (s *Server) decryptV3(r *http.Request, b64 string) (plain string, decrypted bool, rp reply, ok bool) {
	if err := s.KeyReady(r.Context()); err != nil {
		return "", false, s.v3KeyMissing(), false
	}
	plain, err := s.decryptOAEP(b64)
	return plain, err == nil, reply{}, true
}

// parseABHANumber reads a decrypted loginId as an ABHA number: 14 digits,
// with or without the dashes of the 91-1234-5678-9012 form. It returns the
// digits.
func parseABHANumber(id string) (string, bool) {
	if len(id) == 17 {
		for _, i := range []int{2, 7, 12} {
			if id[i] != '-' {
				return "", false
			}
		}
		id = strings.ReplaceAll(id, "-", "")
	}
	if len(id) != 14 || digits(id) != id {
		return "", false
	}
	return id, true
}

// parseMobile reads a decrypted loginId as a 10-digit mobile number.
func parseMobile(id string) (string, bool) {
	return id, len(id) == 10 && digits(id) == id
}

// v3PatientLocked finds the account of the request's X-token
// ("Bearer <token>"): missing, 401 "X-token is required"; not a bearer
// value, 400 "Invalid X-token"; unknown, 401 ABDM-1158; expired, of a
// deactivated account or issued before the account's latest deactivation,
// 401 "X-token expired".
func (s *Server) v3PatientLocked(r *http.Request, now time.Time) (*account, reply, bool) {
	h := r.Header.Get(wire.HeaderV3XToken)
	if strings.TrimSpace(h) == "" {
		return nil, s.v3Message(http.StatusUnauthorized, msgV3XTokenRequired), false
	}
	tok, ok := bearer(h)
	if !ok {
		return nil, s.v3Message(http.StatusBadRequest, msgV3BadXToken), false
	}
	xt, ok := s.xTokens[tok]
	if !ok {
		return nil, v3Nested(http.StatusUnauthorized, wire.CodeV3InvalidXToken, msgV3UnknownXToken), false
	}
	if !now.Before(xt.expires) || !xt.liveOnV3() {
		return nil, s.v3Message(http.StatusUnauthorized, msgV3XTokenExpired), false
	}
	return xt.account, reply{}, true
}

// tToken is a transfer token from a v3 sign-in by mobile number: it lets
// login/verify/user pick one of the accounts of that mobile, for the same
// transaction, until it expires.
type tToken struct {
	txnID    string
	accounts []*account
	expires  time.Time
}

// issueTTokenLocked creates a transfer token for a mobile sign-in and
// forgets expired ones.
func (s *Server) issueTTokenLocked(t *txn, accounts []*account, now time.Time) string {
	for tok, tt := range s.tTokens {
		if !now.Before(tt.expires) {
			delete(s.tTokens, tok)
		}
	}
	exp := now.Add(transferTokenTTL)
	tok := newJWT(s.cfg.random, "Transfer", t.mobile, "abha-user", now, exp)
	s.tTokens[tok] = tToken{txnID: t.id, accounts: accounts, expires: exp}
	return tok
}

// v3AccountOf is an account as a v3 verify reply lists it.
func v3AccountOf(a *account) wire.V3Account {
	return wire.V3Account{
		ABHANumber:           a.seed.number,
		PreferredABHAAddress: a.seed.address,
		Name:                 a.seed.name,
		Gender:               a.seed.gender,
		Status:               a.status,
		ProfilePhoto:         profilePhoto(a.seed.number),
	}
}

// v3SignInLocked signs a in: a new X-token, a refresh token and the reply
// of a successful verify, with msg as its message.
func (s *Server) v3SignInLocked(t *txn, a *account, msg string, now time.Time) wire.V3VerifyResponse {
	tok := s.issueXTokenLocked(a, now)
	return wire.V3VerifyResponse{
		TxnID:            t.id,
		AuthResult:       wire.AuthResultSuccess,
		Message:          msg,
		Token:            tok,
		ExpiresIn:        int64(s.cfg.tokenTTL / time.Second),
		RefreshToken:     s.v3Refresh(a, now),
		RefreshExpiresIn: int64(v3RefreshTTL / time.Second),
		Accounts:         []wire.V3Account{v3AccountOf(a)},
	}
}

// v3Refresh is the refresh token of a v3 sign-in. Nothing accepts it back:
// the sandbox has no v3 refresh call.
func (s *Server) v3Refresh(a *account, now time.Time) string {
	return newJWT(s.cfg.random, "Refresh", a.seed.address, "abha-user", now, now.Add(v3RefreshTTL))
}
