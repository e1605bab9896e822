package settings

import (
	"errors"
	"fmt"
	"strings"

	"abha-deactivate/abdm"
)

// Field names a setting that facility IT can fix for every user of a
// computer. Its value is the key in settings.json.
type Field string

// The fields a machine policy can set. No other setting is a policy, and the
// client secret never is one.
const (
	FieldEnvironment Field = "environment"
	FieldAPIVersion  Field = "apiVersion"
	FieldGatewayURL  Field = "gatewayUrl"
	FieldHealthIDURL Field = "healthIdUrl"
	FieldClientID    Field = "clientId"
	FieldHIPID       Field = "hipId"
	FieldProxyURL    Field = "proxyUrl"
	FieldCABundle    Field = "caBundle"
	// FieldFacilityName is the facility's name on the receipt.
	FieldFacilityName Field = "facilityName"
)

// PolicyFields lists every policy field in the order the Settings screen
// shows them.
var PolicyFields = append([]Field{
	FieldEnvironment, FieldAPIVersion, FieldGatewayURL, FieldHealthIDURL,
	FieldClientID, FieldHIPID, FieldProxyURL, FieldCABundle, FieldFacilityName,
}, auditPolicyFields...)

// RegistryName is the field's value name under the Windows policy key, a
// fixed contract with the MSI and Group Policy (e.g. "GatewayURL").
func (f Field) RegistryName() string {
	switch f {
	case FieldEnvironment:
		return "Environment"
	case FieldAPIVersion:
		return "APIVersion"
	case FieldGatewayURL:
		return "GatewayURL"
	case FieldHealthIDURL:
		return "HealthIDURL"
	case FieldClientID:
		return "ClientID"
	case FieldHIPID:
		return "HIPID"
	case FieldProxyURL:
		return "ProxyURL"
	case FieldCABundle:
		return "CABundle"
	case FieldFacilityName:
		return "FacilityName"
	}
	if i := auditField(f); i >= 0 {
		return auditFields[i].registry
	}
	return ""
}

// label is the field's name as the user knows it, as in Validate's errors.
func (f Field) label(gen abdm.Generation) string {
	switch f {
	case FieldEnvironment:
		return "Environment"
	case FieldAPIVersion:
		return "API generation"
	case FieldGatewayURL:
		return "Gateway URL"
	case FieldHealthIDURL:
		return gen.ServiceName() + " URL"
	case FieldClientID:
		return "Client ID"
	case FieldHIPID:
		return "HIP ID"
	case FieldProxyURL:
		return "Proxy"
	case FieldCABundle:
		return "CA certificates file"
	case FieldFacilityName:
		return "Facility name"
	}
	if i := auditField(f); i >= 0 {
		return auditFields[i].label
	}
	return string(f)
}

// Policy is the machine-wide settings facility IT has set: on Windows the
// values under HKLM\Software\Policies\abha-deactivate, elsewhere a
// settings.json that only root can change. They override the user's
// settings, and the user cannot change them. The zero Policy sets nothing.
type Policy struct {
	// Source is the registry key or file the policy came from, "" when this
	// computer has none.
	Source string
	values map[Field]string
}

// IsZero reports whether the policy sets nothing.
func (p Policy) IsZero() bool { return len(p.values) == 0 }

// Value returns the value the policy sets for f, and whether it sets one.
func (p Policy) Value(f Field) (string, bool) {
	v, ok := p.values[f]
	return v, ok
}

// Locks reports whether the user may not change f: the policy sets it, or,
// for the environment, sets custom addresses (which imply custom).
func (p Policy) Locks(f Field) bool {
	if _, ok := p.values[f]; ok {
		return true
	}
	return f == FieldEnvironment && p.setsAddresses()
}

// Locked lists the fields the user may not change, in PolicyFields order.
func (p Policy) Locked() []Field {
	var out []Field
	for _, f := range PolicyFields {
		if p.Locks(f) {
			out = append(out, f)
		}
	}
	return out
}

func (p Policy) setsAddresses() bool {
	_, gw := p.values[FieldGatewayURL]
	_, hid := p.values[FieldHealthIDURL]
	return gw || hid
}

// get returns the setting f names in s, as text.
func (s *Settings) get(f Field) string {
	if f == FieldAPIVersion {
		return string(s.APIVersion)
	}
	return *s.textField(f)
}

// put sets the setting f names in s from text.
func (s *Settings) put(f Field, v string) {
	if f == FieldAPIVersion {
		s.APIVersion = abdm.Generation(v) // made canonical, or refused, by normalize and Validate
		return
	}
	*s.textField(f) = v
}

