// Package sandbox simulates the parts of ABDM this tool talks to, in both
// API generations, on one listener and over the same demo accounts.
//
// Legacy (v2, DESIGN.md section 2): the v0.5 gateway session service and the
// HealthID v1/v2 APIs for the key, the profile, OTP requests and
// deactivation; the patient login that yields an X-Token (search by ABHA
// number or address, auth/init, then confirmWithAadhaarOtp or
// confirmWithMobileOTP with the OTP in plain digits); and reactivation
// (auth/reactivate/init, then auth/reactivate with a PKCS#1 v1.5 encrypted
// OTP).
//
// Current (ABHA v3, ABDM-V3.md): the v3 gateway session, the public
// certificate, the patient sign-in (ABHA number with an Aadhaar or ABHA
// mobile OTP, or mobile number with a transfer token and login/verify/user),
// the profile, deactivation (account/request/otp and account/verify with the
// X-token) and reactivation (a re-activate OTP from account/request/otp or
// login/request/otp, verified at login/verify). Every v3 call needs a UUID
// REQUEST-ID and a TIMESTAMP within five minutes of the base clock; encrypted
// fields use RSA-OAEP with SHA-1. Replies and errors take ABDM's many v3
// shapes (nested, flat, field-keyed, a top-level array, message only), and a
// wrong OTP is an HTTP 200 with authResult "failed".
//
// OTP transactions of different flows are kept apart: a txnId of one flow
// (v2 login, v2 deactivation, v2 reactivation, v3 sign-in, v3 deactivation,
// v3 reactivation) is unknown to the calls of every other. Tokens are
// shared: a gateway token of either session call and a patient token of
// either generation work on both.
//
// A Server is an http.Handler. The v2 gateway lives under /gateway and
// HealthID under /api; the v3 gateway under /api/hiecm/gateway and the ABHA
// v3 service under /abha/api, so one base URL serves everything. It holds a
// few demo accounts, keeps every OTP it "sends" in an outbox, runs on a clock
// that tests can move, and can inject faults (delays, bad statuses,
// malformed or truncated replies, dropped connections) per route. Admin
// endpoints under /_sandbox/ expose all of that as JSON for tests and
// trainers; they hand out the client secret and patient tokens, so a sandbox
// must only ever listen on loopback (Listen enforces it).
//
// The sandbox never logs. A Server is safe for concurrent use.
package sandbox

import (
	"context"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"abha-deactivate/abdm/wire"
)

// Base paths of the simulated services and of the admin endpoints.
const (
	GatewayBase   = "/gateway"           // v2 gateway: GatewayBase + wire.PathSessions
	HealthIDBase  = "/api"               // v1/v2 HealthID: HealthIDBase + wire.Path...
	GatewayV3Base = "/api/hiecm/gateway" // v3 gateway: GatewayV3Base + wire.PathV3Sessions
	ABHAV3Base    = "/abha/api"          // ABHA v3: ABHAV3Base + wire.PathV3...
	AdminPrefix   = "/_sandbox/"
)

// maxBody is the largest request body the sandbox reads.
const maxBody = 64 << 10

// Credentials are the facility's ABDM client credentials the sandbox accepts.
type Credentials struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	HIPID        string `json:"hipId"`
}

// Server is the simulator. Build it with New.
type Server struct {
	cfg config

	keyDone    chan struct{} // closed once key or keyErr is set
	keyStart   sync.Once     // starts the key generation once
	keyStarted atomic.Bool   // the generation has begun (for tests)
	key        *rsa.PrivateKey
	rotated    atomic.Pointer[rsa.PrivateKey] // the key RotateKey put in place of key, if any
	keyErr     error

	offset  atomic.Int64 // sandbox clock = cfg.clock.Now() + offset
	latency atomic.Int64 // global simulated round trip, nanoseconds

	mu          sync.Mutex
	accounts    []*account          // in demo order
	seq         uint64              // orders token issues and deactivations (nextSeqLocked)
	xTokens     map[string]xToken   // patient token -> account and expiry
	logouts     int                 // v3 sign-ins logged out
	tTokens     map[string]tToken   // v3 transfer token -> mobile sign-in
	gwTokens    map[string]gwToken  // gateway access and refresh tokens
	login       loginLock           // lock-out state of the configured client
	txns        map[string]*txn     // OTP transactions by txnId
	mobileFlows map[string]*otpFlow // v3 sign-in by mobile number, per mobile
	outbox      []OTPMessage        // every OTP sent, oldest first
	outboxCh    chan struct{}       // closed and replaced when outbox changes
	counts      map[Route]int       // requests per route
	faults      map[Route]*faultSet // active faults per route
}

