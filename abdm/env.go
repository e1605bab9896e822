package abdm

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Environment names a set of ABDM base URLs.
type Environment string

// The environments a facility can point the tool at.
const (
	EnvSandbox    Environment = "sandbox"
	EnvProduction Environment = "production"
	EnvCustom     Environment = "custom"
)

// Endpoints are the two base URLs every call is made against.
type Endpoints struct {
	Gateway  string // e.g. https://dev.abdm.gov.in/gateway
	HealthID string // e.g. https://healthidsbx.abdm.gov.in/api
}

// Published base URLs of ABDM's sandbox and production services.
var (
	SandboxEndpoints = Endpoints{
		Gateway:  "https://dev.abdm.gov.in/gateway",
		HealthID: "https://healthidsbx.abdm.gov.in/api",
	}
	ProductionEndpoints = Endpoints{
		Gateway:  "https://live.abdm.gov.in/gateway",
		HealthID: "https://healthid.abdm.gov.in/api",
	}
)

// ParseEnvironment accepts "sandbox", "production" or "custom" in any case.
func ParseEnvironment(s string) (Environment, error) {
	switch e := Environment(strings.ToLower(strings.TrimSpace(s))); e {
	case EnvSandbox, EnvProduction, EnvCustom:
		return e, nil
	}
	return "", fmt.Errorf("unknown environment %q: use sandbox, production or custom", s)
}

// EndpointsFor returns the base URLs of env; custom uses the URLs given.
// The result is checked with CheckBaseURL.
func EndpointsFor(env Environment, custom Endpoints) (Endpoints, error) {
	var ep Endpoints
	switch env {
	case EnvSandbox:
		ep = SandboxEndpoints
	case EnvProduction:
		ep = ProductionEndpoints
	case EnvCustom:
		ep = Endpoints{Gateway: strings.TrimRight(strings.TrimSpace(custom.Gateway), "/"),
			HealthID: strings.TrimRight(strings.TrimSpace(custom.HealthID), "/")}
	default:
		return Endpoints{}, fmt.Errorf("unknown environment %q", env)
	}
	if err := CheckBaseURL(ep.Gateway); err != nil {
		return Endpoints{}, fmt.Errorf("gateway URL: %w", err)
	}
	if err := CheckBaseURL(ep.HealthID); err != nil {
		return Endpoints{}, fmt.Errorf("HealthID URL: %w", err)
	}
	return ep, nil
}

// CheckBaseURL accepts an absolute https URL, or an http URL whose host is a
// loopback address (the local simulator). It refuses credentials, queries and
// fragments in the URL.
func CheckBaseURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return fmt.Errorf("the address is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a valid web address", raw)
	}
	if u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not a full web address (it should start with https://)", raw)
	}
	if u.User != nil {
		return fmt.Errorf("the address must not contain a user name or password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("the address must not contain ? or #")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q uses plain http: only https is allowed (plain http only for this computer, such as the local simulator)", raw)
	}
	return fmt.Errorf("%q must start with https://", raw)
}

// IsLoopbackHost reports whether host names this computer (localhost, 127.0.0.0/8, ::1).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
