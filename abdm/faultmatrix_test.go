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

// matrixEndpoint is one call of the flow in one API generation, with how to
// reach it and what the user does to go on after it failed.
type matrixEndpoint struct {
	gen   Generation
	name  string
	route sandbox.Route
	path  string // request path, for faults below HTTP (refused, TLS)
	// prepare brings a fresh flow to just before the call.
	prepare func(e *testEnv)
	// act makes the call, as the user's click does.
	act func(e *testEnv) error
	// done is the step the user has reached once they went on.
	done Step
	// irreversible marks deactivate and reactivate: at most the arrivals a
	// fault allows may reach the simulator.
	irreversible bool
	// patientToken marks calls that carry one of the patient's tokens.
	patientToken bool
	// verify marks calls that verify an OTP (a 200 "authResult: failed" is a refusal).
	verify bool
}

// matrixFault is one way the network or ABDM misbehaves.
type matrixFault struct {
	name  string
	apply func(e *testEnv, ep matrixEndpoint, r *router)
	// want is the kind the user sees; -1 means the call succeeds.
	want func(ep matrixEndpoint) Kind
	// arrivals is how many requests of an irreversible call may reach the simulator.
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

// The patient who signs in by mobile number in the matrix: two ABHAs share it.
const matrixMobile = "9988776655"

// matrixEndpoints lists every call of the flow in gen, reactivation included.
func matrixEndpoints(gen Generation) []matrixEndpoint {
	ctx := context.Background()
	must := func(e *testEnv, what string, err error) {
		if err != nil {
			e.t.Fatalf("prepare: %s: %v", what, err)
		}
	}
	connect := func(e *testEnv) { must(e, "connect", e.flow.Connect(ctx)) }
	lookUp := func(e *testEnv) {
		connect(e)
		_, err := e.flow.LookUp(ctx, patientAsha)
		must(e, "look up", err)
	}
	signInOTP := func(e *testEnv) {
		lookUp(e)
		_, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP)
		must(e, "sign-in OTP", err)
	}
	load := func(e *testEnv) {
		connect(e)
		_, err := e.flow.LoadPatient(ctx, e.token(patientAsha))
		must(e, "load patient", err)
	}
	otpSent := func(e *testEnv) {
		load(e)
		_, err := e.flow.RequestOTP(ctx, OTPAadhaar)
		must(e, "request OTP", err)
	}
	reactivationSent := func(e *testEnv) {
		connect(e)
		_, err := e.flow.StartReactivation(ctx, patientMeena, OTPMobile)
		must(e, "reactivation OTP", err)
	}
	routes := callRoutes[gen]
	paths := map[Generation]map[string]string{
		V2: {callSession: wire.PathSessions, callKey: wire.PathCert, callProfile: wire.PathProfile, callOTP: wire.PathAadhaarOTP,
			callDeactivate: wire.PathDeactivate, callLoginOTP: wire.PathAuthInit, callLoginDone: wire.PathConfirmAadhaarOTP,
			callReactOTP: wire.PathReactivateInit, callReactivate: wire.PathReactivate},
		V3: {callSession: wire.PathV3Sessions, callKey: wire.PathV3Certificate, callProfile: wire.PathV3Account, callOTP: wire.PathV3AccountRequestOTP,
			callDeactivate: wire.PathV3AccountVerify, callLoginOTP: wire.PathV3LoginRequestOTP, callLoginDone: wire.PathV3LoginVerify,
			callReactOTP: wire.PathV3AccountRequestOTP, callReactivate: wire.PathV3LoginVerify},
	}[gen]
	ep := func(name, call string, m matrixEndpoint) matrixEndpoint {
		m.gen, m.name, m.route, m.path = gen, name, routes[call], paths[call]
		return m
	}
	eps := []matrixEndpoint{
		ep("session", callSession, matrixEndpoint{prepare: func(*testEnv) {},
			act: func(e *testEnv) error { return e.flow.Connect(ctx) }, done: StepConnected}),
		ep("key", callKey, matrixEndpoint{prepare: func(e *testEnv) { must(e, "session", e.client.OpenSession(ctx)) },
			act: func(e *testEnv) error { return e.flow.Connect(ctx) }, done: StepConnected}),
		ep("profile", callProfile, matrixEndpoint{prepare: connect, patientToken: true,
			act: func(e *testEnv) error {
				_, err := e.flow.LoadPatient(ctx, e.token(patientAsha))
				return err
			}, done: StepPatient}),
		ep("sign-in OTP", callLoginOTP, matrixEndpoint{prepare: lookUp,
			act: func(e *testEnv) error {
				_, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP)
				return err
			}, done: StepPatient}),
		ep("sign-in verify", callLoginDone, matrixEndpoint{prepare: signInOTP, verify: gen == V3,
			act: func(e *testEnv) error {
				_, err := e.flow.FinishSignIn(ctx, e.lastOTP())
				return err
			}, done: StepPatient}),
		ep("deactivation OTP", callOTP, matrixEndpoint{prepare: load, patientToken: true,
			act: func(e *testEnv) error {
				_, err := e.flow.RequestOTP(ctx, OTPAadhaar)
				return err
			}, done: StepOTPSent}),
		ep("deactivate", callDeactivate, matrixEndpoint{prepare: otpSent, patientToken: true, irreversible: true, verify: gen == V3,
			act: func(e *testEnv) error {
				_, err := e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
				return err
			}, done: StepDeactivated}),
		ep("reactivation OTP", callReactOTP, matrixEndpoint{prepare: connect,
			act: func(e *testEnv) error {
				_, err := e.flow.StartReactivation(ctx, patientMeena, OTPMobile)
				return err
			}, done: StepReactivationOTPSent}),
		ep("reactivate", callReactivate, matrixEndpoint{prepare: reactivationSent, irreversible: true, verify: gen == V3,
			act: func(e *testEnv) error {
				_, err := e.flow.Reactivate(ctx, e.lastOTP())
				return err
			}, done: StepReactivated}),
	}
	if gen == V2 {
		eps = append(eps, matrixEndpoint{gen: V2, name: "search", route: sandbox.RouteSearch, path: wire.PathSearchByHealthID,
			prepare: connect, act: func(e *testEnv) error {
				_, err := e.flow.LookUp(ctx, patientAsha)
				return err
			}, done: StepPatient})
	} else {
		eps = append(eps, matrixEndpoint{gen: V3, name: "choose the ABHA (verify/user)", route: sandbox.RouteV3LoginVerifyUser,
			path: wire.PathV3LoginVerifyUser, patientToken: true,
			prepare: func(e *testEnv) {
				connect(e)
				_, err := e.flow.LookUp(ctx, matrixMobile)
				must(e, "look up the mobile", err)
				_, err = e.flow.StartSignIn(ctx, LoginMobileOTP)
				must(e, "sign-in OTP", err)
				if _, err := e.flow.FinishSignIn(ctx, e.lastOTP()); !errors.Is(err, ErrChooseAccount) {
					e.t.Fatalf("prepare: sign in by mobile: %v", err)
				}
			},
			act: func(e *testEnv) error {
				_, err := e.flow.ChooseAccount(ctx, patientRavi)
				return err
			}, done: StepPatient})
	}
	return eps
}