// New builds a Server and returns at once. Unless WithPrivateKey is given,
// the RSA key is generated in the background; the certificate handlers and
// every call with an encrypted field (v2 deactivate and reactivate, the v3
// OTP and verify calls) wait for it, and KeyReady reports when it exists.
func New(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.clientSecret == "" {
		cfg.clientSecret = newSecret(cfg.random)
	}
	cfg.refreshTTL = max(cfg.refreshTTL, cfg.sessionTTL, cfg.sessionTTLV3)
	s := &Server{cfg: cfg, keyDone: make(chan struct{})}
	s.latency.Store(int64(cfg.latency))
	s.mu.Lock()
	s.resetLocked()
	s.mu.Unlock()
	s.startKey()
	return s
}

// Credentials returns the client id, client secret and HIP id the sandbox accepts.
func (s *Server) Credentials() Credentials {
	return Credentials{ClientID: s.cfg.clientID, ClientSecret: s.cfg.clientSecret, HIPID: s.cfg.hipID}
}

// Now returns the sandbox clock: the configured clock plus what Advance added.
func (s *Server) Now() time.Time {
	return s.cfg.clock.Now().Add(time.Duration(s.offset.Load()))
}

// Advance moves the sandbox clock forward by d, so OTPs, tokens, rate limits
// and lock-outs expire without waiting. A d of zero or less does nothing.
func (s *Server) Advance(d time.Duration) {
	if d > 0 {
		s.offset.Add(int64(d))
	}
}

// SetLatency changes the delay added to every non-admin reply.
func (s *Server) SetLatency(d time.Duration) {
	s.latency.Store(int64(max(d, 0)))
}

// Reset puts the accounts back to their initial state (with fresh X-Tokens)
// and clears the outbox, counters, faults, gateway sessions, transactions and
// lock-outs. Credentials, the key, the clock offset and the latency are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

func (s *Server) resetLocked() {
	now := s.Now()
	s.xTokens = make(map[string]xToken)
	s.tTokens = make(map[string]tToken)
	s.gwTokens = make(map[string]gwToken)
	s.login = loginLock{}
	s.txns = make(map[string]*txn)
	s.mobileFlows = make(map[string]*otpFlow)
	s.accounts = s.accounts[:0]
	for _, seed := range demoSeeds() {
		a := newAccount(seed)
		s.issueXTokenLocked(a, now)
		if a.status == StatusDeactivated {
			// Deactivated before the sandbox started: its first token
			// predates that, so stays dead on v3 after a reactivation.
			a.deactSeq = s.nextSeqLocked()
		}
		s.accounts = append(s.accounts, a)
	}
	s.outbox = nil
	if s.outboxCh != nil {
		close(s.outboxCh) // wake waiters so they see the new outbox
	}
	s.outboxCh = make(chan struct{})
	s.counts = make(map[Route]int)
	s.faults = make(map[Route]*faultSet)
}

// ServeHTTP serves the gateway, HealthID, ABHA v3 and admin endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AdminPrefix) {
		s.serveAdmin(w, r)
		return
	}
	ep, ok := lookupEndpoint(r.URL.Path)
	if !ok {
		notFound(r.URL.Path).write(w)
		return
	}
	if r.Method != ep.method {
		s.methodNotAllowed(ep).write(w)
		return
	}
	fault, faulted := s.arrive(ep.route)

	// Read the whole body first: the request is then complete (as for the
	// Drop fault), and net/http starts watching the connection, so
	// r.Context() ends when the client goes away during a delay.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.bodyTooLarge(ep.route).write(w)
		}
		return // otherwise the client is gone
	}
	if !sleepCtx(r.Context(), time.Duration(s.latency.Load())) {
		return
	}
	run := func() reply { return s.handle(ep.route, r, body) }
	if faulted {
		s.applyFault(w, r, fault, run)
		return
	}
	run().write(w)
}

// endpoint is one simulated API.
type endpoint struct {
	method string
	route  Route
}

