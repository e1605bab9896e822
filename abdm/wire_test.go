package abdm

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// seenRequest is one request as it crossed the wire.
type seenRequest struct {
	method, path string
	header       http.Header
	body         []byte
}

// recorder keeps every request on its way to the simulator.
type recorder struct {
	mu   sync.Mutex
	seen []seenRequest
}

func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.seen = append(r.seen, seenRequest{method: req.Method, path: req.URL.Path, header: req.Header.Clone(), body: body})
		r.mu.Unlock()
		req.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, req)
	})
}

// at returns the requests to paths ending in suffix.
func (r *recorder) at(suffix string) []seenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []seenRequest
	for _, s := range r.seen {
		if strings.HasSuffix(s.path, suffix) {
			out = append(out, s)
		}
	}
	return out
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// wireRun drives every call of the flow in gen through a recorder: a
// sign-in, a deactivation, a reactivation.
func wireRun(t *testing.T, gen Generation) (*recorder, *rsa.PrivateKey) {
	t.Helper()
	k2048, _ := testKeys(t)
	start, _ := time.Parse(time.RFC3339, startOfTheDay)
	clock := sandbox.NewManualClock(start)
	sim := sandbox.New(sandbox.WithPrivateKey(k2048), sandbox.WithClock(clock))
	rec := &recorder{}
	srv := httptest.NewServer(rec.wrap(sim))
	t.Cleanup(srv.Close)
	creds := sim.Credentials()
	cat, err := ParseCatalogue([]byte(`{"reasons":[{"code":"101","en":"Privacy concerns","hi":"निजता"},{"code":"104","en":"Moving abroad","hi":"विदेश"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(simEndpoints(srv.URL, gen), Credentials{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, HIPID: creds.HIPID},
		WithClock(clock.Now), WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	f := NewFlow(c, WithFlowClock(clock.Now), WithCatalogue(cat))
	ctx := context.Background()
	last := func() string { box := sim.Outbox(); return box[len(box)-1].OTP }
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("connect", f.Connect(ctx))
	_, err = f.LookUp(ctx, patientAsha)
	step("look up", err)
	_, err = f.StartSignIn(ctx, LoginAadhaarOTP)
	step("sign-in OTP", err)
	_, err = f.FinishSignIn(ctx, last())
	step("sign in", err)
	_, err = f.RequestOTP(ctx, OTPAadhaar)
	step("request OTP", err)
	_, err = f.Deactivate(ctx, last(), []string{"101", "104"}, "")
	step("deactivate", err)
	_, err = f.StartReactivation(ctx, "", OTPMobile)
	step("reactivation OTP", err)
	_, err = f.Reactivate(ctx, last())
	step("reactivate", err)
	return rec, k2048
}

// decrypts decodes ct (base64) and decrypts it with key under OAEP-SHA1 and
// under PKCS#1 v1.5. A cipher "works" when it yields a plaintext that looks
// like what was sent (digits and dashes): a ciphertext of one padding can,
// rarely, pass the other's padding check, but then it yields noise.
func decrypts(t *testing.T, key *rsa.PrivateKey, ct string) (oaep, pkcs1 bool, plain string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(ct)
	if err != nil {
		t.Fatalf("not standard base64: %q", ct)
	}
	sent := func(p []byte) bool { return len(p) > 0 && strings.Trim(string(p), "0123456789-") == "" }
	if p, err := rsa.DecryptOAEP(sha1.New(), nil, key, raw, nil); err == nil && sent(p) {
		oaep, plain = true, string(p)
	}
	//lint:ignore SA1019 the test checks that v2's cipher is PKCS#1 v1.5.
	if p, err := rsa.DecryptPKCS1v15(nil, key, raw); err == nil && sent(p) {
		pkcs1, plain = true, string(p)
	}
	return oaep, pkcs1, plain
}

func decodeBody(t *testing.T, r seenRequest, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s: body %q: %v", r.path, r.body, err)
	}
}

// one returns the single request to suffix.
func one(t *testing.T, rec *recorder, suffix string) seenRequest {
	t.Helper()
	got := rec.at(suffix)
	if len(got) == 0 {
		t.Fatalf("no request to %s", suffix)
	}
	return got[len(got)-1]
}

// The v3 wire: its headers on every call and nothing of v2's, OAEP-SHA1 for
// every encrypted field (the ABHA number with its dashes), the bodies of
// each call with the reasons as text.
func TestWireV3(t *testing.T) {
	rec, key := wireRun(t, V3)
	ids := map[string]bool{}
	for _, r := range rec.seen {
		if !strings.HasPrefix(r.path, sandbox.GatewayV3Base+"/v3/") && !strings.HasPrefix(r.path, sandbox.ABHAV3Base+"/v3/") {
			t.Errorf("v3 call outside the v3 bases: %s", r.path)
		}
		id := r.header.Get(wire.HeaderRequestID)
		if !uuidPattern.MatchString(id) || ids[id] {
			t.Errorf("%s: REQUEST-ID %q is not a fresh UUID", r.path, id)
		}
		ids[id] = true
		ts := r.header.Get(wire.HeaderTimestamp)
		if _, err := time.Parse(wire.TimestampLayout, ts); err != nil || !strings.HasSuffix(ts, "Z") || len(ts) != len("2026-12-02T10:15:30.123Z") {
			t.Errorf("%s: TIMESTAMP %q", r.path, ts)
		}
		if r.header.Get(wire.HeaderHIPID) != "" {
			t.Errorf("%s: v2's X-HIP-ID sent on a v3 call", r.path)
		}
		for _, v2only := range []string{`"authMethod"`, `"healthid"`, `"healthId"`, "AADHAAR_OTP", "MOBILE_OTP", "grantType\":\"refresh_token"} {
			if bytes.Contains(r.body, []byte(v2only)) {
				t.Errorf("%s: v2's %s in a v3 body: %s", r.path, v2only, r.body)
			}
		}
		session := strings.HasSuffix(r.path, wire.PathV3Sessions)
		if got := r.header.Get(wire.HeaderCMID); (got == "sbx") != session {
			t.Errorf("%s: X-CM-ID %q", r.path, got)
		}
		if auth := r.header.Get("Authorization"); session == strings.HasPrefix(auth, "Bearer ") {
			t.Errorf("%s: Authorization %q", r.path, auth)
		}
		if xt := r.header.Get(wire.HeaderV3XToken); xt != "" && !strings.HasPrefix(xt, "Bearer ") {
			t.Errorf("%s: X-token without Bearer", r.path)
		}
	}
	var sess wire.V3SessionRequest
	decodeBody(t, one(t, rec, wire.PathV3Sessions), &sess)
	if sess.GrantType != "client_credentials" || sess.ClientID == "" || sess.ClientSecret == "" {
		t.Errorf("session body %+v", sess)
	}
	// Sign-in, the deactivation OTP and the reactivation OTP: loginId is
	// the ABHA number with its dashes, OAEP-SHA1.
	otpReqs := append(rec.at(wire.PathV3LoginRequestOTP), rec.at(wire.PathV3AccountRequestOTP)...)
	if len(otpReqs) != 3 {
		t.Fatalf("%d OTP requests", len(otpReqs))
	}
	scopes := map[string]bool{}
	for _, r := range otpReqs {
		var b wire.V3OTPRequest
		decodeBody(t, r, &b)
		oaep, pkcs1, plain := decrypts(t, key, b.LoginID)
		if !oaep || pkcs1 || plain != patientAsha {
			t.Errorf("%s: loginId OAEP %v PKCS1 %v %q", r.path, oaep, pkcs1, plain)
		}
		if b.LoginHint != wire.LoginHintABHANumber {
			t.Errorf("%s: loginHint %q", r.path, b.LoginHint)
		}
		scopes[strings.Join(b.Scope, ",")+" "+b.OTPSystem] = true
		if strings.HasSuffix(r.path, wire.PathV3AccountRequestOTP) && strings.Contains(strings.Join(b.Scope, ","), "de-activate") &&
			r.header.Get(wire.HeaderV3XToken) == "" {
			t.Errorf("the deactivation OTP request lacks the X-token")
		}
	}
	for _, want := range []string{"abha-login,aadhaar-verify aadhaar", "abha-profile,de-activate aadhaar", "abha-login,mobile-verify,re-activate abdm"} {
		if !scopes[want] {
			t.Errorf("no OTP request with scope and system %q (got %v)", want, scopes)
		}
	}
	// Deactivation: account/verify with the X-token, OAEP OTP, reasons as the English labels.
	deact := one(t, rec, wire.PathV3AccountVerify)
	var vb wire.V3VerifyRequest
	decodeBody(t, deact, &vb)
	if strings.Join(vb.Scope, ",") != "abha-profile,de-activate" || strings.Join(vb.AuthData.AuthMethods, ",") != "otp" ||
		strings.Join(vb.Reasons, "|") != "Privacy concerns|Moving abroad" || vb.AuthData.OTP.TxnID == "" {
		t.Errorf("account/verify body %s", deact.body)
	}
	if oaep, pkcs1, plain := decrypts(t, key, vb.AuthData.OTP.OTPValue); !oaep || pkcs1 || len(plain) != 6 {
		t.Errorf("deactivation otpValue OAEP %v PKCS1 %v", oaep, pkcs1)
	}
	if !strings.HasPrefix(deact.header.Get(wire.HeaderV3XToken), "Bearer ") {
		t.Error("account/verify without X-token")
	}
	// Sign-in and reactivation verify at login/verify, without reasons; the
	// reactivation without an X-token.
	verifies := rec.at(wire.PathV3LoginVerify)
	if len(verifies) != 2 {
		t.Fatalf("%d login/verify calls", len(verifies))
	}
	for i, r := range verifies {
		var b wire.V3VerifyRequest
		decodeBody(t, r, &b)
		if b.Reasons != nil || bytes.Contains(r.body, []byte("reasons")) {
			t.Errorf("login/verify with reasons: %s", r.body)
		}
		if oaep, pkcs1, _ := decrypts(t, key, b.AuthData.OTP.OTPValue); !oaep || pkcs1 {
			t.Errorf("login/verify otpValue OAEP %v PKCS1 %v", oaep, pkcs1)
		}
		if i == 1 && (r.header.Get(wire.HeaderV3XToken) != "" || strings.Join(b.Scope, ",") != "abha-login,mobile-verify,re-activate") {
			t.Errorf("reactivation verify: scope %v, X-token %q", b.Scope, r.header.Get(wire.HeaderV3XToken))
		}
	}
	if p := one(t, rec, wire.PathV3Account); p.method != http.MethodGet || !strings.HasPrefix(p.header.Get(wire.HeaderV3XToken), "Bearer ") {
		t.Errorf("profile call %+v", p)
	}
	if c := one(t, rec, wire.PathV3Certificate); c.method != http.MethodGet {
		t.Errorf("certificate call %+v", c)
	}
}

// The v2 wire: X-HIP-ID on every HealthID call, X-Token for the patient,
// nothing of v3's, PKCS#1 v1.5 for the encrypted OTPs, the sign-in OTP in
// plain digits, the reason codes as codes.
func TestWireV2(t *testing.T) {
	rec, key := wireRun(t, V2)
	for _, r := range rec.seen {
		if !strings.HasPrefix(r.path, sandbox.GatewayBase+"/v0.5/") && !strings.HasPrefix(r.path, sandbox.HealthIDBase+"/v1/") &&
			!strings.HasPrefix(r.path, sandbox.HealthIDBase+"/v2/") {
			t.Errorf("v2 call outside the v2 bases: %s", r.path)
		}
		for _, h := range []string{wire.HeaderRequestID, wire.HeaderTimestamp, wire.HeaderCMID, wire.HeaderTToken} {
			if r.header.Get(h) != "" {
				t.Errorf("%s: v3's %s sent on a v2 call", r.path, h)
			}
		}
		for _, v3only := range []string{`"scope"`, `"loginHint"`, `"otpSystem"`, `"authData"`, "de-activate", "ABDM-"} {
			if bytes.Contains(r.body, []byte(v3only)) {
				t.Errorf("%s: v3's %s in a v2 body: %s", r.path, v3only, r.body)
			}
		}
		session := strings.HasSuffix(r.path, wire.PathSessions)
		if got := r.header.Get(wire.HeaderHIPID); (got != "") == session {
			t.Errorf("%s: X-HIP-ID %q", r.path, got)
		}
	}
	deact := one(t, rec, wire.PathDeactivate)
	var db wire.DeactivateRequest
	decodeBody(t, deact, &db)
	if db.AuthMethod != "AADHAAR_OTP" || strings.Join(db.Reasons, ",") != "101,104" || db.TxnID == "" {
		t.Errorf("deactivate body %s", deact.body)
	}
	if oaep, pkcs1, plain := decrypts(t, key, db.OTP); oaep || !pkcs1 || len(plain) != 6 {
		t.Errorf("deactivate otp OAEP %v PKCS1 %v", oaep, pkcs1)
	}
	if !strings.HasPrefix(deact.header.Get(wire.HeaderXToken), "Bearer ") {
		t.Error("deactivate without X-Token")
	}
	react := one(t, rec, wire.PathReactivate)
	var rb wire.ReactivateRequest
	decodeBody(t, react, &rb)
	if rb.AuthMethod != "MOBILE_OTP" || rb.TxnID == "" || react.header.Get(wire.HeaderXToken) != "" {
		t.Errorf("reactivate body %s", react.body)
	}
	if oaep, pkcs1, _ := decrypts(t, key, rb.OTP); oaep || !pkcs1 {
		t.Errorf("reactivate otp OAEP %v PKCS1 %v", oaep, pkcs1)
	}
	var init wire.ReactivateInitRequest
	decodeBody(t, one(t, rec, wire.PathReactivateInit), &init)
	if init.AuthMethod != "MOBILE_OTP" || init.HealthID != patientAsha {
		t.Errorf("reactivate/init body %+v", init)
	}
	var confirm wire.ConfirmOTPRequest
	decodeBody(t, one(t, rec, wire.PathConfirmAadhaarOTP), &confirm)
	if len(confirm.OTP) != 6 || strings.Trim(confirm.OTP, "0123456789") != "" {
		t.Errorf("the v1 confirm sends the OTP in plain digits, sent %q", confirm.OTP)
	}
	if c := one(t, rec, wire.PathCert); c.method != http.MethodGet {
		t.Errorf("cert call %+v", c)
	}
}
