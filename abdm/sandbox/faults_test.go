package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.SetFault(sandbox.RouteProfile, sandbox.Fault{Status: http.StatusServiceUnavailable, Body: "upstream down"})
	// Faults apply before authentication.
	r := e.do(http.MethodGet, sandbox.HealthIDBase+wire.PathProfile, nil, "")
	if r.status != http.StatusServiceUnavailable || string(r.body) != "upstream down" {
		t.Fatalf("got %d %q", r.status, r.body)
	}
	e.sb.SetFault(sandbox.RouteProfile, sandbox.Fault{Status: http.StatusInternalServerError,
		Body: `{"code":"HIS-500","message":"Downstream system(s) is down"}`})
	r = e.hid(http.MethodGet, wire.PathProfile, e.token(asha), "")
	if r.status != 500 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q", r.status, r.header.Get("Content-Type"))
	}
	e.sb.SetFault(sandbox.RouteProfile, sandbox.Fault{Status: http.StatusBadGateway})
	if r := e.hid(http.MethodGet, wire.PathProfile, e.token(asha), ""); r.status != 502 || len(r.body) != 0 {
		t.Fatalf("got %d %q", r.status, r.body)
	}
	e.sb.SetFault(sandbox.RouteProfile, sandbox.Fault{Status: http.StatusNoContent, Body: "ignored"})
	if r := e.hid(http.MethodGet, wire.PathProfile, e.token(asha), ""); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("got %d %q", r.status, r.body)
	}
	if n := e.sb.Count(sandbox.RouteProfile); n != 4 {
		t.Errorf("Count = %d, want 3", n)
	}
	e.sb.ClearFaults()
	if r := e.hid(http.MethodGet, wire.PathProfile, e.token(asha), ""); r.status != http.StatusOK {
		t.Fatalf("after ClearFaults: %d", r.status)
	}
}

func TestFaultMalformed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.SetFault(sandbox.RouteSession, sandbox.Fault{Malformed: true})
	r := e.session(e.goodLogin())
	var s wire.SessionResponse
	if r.status != http.StatusOK || json.Unmarshal(r.body, &s) == nil {
		t.Fatalf("got %d %q: want 200 with invalid JSON", r.status, r.body)
	}
}

func TestFaultTruncated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.SetFault(sandbox.RouteSession, sandbox.Fault{Truncated: true})
	r, err := e.doErr(context.Background(), http.MethodPost, sandbox.GatewayBase+wire.PathSessions, nil, "{}")
	if err == nil {
		t.Fatalf("read a truncated reply without error: %d %q", r.status, r.body)
	}
	if r.status != http.StatusOK {
		t.Errorf("status %d, want 200", r.status)
	}
}

func TestFaultHuge(t *testing.T) {
	// Not parallel: it measures allocation.
	e := newEnv(t)
	const size = 64 << 20
	e.sb.SetFault(sandbox.RouteCert, sandbox.Fault{HugeBytes: size})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := e.ts.Client().Get(e.ts.URL + sandbox.HealthIDBase + wire.PathCert)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	runtime.ReadMemStats(&after)
	if err != nil || n != size || res.StatusCode != http.StatusOK {
		t.Fatalf("read %d bytes (status %d, err %v), want %d", n, res.StatusCode, err, size)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
		t.Errorf("allocated %d bytes to stream %d", alloc, size)
	}

	// A client that stops early is fine too.
	res, err = e.ts.Client().Get(e.ts.URL + sandbox.HealthIDBase + wire.PathCert)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 10)
	if _, err := io.ReadFull(res.Body, head); err != nil || string(head) != `{"txnId":"` {
		t.Errorf("start of huge body %q, %v", head, err)
	}
	res.Body.Close()
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.SetFault(sandbox.RouteAadhaarOTP, sandbox.Fault{Drop: true})
	if _, err := e.doErr(context.Background(), http.MethodPost, sandbox.HealthIDBase+wire.PathAadhaarOTP,
		e.headers(e.token(asha)), "{}"); err == nil {
		t.Fatal("no error from a dropped connection")
	}
	if n := len(e.sb.Outbox()); n != 0 {
		t.Errorf("an unprocessed request sent %d OTPs", n)
	}
}

