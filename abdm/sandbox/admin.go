package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The admin endpoints, under AdminPrefix. They are for tests and trainers on
// the same machine: they reveal the client secret and patient tokens and
// change the sandbox at will.
const (
	adminInfo     = AdminPrefix + "info"            // GET: credentials, base paths, clock, accounts
	adminOutbox   = AdminPrefix + "outbox"          // GET: every OTP sent
	adminClock    = AdminPrefix + "clock"           // GET: sandbox time; POST {"advance":"11m"}
	adminLatency  = AdminPrefix + "latency"         // POST {"latency":"200ms"}
	adminFaults   = AdminPrefix + "faults"          // GET; POST {"route","fault"}; DELETE clears all
	adminStats    = AdminPrefix + "stats"           // GET: requests per route
	adminExpire   = AdminPrefix + "sessions/expire" // POST: invalidate every gateway token
	adminTokens   = AdminPrefix + "tokens"          // POST {"abhaNumber"} -> {"xToken"}
	adminReset    = AdminPrefix + "reset"           // POST: back to the initial state
	adminRotate   = AdminPrefix + "rotate-key"      // POST: a new RSA key of the same size, as ABDM may change its own
	adminMaxBytes = 16 << 10
)

// infoReply is the body of GET /_sandbox/info.
type infoReply struct {
	Credentials
	GatewayPath   string    `json:"gatewayPath"`
	HealthIDPath  string    `json:"healthIdPath"`
	GatewayV3Path string    `json:"gatewayV3Path"`
	ABHAV3Path    string    `json:"abhaV3Path"`
	Now           time.Time `json:"now"`
	Accounts      []Account `json:"accounts"`
}

// adminError is the body of an admin error reply.
type adminError struct {
	Error string `json:"error"`
}

// adminEndpoint is one admin endpoint: the methods it answers and its handler.
type adminEndpoint struct {
	methods []string
	serve   func(s *Server, w http.ResponseWriter, r *http.Request)
}

// adminEndpoints maps each admin path to its endpoint.
var adminEndpoints = map[string]adminEndpoint{
	adminInfo:    {[]string{http.MethodGet}, (*Server).adminShowInfo},
	adminOutbox:  {[]string{http.MethodGet}, (*Server).adminShowOutbox},
	adminClock:   {[]string{http.MethodGet, http.MethodPost}, (*Server).adminClock},
	adminLatency: {[]string{http.MethodPost}, (*Server).adminLatency},
	adminFaults:  {[]string{http.MethodGet, http.MethodPost, http.MethodDelete}, (*Server).adminFaults},
	adminStats:   {[]string{http.MethodGet}, (*Server).adminShowStats},
	adminExpire:  {[]string{http.MethodPost}, (*Server).adminExpire},
	adminTokens:  {[]string{http.MethodPost}, (*Server).adminTokens},
	adminReset:   {[]string{http.MethodPost}, (*Server).adminReset},
	adminRotate:  {[]string{http.MethodPost}, (*Server).adminRotateKey},
}

// serveAdmin serves the /_sandbox/ endpoints. They are not counted, delayed
// or faulted.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	e, ok := adminEndpoints[r.URL.Path]
	if !ok {
		jsonReply(http.StatusNotFound, adminError{"no admin endpoint at " + r.URL.Path}).write(w)
		return
	}
	if !slices.Contains(e.methods, r.Method) {
		w.Header().Set("Allow", strings.Join(e.methods, ", "))
		jsonReply(http.StatusMethodNotAllowed, adminError{"method not allowed"}).write(w)
		return
	}
	e.serve(s, w, r)
}

// adminShowInfo replies with the credentials, base paths, clock and accounts.
func (s *Server) adminShowInfo(w http.ResponseWriter, _ *http.Request) {
	jsonReply(http.StatusOK, infoReply{Credentials: s.Credentials(), GatewayPath: GatewayBase,
		HealthIDPath: HealthIDBase, GatewayV3Path: GatewayV3Base, ABHAV3Path: ABHAV3Base,
		Now: s.Now(), Accounts: s.Accounts()}).write(w)
}

// adminShowOutbox replies with every OTP sent.
func (s *Server) adminShowOutbox(w http.ResponseWriter, _ *http.Request) {
	jsonReply(http.StatusOK, s.Outbox()).write(w)
}

