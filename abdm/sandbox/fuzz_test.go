package sandbox_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// The three fuzz targets send arbitrary request bodies and header values
// through (*Server).ServeHTTP for the routes a deactivation uses:
//
//	FuzzSessionRequest      POST /gateway/v0.5/sessions
//	FuzzOTPRequest          POST /api/v2/account/aadhaar/generateOTP
//	FuzzDeactivateRequest   POST /api/v2/account/profile/deactivate
//
// Each input runs against a fresh Server (a fixed key from testdata, a
// manual clock and a fixed random stream, so every run is repeatable) on
// which a gateway session is open and, for deactivate, an Aadhaar OTP was
// sent to Asha. Inputs may name that state with placeholders, replaced
// before the request is sent, so the fuzzer gets past the token checks:
// {{clientId}} {{clientSecret}} {{accessToken}} {{refreshToken}} {{hipId}}
// {{xToken}} (Asha) {{otherXToken}} (Rahul, no OTP sent) {{noMobileXToken}}
// (Ravi, no mobile linked to his Aadhaar) {{deactivatedXToken}} (Meena)
// {{txnId}}, {{otp}} (the right OTP, encrypted as a client must) and
// {{wrongOtp}} (another OTP, encrypted).
//
// Properties, for every input:
//   - ServeHTTP never panics and never answers 5xx: with its key given, the
//     sandbox has no server-side failure to report (HIS-500 is only for a
//     missing key);
//   - every non-2xx reply is in one of ABDM's shapes, decoded strictly (no
//     other field, nothing after it) with Content-Type application/json: the
//     session service's {error:{code,message}} on the session route; on
//     HealthID routes {code,message,details:[{code,message,...}]}, the API
//     gateway's 401 {code:"900901",message,description}, or the empty 401 of
//     a bad patient token;
//   - per route, a success happens exactly when the request earns it (see
//     each target), and the state changes only then.

