package sandbox_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestAdminInfo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodGet, "/_sandbox/info", nil, "")
	var info struct {
		ClientID     string            `json:"clientId"`
		ClientSecret string            `json:"clientSecret"`
		HIPID        string            `json:"hipId"`
		GatewayPath  string            `json:"gatewayPath"`
		HealthIDPath string            `json:"healthIdPath"`
		Now          time.Time         `json:"now"`
		Accounts     []sandbox.Account `json:"accounts"`
	}
	decode(t, r, &info)
	c := e.sb.Credentials()
	if info.ClientID != c.ClientID || info.ClientSecret != c.ClientSecret || info.HIPID != c.HIPID ||
		info.GatewayPath != "/gateway" || info.HealthIDPath != "/api" || !info.Now.Equal(e.sb.Now()) ||
		len(info.Accounts) != 5 || info.Accounts[0].XToken == "" {
		t.Errorf("info %+v", info)
	}
}

func TestAdminClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	start := e.sb.Now()
	for _, body := range []string{`{"advance":"11m"}`, `{"advance":60000000000}`} {
		if r := e.do(http.MethodPost, "/_sandbox/clock", nil, body); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", body, r.status, r.body)
		}
	}
	if got := e.sb.Now().Sub(start); got != 12*time.Minute {
		t.Errorf("clock moved %v, want 12m", got)
	}
	var now struct {
		Now time.Time `json:"now"`
	}
	decode(t, e.do(http.MethodGet, "/_sandbox/clock", nil, ""), &now)
	if !now.Now.Equal(e.sb.Now()) {
		t.Errorf("GET clock %v, want %v", now.Now, e.sb.Now())
	}
	for _, body := range []string{`{"advance":"later"}`, `{"advance":"-5m"}`, `nonsense`} {
		if r := e.do(http.MethodPost, "/_sandbox/clock", nil, body); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", body, r.status)
		}
	}
}

func TestAdminFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodPost, "/_sandbox/faults", nil,
		`{"route":"deactivate","fault":{"latency":"5ms","status":500,"body":"boom","times":3}}`)
	if r.status != http.StatusNoContent {
		t.Fatalf("set fault: %d %s", r.status, r.body)
	}
	r = e.do(http.MethodPost, "/_sandbox/faults", nil, `{"route":"cert","fault":{"latency":1000000,"status":418}}`)
	if r.status != http.StatusNoContent {
		t.Fatalf("set fault: %d %s", r.status, r.body)
	}
	var faults map[sandbox.Route]sandbox.Fault
	decode(t, e.do(http.MethodGet, "/_sandbox/faults", nil, ""), &faults)
	want := sandbox.Fault{Latency: 5 * time.Millisecond, Status: 500, Body: "boom", Times: 3}
	if faults[sandbox.RouteDeactivate] != want || faults[sandbox.RouteCert].Latency != time.Millisecond {
		t.Errorf("faults %+v", faults)
	}
	if r := e.hid(http.MethodPost, wire.PathDeactivate, e.token(asha), "{}"); r.status != 500 || string(r.body) != "boom" {
		t.Errorf("faulted deactivate: %d %q", r.status, r.body)
	}
	for _, body := range []string{`{"route":"nowhere","fault":{}}`, `{"route":"cert","fault":{"status":99}}`,
		`{"route":"cert","fault":{"latency":"x"}}`} {
		if r := e.do(http.MethodPost, "/_sandbox/faults", nil, body); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", body, r.status)
		}
	}
	if r := e.do(http.MethodDelete, "/_sandbox/faults", nil, ""); r.status != http.StatusNoContent {
		t.Fatalf("clear: %d", r.status)
	}
	if f := e.sb.Faults(); len(f) != 0 {
		t.Errorf("faults after DELETE: %+v", f)
	}
}

func TestAdminStatsOutboxTokensExpire(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := e.do(http.MethodGet, "/_sandbox/outbox", nil, ""); string(r.body) != "[]" {
		t.Errorf("empty outbox: %s", r.body)
	}
	_, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	e.hid(http.MethodGet, wire.PathProfile, e.token(asha), "")

	var stats map[string]int
	decode(t, e.do(http.MethodGet, "/_sandbox/stats", nil, ""), &stats)
	if stats["session"] != 1 || stats["aadhaar-otp"] != 1 || stats["profile"] != 1 || stats["deactivate"] != 0 || len(stats) != len(sandbox.Routes()) {
		t.Errorf("stats %v", stats)
	}
	var out []sandbox.OTPMessage
	decode(t, e.do(http.MethodGet, "/_sandbox/outbox", nil, ""), &out)
	if len(out) != 1 || out[0].OTP != msg.OTP || out[0].TxnID != msg.TxnID {
		t.Errorf("outbox %+v", out)
	}

	var tok struct {
		XToken string `json:"xToken"`
	}
	decode(t, e.postJSON("/_sandbox/tokens", map[string]string{"abhaNumber": "91-6623-4567-8901"}), &tok)
	if r := e.hid(http.MethodGet, wire.PathProfile, tok.XToken, ""); r.status != http.StatusOK {
		t.Errorf("profile with an admin-issued token: %d", r.status)
	}
	if r := e.postJSON("/_sandbox/tokens", map[string]string{"abhaNumber": "12"}); r.status != http.StatusNotFound {
		t.Errorf("token for an unknown account: %d", r.status)
	}

	if r := e.do(http.MethodPost, "/_sandbox/sessions/expire", nil, ""); r.status != http.StatusNoContent {
		t.Fatalf("expire: %d", r.status)
	}
	wantGateway401(t, e.hid(http.MethodGet, wire.PathCert, "", ""))

	if r := e.do(http.MethodGet, "/_sandbox/nothing", nil, ""); r.status != http.StatusNotFound {
		t.Errorf("unknown admin path: %d", r.status)
	}
	if r := e.do(http.MethodGet, "/_sandbox/reset", nil, ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET reset: %d", r.status)
	}
}

