package sandbox_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestV3SessionOK(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.v3Login()
	if s.ExpiresIn != 1200 || s.RefreshExpiresIn != 1800 || s.TokenType != "bearer" || s.RefreshToken == "" ||
		!strings.HasPrefix(s.AccessToken, "eyJ") || s.AccessToken == s.RefreshToken {
		t.Errorf("v3 session %+v", s)
	}
	// The token works on both generations.
	e.access = s.AccessToken
	if r := e.v3(http.MethodGet, wire.PathV3Certificate, nil, ""); r.status != http.StatusOK {
		t.Errorf("v3 certificate: %d %s", r.status, r.body)
	}
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Errorf("v2 cert with a v3 token: %d %s", r.status, r.body)
	}
	// It expires after 1200 s, not the v2 600 s.
	e.sb.Advance(601 * time.Second)
	if r := e.v3(http.MethodGet, wire.PathV3Certificate, nil, ""); r.status != http.StatusOK {
		t.Errorf("v3 token after 601 s: %d", r.status)
	}
	e.sb.Advance(600 * time.Second)
	wantGateway401(t, e.v3(http.MethodGet, wire.PathV3Certificate, nil, ""))
}

func TestV3SessionTTLOption(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.WithSessionTTL(90*time.Second))
	if s := e.v3Login(); s.ExpiresIn != 90 {
		t.Errorf("v3 expiresIn %d, want 90", s.ExpiresIn)
	}
	if s := e.login(); s.ExpiresIn != 90 {
		t.Errorf("v2 expiresIn %d, want 90", s.ExpiresIn)
	}
}

func TestV3SessionErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := e.goodV3Login()
	wantV3Nested(t, e.v3Session(good, map[string]string{wire.HeaderCMID: ""}), http.StatusBadRequest, "ABDM-9999: ", "Invalid X-CM-ID")
	wantV3Nested(t, e.v3Session(good, map[string]string{wire.HeaderCMID: wire.CMIDProduction}), http.StatusBadRequest, "ABDM-9999: ", "Invalid X-CM-ID")

	for _, grant := range []string{wire.GrantRefreshToken, "password", ""} {
		req := good
		req.GrantType = grant
		wantV3Nested(t, e.v3Session(req, nil), http.StatusBadRequest, "ABDM-9999: ", "Unsupported grantType")
	}

	bad := good
	bad.ClientSecret = "wrong"
	r := e.v3Session(bad, nil)
	wantStatus(t, r, http.StatusUnauthorized)
	var ge wire.GatewayTokenError
	decode(t, r, &ge)
	if ge.Code != "900901" || ge.Message != "Invalid Credentials" || ge.Description == "" {
		t.Errorf("bad credentials: %s", r.body)
	}

	h := map[string]string{wire.HeaderRequestID: newRequestID(), wire.HeaderTimestamp: e.v3Stamp(), wire.HeaderCMID: "sbx"}
	r = e.do(http.MethodPost, sandbox.GatewayV3Base+wire.PathV3Sessions, h, `{"clientId":`)
	wantV3Nested(t, r, http.StatusBadRequest, "ABDM-9999: ", "Malformed request body")

	r = e.do(http.MethodGet, sandbox.GatewayV3Base+wire.PathV3Sessions, h, "")
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodPost {
		t.Errorf("GET v3 sessions: %d, Allow %q", r.status, r.header.Get("Allow"))
	}
}

func TestV3SessionLockoutShared(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	badV2 := e.goodLogin()
	badV2.ClientSecret = "wrong"
	badV3 := e.goodV3Login()
	badV3.ClientSecret = "wrong"
	for range 3 {
		wantSessionError(t, e.session(badV2), http.StatusUnauthorized, "Invalid client credentials")
	}
	for range 2 {
		wantStatus(t, e.v3Session(badV3, nil), http.StatusUnauthorized)
	}
	// Five bad logins across both generations lock the client on both.
	wantV3Nested(t, e.v3Session(e.goodV3Login(), nil), http.StatusUnauthorized, "ABDM-9999: ", "Invalid user credentials")
	wantSessionError(t, e.session(e.goodLogin()), http.StatusUnauthorized,
		"Client temporarily locked after repeated failed logins. Try again after 15 minutes.")
	e.sb.Advance(15 * time.Minute)
	e.v3Login()
}