func isReactivation(ep matrixEndpoint) bool {
	return ep.name == "reactivation OTP" || ep.name == "reactivate"
}

func matrixFaults(dead, badTLS *url.URL) []matrixFault {
	set := func(f sandbox.Fault) func(*testEnv, matrixEndpoint, *router) {
		return func(e *testEnv, ep matrixEndpoint, _ *router) { e.sim.SetFault(ep.route, f) }
	}
	divert := func(u *url.URL) func(*testEnv, matrixEndpoint, *router) {
		return func(_ *testEnv, ep matrixEndpoint, r *router) { r.path, r.target = ep.path, u }
	}
	always := func(k Kind) func(matrixEndpoint) Kind { return func(matrixEndpoint) Kind { return k } }
	// A 2xx to an irreversible call is really processed (Process) before its
	// reply is spoiled: v2 takes any 2xx as done; v3 must read authResult
	// from the body, so a body it cannot read leaves the outcome unknown.
	badBody := func(f sandbox.Fault) func(*testEnv, matrixEndpoint, *router) {
		return func(e *testEnv, ep matrixEndpoint, _ *router) {
			f.Process = ep.irreversible
			e.sim.SetFault(ep.route, f)
		}
	}
	unreadable := func(ep matrixEndpoint) Kind {
		switch {
		case ep.irreversible && ep.gen == V3:
			return KindOutcomeUnknown
		case ep.irreversible:
			return success
		}
		return KindBadReply
	}
	unlessIrreversible := func(k, d Kind) func(matrixEndpoint) Kind {
		return func(ep matrixEndpoint) Kind {
			if ep.irreversible {
				return d
			}
			return k
		}
	}
	faults := []matrixFault{
		{name: "stall beyond the timeout", apply: set(sandbox.Fault{Latency: 5 * time.Second}),
			want: unlessIrreversible(KindNetwork, KindOutcomeUnknown), arrivals: 1},
		{name: "500 with an ABDM error body", apply: set(sandbox.Fault{Status: 500, Body: hisBody("HIS-500", "HIS-500", "Downstream system(s) is down.")}),
			want: always(KindServiceUnavailable), arrivals: 1},
		{name: "503 with an empty body", apply: set(sandbox.Fault{Status: 503}),
			want: always(KindServiceUnavailable), arrivals: 1},
		{name: "401 empty", apply: set(sandbox.Fault{Status: 401}),
			want: func(ep matrixEndpoint) Kind {
				if ep.patientToken {
					return KindPatientToken
				}
				return KindGatewayCredentials
			}, arrivals: 1},
		{name: "401 900901 once (token expired)", apply: set(sandbox.Fault{Status: 401, Times: 1,
			Body: `{"code":"900901","message":"Invalid Credentials","description":"Access failure for API"}`}),
			want: func(ep matrixEndpoint) Kind {
				if ep.name == "session" {
					return KindGatewayCredentials
				}
				return success // renewed and retried once, unnoticed
			}, arrivals: 2},
		{name: "401 900901 always", apply: set(sandbox.Fault{Status: 401,
			Body: `{"code":"900901","message":"Invalid Credentials","description":"Access failure for API"}`}),
			want: always(KindGatewayCredentials), arrivals: 2},
		{name: "403 900908", apply: set(sandbox.Fault{Status: 403, Body: `{"code":"900908","message":"Resource forbidden","description":"Access failure"}`}),
			want: always(KindForbidden), arrivals: 1},
		{name: "malformed JSON", apply: badBody(sandbox.Fault{Malformed: true}), want: unreadable, arrivals: 1},
		{name: "truncated body", apply: badBody(sandbox.Fault{Truncated: true}), want: unreadable, arrivals: 1},
		{name: "10 MiB body", apply: badBody(sandbox.Fault{HugeBytes: 10 << 20}), want: unreadable, arrivals: 1},
		{name: "reset after the request was written", apply: set(sandbox.Fault{Drop: true}),
			want: unlessIrreversible(KindNetwork, KindOutcomeUnknown), arrivals: 1},
		{name: "connection refused (nothing sent)", apply: divert(dead),
			want: always(KindNetwork), arrivals: 0},
		{name: "TLS handshake failure", apply: divert(badTLS),
			want: always(KindTLS), arrivals: 0},
	}
	return faults
}

