package abdm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// Demo accounts of the sandbox, by what they show.
const (
	patientAsha   = "91-5512-3456-7890" // normal
	patientRahul  = "91-6623-4567-8901" // normal
	patientSunita = "91-9956-7890-1234" // linked to a government benefit (v3 ABDM-1228); shares Ravi's mobile
	patientRavi   = "91-7734-5678-9012" // no mobile linked to Aadhaar; mobile 9988776655, shared with Sunita
	patientMeena  = "91-8845-6789-0123" // already deactivated
	startOfTheDay = "2026-11-26T09:00:00Z"
)

// testEnv is a sandbox served over real HTTP and a client and flow pointed at it.
type testEnv struct {
	t      *testing.T
	sim    *sandbox.Server
	srv    *httptest.Server
	clock  *sandbox.ManualClock
	client *Client
	flow   *Flow
	grants *grantLog
	logBuf *bytes.Buffer
	// lastToken is the newest patient token handed out, to check that no
	// error ever contains it.
	lastToken string
}

// grantLog records the grant type of every session request.
type grantLog struct {
	mu     sync.Mutex
	grants []string
}

func (g *grantLog) list() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.grants...)
}

type envConfig struct {
	gen         Generation // V2 unless withGen says otherwise
	secret      string
	clientOpts  []Option
	flowOpts    []FlowOption
	sandboxOpts []sandbox.Option
}

