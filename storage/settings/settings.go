// Package settings keeps the user's settings in a JSON file that survives
// crashes (atomic replace) and upgrades (versioned, migrated on load).
package settings

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"

	"abha-deactivate/abdm"
)

// CurrentVersion is the schema version this build writes.
const CurrentVersion = 2

// Settings are what the user chooses once and the app remembers. They hold no
// secret: the client secret lives in the system keyring (see storage/secrets).
type Settings struct {
	Version     int    `json:"version"`     // schema version, CurrentVersion when saved
	Environment string `json:"environment"` // "sandbox", "production" or "custom"
	// APIVersion is the generation of ABDM's APIs: "v3" (current) or "v2"
	// (legacy). Loading, flags and the facility's policy make it canonical
	// (normalize); Validate refuses any other value.
	APIVersion  abdm.Generation `json:"apiVersion"`
	GatewayURL  string          `json:"gatewayUrl"`  // used only for custom: the gateway base
	HealthIDURL string          `json:"healthIdUrl"` // used only for custom: the ABHA (v3) or HealthID (v2) service base
	ClientID    string          `json:"clientId"`
	HIPID       string          `json:"hipId"`
	// FacilityName is printed on the patient's receipt beside the HIP ID.
	FacilityName string `json:"facilityName,omitempty"`
	Language     string `json:"language"` // "" follows the system, "en" or "hi"
	// Appearance is the colour scheme: "" follows the system, "light" or "dark".
	Appearance string `json:"appearance,omitempty"`
	ProxyURL   string `json:"proxyUrl"` // "" uses HTTP(S)_PROXY from the environment
	CABundle   string `json:"caBundle"` // absolute path of a PEM file of extra CA certificates, "" for none
	// RememberSecret records that the user chose to keep the client secret
	// in the system keyring.
	RememberSecret bool `json:"rememberSecret"`
	// AuditForwarding is where the audit trail is forwarded (auditsyslog.go).
	AuditForwarding
}

// Defaults are the settings of a fresh install: the ABDM sandbox on the
// current API generation, system language.
func Defaults() Settings {
	return Settings{Version: CurrentVersion, Environment: string(abdm.EnvSandbox), APIVersion: abdm.DefaultGeneration}
}

// Generation is the API generation the settings choose (v3 when unset).
func (s Settings) Generation() abdm.Generation {
	g, err := abdm.ParseGeneration(string(s.APIVersion))
	if err != nil {
		return abdm.DefaultGeneration
	}
	return g
}

// FieldError names the setting that is wrong and says why in plain words.
type FieldError struct {
	Field string // as the user knows it, e.g. "Gateway URL"
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// Validate reports every invalid setting, joined, each as a *FieldError.
func (s Settings) Validate() error {
	var errs []error
	bad := func(field string, err error) { errs = append(errs, &FieldError{Field: field, Err: err}) }

	env, err := abdm.ParseEnvironment(s.Environment)
	if err != nil {
		bad("Environment", err)
	}
	gen, err := abdm.ParseGeneration(string(s.APIVersion))
	if err != nil {
		bad("API generation", err)
	}
	if env == abdm.EnvCustom {
		if err := abdm.CheckBaseURL(s.GatewayURL); err != nil {
			bad("Gateway URL", err)
		}
		if err := abdm.CheckBaseURL(s.HealthIDURL); err != nil {
			bad(gen.ServiceName()+" URL", err)
		}
	}
	for _, id := range []struct{ field, value string }{{"Client ID", s.ClientID}, {"HIP ID", s.HIPID}, {"Facility name", s.FacilityName}} {
		if err := checkIdentifier(id.value); err != nil {
			bad(id.field, err)
		}
	}
	if err := s.checkChoices(); err != nil {
		errs = append(errs, err)
	}
	if s.ProxyURL != "" {
		if err := checkProxy(s.ProxyURL); err != nil {
			bad("Proxy", err)
		}
	}
	if s.CABundle != "" && !filepath.IsAbs(s.CABundle) {
		bad("CA certificates file", fmt.Errorf("%q is not a full path: give the whole path to the PEM file", s.CABundle))
	}
	if err := s.validateAuditSyslog(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkChoices reports a language or appearance that is not offered.
func (s Settings) checkChoices() error {
	var errs []error
	switch s.Language {
	case "", "en", "hi":
	default:
		errs = append(errs, &FieldError{Field: "Language",
			Err: fmt.Errorf("%q is not offered: choose English (en), Hindi (hi) or leave it empty to follow the system", s.Language)})
	}
	switch s.Appearance {
	case "", "light", "dark":
	default:
		errs = append(errs, &FieldError{Field: "Appearance",
			Err: fmt.Errorf("%q is not offered: choose light, dark or leave it empty to follow the system", s.Appearance)})
	}
	return errors.Join(errs...)
}

// maxIdentifier is far longer than any ABDM client or HIP id.
const maxIdentifier = 200

// checkIdentifier accepts an empty id (not configured yet) or a short one
// without spaces at its ends or control characters: it is sent in HTTP headers.
func checkIdentifier(id string) error {
	if len(id) > maxIdentifier {
		return fmt.Errorf("is too long (more than %d characters)", maxIdentifier)
	}
	if strings.TrimSpace(id) != id {
		return errors.New("must not start or end with a space")
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return errors.New("must not contain line breaks or other control characters")
		}
	}
	return nil
}

func checkProxy(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a valid address", raw)
	}
	switch u.Scheme {
	case "http", "https", "socks5":
	default:
		return fmt.Errorf("%q must start with http://, https:// or socks5://", raw)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q has no server name", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("%q must be only a scheme, server and port", raw)
	}
	return nil
}

// normalize returns s with its environment name and API generation in
// canonical form ("" becomes the default generation).
func (s Settings) normalize() Settings {
	if env, err := abdm.ParseEnvironment(s.Environment); err == nil {
		s.Environment = string(env)
	}
	if gen, err := abdm.ParseGeneration(string(s.APIVersion)); err == nil {
		s.APIVersion = gen
	}
	return s
}
