package sandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestSessionOK(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.login()
	if s.ExpiresIn != 600 || s.RefreshExpiresIn != 1800 || s.TokenType != "bearer" {
		t.Errorf("session %+v: want expiresIn 600, refreshExpiresIn 1800, tokenType bearer", s)
	}
	for _, tok := range []string{s.AccessToken, s.RefreshToken} {
		if !strings.HasPrefix(tok, "eyJ") || strings.Count(tok, ".") != 2 {
			t.Errorf("token %q does not look like a JWT", tok)
		}
	}
	if s.AccessToken == s.RefreshToken {
		t.Error("access and refresh tokens are the same")
	}
	r := e.do(http.MethodGet, sandbox.HealthIDBase+wire.PathCert, map[string]string{
		wire.HeaderAuthorization: "Bearer " + s.AccessToken, wire.HeaderHIPID: "X"}, "")
	if r.status != http.StatusOK {
		t.Fatalf("cert with the new token: %d %s", r.status, r.body)
	}
}

func TestSessionOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.WithCredentials("clinic-7", "s3cret", "HIP-7"), sandbox.WithSessionTTL(90*time.Second))
	c := e.sb.Credentials()
	if c != (sandbox.Credentials{ClientID: "clinic-7", ClientSecret: "s3cret", HIPID: "HIP-7"}) {
		t.Fatalf("credentials %+v", c)
	}
	if s := e.login(); s.ExpiresIn != 90 {
		t.Errorf("expiresIn %d, want 90", s.ExpiresIn)
	}
}

func TestDefaultCredentials(t *testing.T) {
	t.Parallel()
	a, b := sandbox.New(sandbox.WithPrivateKey(testKey)), sandbox.New(sandbox.WithPrivateKey(testKey))
	ca, cb := a.Credentials(), b.Credentials()
	if ca.ClientID != "demo-clinic" || ca.HIPID != "DEMO-HIP-001" {
		t.Errorf("defaults %+v", ca)
	}
	if len(ca.ClientSecret) != 32 || ca.ClientSecret == cb.ClientSecret {
		t.Errorf("secrets %q and %q: want 32 random characters each", ca.ClientSecret, cb.ClientSecret)
	}
}

func TestSessionPostmanRefreshShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := e.goodLogin()
	req.RefreshToken = "eyJhbGciOiJIUzI1NiJ9.e30.not-a-known-token"
	if r := e.session(req); r.status != http.StatusOK {
		t.Fatalf("client_credentials with refreshToken: %d %s", r.status, r.body)
	}
}

func TestSessionErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bad := e.goodLogin()
	bad.ClientSecret = "wrong"
	wantSessionError(t, e.session(bad), http.StatusUnauthorized, "Invalid client credentials")

	unknown := e.goodLogin()
	unknown.ClientID = "someone-else"
	wantSessionError(t, e.session(unknown), http.StatusUnauthorized, "Invalid client credentials")

	r := e.do(http.MethodPost, sandbox.GatewayBase+wire.PathSessions, nil, `{"clientId":`)
	wantSessionError(t, r, http.StatusBadRequest, "Malformed request body")

	odd := e.goodLogin()
	odd.GrantType = "password"
	if r := e.session(odd); r.status != http.StatusBadRequest {
		t.Errorf("unknown grant type: %d %s", r.status, r.body)
	}
}

func TestSessionLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bad := e.goodLogin()
	bad.ClientSecret = "wrong"
	const locked = "Client temporarily locked after repeated failed logins. Try again after 15 minutes."

	// Four failures, then a good login resets the count.
	for range 4 {
		wantSessionError(t, e.session(bad), http.StatusUnauthorized, "Invalid client credentials")
	}
	e.login()
	for range 4 {
		wantSessionError(t, e.session(bad), http.StatusUnauthorized, "Invalid client credentials")
	}
	e.login()

	// Five in a row lock the client, even for the right secret.
	for range 5 {
		wantSessionError(t, e.session(bad), http.StatusUnauthorized, "Invalid client credentials")
	}
	wantSessionError(t, e.session(e.goodLogin()), http.StatusUnauthorized, locked)
	wantSessionError(t, e.session(bad), http.StatusUnauthorized, locked)

	e.sb.Advance(14 * time.Minute)
	wantSessionError(t, e.session(e.goodLogin()), http.StatusUnauthorized, locked)
	e.sb.Advance(time.Minute)
	e.login()
}

