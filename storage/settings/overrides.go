package settings

import (
	"fmt"

	"abha-deactivate/abdm"
)

// Overrides change settings for one run (command-line flags) without saving
// them. A nil field leaves the setting as it is.
type Overrides struct {
	Environment *string
	APIVersion  *string // "v3" or "v2"
	GatewayURL  *string // setting either URL implies the custom environment
	HealthIDURL *string
	ClientID    *string
	HIPID       *string
	ProxyURL    *string
	CABundle    *string
	Language    *string
	AuditOverrides
}

// String returns a pointer to v, for filling Overrides.
func String(v string) *string { return &v }

// With returns s with o applied. Giving either URL switches to the custom
// environment unless o also names an environment (see Overrides.Check).
func (s Settings) With(o Overrides) Settings {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&s.Environment, o.Environment)
	if o.APIVersion != nil {
		s.APIVersion = abdm.Generation(*o.APIVersion) // checked by Check, made canonical by normalize
	}
	set(&s.GatewayURL, o.GatewayURL)
	set(&s.HealthIDURL, o.HealthIDURL)
	set(&s.ClientID, o.ClientID)
	set(&s.HIPID, o.HIPID)
	set(&s.ProxyURL, o.ProxyURL)
	set(&s.CABundle, o.CABundle)
	set(&s.Language, o.Language)
	for _, f := range auditPolicyFields {
		set(s.textField(f), o.field(f))
	}
	if o.Environment == nil && (o.GatewayURL != nil || o.HealthIDURL != nil) {
		s.Environment = string(abdm.EnvCustom)
	}
	return s.normalize()
}

// Check reports flag values that are wrong or contradict each other: an
// unknown API generation, a base URL together with an environment other
// than custom.
func (o Overrides) Check() error {
	if o.APIVersion != nil {
		if _, err := abdm.ParseGeneration(*o.APIVersion); err != nil || *o.APIVersion == "" {
			return &FieldError{Field: "API generation", Err: fmt.Errorf("%q: use v3 (current) or v2 (legacy)", *o.APIVersion)}
		}
	}
	if o.Environment == nil || (o.GatewayURL == nil && o.HealthIDURL == nil) {
		return nil
	}
	env, err := abdm.ParseEnvironment(*o.Environment)
	if err != nil {
		return &FieldError{Field: "Environment", Err: err}
	}
	if env != abdm.EnvCustom {
		return &FieldError{Field: "Environment", Err: fmt.Errorf("gateway and service URLs can only be given with the custom environment, not %s", env)}
	}
	return nil
}