// codeFaults are the codes of each generation's error table (DESIGN.md's HIS
// codes, ABDM-V3.md's ABDM codes), sent where ABDM sends them: on the calls
// that send or check an OTP.
func codeFaults(gen Generation) []matrixFault {
	type coded struct {
		code   string
		status int
		body   string
		kind   Kind
	}
	var list []coded
	if gen == V2 {
		for _, c := range []struct {
			code string
			kind Kind
		}{{"HIS-2022", KindWrongOTP}, {"HIS-1013", KindWrongOTP}, {"HIS-1056", KindOTPExpired}, {"HIS-1026", KindTxnInvalid},
			{"HIS-1012", KindTxnInvalid}, {"HIS-1023", KindRateLimited}, {"HIS-2017", KindRateLimited}, {"HIS-1039", KindTooManyAttempts},
			{"HIS-1041", KindTooManyAttempts}, {"HIS-3005", KindNoLinkedMobile}, {"HIS-1007", KindAccountInactive}, {"HIS-1008", KindNotFound}} {
			list = append(list, coded{c.code, 422, hisBody("HIS-422", c.code, "ABDM says "+c.code), c.kind})
		}
	} else {
		flat := func(code string) string {
			return fmt.Sprintf(`{"code":%q,"message":"ABDM says %s","timestamp":"2026-11-26T09:00:00Z"}`, code, code)
		}
		nested := func(code string) string {
			return fmt.Sprintf(`{"error":{"code":%q,"message":"ABDM says %s"}}`, code, code)
		}
		list = []coded{
			{"ABDM-1017", 400, flat("ABDM-1017"), KindTxnInvalid},
			{"ABDM-1022", 429, flat("ABDM-1022"), KindRateLimited},
			{"ABDM-1100", 429, flat("ABDM-1100"), KindTooManyAttempts},
			{"ABDM-1107", 400, flat("ABDM-1107"), KindClientDefect},
			{"ABDM-1118", 400, flat("ABDM-1118"), KindMethodNotAllowed},
			{"ABDM-1119", 400, nested("ABDM-1119"), KindMethodNotAllowed},
			{"ABDM-1134", 400, nested("ABDM-1134"), KindAccountInactive},
			{"ABDM-1407", 400, nested("ABDM-1407"), KindAccountInactive},
			{"ABDM-1158", 401, nested("ABDM-1158"), KindPatientToken},
			{"ABDM-2401", 401, flat("ABDM-2401"), KindPatientToken},
			{"X-token expired", 401, `{"message":"X-token expired","timestamp":"2026-11-26T09:00:00Z"}`, KindPatientToken},
			{"ABDM-1016", 400, flat("ABDM-1016"), KindClock},
			{"ABDM-2402", 400, flat("ABDM-2402"), KindClock},
			{"ABDM-1094 (token)", 400, `{"code":"ABDM-1094","message":"X-token expired"}`, KindPatientToken},
			{"ABDM-1094 (feature)", 403, `{"code":"ABDM-1094","message":"This feature is restricted, contact NHA"}`, KindFeatureRestricted},
			{"ABDM-1204", 400, nested("ABDM-1204"), KindAadhaarService},
			{"ABDM-1204 (wrong Aadhaar OTP)", 422,
				`{"error":{"code":"ABDM-1204","message":"UIDAI Error code : 400 : Invalid Aadhaar OTP value."}}`, KindWrongOTP},
			{"ABDM-9999 (wrong OTP)", 400, `{"code":"ABDM-9999","message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","timestamp":"2026-11-26T09:00:00Z"}`, KindWrongOTP},
			{"otpValue (field-keyed)", 400, `{"otpValue":"Invalid OTP value","timestamp":"2026-11-26T09:00:00Z"}`, KindWrongOTP},
			{"ABDM-1204 (UIDAI down)", 422,
				`{"error":{"code":"ABDM-1204","message":"UIDAI Error code : 500 : Unable to connect to the UIDAI server"}}`, KindAadhaarService},
			{"ABDM-1094 (feature, as sent)", 403,
				`{"code":"ABDM-1094","message":"Access to this feature is restricted","timestamp":"2026-11-26T09:00:00Z"}`, KindFeatureRestricted},
			{"ABDM-1228", 400, flat("ABDM-1228"), KindBenefitLinked},
			{"ABDM-9999: (array)", 400, `[{"code":"ABDM-9999: ","message":"Invalid Login Hint"}]`, KindInvalidInput},
			{"txnId (field-keyed)", 400, `{"txnId":"Invalid Transaction Id","timestamp":"2026-11-26T09:00:00Z"}`, KindTxnInvalid},
		}
	}
	var out []matrixFault
	for _, c := range list {
		out = append(out, matrixFault{name: c.code,
			apply: func(e *testEnv, ep matrixEndpoint, _ *router) {
				e.sim.SetFault(ep.route, sandbox.Fault{Status: c.status, Body: c.body})
			},
			want: func(ep matrixEndpoint) Kind {
				if ep.gen == V3 && ep.name == "reactivation OTP" && c.code == "ABDM-1107" {
					return success // a refused scope there is tried once at login/request/otp
				}
				return c.kind
			}, arrivals: 1})
	}
	return out
}

