package abdm

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

var printMatrix = flag.Bool("faults.print", false, "print the fault matrix as a table (make faults)")

// matrixEndpoint is one call of the flow, with how to reach it and what the
// user does to go on after it failed.
type matrixEndpoint struct {
	name  string
	route sandbox.Route
	path  string // request path, for faults below HTTP (refused, TLS)
	// prepare brings a fresh flow to just before the call.
	prepare func(e *testEnv)
	// act makes the call, as the user's click does.
	act func(e *testEnv) error
	// done is the step the user has reached once they went on.
	done Step
}

// matrixFault is one way the network or ABDM misbehaves.
type matrixFault struct {
	name  string
	apply func(e *testEnv, ep matrixEndpoint, r *router)
	// want is the kind the user sees; -1 means the call succeeds.
	want func(ep matrixEndpoint) Kind
	// arrivals is how many deactivate requests may reach the simulator.
	arrivals int
}

const success Kind = -1

// router diverts the requests of one path to another address, for faults
// below HTTP: nothing listening, a TLS handshake that fails.
type router struct {
	base   http.RoundTripper
	path   string
	target *url.URL
}

func (r *router) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.target != nil && strings.HasSuffix(req.URL.Path, r.path) {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
	}
	return r.base.RoundTrip(req)
}