// adminShowStats replies with the count of requests per route.
func (s *Server) adminShowStats(w http.ResponseWriter, _ *http.Request) {
	stats := make(map[Route]int)
	for _, rt := range Routes() {
		stats[rt] = s.Count(rt)
	}
	jsonReply(http.StatusOK, stats).write(w)
}

// adminExpire invalidates every gateway token.
func (s *Server) adminExpire(w http.ResponseWriter, _ *http.Request) {
	s.ExpireSessions()
	emptyReply(http.StatusNoContent).write(w)
}

// adminReset puts the sandbox back in its initial state.
func (s *Server) adminReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	emptyReply(http.StatusNoContent).write(w)
}

// adminRotateKey replaces the RSA key with a new one of the same size while
// the simulator runs (RotateKey): values encrypted with the old public key
// are refused from then on, as ABDM refuses them after changing its key. It
// answers once the new key is in use.
func (s *Server) adminRotateKey(w http.ResponseWriter, r *http.Request) {
	if err := s.KeyReady(r.Context()); err != nil {
		jsonReply(http.StatusServiceUnavailable, adminError{"the key is not ready: " + err.Error()}).write(w)
		return
	}
	k, err := rsa.GenerateKey(rand.Reader, s.privateKey().N.BitLen())
	if err != nil {
		jsonReply(http.StatusInternalServerError, adminError{"generating a new key: " + err.Error()}).write(w)
		return
	}
	s.RotateKey(k)
	emptyReply(http.StatusNoContent).write(w)
}

// adminClock shows the sandbox time, or advances it by {"advance": "11m"}.
func (s *Server) adminClock(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var req struct {
			Advance json.RawMessage `json:"advance"`
		}
		if !readAdmin(w, r, &req) {
			return
		}
		d, err := parseDuration(req.Advance)
		if err != nil || d < 0 {
			jsonReply(http.StatusBadRequest, adminError{`"advance" must be a positive duration such as "11m"`}).write(w)
			return
		}
		s.Advance(d)
	}
	jsonReply(http.StatusOK, map[string]time.Time{"now": s.Now()}).write(w)
}

// adminLatency sets the global latency from {"latency": "200ms"}.
func (s *Server) adminLatency(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Latency json.RawMessage `json:"latency"`
	}
	if !readAdmin(w, r, &req) {
		return
	}
	d, err := parseDuration(req.Latency)
	if err != nil || d < 0 {
		jsonReply(http.StatusBadRequest, adminError{`"latency" must be a duration such as "200ms"`}).write(w)
		return
	}
	s.SetLatency(d)
	emptyReply(http.StatusNoContent).write(w)
}

// adminFaults lists, sets or clears faults.
func (s *Server) adminFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		jsonReply(http.StatusOK, s.Faults()).write(w)
	case http.MethodDelete:
		s.ClearFaults()
		emptyReply(http.StatusNoContent).write(w)
	default:
		var req struct {
			Route Route `json:"route"`
			Fault Fault `json:"fault"`
		}
		if !readAdmin(w, r, &req) {
			return
		}
		if !req.Route.Valid() {
			jsonReply(http.StatusBadRequest, adminError{"unknown route " + string(req.Route) +
				": use one of " + routeList()}).write(w)
			return
		}
		if f := req.Fault; f.Status != 0 && (f.Status < 200 || f.Status > 599) {
			jsonReply(http.StatusBadRequest, adminError{"fault status must be between 200 and 599"}).write(w)
			return
		}
		s.SetFault(req.Route, req.Fault)
		emptyReply(http.StatusNoContent).write(w)
	}
}

// adminTokens issues an X-Token for {"abhaNumber": "..."}.
func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ABHANumber string `json:"abhaNumber"`
	}
	if !readAdmin(w, r, &req) {
		return
	}
	tok, err := s.IssueToken(req.ABHANumber)
	if err != nil {
		jsonReply(http.StatusNotFound, adminError{"no account with ABHA number " + req.ABHANumber}).write(w)
		return
	}
	jsonReply(http.StatusOK, map[string]string{"xToken": tok}).write(w)
}

// readAdmin decodes an admin request body into v, answering 400 if it cannot.
func readAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, adminMaxBytes))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		msg := "the body must be JSON: " + err.Error()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			msg = "the body is too large"
		}
		jsonReply(http.StatusBadRequest, adminError{msg}).write(w)
		return false
	}
	return true
}

// routeList names every route, comma-separated, for error messages.
func routeList() string {
	names := make([]string, 0, len(Routes()))
	for _, r := range Routes() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}
