package abdm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestSessionRenewsBeforeExpiryWithRefreshGrant(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tok := e.token(patientAsha)
	if _, err := e.client.Profile(ctx, tok); err != nil {
		t.Fatal(err)
	}
	// Within the token's life and outside the renewal margin: no new session.
	e.advance(8 * time.Minute)
	if _, err := e.client.Profile(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got := e.grants.list(); !slices.Equal(got, []string{wire.GrantClientCreds}) {
		t.Fatalf("grants after 8 min: %v", got)
	}
	// 60 s before expiry the token is renewed with the refresh grant.
	e.advance(time.Minute + 30*time.Second)
	if _, err := e.client.Profile(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got := e.grants.list(); !slices.Equal(got, []string{wire.GrantClientCreds, wire.GrantRefreshToken}) {
		t.Fatalf("grants after 9.5 min: %v", got)
	}
	// Once the refresh token has expired too, client credentials again.
	e.advance(31 * time.Minute)
	if _, err := e.client.Profile(ctx, e.token(patientAsha)); err != nil {
		t.Fatal(err)
	}
	if got := e.grants.list(); !slices.Equal(got, []string{wire.GrantClientCreds, wire.GrantRefreshToken, wire.GrantClientCreds}) {
		t.Fatalf("grants after refresh expiry: %v", got)
	}
}

func TestRefusedRefreshFallsBackToClientCredentials(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	if err := e.client.OpenSession(ctx); err != nil {
		t.Fatal(err)
	}
	e.sim.ExpireSessions() // the server forgets both tokens
	e.advance(9*time.Minute + 30*time.Second)
	if err := e.client.OpenSession(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{wire.GrantClientCreds, wire.GrantRefreshToken, wire.GrantClientCreds}
	if got := e.grants.list(); !slices.Equal(got, want) {
		t.Fatalf("grants: %v, want %v", got, want)
	}
}

func TestServerSideExpiryRenewsAndRetriesOnce(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tok := e.token(patientAsha)
	if _, err := e.client.Profile(ctx, tok); err != nil {
		t.Fatal(err)
	}
	e.sim.ExpireSessions() // 401 900901 on the next call
	p, err := e.client.Profile(ctx, tok)
	if err != nil {
		t.Fatalf("profile after server-side expiry: %v", err)
	}
	if p.Name != "Asha Verma" || p.ABHANumber != patientAsha {
		t.Fatalf("profile: %+v", p)
	}
	if n := e.sim.Count(sandbox.RouteProfile); n != 3 {
		t.Fatalf("profile requests: %d, want 3 (one, then refused and retried)", n)
	}
	// The server forgot the refresh token too: refresh, refused, then client credentials.
	want := []string{wire.GrantClientCreds, wire.GrantRefreshToken, wire.GrantClientCreds}
	if got := e.grants.list(); !slices.Equal(got, want) {
		t.Fatalf("grants: %v, want %v", got, want)
	}
}

func TestBadCredentialsAreNeverRetriedOnTheirOwn(t *testing.T) {
	e := newTestEnv(t, func(c *envConfig) { c.secret = "wrong-secret-value" })
	ctx := context.Background()
	wantKind(t, e.flow.Connect(ctx), KindGatewayCredentials)
	for range 3 {
		wantKind(t, e.flow.Connect(ctx), KindGatewayCredentials)
	}
	if n := e.sim.Count(sandbox.RouteSession); n != 1 {
		t.Fatalf("session requests: %d, want 1: a refused secret must not be tried again", n)
	}
	// Only an explicit reset tries again.
	e.client.ResetSession()
	wantKind(t, e.flow.Connect(ctx), KindGatewayCredentials)
	if n := e.sim.Count(sandbox.RouteSession); n != 2 {
		t.Fatalf("session requests after reset: %d, want 2", n)
	}
	if s := e.flow.State().Step; s != StepDisconnected {
		t.Fatalf("step %v", s)
	}
}

func TestLockoutMessageIsShown(t *testing.T) {
	e := newTestEnv(t, func(c *envConfig) { c.secret = "wrong-secret-value" })
	ctx := context.Background()
	var err error
	for range 6 {
		e.client.ResetSession()
		err = e.client.OpenSession(ctx)
	}
	wantKind(t, err, KindGatewayCredentials)
	var ae *Error
	errors.As(err, &ae)
	if ae.Code != "ABDM-9999" || !strings.Contains(ae.ABDMText, "locked") {
		t.Fatalf("lock-out not reported: %+v", ae)
	}
}

func TestPatientTokenRefused(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	if err := e.client.OpenSession(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.Profile(ctx, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2lnbmF0dXJl")
	wantKind(t, err, KindPatientToken)
	if strings.Contains(err.Error(), "eyJ") {
		t.Fatalf("the token leaked into the error: %v", err)
	}
	// An expired token, too.
	tok := e.token(patientAsha)
	e.advance(31 * time.Minute)
	_, err = e.client.Profile(ctx, tok)
	wantKind(t, err, KindPatientToken)
}

func TestRepliesAreReadWithinALimit(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.sim.SetFault(sandbox.RouteProfile, sandbox.Fault{HugeBytes: 10 << 20})
	_, err := e.client.Profile(ctx, e.token(patientAsha))
	wantKind(t, err, KindBadReply)
	if !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("error does not say the reply was too large: %v", err)
	}
}

func TestMalformedAndTruncatedReplies(t *testing.T) {
	for name, f := range map[string]sandbox.Fault{
		"malformed": {Malformed: true},
		"truncated": {Truncated: true},
	} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t)
			e.sim.SetFault(sandbox.RouteAadhaarOTP, f)
			if err := e.flow.Connect(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := e.flow.LoadPatient(context.Background(), e.token(patientAsha)); err != nil {
				t.Fatal(err)
			}
			_, err := e.flow.RequestOTP(context.Background(), OTPAadhaar)
			wantKind(t, err, KindBadReply)
			if e.flow.State().Step != StepPatient {
				t.Fatalf("step %v after a bad reply", e.flow.State().Step)
			}
		})
	}
}

func TestCallTimeout(t *testing.T) {
	e := newTestEnv(t, func(c *envConfig) { c.clientOpts = append(c.clientOpts, WithCallTimeout(200*time.Millisecond)) })
	e.sim.SetFault(sandbox.RouteCert, sandbox.Fault{Latency: 5 * time.Second})
	err := e.flow.Connect(context.Background())
	wantKind(t, err, KindNetwork)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a timeout should wrap context.DeadlineExceeded: %v", err)
	}
}

