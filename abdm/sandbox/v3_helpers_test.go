package sandbox_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// Scope sets of the v3 calls, as clients send them.
var (
	scopesLoginAadhaar      = []string{wire.ScopeABHALogin, wire.ScopeAadhaarVerify}
	scopesLoginMobile       = []string{wire.ScopeABHALogin, wire.ScopeMobileVerify}
	scopesDeactivate        = []string{wire.ScopeABHAProfile, wire.ScopeDeactivate}
	scopesReactivateMobile  = []string{wire.ScopeABHALogin, wire.ScopeMobileVerify, wire.ScopeReactivate}
	scopesReactivateAadhaar = []string{wire.ScopeABHALogin, wire.ScopeAadhaarVerify, wire.ScopeReactivate}
)

// newRequestID returns a random UUID for the REQUEST-ID header.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// v3Stamp is a TIMESTAMP header value for the base clock.
func (e *env) v3Stamp() string {
	return e.clock.Now().UTC().Format(wire.TimestampLayout)
}

// v3Session posts a v3 session request with the given headers on top of
// REQUEST-ID, TIMESTAMP and X-CM-ID (an empty value removes a header).
func (e *env) v3Session(req wire.V3SessionRequest, extra map[string]string) resp {
	e.t.Helper()
	h := map[string]string{wire.HeaderRequestID: newRequestID(), wire.HeaderTimestamp: e.v3Stamp(), wire.HeaderCMID: wire.CMIDSandbox}
	merge(h, extra)
	return e.do(http.MethodPost, sandbox.GatewayV3Base+wire.PathV3Sessions, h, jsonBody(e.t, req))
}

// goodV3Login is a v3 client_credentials request with the right credentials.
func (e *env) goodV3Login() wire.V3SessionRequest {
	c := e.sb.Credentials()
	return wire.V3SessionRequest{ClientID: c.ClientID, ClientSecret: c.ClientSecret, GrantType: wire.GrantClientCreds}
}

// v3Login opens a v3 gateway session and returns it.
func (e *env) v3Login() wire.V3SessionResponse {
	e.t.Helper()
	r := e.v3Session(e.goodV3Login(), nil)
	if r.status != http.StatusAccepted {
		e.t.Fatalf("v3 session: status %d, body %s", r.status, r.body)
	}
	var s wire.V3SessionResponse
	decode(e.t, r, &s)
	return s
}

// v3Headers are the headers of an ABHA v3 call with the current gateway
// token (from a v3 session), and extra on top (an empty value removes a
// header).
func (e *env) v3Headers(extra map[string]string) map[string]string {
	e.t.Helper()
	if e.access == "" {
		e.access = e.v3Login().AccessToken
	}
	h := map[string]string{
		wire.HeaderRequestID:     newRequestID(),
		wire.HeaderTimestamp:     e.v3Stamp(),
		wire.HeaderAuthorization: "Bearer " + e.access,
	}
	merge(h, extra)
	return h
}

// merge puts extra into h; an empty value deletes the header.
func merge(h, extra map[string]string) {
	for k, v := range extra {
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
}

// withX is the extra header of a patient token.
func withX(tok string) map[string]string {
	if tok == "" {
		return nil
	}
	return map[string]string{wire.HeaderV3XToken: "Bearer " + tok}
}

// v3 calls an ABHA v3 path with full headers and extra on top.
func (e *env) v3(method, path string, extra map[string]string, body string) resp {
	e.t.Helper()
	return e.do(method, sandbox.ABHAV3Base+path, e.v3Headers(extra), body)
}

// oaep encrypts as a v3 client must: RSA-OAEP, SHA-1, empty label, base64.
func oaep(t *testing.T, plain string) string {
	t.Helper()
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &testKey.PublicKey, []byte(plain), nil)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

// oaep256 encrypts with OAEP-SHA-256, a cipher v3 refuses.
func oaep256(t *testing.T, plain string) string {
	t.Helper()
	ct, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, &testKey.PublicKey, []byte(plain), nil)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

// otpReq builds an OTP request with loginId encrypted as a client must.
func otpReq(t *testing.T, scopes []string, hint, loginID, system string) wire.V3OTPRequest {
	return wire.V3OTPRequest{Scope: scopes, LoginHint: hint, LoginID: oaep(t, loginID), OTPSystem: system}
}

// v3OTP posts an OTP request to path (login or account request/otp).
func (e *env) v3OTP(path string, req wire.V3OTPRequest, xToken string) resp {
	e.t.Helper()
	return e.v3(http.MethodPost, path, withX(xToken), jsonBody(e.t, req))
}

// v3RequestOTP posts an OTP request that must succeed and returns the reply
// and the message that landed in the outbox.
func (e *env) v3RequestOTP(path string, req wire.V3OTPRequest, xToken string) (wire.V3TxnResponse, sandbox.OTPMessage) {
	e.t.Helper()
	before := len(e.sb.Outbox())
	r := e.v3OTP(path, req, xToken)
	if r.status != http.StatusOK {
		e.t.Fatalf("v3 OTP request %s: status %d, body %s", path, r.status, r.body)
	}
	var txn wire.V3TxnResponse
	decode(e.t, r, &txn)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := e.sb.WaitOTP(ctx, before)
	if err != nil {
		e.t.Fatal(err)
	}
	if msg.TxnID != txn.TxnID {
		e.t.Fatalf("outbox %+v for reply %+v", msg, txn)
	}
	return txn, msg
}

// verifyReq builds a verify body with the OTP encrypted by OAEP.
func verifyReq(t *testing.T, scopes []string, txnID, otp string, reasons ...string) wire.V3VerifyRequest {
	return wire.V3VerifyRequest{Scope: scopes, Reasons: reasons, AuthData: wire.V3AuthData{
		AuthMethods: []string{wire.AuthMethodOTP}, OTP: wire.V3OTP{TxnID: txnID, OTPValue: oaep(t, otp)}}}
}

// v3Verify posts a verify body to path (login/verify or account/verify).
func (e *env) v3Verify(path string, req any, xToken string) resp {
	e.t.Helper()
	return e.v3(http.MethodPost, path, withX(xToken), jsonBody(e.t, req))
}

// v3VerifyOK posts a verify body that must succeed and returns the reply.
func (e *env) v3VerifyOK(path string, req any, xToken string) wire.V3VerifyResponse {
	e.t.Helper()
	r := e.v3Verify(path, req, xToken)
	if r.status != http.StatusOK {
		e.t.Fatalf("verify %s: status %d, body %s", path, r.status, r.body)
	}
	var v wire.V3VerifyResponse
	decode(e.t, r, &v)
	if v.AuthResult != wire.AuthResultSuccess {
		e.t.Fatalf("verify %s: %s", path, r.body)
	}
	return v
}

// v3SignIn signs account i in by ABHA number with an OTP to the ABHA's
// mobile and returns the X-token.
func (e *env) v3SignIn(i int) string {
	e.t.Helper()
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(e.t, scopesLoginMobile, wire.LoginHintABHANumber, e.number(i), wire.OTPSystemABDM), "")
	v := e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(e.t, scopesLoginMobile, txn.TxnID, msg.OTP), "")
	if v.Token == "" || v.RefreshToken == "" {
		e.t.Fatalf("sign-in reply %+v", v)
	}
	return v.Token
}

