package sandbox_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// testKey is generated once and shared by every sandbox in these tests.
var testKey *rsa.PrivateKey

func TestMain(m *testing.M) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Fprintln(os.Stderr, "generating test key:", err)
		os.Exit(1)
	}
	testKey = k
	os.Exit(m.Run())
}

// Indexes of the demo accounts in Accounts().
const (
	asha = iota
	rahul
	ravi
	meena
	sunita
)

// env is a sandbox served over real HTTP, with a manual clock.
type env struct {
	t      *testing.T
	sb     *sandbox.Server
	ts     *httptest.Server
	clock  *sandbox.ManualClock
	access string // gateway access token, fetched on first use
}

func newEnv(t *testing.T, opts ...sandbox.Option) *env {
	t.Helper()
	clk := sandbox.NewManualClock(time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
	all := append([]sandbox.Option{sandbox.WithPrivateKey(testKey), sandbox.WithClock(clk)}, opts...)
	sb := sandbox.New(all...)
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	return &env{t: t, sb: sb, ts: ts, clock: clk}
}

// resp is a reply read in full.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request and reads the whole reply.
func (e *env) do(method, path string, hdr map[string]string, body string) resp {
	e.t.Helper()
	r, err := e.doErr(context.Background(), method, path, hdr, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// doErr is do that returns transport and read errors.
func (e *env) doErr(ctx context.Context, method, path string, hdr map[string]string, body string) (resp, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.ts.URL+path, rd)
	if err != nil {
		return resp{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return resp{status: res.StatusCode, header: res.Header}, err
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}, nil
}

// postJSON posts v as JSON.
func (e *env) postJSON(path string, v any) resp {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(http.MethodPost, path, nil, string(b))
}

// session asks for a gateway session with the given request.
func (e *env) session(req wire.SessionRequest) resp {
	e.t.Helper()
	return e.postJSON(sandbox.GatewayBase+wire.PathSessions, req)
}

// goodLogin is a client_credentials request with the right credentials.
func (e *env) goodLogin() wire.SessionRequest {
	c := e.sb.Credentials()
	return wire.SessionRequest{ClientID: c.ClientID, ClientSecret: c.ClientSecret, GrantType: wire.GrantClientCreds}
}

// login opens a gateway session and returns it.
func (e *env) login() wire.SessionResponse {
	e.t.Helper()
	r := e.session(e.goodLogin())
	if r.status != http.StatusOK {
		e.t.Fatalf("login: status %d, body %s", r.status, r.body)
	}
	var s wire.SessionResponse
	decode(e.t, r, &s)
	return s
}

// headers are the HealthID headers with the current gateway token and, if
// xToken is not empty, the patient's token.
func (e *env) headers(xToken string) map[string]string {
	e.t.Helper()
	if e.access == "" {
		e.access = e.login().AccessToken
	}
	h := map[string]string{
		wire.HeaderAuthorization: "Bearer " + e.access,
		wire.HeaderHIPID:         e.sb.Credentials().HIPID,
	}
	if xToken != "" {
		h[wire.HeaderXToken] = "Bearer " + xToken
	}
	return h
}

// hid calls a HealthID path with full headers.
func (e *env) hid(method, path, xToken, body string) resp {
	e.t.Helper()
	return e.do(method, sandbox.HealthIDBase+path, e.headers(xToken), body)
}

// token returns the current X-Token of a demo account.
func (e *env) token(i int) string {
	e.t.Helper()
	return e.sb.Accounts()[i].XToken
}

// number returns the ABHA number of a demo account.
func (e *env) number(i int) string {
	e.t.Helper()
	return e.sb.Accounts()[i].ABHANumber
}

// requestOTP asks for an OTP on path and returns the reply and the message
// that landed in the outbox.
func (e *env) requestOTP(path string, i int) (wire.TxnResponse, sandbox.OTPMessage) {
	e.t.Helper()
	before := len(e.sb.Outbox())
	r := e.hid(http.MethodPost, path, e.token(i), "{}")
	if r.status != http.StatusOK {
		e.t.Fatalf("OTP request: status %d, body %s", r.status, r.body)
	}
	var txn wire.TxnResponse
	decode(e.t, r, &txn)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := e.sb.WaitOTP(ctx, before)
	if err != nil {
		e.t.Fatal(err)
	}
	return txn, msg
}

// deactivate posts a deactivate request for account i.
func (e *env) deactivate(i int, req wire.DeactivateRequest) resp {
	e.t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.hid(http.MethodPost, wire.PathDeactivate, e.token(i), string(b))
}

// deactivateReq builds a valid request for an Aadhaar OTP transaction.
func deactivateReq(t *testing.T, txnID, otp string) wire.DeactivateRequest {
	return wire.DeactivateRequest{AuthMethod: wire.AuthMethodAadhaarOTP, OTP: encrypt(t, otp),
		Reasons: []string{"101", "others"}, TxnID: txnID}
}

// encrypt encrypts an OTP as the client must: PKCS#1 v1.5, standard base64.
func encrypt(t *testing.T, otp string) string {
	t.Helper()
	//lint:ignore SA1019 the ABDM API specifies PKCS #1 v1.5.
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, &testKey.PublicKey, []byte(otp))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

// decode parses a JSON reply into v.
func decode(t *testing.T, r resp, v any) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json (status %d, body %s)", ct, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// wantHIS checks a HealthID error reply: status, outer code and the code of
// details[0]; it returns the error for more checks.
func wantHIS(t *testing.T, r resp, status int, outer, detail string) wire.HealthIDError {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	var e wire.HealthIDError
	decode(t, r, &e)
	if e.Code != outer || len(e.Details) == 0 || e.Details[0].Code != detail {
		t.Fatalf("error %+v, want %s with detail %s", e, outer, detail)
	}
	return e
}

// wantSessionError checks a gateway session error reply.
func wantSessionError(t *testing.T, r resp, status int, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	var e wire.SessionError
	decode(t, r, &e)
	if e.Error.Code != "ABDM-9999: " || e.Error.Message != msg {
		t.Fatalf("error %+v, want ABDM-9999: %q", e.Error, msg)
	}
}

// wantGateway401 checks the API gateway's reply to a bad token.
func wantGateway401(t *testing.T, r resp) {
	t.Helper()
	if r.status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401 (body %s)", r.status, r.body)
	}
	var e wire.GatewayTokenError
	decode(t, r, &e)
	if e.Code != wire.CodeGatewayInvalidCredentials || e.Message != "Invalid Credentials" ||
		!strings.Contains(e.Description, "(900901) - Invalid Credentials") {
		t.Fatalf("gateway error %+v", e)
	}
}

// newServer serves sb over HTTP until the test ends.
func newServer(t *testing.T, sb *sandbox.Server) *httptest.Server {
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	return ts
}
