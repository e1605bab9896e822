package abdm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestParseABHA(t *testing.T) {
	good := map[string]string{
		"91-5512-3456-7890":     "91-5512-3456-7890",
		"91551234567890":        "91-5512-3456-7890",
		" 91 5512 3456 7890 ":   "91-5512-3456-7890",
		"Asha.Verma@sbx":        "asha.verma@sbx",
		"test@abdm":             "test@abdm",
		"91-5512-3456-789-0":    "91-5512-3456-7890",
		"  rahul.mehta@sbx\t\n": "rahul.mehta@sbx",
	}
	for in, want := range good {
		if got, err := ParseABHA(in); err != nil || got != want {
			t.Errorf("ParseABHA(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1234", "91-5512-3456-78901", "abc", "@sbx", "name@", "a b@sbx", "91-5512-3456-789x"} {
		if _, err := ParseABHA(bad); !errors.Is(err, ErrABHAFormat) {
			t.Errorf("ParseABHA(%q) accepted", bad)
		}
	}
}

// signIn takes the flow from connected to a signed-in patient.
func (e *testEnv) signIn(abha string, method LoginMethod) Profile {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.flow.LookUp(ctx, abha); err != nil {
		e.t.Fatalf("look up: %v", err)
	}
	if _, err := e.flow.StartSignIn(ctx, method); err != nil {
		e.t.Fatalf("start sign-in: %v", err)
	}
	p, err := e.flow.FinishSignIn(ctx, e.lastOTP())
	if err != nil {
		e.t.Fatalf("finish sign-in: %v", err)
	}
	return p
}

func TestSignInThenDeactivateEachWay(t *testing.T) {
	for _, tc := range []struct {
		login LoginMethod
		otp   OTPMethod
	}{
		{LoginAadhaarOTP, OTPAadhaar}, {LoginAadhaarOTP, OTPMobile},
		{LoginMobileOTP, OTPAadhaar}, {LoginMobileOTP, OTPMobile},
	} {
		t.Run(string(tc.login)+"/"+string(tc.otp), func(t *testing.T) {
			j := &memJournal{}
			e := newTestEnv(t, withJournal(j))
			ctx := context.Background()
			if err := e.flow.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			p := e.signIn("91551234567890", tc.login)
			if p.Name != "Asha Verma" || e.flow.State().Step != StepPatient || e.flow.State().Login != tc.login {
				t.Fatalf("after sign-in: %+v %+v", p, e.flow.State())
			}
			if _, err := e.flow.RequestOTP(ctx, tc.otp); err != nil {
				t.Fatal(err)
			}
			if _, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"102"}, ""); err != nil {
				t.Fatal(err)
			}
			d, _, _ := e.sim.Deactivation(patientAsha)
			if d.AuthMethod != string(tc.otp) {
				t.Fatalf("deactivated with %q, want %q", d.AuthMethod, tc.otp)
			}
			if len(j.intents) != 1 || j.intents[0].Login != tc.login || j.intents[0].Method != tc.otp {
				t.Fatalf("journal: %+v", j.intents)
			}
		})
	}
}

func TestSignInUnknownABHA(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.connect()
	_, err := e.flow.LookUp(ctx, "91-1111-2222-3333")
	wantKind(t, err, KindNotFound)
	if _, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP); err == nil {
		t.Fatal("sign-in allowed without a patient")
	}
	// A malformed number is refused before any call.
	before := e.sim.Count(sandbox.RouteSearch)
	if _, err := e.flow.LookUp(ctx, "91-1111-222"); !errors.Is(err, ErrPatientIDFormat) {
		t.Fatalf("short number: %v", err)
	}
	if e.sim.Count(sandbox.RouteSearch) != before {
		t.Fatal("a malformed number reached ABDM")
	}
}

func TestSignInAlreadyDeactivatedSendsNoOTP(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.connect()
	_, err := e.flow.LookUp(ctx, patientMeena)
	wantKind(t, err, KindAccountInactive)
	if _, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP); err == nil {
		t.Fatal("a sign-in OTP was allowed for a deactivated ABHA")
	}
	if n := e.sim.Count(sandbox.RouteAuthInit) + e.sim.Count(sandbox.RouteAadhaarOTP); n != 0 || len(e.sim.Outbox()) != 0 {
		t.Fatalf("%d OTP requests for a deactivated ABHA", n)
	}
}