// v3Deactivate deactivates account i, signed in with xToken, by an OTP to
// the ABHA's mobile.
func (e *env) v3Deactivate(i int, xToken string) wire.V3VerifyResponse {
	e.t.Helper()
	txn, msg := e.v3RequestOTP(wire.PathV3AccountRequestOTP,
		otpReq(e.t, scopesDeactivate, wire.LoginHintABHANumber, e.number(i), wire.OTPSystemABDM), xToken)
	return e.v3VerifyOK(wire.PathV3AccountVerify, verifyReq(e.t, scopesDeactivate, txn.TxnID, msg.OTP, "Requested by ABHA holder"), xToken)
}

// wantStatus checks a reply's status.
func wantStatus(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (body %s)", r.status, status, r.body)
	}
}

// wantTimestamp checks the "timestamp" of a v3 error body.
func wantTimestamp(t *testing.T, ts string) {
	t.Helper()
	if _, err := time.Parse(time.RFC3339, ts); err != nil {
		t.Fatalf("timestamp %q: %v", ts, err)
	}
}

// wantV3Flat checks a flat error {code, message, timestamp}.
func wantV3Flat(t *testing.T, r resp, status int, code, msg string) {
	t.Helper()
	wantStatus(t, r, status)
	var e wire.V3CodeError
	decode(t, r, &e)
	if e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("error %s, want %s %q", r.body, code, msg)
	}
	wantTimestamp(t, e.Timestamp)
}

// wantV3Field checks a field-keyed error {"<field>": msg, "timestamp"}.
func wantV3Field(t *testing.T, r resp, status int, field, msg string) {
	t.Helper()
	wantStatus(t, r, status)
	var m map[string]string
	decode(t, r, &m)
	if len(m) != 2 || m[field] != msg {
		t.Fatalf("error %s, want {%q: %q, timestamp}", r.body, field, msg)
	}
	wantTimestamp(t, m["timestamp"])
}

// wantV3Nested checks a nested error {error:{code, message}}.
func wantV3Nested(t *testing.T, r resp, status int, code, msg string) {
	t.Helper()
	wantStatus(t, r, status)
	var e wire.V3Error
	decode(t, r, &e)
	if e.Error.Code != code || e.Error.Message != msg {
		t.Fatalf("error %s, want %s %q", r.body, code, msg)
	}
}

// wantV3Message checks a code-less error {message, timestamp}.
func wantV3Message(t *testing.T, r resp, status int, msg string) {
	t.Helper()
	wantStatus(t, r, status)
	var m map[string]string
	decode(t, r, &m)
	if len(m) != 2 || m["message"] != msg {
		t.Fatalf("error %s, want {message: %q, timestamp}", r.body, msg)
	}
	wantTimestamp(t, m["timestamp"])
}

// wantFailedOTP checks the HTTP 200 refusal of a wrong or expired OTP.
func wantFailedOTP(t *testing.T, r resp, txnID string) {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	var m map[string]json.RawMessage
	decode(t, r, &m)
	want := map[string]string{
		"txnId":      `"` + txnID + `"`,
		"authResult": `"failed"`,
		"message":    `"Please enter a valid OTP. Entered OTP is either expired or incorrect."`,
		"accounts":   `[]`,
	}
	if len(m) != len(want) {
		t.Fatalf("failed OTP reply %s", r.body)
	}
	for k, v := range want {
		if string(m[k]) != v {
			t.Fatalf("failed OTP reply %s: %s is %s, want %s", r.body, k, m[k], v)
		}
	}
}
