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

// Generation is a generation of ABDM's ABHA APIs. A Client speaks one,
// chosen when it is built.
type Generation string

// The generations this tool speaks. V3 is current; V2 (the v1/v2 HealthID
// service) is kept as "legacy" for facilities whose access is still on it.
const (
	V3 Generation = "v3"
	V2 Generation = "v2"
)

// DefaultGeneration is the generation of a fresh install and of --demo.
const DefaultGeneration = V3

// Generations lists the generations, current first.
func Generations() []Generation { return []Generation{V3, V2} }

// ParseGeneration accepts "v3" or "v2" (also "3", "2", any case); "" is DefaultGeneration.
func ParseGeneration(s string) (Generation, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return DefaultGeneration, nil
	case "v3", "3":
		return V3, nil
	case "v2", "2", "legacy":
		return V2, nil
	}
	return "", fmt.Errorf("unknown API generation %q: use v3 (current) or v2 (legacy)", s)
}

// Endpoints are the base URLs every call is made against. The client appends
// the paths of its generation to them.
type Endpoints struct {
	// Generation is the API generation spoken at these addresses (V3 when empty).
	Generation Generation
	// Gateway is the gateway base: v3 https://dev.abdm.gov.in/api/hiecm/gateway,
	// v2 https://dev.abdm.gov.in/gateway.
	Gateway string
	// HealthID is the ABHA service base: v3 https://abhasbx.abdm.gov.in/abha/api,
	// v2 (the HealthID service) https://healthidsbx.abdm.gov.in/api.
	HealthID string
	// CMID is the consent manager sent as X-CM-ID on v3 session calls
	// ("sbx" or "abdm"); empty means CMIDFor(Gateway).
	CMID string
}

// Published base URLs of ABDM's sandbox and production services, per
// generation. Of the v3 production hosts only the NHA guide's are given
// here; README.md says which are unconfirmed.
var (
	SandboxEndpoints = Endpoints{
		Generation: V2,
		Gateway:    "https://dev.abdm.gov.in/gateway",
		HealthID:   "https://healthidsbx.abdm.gov.in/api",
	}
	ProductionEndpoints = Endpoints{
		Generation: V2,
		Gateway:    "https://live.abdm.gov.in/gateway",
		HealthID:   "https://healthid.abdm.gov.in/api",
	}
	SandboxEndpointsV3 = Endpoints{
		Generation: V3,
		Gateway:    "https://dev.abdm.gov.in/api/hiecm/gateway",
		HealthID:   "https://abhasbx.abdm.gov.in/abha/api",
		CMID:       "sbx",
	}
	ProductionEndpointsV3 = Endpoints{
		Generation: V3,
		Gateway:    "https://apis.abdm.gov.in/api/hiecm/gateway",
		HealthID:   "https://abha.abdm.gov.in/api/abha",
		CMID:       "abdm",
	}
)

// CMIDFor guesses the consent manager of a custom gateway: "abdm" for an
// abdm.gov.in host that is not a sandbox one, "sbx" otherwise (the sandbox,
// the local simulator).
func CMIDFor(gateway string) string {
	u, err := url.Parse(gateway)
	if err != nil {
		return "sbx"
	}
	h := strings.ToLower(u.Hostname())
	if strings.HasSuffix(h, ".abdm.gov.in") && !strings.HasPrefix(h, "dev.") && !strings.Contains(h, "sbx") {
		return "abdm"
	}
	return "sbx"
}

// ParseEnvironment accepts "sandbox", "production" or "custom" in any case.
func ParseEnvironment(s string) (Environment, error) {
	switch e := Environment(strings.ToLower(strings.TrimSpace(s))); e {
	case EnvSandbox, EnvProduction, EnvCustom:
		return e, nil
	}
	return "", fmt.Errorf("unknown environment %q: use sandbox, production or custom", s)
}

// EndpointsFor returns the base URLs of env in generation gen; custom uses
// the URLs given. The result is checked with CheckBaseURL.
func EndpointsFor(env Environment, gen Generation, custom Endpoints) (Endpoints, error) {
	var ep Endpoints
	switch {
	case gen != V2 && gen != V3:
		return Endpoints{}, fmt.Errorf("unknown API generation %q", gen)
	case env == EnvSandbox && gen == V3:
		ep = SandboxEndpointsV3
	case env == EnvSandbox:
		ep = SandboxEndpoints
	case env == EnvProduction && gen == V3:
		ep = ProductionEndpointsV3
	case env == EnvProduction:
		ep = ProductionEndpoints
	case env == EnvCustom:
		ep = Endpoints{Generation: gen, Gateway: strings.TrimRight(strings.TrimSpace(custom.Gateway), "/"),
			HealthID: strings.TrimRight(strings.TrimSpace(custom.HealthID), "/"), CMID: custom.CMID}
	default:
		return Endpoints{}, fmt.Errorf("unknown environment %q", env)
	}
	if err := CheckBaseURL(ep.Gateway); err != nil {
		return Endpoints{}, fmt.Errorf("gateway URL: %w", err)
	}
	if err := CheckBaseURL(ep.HealthID); err != nil {
		return Endpoints{}, fmt.Errorf("%s URL: %w", gen.ServiceName(), err)
	}
	if gen == V3 && ep.CMID == "" {
		ep.CMID = CMIDFor(ep.Gateway)
	}
	return ep, nil
}

// ServiceName names the service behind Endpoints.HealthID in gen, for messages:
// "ABHA service" (v3) or "HealthID" (v2).
func (g Generation) ServiceName() string {
	if g == V2 {
		return "HealthID"
	}
	return "ABHA service"
}

// Label is how the generation is offered to users.
func (g Generation) Label() string {
	if g == V2 {
		return "v2 (legacy)"
	}
	return "v3 (current)"
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

// NeedsHIPID reports whether the generation sends the facility's HIP ID
// with its calls (v2's X-HIP-ID); v3 does not, so it is optional there.
func (g Generation) NeedsHIPID() bool { return g == V2 }

// Accepts reports whether patients can be found and signed in by an
// identifier of kind k: ABHA numbers always; ABHA addresses with v2 (v2
// search and sign-in); mobile numbers with v3 (sign-in by mobile).
func (g Generation) Accepts(k IDKind) bool {
	switch k {
	case IDNumber:
		return true
	case IDAddress:
		return g == V2
	case IDMobile:
		return g != V2
	}
	return false
}