func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.login()
	c := e.sb.Credentials()
	refresh := func(tok, clientID string) resp {
		return e.session(wire.SessionRequest{ClientID: clientID, GrantType: wire.GrantRefreshToken, RefreshToken: tok})
	}

	r := refresh(first.RefreshToken, c.ClientID)
	if r.status != http.StatusOK {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	var second wire.SessionResponse
	decode(t, r, &second)
	if second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
		t.Error("refresh returned the old tokens")
	}
	e.access = second.AccessToken
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Fatalf("cert with refreshed token: %d", r.status)
	}

	wantSessionError(t, refresh(first.RefreshToken, "other-client"), http.StatusUnauthorized, "Invalid refresh token")
	wantSessionError(t, refresh(first.AccessToken, c.ClientID), http.StatusUnauthorized, "Invalid refresh token")
	wantSessionError(t, refresh("", c.ClientID), http.StatusUnauthorized, "Invalid refresh token")

	e.sb.Advance(1801 * time.Second)
	wantSessionError(t, refresh(second.RefreshToken, c.ClientID), http.StatusUnauthorized, "Invalid refresh token")
}

func TestAccessTokenExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Fatalf("cert: %d", r.status)
	}
	e.sb.Advance(599 * time.Second)
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Fatalf("cert before expiry: %d", r.status)
	}
	e.sb.Advance(time.Second)
	wantGateway401(t, e.hid(http.MethodGet, wire.PathCert, "", ""))
}

func TestExpireSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.login()
	e.access = s.AccessToken
	e.sb.ExpireSessions()
	r := e.hid(http.MethodGet, wire.PathProfile, e.token(asha), "")
	wantGateway401(t, r)
	if !strings.Contains(string(r.body), "/api/v1/account/profile") {
		t.Errorf("description does not name the API: %s", r.body)
	}
	c := e.sb.Credentials()
	wantSessionError(t, e.session(wire.SessionRequest{ClientID: c.ClientID, GrantType: wire.GrantRefreshToken,
		RefreshToken: s.RefreshToken}), http.StatusUnauthorized, "Invalid refresh token")
	e.access = e.login().AccessToken
	if r := e.hid(http.MethodGet, wire.PathProfile, e.token(asha), ""); r.status != http.StatusOK {
		t.Fatalf("profile after a new login: %d", r.status)
	}
}

func TestGatewayTokenRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := sandbox.HealthIDBase + wire.PathCert
	for _, auth := range []string{"", "Bearer", "Bearer nope", "Basic " + e.login().AccessToken} {
		wantGateway401(t, e.do(http.MethodGet, path, map[string]string{
			wire.HeaderAuthorization: auth, wire.HeaderHIPID: "X"}, ""))
	}
	// A refresh token is not an access token.
	wantGateway401(t, e.do(http.MethodGet, path, map[string]string{
		wire.HeaderAuthorization: "Bearer " + e.login().RefreshToken, wire.HeaderHIPID: "X"}, ""))
	// The scheme is case-insensitive.
	if r := e.do(http.MethodGet, path, map[string]string{
		wire.HeaderAuthorization: "bearer " + e.login().AccessToken, wire.HeaderHIPID: "X"}, ""); r.status != http.StatusOK {
		t.Errorf("lower-case bearer: %d", r.status)
	}
}

func TestHIPIDRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.headers(e.token(asha))
	delete(h, wire.HeaderHIPID)
	r := e.do(http.MethodGet, sandbox.HealthIDBase+wire.PathProfile, h, "")
	he := wantHIS(t, r, http.StatusBadRequest, "HIS-400", "HIS-400")
	if he.Details[0].Attribute == nil || he.Details[0].Attribute.Key != "X-HIP-ID" ||
		he.Details[0].Message != "X-HIP-ID header is required" {
		t.Errorf("detail %+v", he.Details[0])
	}
}