func (r *router) CloseIdleConnections() {
	if c, ok := r.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func hisBody(outer, code, msg string) string {
	return fmt.Sprintf(`{"code":%q,"message":"Unable to process","details":[{"code":%q,"message":%q,"attribute":null}]}`, outer, code, msg)
}

func matrixEndpoints() []matrixEndpoint {
	connect := func(e *testEnv) {
		if err := e.flow.Connect(context.Background()); err != nil {
			e.t.Fatalf("prepare: connect: %v", err)
		}
	}
	load := func(e *testEnv) {
		connect(e)
		if _, err := e.flow.LoadPatient(context.Background(), e.token(patientAsha)); err != nil {
			e.t.Fatalf("prepare: load patient: %v", err)
		}
	}
	return []matrixEndpoint{
		{name: "session", route: sandbox.RouteSession, path: wire.PathSessions,
			prepare: func(*testEnv) {},
			act:     func(e *testEnv) error { return e.flow.Connect(context.Background()) },
			done:    StepConnected},
		{name: "key", route: sandbox.RouteCert, path: wire.PathCert,
			prepare: func(e *testEnv) {
				if err := e.client.OpenSession(context.Background()); err != nil {
					e.t.Fatal(err)
				}
			},
			act:  func(e *testEnv) error { return e.flow.Connect(context.Background()) },
			done: StepConnected},
		{name: "profile", route: sandbox.RouteProfile, path: wire.PathProfile,
			prepare: connect,
			act: func(e *testEnv) error {
				_, err := e.flow.LoadPatient(context.Background(), e.token(patientAsha))
				return err
			},
			done: StepPatient},
		{name: "generateOTP", route: sandbox.RouteAadhaarOTP, path: wire.PathAadhaarOTP,
			prepare: load,
			act: func(e *testEnv) error {
				_, err := e.flow.RequestOTP(context.Background(), OTPAadhaar)
				return err
			},
			done: StepOTPSent},
		{name: "deactivate", route: sandbox.RouteDeactivate, path: wire.PathDeactivate,
			prepare: func(e *testEnv) {
				load(e)
				if _, err := e.flow.RequestOTP(context.Background(), OTPAadhaar); err != nil {
					e.t.Fatal(err)
				}
			},
			act: func(e *testEnv) error {
				_, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
				return err
			},
			done: StepDeactivated},
	}
}

func isDeactivate(ep matrixEndpoint) bool { return ep.route == sandbox.RouteDeactivate }

func matrixFaults(dead, badTLS *url.URL) []matrixFault {
	set := func(f sandbox.Fault) func(*testEnv, matrixEndpoint, *router) {
		return func(e *testEnv, ep matrixEndpoint, _ *router) { e.sim.SetFault(ep.route, f) }
	}
	divert := func(u *url.URL) func(*testEnv, matrixEndpoint, *router) {
		return func(_ *testEnv, ep matrixEndpoint, r *router) { r.path, r.target = ep.path, u }
	}
	always := func(k Kind) func(matrixEndpoint) Kind { return func(matrixEndpoint) Kind { return k } }
	// A 2xx to deactivate is success whatever its body; the simulator
	// then really deactivates (Process) before spoiling the reply.
	badBody := func(f sandbox.Fault) func(*testEnv, matrixEndpoint, *router) {
		return func(e *testEnv, ep matrixEndpoint, _ *router) {
			f.Process = isDeactivate(ep)
			e.sim.SetFault(ep.route, f)
		}
	}
	unlessDeactivate := func(k, d Kind) func(matrixEndpoint) Kind {
		return func(ep matrixEndpoint) Kind {
			if isDeactivate(ep) {
				return d
			}
			return k
		}
	}
	faults := []matrixFault{
		{name: "stall beyond the timeout", apply: set(sandbox.Fault{Latency: 5 * time.Second}),
			want: unlessDeactivate(KindNetwork, KindOutcomeUnknown), arrivals: 1},
		{name: "500 with an ABDM error body", apply: set(sandbox.Fault{Status: 500, Body: hisBody("HIS-500", "HIS-500", "Downstream system(s) is down.")}),
			want: always(KindServiceUnavailable), arrivals: 1},
		{name: "503 with an empty body", apply: set(sandbox.Fault{Status: 503}),
			want: always(KindServiceUnavailable), arrivals: 1},
		{name: "401 empty", apply: set(sandbox.Fault{Status: 401}),
			want: func(ep matrixEndpoint) Kind {
				if ep.route == sandbox.RouteSession || ep.route == sandbox.RouteCert {
					return KindGatewayCredentials
				}
				return KindPatientToken
			}, arrivals: 1},
		{name: "401 900901 once (token expired)", apply: set(sandbox.Fault{Status: 401, Times: 1,
			Body: `{"code":"900901","message":"Invalid Credentials","description":"Access failure for API"}`}),
			want: func(ep matrixEndpoint) Kind {
				if ep.route == sandbox.RouteSession {
					return KindGatewayCredentials
				}
				return success // renewed and retried once, unnoticed
			}, arrivals: 2},
		{name: "401 900901 always", apply: set(sandbox.Fault{Status: 401,
			Body: `{"code":"900901","message":"Invalid Credentials","description":"Access failure for API"}`}),
			want: always(KindGatewayCredentials), arrivals: 2},
		{name: "403 900908", apply: set(sandbox.Fault{Status: 403, Body: `{"code":"900908","message":"Resource forbidden","description":"Access failure"}`}),
			want: always(KindForbidden), arrivals: 1},
		{name: "malformed JSON", apply: badBody(sandbox.Fault{Malformed: true}),
			want: unlessDeactivate(KindBadReply, success), arrivals: 1},
		{name: "truncated body", apply: badBody(sandbox.Fault{Truncated: true}),
			want: unlessDeactivate(KindBadReply, success), arrivals: 1},
		{name: "10 MiB body", apply: badBody(sandbox.Fault{HugeBytes: 10 << 20}),
			want: unlessDeactivate(KindBadReply, success), arrivals: 1},
		{name: "reset after the request was written", apply: set(sandbox.Fault{Drop: true}),
			want: unlessDeactivate(KindNetwork, KindOutcomeUnknown), arrivals: 1},
		{name: "connection refused (nothing sent)", apply: divert(dead),
			want: always(KindNetwork), arrivals: 0},
		{name: "TLS handshake failure", apply: divert(badTLS),
			want: always(KindTLS), arrivals: 0},
	}
	return faults
}

// hisFaults are DESIGN.md's HIS codes, sent where ABDM sends them.
func hisFaults() []matrixFault {
	codes := map[string]Kind{
		"HIS-2022": KindWrongOTP, "HIS-1013": KindWrongOTP, "HIS-1056": KindOTPExpired,
		"HIS-1026": KindTxnInvalid, "HIS-1012": KindTxnInvalid, "HIS-1023": KindRateLimited,
		"HIS-2017": KindRateLimited, "HIS-1039": KindTooManyAttempts, "HIS-1041": KindTooManyAttempts,
		"HIS-3005": KindNoLinkedMobile, "HIS-1007": KindAccountInactive, "HIS-1008": KindNotFound,
	}
	var out []matrixFault
	for _, code := range []string{"HIS-2022", "HIS-1013", "HIS-1056", "HIS-1026", "HIS-1012", "HIS-1023",
		"HIS-2017", "HIS-1039", "HIS-1041", "HIS-3005", "HIS-1007", "HIS-1008"} {
		kind := codes[code]
		out = append(out, matrixFault{name: code,
			apply: func(e *testEnv, ep matrixEndpoint, _ *router) {
				e.sim.SetFault(ep.route, sandbox.Fault{Status: 422, Body: hisBody("HIS-422", code, "ABDM says "+code)})
			},
			want: func(matrixEndpoint) Kind { return kind }, arrivals: 1})
	}
	return out
}

type matrixRow struct {
	name     string
	want     Kind
	got      Kind
	pass     bool
	problems []string
}

func kindName(k Kind) string {
	if k == success {
		return "(success)"
	}
	return k.String()
}

// TestFaultMatrix runs every call of the flow against every fault: the
// user must see the right kind of error with a plain message and a next
// action, the flow must stay usable, nothing may panic or leak a
// goroutine or a secret, and deactivate must never reach ABDM twice.
func TestFaultMatrix(t *testing.T) {
	badTLS := httptest.NewUnstartedServer(http.NotFoundHandler()) // a certificate nobody trusts
	badTLS.Config.ErrorLog = log.New(io.Discard, "", 0)
	badTLS.StartTLS()
	defer badTLS.Close()
	tlsURL, _ := url.Parse(badTLS.URL)
	deadSrv := httptest.NewServer(http.NotFoundHandler())
	deadURL, _ := url.Parse(deadSrv.URL)
	deadSrv.Close()

	var rows []matrixRow
	endpoints := matrixEndpoints()
	generic := matrixFaults(deadURL, tlsURL)
	for _, ep := range endpoints {
		faults := generic
		if ep.route == sandbox.RouteAadhaarOTP || ep.route == sandbox.RouteDeactivate {
			faults = append(append([]matrixFault(nil), generic...), hisFaults()...)
		}
		if isDeactivate(ep) {
			faults = append(faults, matrixFault{name: "reset after ABDM processed it",
				apply: func(e *testEnv, ep matrixEndpoint, _ *router) {
					e.sim.SetFault(ep.route, sandbox.Fault{Drop: true, Process: true})
				},
				want: func(matrixEndpoint) Kind { return KindOutcomeUnknown }, arrivals: 1})
		}
		for _, f := range faults {
			name := ep.name + " / " + f.name
			var row matrixRow
			t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
				row = runMatrixCase(t, ep, f)
				row.name = name
				for _, p := range row.problems {
					t.Error(p)
				}
			})
			rows = append(rows, row)
		}
	}
	passing := 0
	for _, r := range rows {
		if r.pass {
			passing++
		}
	}
	if *printMatrix {
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CASE\tWANT\tGOT\tRESULT")
		for _, r := range rows {
			res := "pass"
			if !r.pass {
				res = "FAIL"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.name, kindName(r.want), kindName(r.got), res)
		}
		tw.Flush()
		fmt.Printf("fault matrix: %d of %d cases pass\n", passing, len(rows))
	}
	if len(rows) < 40 {
		t.Fatalf("only %d cases", len(rows))
	}
}

