package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Route names one simulated API, for faults and counters.
type Route string

// The routes of the simulated APIs. The comments give the method and the
// path under the base URL ({gateway} = GatewayBase, {healthid} =
// HealthIDBase, {gateway v3} = GatewayV3Base, {abha} = ABHAV3Base).
const (
	RouteSession    Route = "session"     // POST {gateway}/v0.5/sessions
	RouteCert       Route = "cert"        // GET {healthid}/v1/auth/cert and /v2/auth/cert
	RouteProfile    Route = "profile"     // GET {healthid}/v1/account/profile
	RouteAadhaarOTP Route = "aadhaar-otp" // POST {healthid}/v2/account/aadhaar/generateOTP
	RouteMobileOTP  Route = "mobile-otp"  // POST {healthid}/v2/account/mobile/generateOTP
	RouteDeactivate Route = "deactivate"  // POST {healthid}/v2/account/profile/deactivate

	RouteSearch         Route = "search"          // POST {healthid}/v1/search/searchByHealthId
	RouteAuthInit       Route = "auth-init"       // POST {healthid}/v2/auth/init
	RouteConfirmAadhaar Route = "confirm-aadhaar" // POST {healthid}/v1/auth/confirmWithAadhaarOtp
	RouteConfirmMobile  Route = "confirm-mobile"  // POST {healthid}/v1/auth/confirmWithMobileOTP

	RouteReactivateInit Route = "reactivate-init" // POST {healthid}/v2/auth/reactivate/init
	RouteReactivate     Route = "reactivate"      // POST {healthid}/v2/auth/reactivate

	RouteV3Session           Route = "v3-session"             // POST {gateway v3}/v3/sessions
	RouteV3Certificate       Route = "v3-certificate"         // GET {abha}/v3/profile/public/certificate
	RouteV3LoginRequestOTP   Route = "v3-login-request-otp"   // POST {abha}/v3/profile/login/request/otp
	RouteV3LoginVerify       Route = "v3-login-verify"        // POST {abha}/v3/profile/login/verify
	RouteV3LoginVerifyUser   Route = "v3-login-verify-user"   // POST {abha}/v3/profile/login/verify/user
	RouteV3Profile           Route = "v3-profile"             // GET {abha}/v3/profile/account
	RouteV3AccountRequestOTP Route = "v3-account-request-otp" // POST {abha}/v3/profile/account/request/otp
	RouteV3AccountVerify     Route = "v3-account-verify"      // POST {abha}/v3/profile/account/verify
	RouteV3Logout            Route = "v3-logout"              // GET {abha}/v3/profile/account/request/logout
)

// Routes lists every route, in a fixed order: v2, then v3.
func Routes() []Route {
	return []Route{RouteSession, RouteCert, RouteProfile, RouteAadhaarOTP, RouteMobileOTP, RouteDeactivate,
		RouteSearch, RouteAuthInit, RouteConfirmAadhaar, RouteConfirmMobile, RouteReactivateInit, RouteReactivate,
		RouteV3Session, RouteV3Certificate, RouteV3LoginRequestOTP, RouteV3LoginVerify, RouteV3LoginVerifyUser,
		RouteV3Profile, RouteV3AccountRequestOTP, RouteV3AccountVerify, RouteV3Logout}
}

// v3 reports whether r is a route of the ABHA v3 generation.
func (r Route) v3() bool {
	switch r {
	case RouteV3Session, RouteV3Certificate, RouteV3LoginRequestOTP, RouteV3LoginVerify, RouteV3LoginVerifyUser,
		RouteV3Profile, RouteV3AccountRequestOTP, RouteV3AccountVerify, RouteV3Logout:
		return true
	}
	return false
}

// Valid reports whether r is one of the routes the sandbox serves.
func (r Route) Valid() bool {
	return slices.Contains(Routes(), r)
}

// Fault is what goes wrong with the requests of one route. Latency comes
// first; then, at most one of Drop, Truncated, HugeBytes, Malformed, Status
// applies, in that order of precedence. A fault with only Latency (and
// perhaps Process) delays an otherwise normal reply.
type Fault struct {
	Latency   time.Duration `json:"latency"`   // extra delay before replying; ends early if the client goes away
	Status    int           `json:"status"`    // force this HTTP status (200-599) with Body (Body may be empty)
	Body      string        `json:"body"`      // body sent with Status
	Malformed bool          `json:"malformed"` // 200 with invalid JSON
	Truncated bool          `json:"truncated"` // Content-Length larger than the bytes sent, then the connection closes
	HugeBytes int64         `json:"hugeBytes"` // 200 with a JSON-looking body of this many bytes, streamed
	Drop      bool          `json:"drop"`      // read the request, then reset the TCP connection with no reply
	Process   bool          `json:"process"`   // run the real handler first (its state changes happen), discard its reply, then apply the fault
	Times     int           `json:"times"`     // apply to this many requests, then clear; 0 = until cleared
}

