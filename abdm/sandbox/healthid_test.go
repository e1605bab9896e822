package sandbox_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestCert(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{wire.PathCert, wire.PathCertV2} {
		r := e.hid(http.MethodGet, path, "", "")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("%s: %d %q", path, r.status, r.header.Get("Content-Type"))
		}
		block, _ := pem.Decode(r.body)
		if block == nil || block.Type != "PUBLIC KEY" {
			t.Fatalf("%s: not a PUBLIC KEY PEM: %s", path, r.body)
		}
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok || !rk.Equal(&testKey.PublicKey) {
			t.Fatalf("%s: key %T is not the sandbox's RSA key", path, pub)
		}
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.hid(http.MethodGet, wire.PathProfile, e.token(asha), "")
	if r.status != http.StatusOK {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	var p wire.Profile
	decode(t, r, &p)
	if p.Name != "Asha Verma" || p.FirstName != "Asha" || p.LastName != "Verma" ||
		p.HealthIDNumber != "91-5512-3456-7890" || p.HealthID != "asha.verma@sbx" ||
		p.Mobile != "9876543210" || p.Gender == "" || p.YearOfBirth == "" || len(p.AuthMethods) == 0 || !p.KYCVerified {
		t.Errorf("profile %+v", p)
	}
}

func TestAccountsSnapshot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	got := e.sb.Accounts()
	want := []sandbox.Account{
		{ABHANumber: "91-5512-3456-7890", Address: "asha.verma@sbx", Name: "Asha Verma", Mobile: "9876543210", Status: "ACTIVE", Note: "normal"},
		{ABHANumber: "91-6623-4567-8901", Address: "rahul.mehta@sbx", Name: "Rahul Mehta", Mobile: "9123456789", Status: "ACTIVE", Note: "normal"},
		{ABHANumber: "91-7734-5678-9012", Address: "ravi.kumar@sbx", Name: "Ravi Kumar", Mobile: "9988776655", Status: "ACTIVE", Note: "no mobile linked to Aadhaar (HIS-3005)"},
		{ABHANumber: "91-8845-6789-0123", Address: "meena.iyer@sbx", Status: "DEACTIVATED", Name: "Meena Iyer", Note: "already deactivated"},
		{ABHANumber: "91-9956-7890-1234", Address: "sunita.devi@sbx", Name: "Sunita Devi", Mobile: "9988776655", Status: "ACTIVE", Note: "linked to a government benefit (ABDM-1228 on v3)"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d accounts, want %d", len(got), len(want))
	}
	seen := map[string]bool{}
	for i, a := range got {
		w := want[i]
		if a.ABHANumber != w.ABHANumber || a.Address != w.Address || a.Name != w.Name || a.Status != w.Status ||
			a.Note != w.Note || (w.Mobile != "" && a.Mobile != w.Mobile) {
			t.Errorf("account %d: %+v, want %+v", i, a, w)
		}
		if a.XToken == "" || seen[a.XToken] || !a.XTokenExpires.Equal(e.sb.Now().Add(30*time.Minute)) {
			t.Errorf("account %d: token %q expiring %v", i, a.XToken, a.XTokenExpires)
		}
		seen[a.XToken] = true
	}
}

func TestXTokenRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := sandbox.HealthIDBase + wire.PathProfile
	cases := map[string]string{
		"missing":   "",
		"no scheme": e.token(asha),
		"unknown":   "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
		"gateway":   "Bearer " + e.login().AccessToken,
	}
	for name, x := range cases {
		h := e.headers("")
		if x != "" {
			h[wire.HeaderXToken] = x
		}
		r := e.do(http.MethodGet, path, h, "")
		if r.status != http.StatusUnauthorized || len(r.body) != 0 {
			t.Errorf("%s: %d with %d bytes, want 401 with an empty body", name, r.status, len(r.body))
		}
	}
}

func TestXTokenExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.WithTokenTTL(5*time.Minute))
	old := e.token(asha)
	e.sb.Advance(5 * time.Minute)
	e.access = "" // the gateway token outlives the X-Token only by luck; get a fresh one
	r := e.hid(http.MethodGet, wire.PathProfile, old, "")
	if r.status != http.StatusUnauthorized || len(r.body) != 0 {
		t.Fatalf("expired X-Token: %d %s", r.status, r.body)
	}
	// Accounts hands out a fresh token once the old one expired.
	fresh := e.token(asha)
	if fresh == old {
		t.Fatal("Accounts kept the expired token")
	}
	if r := e.hid(http.MethodGet, wire.PathProfile, fresh, ""); r.status != http.StatusOK {
		t.Fatalf("fresh token: %d", r.status)
	}
	// IssueToken accepts the number with or without hyphens, or the address.
	for _, id := range []string{"91-5512-3456-7890", "91551234567890", "asha.verma@sbx"} {
		tok, err := e.sb.IssueToken(id)
		if err != nil {
			t.Fatalf("IssueToken(%q): %v", id, err)
		}
		if r := e.hid(http.MethodGet, wire.PathProfile, tok, ""); r.status != http.StatusOK {
			t.Fatalf("issued token for %q: %d", id, r.status)
		}
	}
	if _, err := e.sb.IssueToken("91-0000-0000-0000"); err == nil {
		t.Error("IssueToken of an unknown account succeeded")
	}
}

func TestDeactivatedAccountRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{wire.PathProfile, wire.PathAadhaarOTP, wire.PathMobileOTP, wire.PathDeactivate} {
		method, body := http.MethodPost, "{}"
		if path == wire.PathProfile {
			method, body = http.MethodGet, ""
		}
		he := wantHIS(t, e.hid(method, path, e.token(meena), body), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
		if he.Details[0].Message != "ABHA number is deactivated" {
			t.Errorf("%s: %+v", path, he)
		}
	}
	if st, err := e.sb.AccountStatus("91-8845-6789-0123"); err != nil || st != sandbox.StatusDeactivated {
		t.Errorf("AccountStatus: %q, %v", st, err)
	}
	if _, err := e.sb.AccountStatus("nobody"); err == nil {
		t.Error("AccountStatus of an unknown account succeeded")
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodGet, "/api/v9/nothing", nil, "")
	if r.status != http.StatusNotFound {
		t.Fatalf("unknown path: %d", r.status)
	}
	var he wire.HealthIDError
	decode(t, r, &he)
	if he.Code == "" || len(he.Details) == 0 {
		t.Errorf("404 body %s", r.body)
	}
	r = e.do(http.MethodGet, sandbox.GatewayBase+wire.PathSessions, nil, "")
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodPost {
		t.Errorf("GET sessions: %d, Allow %q", r.status, r.header.Get("Allow"))
	}
	if e.sb.Count(sandbox.RouteSession) != 0 {
		t.Error("a wrong-method request was counted")
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	big := `{"pad":"` + strings.Repeat("x", 100<<10) + `"}`
	r := e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(asha), big)
	wantHIS(t, r, http.StatusRequestEntityTooLarge, "HIS-400", "HIS-400")
	r = e.do(http.MethodPost, sandbox.GatewayBase+wire.PathSessions, nil, big)
	wantSessionError(t, r, http.StatusRequestEntityTooLarge, "Request body is too large")
}

func TestOddBodiesNeverPanic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bodies := []string{"", "null", "[]", "{}", "0", `"x"`, "{", `{"reasons":null}`, `{"otp":123}`,
		`{"authMethod":"AADHAAR_OTP","reasons":[1],"txnId":{},"otp":[]}`, strings.Repeat("[", 5000),
		`{"authMethod":"AADHAAR_OTP","reasons":["1"],"txnId":"x","otp":"!!!"}`, "\x00\xff"}
	paths := []string{wire.PathAadhaarOTP, wire.PathMobileOTP, wire.PathDeactivate}
	for _, b := range bodies {
		for _, p := range paths {
			r := e.hid(http.MethodPost, p, e.token(rahul), b)
			if r.status >= 500 {
				t.Errorf("%s with %.20q: %d %s", p, b, r.status, r.body)
			}
		}
		if r := e.do(http.MethodPost, sandbox.GatewayBase+wire.PathSessions, nil, b); r.status >= 500 || r.status == 200 {
			t.Errorf("session with %.20q: %d", b, r.status)
		}
		e.sb.Advance(31 * time.Second) // stay clear of the resend limit
	}
}
