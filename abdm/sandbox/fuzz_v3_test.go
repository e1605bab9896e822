package sandbox_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// v3Endpoints are the routes FuzzV3Request picks from, by index.
var v3Endpoints = []struct{ method, path string }{
	{http.MethodPost, sandbox.GatewayV3Base + wire.PathV3Sessions},
	{http.MethodGet, sandbox.ABHAV3Base + wire.PathV3Certificate},
	{http.MethodPost, sandbox.ABHAV3Base + wire.PathV3LoginRequestOTP},
	{http.MethodPost, sandbox.ABHAV3Base + wire.PathV3LoginVerify},
	{http.MethodPost, sandbox.ABHAV3Base + wire.PathV3LoginVerifyUser},
	{http.MethodGet, sandbox.ABHAV3Base + wire.PathV3Account},
	{http.MethodPost, sandbox.ABHAV3Base + wire.PathV3AccountRequestOTP},
	{http.MethodPost, sandbox.ABHAV3Base + wire.PathV3AccountVerify},
}

// v3Fuzz is the v3 state of a fuzz input's fresh Server: a sign-in OTP sent
// to Asha by ABHA number, and a finished sign-in by Ravi and Sunita's mobile
// with its transfer token.
type v3Fuzz struct {
	*fuzzEnv
	now                  time.Time
	ashaTxn, ashaOTP     string // Asha's sign-in
	mobileTxnID, tToken  string // the mobile sign-in
	requestID, timestamp string
}

// newV3Fuzz sets a fresh Server up for one input.
func newV3Fuzz(t *testing.T, key *rsa.PrivateKey) *v3Fuzz {
	e := &v3Fuzz{fuzzEnv: newFuzzEnv(t, key), requestID: "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"}
	e.now = e.sb.Now()
	e.timestamp = e.now.UTC().Format(wire.TimestampLayout)
	// Asha: sign-in OTP waiting.
	txn := e.mustV3(wire.PathV3LoginRequestOTP, wire.V3OTPRequest{Scope: scopesLoginAadhaar, LoginHint: wire.LoginHintABHANumber,
		LoginID: e.oaep("91-5512-3456-7890"), OTPSystem: wire.OTPSystemAadhaar})
	e.ashaTxn, e.ashaOTP = txn.TxnID, e.lastOTP()
	// Ravi and Sunita's mobile: signed in, transfer token issued.
	txn = e.mustV3(wire.PathV3LoginRequestOTP, wire.V3OTPRequest{Scope: scopesLoginMobile, LoginHint: wire.LoginHintMobile,
		LoginID: e.oaep("9988776655"), OTPSystem: wire.OTPSystemABDM})
	e.mobileTxnID = txn.TxnID
	rec := e.serve(http.MethodPost, sandbox.ABHAV3Base+wire.PathV3LoginVerify, e.v3Headers(), mustJSON(t, wire.V3VerifyRequest{
		Scope: scopesLoginMobile, AuthData: wire.V3AuthData{AuthMethods: []string{wire.AuthMethodOTP},
			OTP: wire.V3OTP{TxnID: e.mobileTxnID, OTPValue: e.oaep(e.lastOTP())}}}))
	var v wire.V3VerifyResponse
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &v) != nil || v.Token == "" {
		t.Fatalf("setup mobile sign-in: %d %s", rec.Code, rec.Body)
	}
	e.tToken = v.Token
	return e
}

// v3Headers are the headers of a correct v3 call.
func (e *v3Fuzz) v3Headers() map[string]string {
	return map[string]string{wire.HeaderRequestID: e.requestID, wire.HeaderTimestamp: e.timestamp,
		wire.HeaderAuthorization: "Bearer " + e.access}
}

// mustV3 sends an OTP request that must succeed.
func (e *v3Fuzz) mustV3(path string, req wire.V3OTPRequest) wire.V3TxnResponse {
	rec := e.serve(http.MethodPost, sandbox.ABHAV3Base+path, e.v3Headers(), mustJSON(e.t, req))
	var txn wire.V3TxnResponse
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &txn) != nil {
		e.t.Fatalf("setup %s: %d %s", path, rec.Code, rec.Body)
	}
	return txn
}

