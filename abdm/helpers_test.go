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
	patientRavi   = "91-7734-5678-9012" // no mobile linked to Aadhaar
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
		if strings.HasSuffix(r.URL.Path, wire.PathSessions) {
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
	c, err := New(Endpoints{Gateway: srv.URL + sandbox.GatewayBase, HealthID: srv.URL + sandbox.HealthIDBase},
		Credentials{ClientID: creds.ClientID, ClientSecret: secret, HIPID: creds.HIPID}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFlow(c, append([]FlowOption{WithFlowClock(clock.Now)}, cfg.flowOpts...)...)
	return &testEnv{t: t, sim: sim, srv: srv, clock: clock, client: c, flow: f, grants: grants, logBuf: logBuf}
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