func TestSignInWrongOTPThenRight(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.connect()
	if _, err := e.flow.LookUp(ctx, "asha.verma@sbx"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.StartSignIn(ctx, LoginMobileOTP); err != nil {
		t.Fatal(err)
	}
	right := e.lastOTP()
	_, err := e.flow.FinishSignIn(ctx, wrongOTP(right))
	wantKind(t, err, KindWrongOTP)
	if st := e.flow.State().SignIn; st.Attempts != 1 || st.Remaining() != 2 || e.flow.State().Step != StepConnected {
		t.Fatalf("after a wrong sign-in OTP: %+v", st)
	}
	if _, err := e.flow.FinishSignIn(ctx, right); err != nil {
		t.Fatal(err)
	}
}

func TestSignInResendWaitsAndAadhaarWithoutMobile(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.connect()
	if _, err := e.flow.LookUp(ctx, patientRavi); err != nil {
		t.Fatal(err)
	}
	_, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP)
	wantKind(t, err, KindNoLinkedMobile)
	if _, err := e.flow.StartSignIn(ctx, LoginMobileOTP); err != nil {
		t.Fatalf("mobile sign-in for a patient without an Aadhaar-linked mobile: %v", err)
	}
	before := e.sim.Count(sandbox.RouteAuthInit)
	_, err = e.flow.StartSignIn(ctx, LoginMobileOTP)
	wantKind(t, err, KindRateLimited)
	if e.sim.Count(sandbox.RouteAuthInit) != before {
		t.Fatal("a resend inside the wait reached ABDM")
	}
	e.advance(ResendWait)
	if _, err := e.flow.StartSignIn(ctx, LoginMobileOTP); err != nil {
		t.Fatal(err)
	}
}

// The v1 confirm calls take the OTP as plain digits; the v2 deactivate call
// takes it RSA-encrypted. Both go through the same client: pin the
// difference down on the wire.
func TestLoginOTPIsPlainAndDeactivateOTPIsEncrypted(t *testing.T) {
	k2048, _ := testKeys(t)
	sim := sandbox.New(sandbox.WithPrivateKey(k2048))
	var mu sync.Mutex
	bodies := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies[r.URL.Path] = body
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		sim.ServeHTTP(w, r)
	}))
	defer srv.Close()
	creds := sim.Credentials()
	c, err := New(simEndpoints(srv.URL, V2),
		Credentials{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, HIPID: creds.HIPID}, WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	f := NewFlow(c)
	ctx := context.Background()
	if err := f.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.LookUp(ctx, patientAsha); err != nil {
		t.Fatal(err)
	}
	if _, err := f.StartSignIn(ctx, LoginAadhaarOTP); err != nil {
		t.Fatal(err)
	}
	loginOTP := sim.Outbox()[0].OTP
	if _, err := f.FinishSignIn(ctx, loginOTP); err != nil {
		t.Fatal(err)
	}
	if _, err := f.RequestOTP(ctx, OTPAadhaar); err != nil {
		t.Fatal(err)
	}
	deactOTP := sim.Outbox()[1].OTP
	if _, err := f.Deactivate(ctx, deactOTP, []string{"101"}, ""); err != nil {
		t.Fatal(err)
	}
	var confirm wire.ConfirmOTPRequest
	var deact wire.DeactivateRequest
	if err := json.Unmarshal(bodies[sandbox.HealthIDBase+wire.PathConfirmAadhaarOTP], &confirm); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bodies[sandbox.HealthIDBase+wire.PathDeactivate], &deact); err != nil {
		t.Fatal(err)
	}
	if confirm.OTP != loginOTP {
		t.Fatalf("confirm sent otp %q, want the plain digits %q", confirm.OTP, loginOTP)
	}
	ct, err := base64.StdEncoding.DecodeString(deact.OTP)
	if err != nil || len(ct) != 256 || strings.Contains(deact.OTP, deactOTP) {
		t.Fatalf("deactivate must send the OTP RSA-encrypted and base64-encoded, sent %q", deact.OTP)
	}
}

func TestSignInTokenIsAPatientToken(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		testSignInTokenIsAPatientToken(t, gen)
	})
}

func testSignInTokenIsAPatientToken(t *testing.T, gen Generation) {
	e := newTestEnv(t, withGen(gen))
	ctx := context.Background()
	e.connect()
	a, err := e.flow.LookUp(ctx, patientAsha)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _, err := e.client.ConfirmLogin(ctx, a, LoginAadhaarOTP, st.TxnID, e.lastOTP())
	if err != nil {
		t.Fatal(err)
	}
	if !tok.ExpiresAt.After(e.clock.Now().Add(20*time.Minute)) || strings.Contains(tok.Token, " ") {
		t.Fatalf("token %+v", tok)
	}
	if p, err := e.client.Profile(ctx, tok.Token); err != nil || p.ABHANumber != patientAsha {
		t.Fatalf("the sign-in token does not open the profile: %v", err)
	}
}