// lastOTP is the OTP of the latest outbox message.
func (e *v3Fuzz) lastOTP() string {
	out := e.sb.Outbox()
	return out[len(out)-1].OTP
}

// oaep encrypts as a v3 client must.
func (e *v3Fuzz) oaep(plain string) string {
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &e.key.PublicKey, []byte(plain), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

// expandV3 replaces the v3 placeholders in s, then the v2 ones:
// {{requestId}} {{timestamp}} {{txnId}} (Asha's sign-in) {{otp}} {{wrongOtp}}
// (OAEP-encrypted) {{loginId}} (Asha's ABHA number, OAEP) {{meenaLoginId}}
// {{mobileLoginId}} (9988776655, OAEP) {{otherLoginId}} {{otherMobile}}
// (Rahul's ABHA number and mobile, OAEP: no OTP sent to them yet)
// {{mobileTxnId}} {{tToken}}, and
// {{accessToken}} {{xToken}} {{deactivatedXToken}} ... as fuzzEnv.expand.
func (e *v3Fuzz) expandV3(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	pairs := []string{"{{requestId}}", e.requestID, "{{timestamp}}", e.timestamp, "{{txnId}}", e.ashaTxn,
		"{{mobileTxnId}}", e.mobileTxnID, "{{tToken}}", e.tToken}
	for name, plain := range map[string]func() string{
		"{{otp}}":           func() string { return e.ashaOTP },
		"{{wrongOtp}}":      func() string { n, _ := strconv.Atoi(e.ashaOTP); return strconv.Itoa(1_000_000 + (n+1)%1_000_000)[1:] },
		"{{loginId}}":       func() string { return "91-5512-3456-7890" },
		"{{meenaLoginId}}":  func() string { return "91-8845-6789-0123" },
		"{{mobileLoginId}}": func() string { return "9988776655" },
		"{{otherLoginId}}":  func() string { return "91-6623-4567-8901" },
		"{{otherMobile}}":   func() string { return "9123456789" },
	} {
		if strings.Contains(s, name) { // encrypting costs a little: only when asked for
			pairs = append(pairs, name, e.oaep(plain()))
		}
	}
	return e.expand(strings.NewReplacer(pairs...).Replace(s))
}

// FuzzV3Request: arbitrary bodies and REQUEST-ID, TIMESTAMP, Authorization,
// X-token, T-token and X-CM-ID values for every ABHA v3 route (route picks
// one of v3Endpoints), through (*Server).ServeHTTP, on a fresh Server with a
// v3 sign-in OTP waiting for Asha and a transfer token from a mobile
// sign-in. Placeholders as expandV3 lists them get the fuzzer past the
// header, token and encryption checks.
//
// Properties, for every input: ServeHTTP never panics; the status is in
// 200-599; the body is empty or one well-formed JSON value, served as
// application/json with a right Content-Length; and a 2xx needs a UUID
// REQUEST-ID and a TIMESTAMP in the exact layout, within five minutes.
func FuzzV3Request(f *testing.F) {
	ok := []string{"{{requestId}}", "{{timestamp}}", "Bearer {{accessToken}}"}
	for _, s := range []struct {
		route                      uint8
		body, xToken, tToken, cmID string
	}{
		{0, `{"clientId":"{{clientId}}","clientSecret":"{{clientSecret}}","grantType":"client_credentials"}`, "", "", "sbx"},
		{0, `{"clientId":"{{clientId}}","grantType":"refresh_token","refreshToken":"{{refreshToken}}"}`, "", "", "sbx"},
		{1, ``, "", "", ""},
		{2, `{"scope":["abha-login","mobile-verify"],"loginHint":"abha-number","loginId":"{{otherLoginId}}","otpSystem":"abdm"}`, "", "", ""},
		{2, `{"scope":["abha-login","mobile-verify"],"loginHint":"mobile","loginId":"{{otherMobile}}","otpSystem":"abdm"}`, "", "", ""},
		{2, `{"scope":["abha-login","aadhaar-verify","re-activate"],"loginHint":"abha-number","loginId":"{{meenaLoginId}}","otpSystem":"aadhaar"}`, "", "", ""},
		{3, `{"scope":["abha-login","aadhaar-verify"],"authData":{"authMethods":["otp"],"otp":{"txnId":"{{txnId}}","otpValue":"{{otp}}"}}}`, "", "", ""},
		{3, `{"scope":["abha-login","aadhaar-verify"],"authData":{"authMethods":["otp"],"otp":{"txnId":"{{txnId}}","otpValue":"{{wrongOtp}}"}}}`, "", "", ""},
		{4, `{"ABHANumber":"91-9956-7890-1234","txnId":"{{mobileTxnId}}"}`, "", "Bearer {{tToken}}", ""},
		{5, ``, "Bearer {{xToken}}", "", ""},
		{5, ``, "{{xToken}}", "", ""},
		{6, `{"scope":["abha-profile","de-activate"],"loginHint":"abha-number","loginId":"{{loginId}}","otpSystem":"aadhaar"}`, "Bearer {{xToken}}", "", ""},
		{7, `{"scope":["abha-profile","de-activate"],"authData":{"authMethods":["otp"],"otp":{"txnId":"{{txnId}}","otpValue":"{{otp}}"}},"reasons":[101]}`, "Bearer {{xToken}}", "", ""},
		{7, `[{"scope":null}]`, "Bearer {{deactivatedXToken}}", "", ""},
	} {
		f.Add(s.route, []byte(s.body), ok[0], ok[1], ok[2], s.xToken, s.tToken, s.cmID)
	}
	f.Add(uint8(1), []byte(nil), "not-a-uuid", "2025-03-01T10:00:00Z", "", "", "", "")
	f.Add(uint8(2), []byte("{"), "{{requestId}}", "2025-03-01T10:09:00.000Z", "Bearer {{accessToken}}", "", "", "")
	key := fuzzKey(f)
	f.Fuzz(func(t *testing.T, route uint8, body []byte, requestID, timestamp, authorization, xToken, tToken, cmID string) {
		e := newV3Fuzz(t, key)
		ep := v3Endpoints[int(route)%len(v3Endpoints)]
		hdr := map[string]string{}
		for k, v := range map[string]string{wire.HeaderRequestID: requestID, wire.HeaderTimestamp: timestamp,
			wire.HeaderAuthorization: authorization, wire.HeaderV3XToken: xToken, wire.HeaderTToken: tToken, wire.HeaderCMID: cmID} {
			if v != "" {
				hdr[k] = e.expandV3(v)
			}
		}
		sent := []byte(e.expandV3(string(body)))
		rec := e.serve(ep.method, ep.path, hdr, sent)

		got := rec.Body.Bytes()
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d (body %q)", rec.Code, got)
		}
		if len(got) > 0 {
			if !json.Valid(got) {
				t.Fatalf("status %d with a body that is not JSON: %q", rec.Code, got)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q for %s", ct, got)
			}
			if n := rec.Header().Get("Content-Length"); n != strconv.Itoa(len(got)) {
				t.Fatalf("Content-Length %q for %d bytes", n, len(got))
			}
		}
		if rec.Code < 300 {
			ts, err := time.Parse(wire.TimestampLayout, hdr[wire.HeaderTimestamp])
			skew := e.now.Sub(ts)
			if !validUUID(strings.TrimSpace(hdr[wire.HeaderRequestID])) || err != nil ||
				ts.Format(wire.TimestampLayout) != hdr[wire.HeaderTimestamp] || skew > 5*time.Minute || skew < -5*time.Minute {
				t.Fatalf("status %d for headers %q", rec.Code, hdr)
			}
		}
	})
}

// validUUID reports whether s has the 8-4-4-4-12 hexadecimal form.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		hex := (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
		if (i == 8 || i == 13 || i == 18 || i == 23) != (c == '-') || (c != '-' && !hex) {
			return false
		}
	}
	return true
}