// endpoints maps each request path to its API: the legacy (v2) ones, then v3.
var endpoints = map[string]endpoint{
	GatewayBase + wire.PathSessions:           {http.MethodPost, RouteSession},
	HealthIDBase + wire.PathCert:              {http.MethodGet, RouteCert},
	HealthIDBase + wire.PathCertV2:            {http.MethodGet, RouteCert},
	HealthIDBase + wire.PathProfile:           {http.MethodGet, RouteProfile},
	HealthIDBase + wire.PathAadhaarOTP:        {http.MethodPost, RouteAadhaarOTP},
	HealthIDBase + wire.PathMobileOTP:         {http.MethodPost, RouteMobileOTP},
	HealthIDBase + wire.PathDeactivate:        {http.MethodPost, RouteDeactivate},
	HealthIDBase + wire.PathSearchByHealthID:  {http.MethodPost, RouteSearch},
	HealthIDBase + wire.PathAuthInit:          {http.MethodPost, RouteAuthInit},
	HealthIDBase + wire.PathConfirmAadhaarOTP: {http.MethodPost, RouteConfirmAadhaar},
	HealthIDBase + wire.PathConfirmMobileOTP:  {http.MethodPost, RouteConfirmMobile},
	HealthIDBase + wire.PathReactivateInit:    {http.MethodPost, RouteReactivateInit},
	HealthIDBase + wire.PathReactivate:        {http.MethodPost, RouteReactivate},

	GatewayV3Base + wire.PathV3Sessions:       {http.MethodPost, RouteV3Session},
	ABHAV3Base + wire.PathV3Certificate:       {http.MethodGet, RouteV3Certificate},
	ABHAV3Base + wire.PathV3LoginRequestOTP:   {http.MethodPost, RouteV3LoginRequestOTP},
	ABHAV3Base + wire.PathV3LoginVerify:       {http.MethodPost, RouteV3LoginVerify},
	ABHAV3Base + wire.PathV3LoginVerifyUser:   {http.MethodPost, RouteV3LoginVerifyUser},
	ABHAV3Base + wire.PathV3Account:           {http.MethodGet, RouteV3Profile},
	ABHAV3Base + wire.PathV3AccountRequestOTP: {http.MethodPost, RouteV3AccountRequestOTP},
	ABHAV3Base + wire.PathV3AccountVerify:     {http.MethodPost, RouteV3AccountVerify},
	ABHAV3Base + wire.PathV3AccountLogout:     {http.MethodGet, RouteV3Logout},
}

// lookupEndpoint maps a request path to its API.
func lookupEndpoint(path string) (endpoint, bool) {
	e, ok := endpoints[path]
	return e, ok
}

// handle runs the real handler of a route and returns its reply.
func (s *Server) handle(route Route, r *http.Request, body []byte) reply {
	if route.v3() {
		return s.handleV3(route, r, body)
	}
	if route == RouteSession {
		return s.session(body)
	}
	if rp, ok := s.checkGateway(r); !ok {
		return rp
	}
	if strings.TrimSpace(r.Header.Get(wire.HeaderHIPID)) == "" {
		return badRequest("X-HIP-ID header is required", wire.HeaderHIPID, "")
	}
	return s.handleV2(route, r, body)
}

// handleV2 runs the handler of a legacy (v2) route other than the session,
// once the gateway token and the HIP ID are checked.
func (s *Server) handleV2(route Route, r *http.Request, body []byte) reply {
	switch route {
	case RouteCert:
		return s.cert(r)
	case RouteProfile:
		return s.profile(r)
	case RouteAadhaarOTP:
		return s.generateOTP(r, body, PurposeAadhaar)
	case RouteMobileOTP:
		return s.generateOTP(r, body, PurposeMobile)
	case RouteDeactivate:
		return s.deactivate(r, body)
	case RouteSearch:
		return s.search(body)
	case RouteAuthInit:
		return s.authInit(body)
	case RouteConfirmAadhaar:
		return s.confirmOTP(body, wire.AuthMethodAadhaarOTP)
	case RouteConfirmMobile:
		return s.confirmOTP(body, wire.AuthMethodMobileOTP)
	case RouteReactivateInit:
		return s.reactivateInit(body)
	case RouteReactivate:
		return s.reactivate(r, body)
	}
	return internalError("no handler for this route")
}

// sleepCtx waits for d, or less if ctx ends first; it reports whether the
// full time passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