// fuzzKey is the sandbox key of the fuzz targets, read from testdata so that
// no worker spends time generating one.
func fuzzKey(f *testing.F) *rsa.PrivateKey {
	f.Helper()
	data, err := os.ReadFile("testdata/fuzz-key.pem")
	if err != nil {
		f.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		f.Fatal("testdata/fuzz-key.pem holds no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// fuzzEnv is one fresh Server and what the placeholders stand for.
type fuzzEnv struct {
	t     *testing.T
	sb    *sandbox.Server
	key   *rsa.PrivateKey
	creds sandbox.Credentials
	// Filled by the setup each target asks for.
	access, refresh string
	accounts        []sandbox.Account
	txnID, otp      string
}

func newFuzzEnv(t *testing.T, key *rsa.PrivateKey) *fuzzEnv {
	sb := sandbox.New(sandbox.WithPrivateKey(key),
		sandbox.WithClock(sandbox.NewManualClock(time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))),
		sandbox.WithRandom(mrand.NewChaCha8([32]byte{'f', 'u', 'z', 'z'})))
	e := &fuzzEnv{t: t, sb: sb, key: key, creds: sb.Credentials(), accounts: sb.Accounts()}
	login := e.serve(http.MethodPost, sandbox.GatewayBase+wire.PathSessions, nil,
		mustJSON(t, wire.SessionRequest{ClientID: e.creds.ClientID, ClientSecret: e.creds.ClientSecret, GrantType: wire.GrantClientCreds}))
	var s wire.SessionResponse
	if login.Code != http.StatusOK || json.Unmarshal(login.Body.Bytes(), &s) != nil {
		t.Fatalf("setup login: %d %s", login.Code, login.Body)
	}
	e.access, e.refresh = s.AccessToken, s.RefreshToken
	return e
}

// sendOTP has an Aadhaar OTP sent to Asha, for the deactivate target.
func (e *fuzzEnv) sendOTP() {
	r := e.serve(http.MethodPost, sandbox.HealthIDBase+wire.PathAadhaarOTP, e.goodHeaders(asha), []byte("{}"))
	var txn wire.TxnResponse
	if r.Code != http.StatusOK || json.Unmarshal(r.Body.Bytes(), &txn) != nil {
		e.t.Fatalf("setup OTP: %d %s", r.Code, r.Body)
	}
	out := e.sb.Outbox()
	if len(out) != 1 || out[0].TxnID != txn.TxnID {
		e.t.Fatalf("setup OTP: outbox %+v", out)
	}
	e.txnID, e.otp = txn.TxnID, out[0].OTP
}

// goodHeaders are the HealthID headers a correct client sends for account i.
func (e *fuzzEnv) goodHeaders(i int) map[string]string {
	return map[string]string{
		wire.HeaderAuthorization: "Bearer " + e.access,
		wire.HeaderHIPID:         e.creds.HIPID,
		wire.HeaderXToken:        "Bearer " + e.accounts[i].XToken,
	}
}

// expand replaces the placeholders in s.
func (e *fuzzEnv) expand(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	pairs := []string{
		"{{clientId}}", e.creds.ClientID, "{{clientSecret}}", e.creds.ClientSecret, "{{hipId}}", e.creds.HIPID,
		"{{accessToken}}", e.access, "{{refreshToken}}", e.refresh,
		"{{xToken}}", e.accounts[asha].XToken, "{{otherXToken}}", e.accounts[rahul].XToken,
		"{{noMobileXToken}}", e.accounts[ravi].XToken, "{{deactivatedXToken}}", e.accounts[meena].XToken,
		"{{txnId}}", e.txnID,
	}
	// Encrypting costs a little: only when asked for.
	if e.otp != "" && strings.Contains(s, "{{otp}}") {
		pairs = append(pairs, "{{otp}}", e.encrypt(e.otp))
	}
	if e.otp != "" && strings.Contains(s, "{{wrongOtp}}") {
		n, _ := strconv.Atoi(e.otp)
		pairs = append(pairs, "{{wrongOtp}}", e.encrypt(strconv.Itoa(1_000_000 + (n+1)%1_000_000)[1:]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// encrypt encrypts an OTP as a client must: PKCS#1 v1.5, standard base64.
func (e *fuzzEnv) encrypt(otp string) string {
	//lint:ignore SA1019 the ABDM API specifies PKCS #1 v1.5.
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, &e.key.PublicKey, []byte(otp))
	if err != nil {
		e.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

// serve runs one request through ServeHTTP.
func (e *fuzzEnv) serve(method, path string, hdr map[string]string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.sb.ServeHTTP(rec, req)
	return rec
}

// fuzzHeaders expands the fuzzed header values; an empty one is not sent.
func (e *fuzzEnv) fuzzHeaders(authorization, xToken, hipID string) map[string]string {
	h := map[string]string{}
	for k, v := range map[string]string{wire.HeaderAuthorization: authorization, wire.HeaderXToken: xToken, wire.HeaderHIPID: hipID} {
		if v != "" {
			h[k] = e.expand(v)
		}
	}
	return h
}

// statuses lists the only statuses each route may answer.
var (
	sessionStatuses  = []int{http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge}
	otpStatuses      = []int{http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}
	deactivateStatus = []int{http.StatusNoContent, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}
)

// checkReply checks the status and, for an error, the shape of a reply.
func checkReply(t *testing.T, rec *httptest.ResponseRecorder, allowed []int, session bool) {
	t.Helper()
	body := rec.Body.Bytes()
	if !slices.Contains(allowed, rec.Code) {
		t.Fatalf("status %d (body %q)", rec.Code, body)
	}
	if n := rec.Header().Get("Content-Length"); len(body) > 0 && n != strconv.Itoa(len(body)) {
		t.Fatalf("Content-Length %q for %d bytes", n, len(body))
	}
	if rec.Code < 300 {
		return
	}
	if len(body) == 0 {
		if session || rec.Code != http.StatusUnauthorized {
			t.Fatalf("status %d with an empty body", rec.Code)
		}
		return // ABDM's empty 401 for a bad patient token
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error reply with Content-Type %q: %s", ct, body)
	}
	var problem string
	switch {
	case session:
		problem = checkSessionError(body)
	case rec.Code == http.StatusUnauthorized:
		problem = checkGatewayError(body)
	default:
		problem = checkHealthIDError(body)
	}
	if problem != "" {
		t.Fatalf("status %d: %s: %s", rec.Code, problem, body)
	}
}

func checkSessionError(body []byte) string {
	var e wire.SessionError
	if err := decodeStrict(body, &e); err != nil {
		return "not a session error: " + err.Error()
	}
	if e.Error.Code != "ABDM-9999: " || e.Error.Message == "" {
		return "incomplete session error"
	}
	return ""
}

func checkGatewayError(body []byte) string {
	var e wire.GatewayTokenError
	if err := decodeStrict(body, &e); err != nil {
		return "not a gateway error: " + err.Error()
	}
	if e.Code != wire.CodeGatewayInvalidCredentials || e.Message == "" || e.Description == "" {
		return "incomplete gateway error"
	}
	return ""
}

var hisCode = regexp.MustCompile(`^HIS-[0-9]{3,4}$`)

func checkHealthIDError(body []byte) string {
	var e wire.HealthIDError
	if err := decodeStrict(body, &e); err != nil {
		return "not a HealthID error: " + err.Error()
	}
	if !hisCode.MatchString(e.Code) || e.Message == "" || len(e.Details) == 0 {
		return "incomplete HealthID error"
	}
	for _, d := range e.Details {
		if !hisCode.MatchString(d.Code) || d.Message == "" {
			return "incomplete HealthID error detail"
		}
	}
	return ""
}

// decodeStrict decodes one JSON value into v, refusing unknown fields and
// anything after the value.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}

// carries reports whether a header value, as sent, presents tok as a bearer
// token: "Bearer <tok>" with any case and spacing.
func carries(value, tok string) bool {
	f := strings.Fields(value)
	return len(f) == 2 && strings.EqualFold(f[0], "Bearer") && f[1] == tok
}

// FuzzSessionRequest: arbitrary bodies for POST /gateway/v0.5/sessions.
//
// A 200 comes exactly for client_credentials with the right client ID and
// secret, or refresh_token with the client ID and the live refresh token
// (in a body the server decodes as JSON); it holds a fresh, working access
// token (accepted by HealthID) and a refresh token that is not one. After any
// one request, the right credentials still log in: one bad login never locks
// the client out.
func FuzzSessionRequest(f *testing.F) {
	for _, s := range []string{
		`{"clientId":"{{clientId}}","clientSecret":"{{clientSecret}}","grantType":"client_credentials"}`,
		`{"clientId":"{{clientId}}","clientSecret":"String","grantType":"client_credentials","refreshToken":"{{refreshToken}}"}`,
		`{"clientId":"{{clientId}}","grantType":"refresh_token","refreshToken":"{{refreshToken}}"}`,
		`{"clientId":"{{clientId}}","grantType":"refresh_token","refreshToken":"{{accessToken}}"}`,
		`{"clientId":"your-clientID","clientSecret":"your-clientSecret","grantType":"client_credentials"}`,
		`{"clientId":"{{clientId}}","clientSecret":"{{clientSecret}}","grantType":"password"}`,
		``, `null`, `[]`, `{"clientId":5}`, `{"clientId":"{{clientId}}","clientSecret":"{{clientSecret}}","grantType":"client_credentials"} x`,
	} {
		f.Add([]byte(s))
	}
	key := fuzzKey(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		e := newFuzzEnv(t, key)
		sent := []byte(e.expand(string(body)))
		rec := e.serve(http.MethodPost, sandbox.GatewayBase+wire.PathSessions, nil, sent)
		checkReply(t, rec, sessionStatuses, true)

		var req wire.SessionRequest
		decoded := json.Unmarshal(sent, &req) == nil
		earned := decoded && req.ClientID == e.creds.ClientID &&
			((req.GrantType == wire.GrantClientCreds && req.ClientSecret == e.creds.ClientSecret) ||
				(req.GrantType == wire.GrantRefreshToken && req.RefreshToken == e.refresh))
		if earned != (rec.Code == http.StatusOK) {
			t.Fatalf("status %d for %s (earned a session: %v)", rec.Code, sent, earned)
		}
		if rec.Code == http.StatusOK {
			var s wire.SessionResponse
			if err := decodeStrict(rec.Body.Bytes(), &s); err != nil {
				t.Fatalf("session reply: %v: %s", err, rec.Body)
			}
			if s.AccessToken == "" || s.RefreshToken == "" || s.AccessToken == s.RefreshToken ||
				s.AccessToken == e.access || s.RefreshToken == e.refresh || s.TokenType != "bearer" ||
				s.ExpiresIn <= 0 || s.RefreshExpiresIn < s.ExpiresIn {
				t.Fatalf("session reply %+v", s)
			}
			profile := sandbox.HealthIDBase + wire.PathProfile
			h := e.goodHeaders(asha)
			h[wire.HeaderAuthorization] = "Bearer " + s.AccessToken
			if r := e.serve(http.MethodGet, profile, h, nil); r.Code != http.StatusOK {
				t.Fatalf("the new access token is refused: %d %s", r.Code, r.Body)
			}
			h[wire.HeaderAuthorization] = "Bearer " + s.RefreshToken
			if r := e.serve(http.MethodGet, profile, h, nil); r.Code != http.StatusUnauthorized {
				t.Fatalf("a refresh token was accepted as an access token: %d", r.Code)
			}
		}
		again := e.serve(http.MethodPost, sandbox.GatewayBase+wire.PathSessions, nil,
			mustJSON(t, wire.SessionRequest{ClientID: e.creds.ClientID, ClientSecret: e.creds.ClientSecret, GrantType: wire.GrantClientCreds}))
		if again.Code != http.StatusOK {
			t.Fatalf("the right credentials are refused after one request: %d %s", again.Code, again.Body)
		}
	})
}

// FuzzOTPRequest: arbitrary bodies and Authorization, X-Token and X-HIP-ID
// values for POST /api/v2/account/aadhaar/generateOTP.
//
// An OTP is sent (one message in the outbox) exactly when the reply is 200,
// and a 200 needs the live access token, a HIP ID, the token of an active
// account with a mobile linked to its Aadhaar and a JSON object as body; the
// reply then names the OTP's transaction and that mobile, masked. The
// request a correct client sends always gets its OTP.
func FuzzOTPRequest(f *testing.F) {
	good := []string{"Bearer {{accessToken}}", "Bearer {{xToken}}", "{{hipId}}"}
	for _, s := range []struct{ body, auth, xToken, hip string }{
		{"{\n}", good[0], good[1], good[2]},
		{"{}", good[0], good[1], good[2]},
		{`{"extra":[1,2]}`, "bearer  {{accessToken}} ", "BEARER {{otherXToken}}", " {{hipId}} "},
		{"{}", good[0], "Bearer {{noMobileXToken}}", good[2]},
		{"{}", good[0], "Bearer {{deactivatedXToken}}", good[2]},
		{"{}", "Bearer {{refreshToken}}", good[1], good[2]},
		{"{}", good[0], "{{xToken}}", good[2]},
		{"{}", good[0], good[1], " "},
		{"", good[0], good[1], good[2]},
		{"[]", good[0], good[1], good[2]},
		{"{}", "Bearer your-access-token-from-gateway-session", "Bearer your-X-token", "your-HIP-ID"},
	} {
		f.Add([]byte(s.body), s.auth, s.xToken, s.hip)
	}
	key := fuzzKey(f)
	f.Fuzz(func(t *testing.T, body []byte, authorization, xToken, hipID string) {
		e := newFuzzEnv(t, key)
		sent := []byte(e.expand(string(body)))
		hdr := e.fuzzHeaders(authorization, xToken, hipID)
		rec := e.serve(http.MethodPost, sandbox.HealthIDBase+wire.PathAadhaarOTP, hdr, sent)
		checkReply(t, rec, otpStatuses, false)

		out := e.sb.Outbox()
		if (len(out) == 1) != (rec.Code == http.StatusOK) || len(out) > 1 {
			t.Fatalf("status %d with %d OTPs sent", rec.Code, len(out))
		}
		canonical := hdr[wire.HeaderAuthorization] == "Bearer "+e.access && hdr[wire.HeaderHIPID] == e.creds.HIPID &&
			(hdr[wire.HeaderXToken] == "Bearer "+e.accounts[asha].XToken || hdr[wire.HeaderXToken] == "Bearer "+e.accounts[rahul].XToken) &&
			isObject(sent)
		if canonical && rec.Code != http.StatusOK {
			t.Fatalf("a correct request was refused: %d %s", rec.Code, rec.Body)
		}
		if rec.Code != http.StatusOK {
			return
		}
		var patient *sandbox.Account
		for i := range e.accounts {
			a := &e.accounts[i]
			if carries(hdr[wire.HeaderXToken], a.XToken) {
				patient = a
			}
		}
		if !carries(hdr[wire.HeaderAuthorization], e.access) || strings.TrimSpace(hdr[wire.HeaderHIPID]) == "" ||
			patient == nil || patient.Status != sandbox.StatusActive || patient.ABHANumber == e.accounts[ravi].ABHANumber ||
			!isObject(sent) {
			t.Fatalf("OTP sent for headers %q and body %q", hdr, sent)
		}
		var txn wire.TxnResponse
		if err := decodeStrict(rec.Body.Bytes(), &txn); err != nil {
			t.Fatalf("OTP reply: %v: %s", err, rec.Body)
		}
		m := out[0]
		if txn.TxnID != m.TxnID || m.ABHANumber != patient.ABHANumber || m.Purpose != sandbox.PurposeAadhaar ||
			txn.MobileNumber != m.MaskedMobile || txn.MobileNumber != "XXXXXX"+patient.Mobile[len(patient.Mobile)-4:] ||
			len(m.OTP) != 6 || strings.Trim(m.OTP, "0123456789") != "" {
			t.Fatalf("reply %+v for OTP message %+v", txn, m)
		}
	})
}

// FuzzDeactivateRequest: arbitrary bodies and Authorization, X-Token and
// X-HIP-ID values for POST /api/v2/account/profile/deactivate, while an
// Aadhaar OTP sent to Asha is waiting.
//
// An account changes only by a 204, and a 204 deactivates Asha and no one
// else. A 204 needs the live access token, Asha's token, a HIP ID and a body
// (as the server decodes it) with AADHAAR_OTP, her transaction, reasons and
// an OTP that decrypts with the sandbox key to the OTP sent: without the
// {{otp}} placeholder the fuzzer cannot produce one, so every other input
// must leave her ACTIVE. The deactivation record has the request's reasons;
// the same request sent again is refused with HIS-1007. A refused request
// never spoils the transaction: it stays open with attempts left.
func FuzzDeactivateRequest(f *testing.F) {
	good := []string{"Bearer {{accessToken}}", "Bearer {{xToken}}", "{{hipId}}"}
	for _, s := range []struct{ body, auth, xToken, hip string }{
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["104","103","102","101","others"],"txnId":"{{txnId}}"}`, good[0], good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{wrongOtp}}","reasons":["101"],"txnId":"{{txnId}}"}`, good[0], good[1], good[2]},
		{`{"authMethod":"MOBILE_OTP","otp":"{{otp}}","reasons":["101"],"txnId":"{{txnId}}"}`, good[0], good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":[" "],"txnId":"{{txnId}}"}`, good[0], good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"123456","reasons":["101"],"txnId":"{{txnId}}"}`, good[0], good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["101"],"txnId":"{{txnId}}"}`, good[0], "Bearer {{otherXToken}}", good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["101"],"txnId":"{{txnId}}"}`, good[0], "Bearer {{deactivatedXToken}}", good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["101"],"txnId":"{{txnId}}"}`, "Bearer {{refreshToken}}", good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["101"],"txnId":"a825f76b-0696-40f3-864c-5a3a5b389a83"}`, good[0], good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["101"]}`, good[0], good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":"101","txnId":"{{txnId}}"}`, good[0], good[1], good[2]},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["101"],"txnId":"{{txnId}}"}`, good[0], good[1], ""},
		{`{"authMethod":"AADHAAR_OTP","otp":"{{otp}}","reasons":["101"],"txnId":"{{txnId}}"`, good[0], good[1], good[2]},
		{"", good[0], good[1], good[2]},
		{"null", good[0], good[1], good[2]},
	} {
		f.Add([]byte(s.body), s.auth, s.xToken, s.hip)
	}
	key := fuzzKey(f)
	f.Fuzz(func(t *testing.T, body []byte, authorization, xToken, hipID string) {
		e := newFuzzEnv(t, key)
		e.sendOTP()
		sent := []byte(e.expand(string(body)))
		hdr := e.fuzzHeaders(authorization, xToken, hipID)
		path := sandbox.HealthIDBase + wire.PathDeactivate
		rec := e.serve(http.MethodPost, path, hdr, sent)
		checkReply(t, rec, deactivateStatus, false)
		if rec.Code == http.StatusNoContent && rec.Body.Len() != 0 {
			t.Fatalf("204 with a body: %q", rec.Body)
		}

		now := e.sb.Accounts()
		for i, a := range now {
			want := e.accounts[i].Status
			if i == asha && rec.Code == http.StatusNoContent {
				want = sandbox.StatusDeactivated
			}
			if a.Status != want {
				t.Fatalf("%s is %s after a %d reply", a.Name, a.Status, rec.Code)
			}
		}
		if rec.Code != http.StatusNoContent {
			// A refused request never spoils the patient's transaction. The
			// probe, a correct request but for an OTP that is not even base64
			// (no RSA work), must find it open, unexpired, for AADHAAR_OTP and
			// with attempts left: HIS-1013 for the probe's own wrong attempt.
			probe := e.serve(http.MethodPost, path, e.goodHeaders(asha), mustJSON(t, wire.DeactivateRequest{
				AuthMethod: wire.AuthMethodAadhaarOTP, OTP: "!", Reasons: []string{"101"}, TxnID: e.txnID}))
			var he wire.HealthIDError
			if probe.Code != http.StatusUnprocessableEntity || json.Unmarshal(probe.Body.Bytes(), &he) != nil ||
				len(he.Details) == 0 || he.Details[0].Code != wire.CodeWrongOTPAlt {
				t.Fatalf("after a refused request (%d %s) the transaction is spoilt: %d %s", rec.Code, rec.Body, probe.Code, probe.Body)
			}
			return
		}

		if !bytes.Contains(body, []byte("{{otp}}")) {
			t.Fatalf("deactivated without the encrypted OTP: %q", sent)
		}
		var req wire.DeactivateRequest
		if err := json.Unmarshal(sent, &req); err != nil {
			t.Fatalf("deactivated by a body that does not decode: %v", err)
		}
		ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(req.OTP))
		var plain []byte
		if err == nil {
			//lint:ignore SA1019 the ABDM API specifies PKCS #1 v1.5.
			plain, err = rsa.DecryptPKCS1v15(nil, e.key, ct)
		}
		if err != nil || strings.TrimSpace(string(plain)) != e.otp || req.TxnID != e.txnID ||
			req.AuthMethod != wire.AuthMethodAadhaarOTP || len(req.Reasons) == 0 ||
			!carries(hdr[wire.HeaderAuthorization], e.access) || !carries(hdr[wire.HeaderXToken], e.accounts[asha].XToken) ||
			strings.TrimSpace(hdr[wire.HeaderHIPID]) == "" {
			t.Fatalf("deactivated by headers %q and body %q (OTP %q: %v)", hdr, sent, plain, err)
		}
		d, ok, err := e.sb.Deactivation(e.accounts[asha].ABHANumber)
		if err != nil || !ok || d.AuthMethod != req.AuthMethod || !slices.Equal(d.Reasons, req.Reasons) {
			t.Fatalf("deactivation record %+v, %v, %v for %+v", d, ok, err, req)
		}
		replay := e.serve(http.MethodPost, path, hdr, sent)
		checkReply(t, replay, deactivateStatus, false)
		var he wire.HealthIDError
		if replay.Code != http.StatusUnprocessableEntity || json.Unmarshal(replay.Body.Bytes(), &he) != nil ||
			len(he.Details) == 0 || he.Details[0].Code != wire.CodeAccountDisabled {
			t.Fatalf("replayed deactivation: %d %s", replay.Code, replay.Body)
		}
	})
}

// isObject reports whether b is one JSON object, white space around it allowed.
func isObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil && m != nil
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