func TestCancelIsNotAnABDMError(t *testing.T) {
	e := newTestEnv(t)
	e.sim.SetFault(sandbox.RouteSession, sandbox.Fault{Latency: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := e.flow.Connect(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if e.flow.State().Busy {
		t.Fatal("flow still busy after cancel")
	}
}

func TestNoRedirectIsFollowed(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("redirect followed to %s with Authorization %q", r.URL, r.Header.Get("Authorization"))
	}))
	defer target.Close()
	srv := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer srv.Close()
	hc, err := NewHTTPClient(TransportConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Endpoints{Generation: V2, Gateway: srv.URL, HealthID: srv.URL}, Credentials{ClientID: "a", ClientSecret: "b", HIPID: "c"}, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OpenSession(context.Background()); err == nil {
		t.Fatal("a redirect was taken as success")
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	good := Endpoints{Generation: V2, Gateway: "https://dev.abdm.gov.in/gateway", HealthID: "https://healthidsbx.abdm.gov.in/api"}
	creds := Credentials{ClientID: "id", ClientSecret: "s3cret-value", HIPID: "hip"}
	cases := map[string]struct {
		ep Endpoints
		c  Credentials
	}{
		"plain http remote":  {Endpoints{Gateway: "http://dev.abdm.gov.in/gateway", HealthID: good.HealthID}, creds},
		"relative":           {Endpoints{Gateway: "dev.abdm.gov.in", HealthID: good.HealthID}, creds},
		"no secret":          {good, Credentials{ClientID: "id", HIPID: "hip"}},
		"no client":          {good, Credentials{ClientSecret: "x", HIPID: "hip"}},
		"no hip (v2)":        {good, Credentials{ClientID: "id", ClientSecret: "x"}},
		"unknown generation": {Endpoints{Generation: "v9", Gateway: good.Gateway, HealthID: good.HealthID}, creds},
	}
	for name, c := range cases {
		if _, err := New(c.ep, c.c); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "s3cret-value") {
			t.Errorf("%s: secret in error", name)
		}
	}
	if _, err := New(Endpoints{Gateway: "http://127.0.0.1:8090/gateway", HealthID: "http://localhost:8090/api"}, creds); err != nil {
		t.Errorf("loopback http refused: %v", err)
	}
	// v3 sends no X-HIP-ID: the HIP ID is optional there.
	c, err := New(SandboxEndpointsV3, Credentials{ClientID: "id", ClientSecret: "x"})
	if err != nil || c.Generation() != V3 || c.Endpoints().CMID != "sbx" {
		t.Errorf("v3 without a HIP ID: %v", err)
	}
	if c, err := New(Endpoints{Gateway: "https://g.example.in", HealthID: "https://h.example.in"}, creds); err != nil || c.Generation() != DefaultGeneration {
		t.Errorf("no generation given: %v", err)
	}
	if s := (Credentials{ClientID: "id", ClientSecret: "s3cret-value"}); strings.Contains(s.String()+s.GoString(), "s3cret") {
		t.Error("Credentials print their secret")
	}
}