// authResultFailed is ABDM's v3 answer to a wrong or expired OTP: HTTP 200.
func authResultFailed() matrixFault {
	return matrixFault{name: "200 authResult failed",
		apply: func(e *testEnv, ep matrixEndpoint, _ *router) {
			e.sim.SetFault(ep.route, sandbox.Fault{Status: 200, Times: 1,
				Body: `{"txnId":"x","authResult":"failed","message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","accounts":[]}`})
		},
		want: func(matrixEndpoint) Kind { return KindWrongOTP }, arrivals: 1}
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
	// Port 1 (tcpmux) has no listener on any machine these tests run on. A
	// port freed by a closed test server could be taken at once by another
	// package's server running in parallel, which would then answer.
	deadURL, _ := url.Parse("http://127.0.0.1:1")

	var rows []matrixRow
	generic := matrixFaults(deadURL, tlsURL)
	for _, gen := range Generations() {
		for _, ep := range matrixEndpoints(gen) {
			faults := append([]matrixFault(nil), generic...)
			if sendsOrChecksOTP(ep) {
				faults = append(faults, codeFaults(gen)...)
			}
			if ep.verify {
				faults = append(faults, authResultFailed())
			}
			if ep.irreversible {
				faults = append(faults, matrixFault{name: "reset after ABDM processed it",
					apply: func(e *testEnv, ep matrixEndpoint, _ *router) {
						e.sim.SetFault(ep.route, sandbox.Fault{Drop: true, Process: true})
					},
					want: func(matrixEndpoint) Kind { return KindOutcomeUnknown }, arrivals: 1})
			}
			for _, f := range faults {
				name := string(gen) + " " + ep.name + " / " + f.name
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
	if len(rows) < 300 {
		t.Fatalf("only %d cases", len(rows))
	}
}

// sendsOrChecksOTP reports whether ep sends or verifies an OTP: where ABDM
// answers with the codes of its error tables.
func sendsOrChecksOTP(ep matrixEndpoint) bool {
	switch ep.name {
	case "sign-in OTP", "sign-in verify", "deactivation OTP", "deactivate", "reactivation OTP", "reactivate":
		return true
	}
	return false
}

func runMatrixCase(t *testing.T, ep matrixEndpoint, f matrixFault) (row matrixRow) {
	before := runtime.NumGoroutine()
	route := &router{base: NewTransport(TransportConfig{})}
	hc := &http.Client{Transport: route, CheckRedirect: noRedirects}
	e := newTestEnv(t, withGen(ep.gen), func(c *envConfig) {
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
	arrivedBefore := e.sim.Count(ep.route)
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
	if n := e.sim.Count(ep.route) - arrivedBefore; ep.irreversible && n > f.arrivals {
		problem("%s reached the simulator %d times", ep.name, n)
	}

	// The user can go on: with the fault gone, they reach the step.
	e.sim.ClearFaults()
	route.target = nil
	if err := e.goOn(ep); err != nil {
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

// goOn does what the user does next until the flow reaches ep.done.
func (e *testEnv) goOn(ep matrixEndpoint) error {
	ctx := context.Background()
	want := ep.done
	for range 10 {
		st := e.flow.State()
		if st.Step == want || (want == StepPatient && st.Step == StepOTPSent) {
			return nil
		}
		var err error
		switch st.Step {
		case StepDisconnected:
			e.client.ResetSession() // the user fixes the credentials and connects again
			err = e.flow.Connect(ctx)
		case StepConnected:
			e.advance(ResendWait + time.Second)
			switch {
			case isReactivation(ep):
				_, err = e.flow.StartReactivation(ctx, patientMeena, OTPMobile)
			case ep.patientToken && ep.route != sandbox.RouteV3LoginVerifyUser:
				_, err = e.flow.LoadPatient(ctx, e.token(patientAsha))
			case len(st.SignIn.Accounts) > 0 && st.SignIn.TxnID != "":
				_, err = e.flow.ChooseAccount(ctx, patientRavi)
			case st.SignIn.TxnID != "":
				_, err = e.flow.FinishSignIn(ctx, e.lastOTP())
			case st.SignIn.Account.id() != "" || st.SignIn.Account.Via.Kind == IDMobile:
				_, err = e.flow.StartSignIn(ctx, LoginAadhaarOTP)
			case ep.route == sandbox.RouteV3LoginVerifyUser:
				_, err = e.flow.LookUp(ctx, matrixMobile)
			default:
				_, err = e.flow.LookUp(ctx, patientAsha)
			}
			if errors.Is(err, ErrChooseAccount) {
				err = nil
			}
		case StepPatient:
			e.advance(ResendWait + time.Second)
			_, err = e.flow.RequestOTP(ctx, OTPAadhaar)
		case StepOTPSent:
			_, err = e.flow.Deactivate(ctx, e.lastOTP(), []string{"101"}, "")
		case StepReactivationOTPSent:
			_, err = e.flow.Reactivate(ctx, e.lastOTP())
		case StepOutcomeUnknown:
			e.advance(ResendWait + time.Second) // v3's check may ask for a sign-in OTP
			_, err = e.flow.CheckStatus(ctx)
		case StepDeactivated, StepReactivated:
			return fmt.Errorf("at %v before reaching %v", st.Step, want)
		}
		if err != nil {
			return fmt.Errorf("at %v: %w", st.Step, err)
		}
	}
	return fmt.Errorf("still at %v", e.flow.State().Step)
}