// UnmarshalJSON accepts latency as a Go duration string ("250ms") or as
// nanoseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	type plain Fault
	var aux struct {
		plain
		Latency json.RawMessage `json:"latency"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("reading fault: %w", err)
	}
	d, err := parseDuration(aux.Latency)
	if err != nil {
		return fmt.Errorf("reading fault latency: %w", err)
	}
	*f = Fault(aux.plain)
	f.Latency = d
	return nil
}

// parseDuration reads a JSON duration: a Go duration string, a number of
// nanoseconds, or null/absent for zero.
func parseDuration(raw json.RawMessage) (time.Duration, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, fmt.Errorf("duration %s: %w", raw, err)
		}
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		return d, nil
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("duration %s is neither a string like \"1m30s\" nor nanoseconds: %w", raw, err)
	}
	return time.Duration(n), nil
}

// faultSet is an active fault and how many more requests it applies to.
type faultSet struct {
	fault     Fault
	remaining int // 0 = unlimited
}

// SetFault makes requests to route fail as f says, replacing any fault
// already set there. Unknown routes are ignored.
func (s *Server) SetFault(route Route, f Fault) {
	if !route.Valid() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[route] = &faultSet{fault: f, remaining: max(f.Times, 0)}
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// Faults returns the faults currently set, with Times showing how many
// requests each still applies to (0 = until cleared).
func (s *Server) Faults() map[Route]Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Route]Fault, len(s.faults))
	for r, fs := range s.faults {
		f := fs.fault
		f.Times = fs.remaining
		out[r] = f
	}
	return out
}

// Requests is the number of requests received on every route together
// since New or Reset, faulted ones included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.counts {
		n += c
	}
	return n
}

// Count returns how many requests route has received since New or Reset,
// faulted ones included.
func (s *Server) Count(route Route) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[route]
}

// arrive counts a request and takes the route's fault, if any.
func (s *Server) arrive(route Route) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[route]++
	fs, ok := s.faults[route]
	if !ok {
		return Fault{}, false
	}
	if fs.remaining > 0 {
		fs.remaining--
		if fs.remaining == 0 {
			delete(s.faults, route)
		}
	}
	return fs.fault, true
}

// applyFault answers a request as f says; run is the real handler.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, run func() reply) {
	var processed reply
	if f.Process {
		processed = run()
	}
	if !sleepCtx(r.Context(), f.Latency) {
		return
	}
	switch {
	case f.Drop:
		resetConnection(w)
	case f.Truncated:
		writeTruncated(w)
	case f.HugeBytes > 0:
		writeHuge(w, f.HugeBytes)
	case f.Malformed:
		reply{status: http.StatusOK, ctype: "application/json", body: []byte(malformedBody)}.write(w)
	case f.Status != 0:
		forcedReply(f.Status, f.Body).write(w)
	case f.Process:
		processed.write(w)
	default:
		run().write(w)
	}
}

// malformedBody starts like a JSON reply and turns into a proxy's HTML page.
const malformedBody = `{"txnId":"3f1c0a2e-5b7d-4e9a-8c61-` + "\n<html><body><h1>502 Bad Gateway</h1></body></html>\n"

// forcedReply is the reply of a Status fault. A status outside 200-599 is
// sent as 500; 204 and 304 carry no body.
func forcedReply(status int, body string) reply {
	if status < 200 || status > 599 {
		status = http.StatusInternalServerError
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		body = ""
	}
	rp := reply{status: status, body: []byte(body)}
	if t := strings.TrimSpace(body); t != "" {
		rp.ctype = "text/plain; charset=utf-8"
		if t[0] == '{' || t[0] == '[' {
			rp.ctype = "application/json"
		}
	}
	return rp
}

// resetConnection closes the client's connection without a reply, with
// linger 0 so the client sees a reset rather than a clean close.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2, a recorder): make the reply useless instead.
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	if l, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = l.SetLinger(0)
	}
	_ = conn.Close()
}

// writeTruncated promises a 4 KiB JSON body, sends a few bytes of it, then
// closes the connection.
func writeTruncated(w http.ResponseWriter) {
	const part = `{"accessToken":"eyJhbGciOiJSUzI1NiJ9.`
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", "4096")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(part))
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
	}
	// Without a hijack, net/http itself closes a connection whose reply is
	// shorter than its Content-Length.
}

// writeHuge streams a 200 JSON-looking body of n bytes in small chunks,
// stopping when the client goes away.
func writeHuge(w http.ResponseWriter, n int64) {
	const prefix, suffix = `{"txnId":"`, `"}`
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(http.StatusOK)
	if n < int64(len(prefix)+len(suffix)) {
		_, _ = w.Write(bytes.Repeat([]byte(" "), int(n)))
		return
	}
	if _, err := w.Write([]byte(prefix)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("A"), 32<<10)
	for left := n - int64(len(prefix)+len(suffix)); left > 0; {
		c := chunk[:min(left, int64(len(chunk)))]
		if _, err := w.Write(c); err != nil {
			return
		}
		left -= int64(len(c))
	}
	_, _ = w.Write([]byte(suffix))
}