func runMatrixCase(t *testing.T, ep matrixEndpoint, f matrixFault) (row matrixRow) {
	before := runtime.NumGoroutine()
	route := &router{base: NewTransport(TransportConfig{})}
	hc := &http.Client{Transport: route, CheckRedirect: noRedirects}
	e := newTestEnv(t, func(c *envConfig) {
		c.clientOpts = append(c.clientOpts, WithHTTPClient(hc), WithCallTimeout(1500*time.Millisecond))
	})
	row.want = f.want(ep)
	problem := func(format string, args ...any) { row.problems = append(row.problems, fmt.Sprintf(format, args...)) }
	defer func() {
		if r := recover(); r != nil {
			problem("panic: %v", r)
		}
		row.pass = len(row.problems) == 0
	}()

	ep.prepare(e)
	f.apply(e, ep, route)
	err := ep.act(e)
	row.got = success
	if err != nil {
		row.got = KindOf(err)
		var ae *Error
		if !errors.As(err, &ae) {
			problem("not an *abdm.Error: %v", err)
		} else if ae.Message() == "" || ae.NextAction() == "" {
			problem("no plain message or next action")
		}
	}
	if row.got != row.want {
		problem("kind %s, want %s (%v)", kindName(row.got), kindName(row.want), err)
	}
	if err != nil {
		creds := e.sim.Credentials()
		for _, secret := range []string{creds.ClientSecret, e.lastToken, e.lastOTPOrEmpty()} {
			if secret != "" && strings.Contains(err.Error(), secret) {
				problem("a secret is in the error: %v", err)
			}
		}
	}
	if n := e.sim.Count(sandbox.RouteDeactivate); n > f.arrivals {
		problem("deactivate reached the simulator %d times", n)
	}

	// The user can go on: with the fault gone, they reach the step.
	e.sim.ClearFaults()
	route.target = nil
	if err := e.goOn(ep.done); err != nil {
		problem("could not go on: %v", err)
	}
	if d, ok, _ := e.sim.Deactivation(patientAsha); ok && len(d.Reasons) == 0 {
		problem("deactivation without reasons")
	}

	// Nothing left behind.
	e.srv.Close()
	hc.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		problem("%d goroutines left behind", n-before)
	}
	return row
}

// goOn does what the user does next until the flow reaches want.
func (e *testEnv) goOn(want Step) error {
	ctx := context.Background()
	for range 8 {
		st := e.flow.State().Step
		if st == want || (want == StepPatient && st == StepOTPSent) {
			return nil
		}
		var err error
		switch st {
		case StepDisconnected:
			e.client.ResetSession() // the user fixes the credentials and connects again
			err = e.flow.Connect(ctx)
		case StepConnected:
			_, err = e.flow.LoadPatient(ctx, e.token(patientAsha))
		case StepPatient:
			e.advance(ResendWait + time.Second)
			_, err = e.flow.RequestOTP(ctx, OTPAadhaar)
		case StepOTPSent:
			_, err = e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
		case StepOutcomeUnknown:
			_, err = e.flow.CheckStatus(ctx)
		case StepDeactivated:
			return fmt.Errorf("already deactivated before reaching %v", want)
		}
		if err != nil {
			return fmt.Errorf("at %v: %w", st, err)
		}
	}
	return fmt.Errorf("still at %v", e.flow.State().Step)
}