func TestV3HeaderChecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cert := wire.PathV3Certificate
	const reqIDMsg = "REQUEST-ID is required and must be a UUID"
	wantV3Field(t, e.v3(http.MethodGet, cert, map[string]string{wire.HeaderRequestID: ""}, ""), http.StatusBadRequest, "REQUEST-ID", reqIDMsg)
	wantV3Field(t, e.v3(http.MethodGet, cert, map[string]string{wire.HeaderRequestID: "req-1"}, ""), http.StatusBadRequest, "REQUEST-ID", reqIDMsg)
	wantV3Field(t, e.v3Session(e.goodV3Login(), map[string]string{wire.HeaderRequestID: ""}), http.StatusBadRequest, "REQUEST-ID", reqIDMsg)

	now := e.clock.Now().UTC()
	for _, ts := range []string{
		"",
		now.Format(time.RFC3339), // no milliseconds
		now.Format("2006-01-02T15:04:05.000000Z"),   // microseconds
		now.Format("2006-01-02T15:04:05.000-07:00"), // offset, not Z
		now.Format("2006-01-02 15:04:05.000Z"),      // space
		strings.ToLower(now.Format(wire.TimestampLayout)),
	} {
		hdr := map[string]string{wire.HeaderTimestamp: ts} // "" removes it
		wantV3Flat(t, e.v3(http.MethodGet, cert, hdr, ""), http.StatusBadRequest, "ABDM-1016", "Invalid timestamp format")
	}
	wantV3Flat(t, e.v3Session(e.goodV3Login(), map[string]string{wire.HeaderTimestamp: now.Format(time.RFC3339)}),
		http.StatusBadRequest, "ABDM-1016", "Invalid timestamp format")

	for _, d := range []time.Duration{6 * time.Minute, -6 * time.Minute} {
		ts := now.Add(d).Format(wire.TimestampLayout)
		wantV3Flat(t, e.v3(http.MethodGet, cert, map[string]string{wire.HeaderTimestamp: ts}, ""),
			http.StatusBadRequest, "ABDM-2402", "Request timestamp is outside the allowed window")
	}
	for _, d := range []time.Duration{4 * time.Minute, -4 * time.Minute} {
		ts := now.Add(d).Format(wire.TimestampLayout)
		if r := e.v3(http.MethodGet, cert, map[string]string{wire.HeaderTimestamp: ts}, ""); r.status != http.StatusOK {
			t.Errorf("TIMESTAMP %v away: %d %s", d, r.status, r.body)
		}
	}
	// Moving the sandbox clock does not skew a client on the base clock...
	e.sb.Advance(2 * time.Hour)
	if r := e.v3(http.MethodGet, cert, nil, ""); r.status != http.StatusOK && r.status != http.StatusUnauthorized {
		t.Errorf("after Advance: %d %s", r.status, r.body)
	}
	e.access = ""
	if r := e.v3(http.MethodGet, cert, nil, ""); r.status != http.StatusOK {
		t.Errorf("after Advance, new session: %d %s", r.status, r.body)
	}
	// ...while moving the base clock does.
	e.clock.Advance(10 * time.Minute)
	wantV3Flat(t, e.do(http.MethodGet, sandbox.ABHAV3Base+cert, map[string]string{
		wire.HeaderRequestID: newRequestID(), wire.HeaderTimestamp: now.Format(wire.TimestampLayout),
		wire.HeaderAuthorization: "Bearer " + e.access}, ""), http.StatusBadRequest, "ABDM-2402", "")

	// v2 routes need neither header, and v3 routes no X-HIP-ID (ignored if sent).
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Errorf("v2 cert: %d %s", r.status, r.body)
	}
	if r := e.v3(http.MethodGet, cert, map[string]string{wire.HeaderHIPID: "SOME-HIP"}, ""); r.status != http.StatusOK {
		t.Errorf("v3 with X-HIP-ID: %d %s", r.status, r.body)
	}
}

func TestV3GatewayTokenRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, auth := range []string{"", "Bearer nope", "Bearer " + e.v3Login().RefreshToken} {
		r := e.v3(http.MethodGet, wire.PathV3Certificate, map[string]string{wire.HeaderAuthorization: auth}, "")
		wantGateway401(t, r)
		if !strings.Contains(string(r.body), "version: v3") {
			t.Errorf("description %s", r.body)
		}
	}
	if r := e.v3OTP(wire.PathV3LoginRequestOTP, wire.V3OTPRequest{}, ""); r.status != http.StatusBadRequest {
		t.Errorf("with a token: %d", r.status)
	}
}

func TestV3Certificate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.v3(http.MethodGet, wire.PathV3Certificate, nil, "")
	wantStatus(t, r, http.StatusOK)
	var c wire.V3Certificate
	decode(t, r, &c)
	if c.EncryptionAlgorithm != "RSA/ECB/OAEPWithSHA-1AndMGF1Padding" || strings.Contains(c.PublicKey, "BEGIN") {
		t.Fatalf("certificate %+v", c)
	}
	der, err := base64.StdEncoding.DecodeString(c.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	if k, ok := pub.(*rsa.PublicKey); !ok || !k.Equal(&testKey.PublicKey) {
		t.Error("the certificate is not the sandbox key")
	}
}

func TestV3CertificateWaitsForKey(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	sb := sandbox.New(sandbox.WithKeyBits(1024), sandbox.WithKeyGate(gate))
	e := &env{t: t, sb: sb, ts: newServer(t, sb), clock: nil}
	e.clock = sandbox.NewManualClock(time.Now()) // only for TIMESTAMP: the sandbox runs on real time
	done := make(chan resp, 1)
	h := e.v3Headers(nil)
	go func() {
		r, _ := e.doErr(context.Background(), http.MethodGet, sandbox.ABHAV3Base+wire.PathV3Certificate, h, "")
		done <- r
	}()
	select {
	case r := <-done:
		t.Fatalf("answered before the key exists: %d", r.status)
	case <-time.After(50 * time.Millisecond):
	}
	close(gate)
	if r := <-done; r.status != http.StatusOK {
		t.Errorf("after the key: %d %s", r.status, r.body)
	}
}