func TestFaultDropAfterProcessing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	e.sb.SetFault(sandbox.RouteDeactivate, sandbox.Fault{Drop: true, Process: true, Times: 1})
	body, err := json.Marshal(deactivateReq(t, txn.TxnID, msg.OTP))
	if err != nil {
		t.Fatal(err)
	}
	// One request only: the client must not retry it, so no Transport retry
	// logic may hide the error (a POST is never retried by net/http).
	if _, err := e.doErr(context.Background(), http.MethodPost, sandbox.HealthIDBase+wire.PathDeactivate,
		e.headers(e.token(asha)), string(body)); err == nil {
		t.Fatal("no error from a dropped connection")
	}
	if st, _ := e.sb.AccountStatus(e.number(asha)); st != sandbox.StatusDeactivated {
		t.Fatalf("status %q: the request should have been processed", st)
	}
	if n := e.sb.Count(sandbox.RouteDeactivate); n != 1 {
		t.Errorf("Count = %d", n)
	}
	// The status check a front end does next sees the deactivation.
	wantHIS(t, e.hid(http.MethodGet, wire.PathProfile, e.token(asha), ""), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
}

func TestFaultProcessThenStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.SetFault(sandbox.RouteAadhaarOTP, sandbox.Fault{Process: true, Status: http.StatusGatewayTimeout})
	r := e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(asha), "{}")
	if r.status != http.StatusGatewayTimeout {
		t.Fatalf("status %d", r.status)
	}
	if n := len(e.sb.Outbox()); n != 1 {
		t.Errorf("outbox has %d messages, want 1 (the OTP was sent)", n)
	}
}

func TestFaultLatencyThenNormal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.WithLatency(time.Millisecond))
	e.sb.SetFault(sandbox.RouteCert, sandbox.Fault{Latency: 10 * time.Millisecond})
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	e.sb.SetFault(sandbox.RouteProfile, sandbox.Fault{Latency: time.Millisecond, Process: true})
	if r := e.hid(http.MethodGet, wire.PathProfile, e.token(asha), ""); r.status != http.StatusOK {
		t.Fatalf("process+latency: status %d", r.status)
	}
}

// TestLatencyEndsWithClient checks that a delayed handler returns as soon as
// its client goes away: httptest.Server.Close waits for every handler, so it
// returns long before the delay would have passed only if none is left.
func TestLatencyEndsWithClient(t *testing.T) {
	for _, global := range []bool{false, true} {
		e := newEnv(t)
		if global {
			e.sb.SetLatency(time.Hour)
		} else {
			e.sb.SetFault(sandbox.RouteAadhaarOTP, sandbox.Fault{Latency: time.Hour})
		}
		h := map[string]string{wire.HeaderXToken: "Bearer x"}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		_, err := e.doErr(ctx, http.MethodPost, sandbox.HealthIDBase+wire.PathAadhaarOTP, h, "{}")
		cancel()
		if err == nil {
			t.Fatal("request did not fail")
		}
		closed := make(chan struct{})
		go func() {
			e.ts.Close()
			close(closed)
		}()
		select {
		case <-closed:
		case <-time.After(30 * time.Second):
			t.Fatalf("global=%v: the delayed handler is still running", global)
		}
	}
}

func TestFaultTimes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.SetFault(sandbox.RouteCert, sandbox.Fault{Status: http.StatusTooManyRequests, Times: 2})
	for i, want := range []int{429, 429, 200, 200} {
		if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != want {
			t.Errorf("request %d: %d, want %d", i, r.status, want)
		}
		if i == 0 {
			if f := e.sb.Faults()[sandbox.RouteCert]; f.Times != 1 {
				t.Errorf("after one request the fault has %d left", f.Times)
			}
		}
	}
	if f := e.sb.Faults(); len(f) != 0 {
		t.Errorf("faults left: %+v", f)
	}
	if n := e.sb.Count(sandbox.RouteCert); n != 4 {
		t.Errorf("Count = %d", n)
	}
}

func TestFaultJSON(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{
		`{"latency":"1.5s","status":503}`: 1500 * time.Millisecond,
		`{"latency":250000000}`:           250 * time.Millisecond,
		`{"latency":null}`:                0,
		`{}`:                              0,
	} {
		var f sandbox.Fault
		if err := json.Unmarshal([]byte(in), &f); err != nil || f.Latency != want {
			t.Errorf("%s: %v, %v", in, f.Latency, err)
		}
	}
	for _, in := range []string{`{"latency":"soon"}`, `{"latency":true}`, `{"status":"x"}`} {
		var f sandbox.Fault
		if err := json.Unmarshal([]byte(in), &f); err == nil || !strings.Contains(err.Error(), "fault") {
			t.Errorf("%s: error %v", in, err)
		}
	}
}