// textField returns a pointer to the text setting f names in s.
func (s *Settings) textField(f Field) *string {
	switch f {
	case FieldEnvironment:
		return &s.Environment
	case FieldGatewayURL:
		return &s.GatewayURL
	case FieldHealthIDURL:
		return &s.HealthIDURL
	case FieldClientID:
		return &s.ClientID
	case FieldHIPID:
		return &s.HIPID
	case FieldProxyURL:
		return &s.ProxyURL
	case FieldCABundle:
		return &s.CABundle
	case FieldFacilityName:
		return &s.FacilityName
	case FieldLanguage:
		return &s.Language
	}
	if i := auditField(f); i >= 0 {
		return auditFields[i].setting(&s.AuditForwarding)
	}
	panic("settings: unknown policy field " + string(f))
}

// WithPolicy returns s with every field the policy sets replaced by the
// policy's value; custom addresses imply the custom environment.
func (s Settings) WithPolicy(p Policy) Settings {
	for f, v := range p.values {
		s.put(f, v)
	}
	if p.setsAddresses() {
		s.Environment = string(abdm.EnvCustom)
	}
	return s.normalize()
}

// ForSaving returns edited (what the Settings screen shows, policy applied)
// with every locked field put back to the user's own saved value, so that
// saving never copies the facility's values into the user's file.
func (p Policy) ForSaving(edited, saved Settings) Settings {
	for _, f := range p.Locked() {
		edited.put(f, saved.get(f))
	}
	return edited
}

// ErrSetByFacility is wrapped by the *FieldError CheckPolicy returns.
var ErrSetByFacility = errors.New("set by your facility")

// CheckPolicy reports command-line values that contradict the policy: each
// is a *FieldError wrapping ErrSetByFacility (joined if several), so the run
// stops with a usage error instead of quietly using another system.
// Repeating the policy's own value is allowed.
func (o Overrides) CheckPolicy(p Policy) error {
	gen := abdm.DefaultGeneration
	if v, ok := p.Value(FieldAPIVersion); ok {
		gen, _ = abdm.ParseGeneration(v)
	} else if o.APIVersion != nil {
		gen, _ = abdm.ParseGeneration(*o.APIVersion)
	}
	var errs []error
	for _, f := range PolicyFields {
		given := o.field(f)
		if given == nil || !p.Locks(f) || p.allows(f, *given) {
			continue
		}
		errs = append(errs, p.lockedError(f, gen))
	}
	impliesCustom := o.Environment == nil && (o.GatewayURL != nil || o.HealthIDURL != nil)
	if impliesCustom && p.Locks(FieldEnvironment) && !p.allows(FieldEnvironment, string(abdm.EnvCustom)) {
		errs = append(errs, p.lockedError(FieldEnvironment, gen))
	}
	return errors.Join(errs...)
}

// allows reports whether v is the value the policy fixes for f.
func (p Policy) allows(f Field, v string) bool {
	want := p.effective(f)
	switch f {
	case FieldEnvironment:
		env, err := abdm.ParseEnvironment(v)
		return err == nil && string(env) == want
	case FieldAPIVersion:
		gen, err := abdm.ParseGeneration(v)
		return err == nil && v != "" && string(gen) == want
	}
	return v == want
}

// effective is the value f takes under the policy (custom for an
// environment implied by addresses).
func (p Policy) effective(f Field) string {
	if v, ok := p.values[f]; ok {
		return v
	}
	if f == FieldEnvironment && p.setsAddresses() {
		return string(abdm.EnvCustom)
	}
	return ""
}

func (p Policy) lockedError(f Field, gen abdm.Generation) error {
	return &FieldError{Field: f.label(gen), Err: fmt.Errorf("%w to %q in %s and cannot be changed here",
		ErrSetByFacility, p.effective(f), p.Source)}
}

// field returns the override for f, nil when the flag was not given.
func (o Overrides) field(f Field) *string {
	switch f {
	case FieldEnvironment:
		return o.Environment
	case FieldAPIVersion:
		return o.APIVersion
	case FieldGatewayURL:
		return o.GatewayURL
	case FieldHealthIDURL:
		return o.HealthIDURL
	case FieldClientID:
		return o.ClientID
	case FieldHIPID:
		return o.HIPID
	case FieldProxyURL:
		return o.ProxyURL
	case FieldCABundle:
		return o.CABundle
	}
	if i := auditField(f); i >= 0 {
		return auditFields[i].override(o.AuditOverrides)
	}
	return nil
}

// fieldNamed returns the policy field whose settings.json key or registry
// value name is name, ignoring case.
func fieldNamed(name string) (Field, bool) {
	for _, f := range PolicyFields {
		if strings.EqualFold(name, string(f)) || strings.EqualFold(name, f.RegistryName()) {
			return f, true
		}
	}
	return "", false
}