func TestAdminLatency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := e.do(http.MethodPost, "/_sandbox/latency", nil, `{"latency":"1ms"}`); r.status != http.StatusNoContent {
		t.Fatalf("latency: %d %s", r.status, r.body)
	}
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Fatalf("cert with latency: %d", r.status)
	}
	if r := e.do(http.MethodPost, "/_sandbox/latency", nil, `{"latency":"-1s"}`); r.status != http.StatusBadRequest {
		t.Errorf("negative latency: %d", r.status)
	}
}

func TestAdminNotCounted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.SetFault(sandbox.RouteSession, sandbox.Fault{Drop: true})
	e.sb.SetLatency(time.Hour)
	// Admin requests ignore faults and latency.
	if r := e.do(http.MethodGet, "/_sandbox/info", nil, ""); r.status != http.StatusOK {
		t.Fatalf("info: %d", r.status)
	}
	e.sb.SetLatency(0)
	for _, rt := range sandbox.Routes() {
		if n := e.sb.Count(rt); n != 0 {
			t.Errorf("%s counted %d", rt, n)
		}
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	creds := e.sb.Credentials()
	oldToken := e.token(asha)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	if r := e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP)); r.status != http.StatusNoContent {
		t.Fatalf("deactivate: %d", r.status)
	}
	e.sb.SetFault(sandbox.RouteCert, sandbox.Fault{Status: 500})
	e.sb.Advance(time.Minute)
	now := e.sb.Now()

	if r := e.do(http.MethodPost, "/_sandbox/reset", nil, ""); r.status != http.StatusNoContent {
		t.Fatalf("reset: %d", r.status)
	}
	if st, _ := e.sb.AccountStatus(e.number(asha)); st != sandbox.StatusActive {
		t.Errorf("status after reset %q", st)
	}
	if st, _ := e.sb.AccountStatus(e.number(meena)); st != sandbox.StatusDeactivated {
		t.Errorf("Meena after reset %q", st)
	}
	if _, ok, _ := e.sb.Deactivation(e.number(asha)); ok {
		t.Error("deactivation record survived reset")
	}
	if len(e.sb.Outbox()) != 0 || len(e.sb.Faults()) != 0 || e.sb.Count(sandbox.RouteSession) != 0 {
		t.Error("outbox, faults or counters survived reset")
	}
	if e.sb.Credentials() != creds || !e.sb.Now().Equal(now) {
		t.Error("credentials or clock changed")
	}
	wantGateway401(t, e.hid(http.MethodGet, wire.PathCert, "", ""))
	e.access = ""
	if r := e.hid(http.MethodGet, wire.PathProfile, oldToken, ""); r.status != http.StatusUnauthorized {
		t.Errorf("old X-Token after reset: %d", r.status)
	}
	// The rate limit history is gone too.
	e.requestOTP(wire.PathAadhaarOTP, asha)
}

func TestFaultJSONRoundTrip(t *testing.T) {
	t.Parallel()
	f := sandbox.Fault{Latency: 3 * time.Second, Status: 502, Body: "x", Malformed: true, Truncated: true,
		HugeBytes: 9, Drop: true, Process: true, Times: 2}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back sandbox.Fault
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip %s: %+v, %v", b, back, err)
	}
}

// TestAdminRotateKey: POST /_sandbox/rotate-key puts a new key of the same
// size in place while the simulator runs; GET is refused.
func TestAdminRotateKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before, err := e.sb.PublicKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do(http.MethodPost, "/_sandbox/rotate-key", nil, ""); r.status != http.StatusNoContent {
		t.Fatalf("rotate-key: %d %s", r.status, r.body)
	}
	after, err := e.sb.PublicKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if after.Equal(before) || after.N.BitLen() != before.N.BitLen() {
		t.Errorf("key after rotate-key: same %v, %d bits (was %d)", after.Equal(before), after.N.BitLen(), before.N.BitLen())
	}
	if r := e.do(http.MethodGet, "/_sandbox/rotate-key", nil, ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET rotate-key: %d", r.status)
	}
}
