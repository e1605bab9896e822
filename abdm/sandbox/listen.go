package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Running is a Server listening on a loopback port.
type Running struct {
	srv     *http.Server
	baseURL string
	done    chan struct{} // closed when Serve returns
}

// Listen serves s on addr (such as "127.0.0.1:0" for any free port) until
// Close. The admin endpoints hand out secrets, so addr must be a loopback
// address or "localhost".
func (s *Server) Listen(addr string) (*Running, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen address %q: %w", addr, err)
	}
	if !isLoopback(host) {
		return nil, fmt.Errorf("sandbox: listen address %q is not loopback: use 127.0.0.1, [::1] or localhost", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listening on %s: %w", addr, err)
	}
	run := &Running{
		srv: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
		},
		baseURL: "http://" + ln.Addr().String(),
		done:    make(chan struct{}),
	}
	go func() {
		defer close(run.done)
		_ = run.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return run, nil
}

// BaseURL is the root of the server, e.g. http://127.0.0.1:8090.
func (r *Running) BaseURL() string { return r.baseURL }

// GatewayURL is the gateway base URL to configure in a client.
func (r *Running) GatewayURL() string { return r.baseURL + GatewayBase }

// HealthIDURL is the HealthID base URL to configure in a client.
func (r *Running) HealthIDURL() string { return r.baseURL + HealthIDBase }

// GatewayV3URL is the v3 gateway base URL to configure in a client (the
// session call is at GatewayV3URL() + wire.PathV3Sessions).
func (r *Running) GatewayV3URL() string { return r.baseURL + GatewayV3Base }

// ABHAV3URL is the ABHA v3 service base URL to configure in a client.
func (r *Running) ABHAV3URL() string { return r.baseURL + ABHAV3Base }

// Close stops the server: it lets requests in flight finish until ctx ends,
// then closes whatever connections are left.
func (r *Running) Close(ctx context.Context) error {
	shutErr := r.srv.Shutdown(ctx)
	closeErr := r.srv.Close()
	<-r.done
	if shutErr != nil && !errors.Is(shutErr, http.ErrServerClosed) {
		return fmt.Errorf("sandbox: shutting down: %w", shutErr)
	}
	if closeErr != nil {
		return fmt.Errorf("sandbox: closing: %w", closeErr)
	}
	return nil
}

// isLoopback reports whether host names this computer.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