func newTestEnv(t *testing.T, configure ...func(*envConfig)) *testEnv {
	t.Helper()
	k2048, _ := testKeys(t)
	start, _ := time.Parse(time.RFC3339, startOfTheDay)
	clock := sandbox.NewManualClock(start)
	var cfg envConfig
	for _, c := range configure {
		c(&cfg)
	}
	sim := sandbox.New(append([]sandbox.Option{sandbox.WithPrivateKey(k2048), sandbox.WithClock(clock)}, cfg.sandboxOpts...)...)
	grants := &grantLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, wire.PathSessions) || strings.HasSuffix(r.URL.Path, wire.PathV3Sessions) {
			body, _ := io.ReadAll(r.Body)
			var req wire.SessionRequest
			_ = json.Unmarshal(body, &req)
			grants.mu.Lock()
			grants.grants = append(grants.grants, req.GrantType)
			grants.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	creds := sim.Credentials()
	secret := creds.ClientSecret
	if cfg.secret != "" {
		secret = cfg.secret
	}
	logBuf := &bytes.Buffer{}
	logger := logrus.New()
	logger.SetOutput(&lockedWriter{w: logBuf})
	logger.SetLevel(logrus.DebugLevel)
	opts := append([]Option{WithClock(clock.Now), WithLogger(logger), WithCallTimeout(5 * time.Second)}, cfg.clientOpts...)
	c, err := New(simEndpoints(srv.URL, cfg.gen), Credentials{ClientID: creds.ClientID, ClientSecret: secret, HIPID: creds.HIPID}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFlow(c, append([]FlowOption{WithFlowClock(clock.Now)}, cfg.flowOpts...)...)
	return &testEnv{t: t, sim: sim, srv: srv, clock: clock, client: c, flow: f, grants: grants, logBuf: logBuf}
}

// simEndpoints are the simulator's base URLs at base in generation gen (V2 when empty).
func simEndpoints(base string, gen Generation) Endpoints {
	if gen == V3 {
		return Endpoints{Generation: V3, Gateway: base + sandbox.GatewayV3Base, HealthID: base + sandbox.ABHAV3Base}
	}
	return Endpoints{Generation: V2, Gateway: base + sandbox.GatewayBase, HealthID: base + sandbox.HealthIDBase}
}

// withGen makes the test environment speak generation g.
func withGen(g Generation) func(*envConfig) { return func(c *envConfig) { c.gen = g } }

// forEachGen runs fn as a subtest per generation, current first.
func forEachGen(t *testing.T, fn func(t *testing.T, gen Generation)) {
	for _, g := range Generations() {
		t.Run(string(g), func(t *testing.T) { fn(t, g) })
	}
}

func quietLogger() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// token returns a fresh X-Token for a demo account.
func (e *testEnv) token(abha string) string {
	e.t.Helper()
	tok, err := e.sim.IssueToken(abha)
	if err != nil {
		e.t.Fatal(err)
	}
	e.lastToken = tok
	return tok
}

// lastOTPOrEmpty returns the newest OTP in the outbox, or "".
func (e *testEnv) lastOTPOrEmpty() string {
	box := e.sim.Outbox()
	if len(box) == 0 {
		return ""
	}
	return box[len(box)-1].OTP
}

// advance moves the sandbox's and the client's shared clock.
func (e *testEnv) advance(d time.Duration) { e.clock.Advance(d) }

// lastOTP returns the newest OTP in the outbox.
func (e *testEnv) lastOTP() string {
	e.t.Helper()
	box := e.sim.Outbox()
	if len(box) == 0 {
		e.t.Fatal("no OTP was sent")
	}
	return box[len(box)-1].OTP
}

// connect opens the flow's connection.
func (e *testEnv) connect() {
	e.t.Helper()
	if err := e.flow.Connect(context.Background()); err != nil {
		e.t.Fatalf("connect: %v", err)
	}
}

// toPatient connects and loads the patient from a fresh token.
func (e *testEnv) toPatient(abha string) {
	e.t.Helper()
	e.connect()
	if _, err := e.flow.LoadPatient(context.Background(), e.token(abha)); err != nil {
		e.t.Fatalf("load patient: %v", err)
	}
}

// toOTPSent connects, loads the patient and requests an OTP.
func (e *testEnv) toOTPSent(abha string) OTPState {
	e.t.Helper()
	e.toPatient(abha)
	st, err := e.flow.RequestOTP(context.Background(), OTPAadhaar)
	if err != nil {
		e.t.Fatalf("request OTP: %v", err)
	}
	return st
}

// wrongOTP returns a 6-digit OTP that differs from right.
func wrongOTP(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

func wantKind(t *testing.T, err error, k Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %v error, got nil", k)
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("want kind %v, got %v (%v)", k, KindOf(err), err)
	}
}

// The calls of the flow, by what they do, for counting and faults in a
// test that runs in either generation.
const (
	callSession    = "session"
	callKey        = "key"
	callProfile    = "profile"
	callOTP        = "otp"        // the deactivation OTP, to the Aadhaar-linked mobile
	callDeactivate = "deactivate" // the irreversible call
	callLoginOTP   = "login-otp"
	callLoginDone  = "login-verify"
	callReactOTP   = "reactivate-otp"
	callReactivate = "reactivate"
)

// callRoutes maps each call to the simulator's route in each generation.
// v3 sends sign-in and reactivation OTPs, and confirms both, on the same routes.
var callRoutes = map[Generation]map[string]sandbox.Route{
	V2: {callSession: sandbox.RouteSession, callKey: sandbox.RouteCert, callProfile: sandbox.RouteProfile,
		callOTP: sandbox.RouteAadhaarOTP, callDeactivate: sandbox.RouteDeactivate, callLoginOTP: sandbox.RouteAuthInit,
		callLoginDone: sandbox.RouteConfirmAadhaar, callReactOTP: sandbox.RouteReactivateInit, callReactivate: sandbox.RouteReactivate},
	V3: {callSession: sandbox.RouteV3Session, callKey: sandbox.RouteV3Certificate, callProfile: sandbox.RouteV3Profile,
		callOTP: sandbox.RouteV3AccountRequestOTP, callDeactivate: sandbox.RouteV3AccountVerify,
		callLoginOTP: sandbox.RouteV3LoginRequestOTP, callLoginDone: sandbox.RouteV3LoginVerify,
		callReactOTP: sandbox.RouteV3AccountRequestOTP, callReactivate: sandbox.RouteV3LoginVerify},
}

// route is the simulator's route of call in the environment's generation.
func (e *testEnv) route(call string) sandbox.Route {
	e.t.Helper()
	r, ok := callRoutes[e.client.Generation()][call]
	if !ok {
		e.t.Fatalf("no route for %q", call)
	}
	return r
}

// count is how many requests call has received.
func (e *testEnv) count(call string) int { return e.sim.Count(e.route(call)) }
