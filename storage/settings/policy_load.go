package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"abha-deactivate/abdm"
)

// MaxPolicySize caps a policy file, and each registry value, at 64 KiB:
// a real one is a few hundred bytes.
const MaxPolicySize = 64 << 10

// ErrPolicyDamaged matches (errors.Is) every *PolicyError.
var ErrPolicyDamaged = errors.New("the facility's settings are damaged")

// PolicyError says that the machine policy exists but cannot be used. The
// app must then refuse to connect: a damaged policy never falls back to the
// user's settings or to the defaults, which could be another ABDM system.
type PolicyError struct {
	Source string // the file or registry key
	Err    error  // what is wrong, in plain words
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("facility settings in %s are damaged: %s", e.Source, e.what())
}

// UserMessage is the sentence to show the user.
func (e *PolicyError) UserMessage() string {
	return fmt.Sprintf("The facility's settings in %s are damaged: %s. Ask your IT team.", e.Source, e.what())
}

// what is Err on one line (errors.Join puts each error on its own).
func (e *PolicyError) what() string {
	return strings.ReplaceAll(e.Err.Error(), "\n", "; ")
}

func (e *PolicyError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrPolicyDamaged) true.
func (e *PolicyError) Is(target error) bool { return target == ErrPolicyDamaged }

// policyEntry is one named value of a policy source as read: its text, or
// why it is not usable text (wrong type, too large, unreadable).
type policyEntry struct {
	name  string
	value string // "" leaves the field unset
	bad   error
}

// LoadPolicyFile reads a policy from the JSON file at path, with the keys
// of settings.json. On Unix the file and its folder must belong to the user
// ID owner (0, root, for the machine's policy) and be writable by no one
// else. A missing file is no policy (the zero Policy, nil error); any other
// problem is a *PolicyError.
func LoadPolicyFile(path string, owner int) (Policy, error) {
	damaged := func(err error) (Policy, error) { return Policy{}, &PolicyError{Source: path, Err: err} }
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Policy{}, nil
	}
	if err != nil {
		return damaged(fmt.Errorf("the file cannot be read: %w", err))
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return damaged(fmt.Errorf("the file cannot be read: %w", err))
	}
	if !fi.Mode().IsRegular() {
		return damaged(fmt.Errorf("it is not a plain file (%v)", fi.Mode().Type()))
	}
	if err := checkPolicyOwner(fi, path, owner); err != nil {
		return damaged(err)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxPolicySize+1))
	if err != nil {
		return damaged(fmt.Errorf("the file cannot be read: %w", err))
	}
	if len(data) > MaxPolicySize {
		return damaged(fmt.Errorf("the file is larger than %d KiB", MaxPolicySize>>10))
	}
	entries, err := decodePolicyJSON(data)
	if err != nil {
		return damaged(err)
	}
	return newPolicy(path, entries, func(f Field) string { return string(f) })
}

// decodePolicyJSON reads one JSON object whose values are strings or null,
// keeping every key in order (so duplicates can be refused).
func decodePolicyJSON(data []byte) ([]policyEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("it is not a JSON object")
	}
	var out []policyEntry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("it is not valid JSON: %w", err)
		}
		key, _ := tok.(string) // the decoder returns only strings as keys
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("it is not valid JSON: %w", err)
		}
		e := policyEntry{name: key}
		var v *string
		if err := json.Unmarshal(raw, &v); err != nil {
			e.bad = errors.New("is not text (put the value in double quotes)")
		} else if v != nil {
			e.value = *v
		}
		out = append(out, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("it is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("it is not valid JSON: something follows the closing }")
	}
	return out, nil
}

// newPolicy makes a Policy from the entries read at source and checks it.
// nameOf gives each field's name in that kind of source, for messages.
func newPolicy(source string, entries []policyEntry, nameOf func(Field) string) (Policy, error) {
	p := Policy{Source: source, values: map[Field]string{}}
	seen := map[Field]string{}
	var errs []error
	for _, e := range entries {
		f, known := fieldNamed(e.name)
		switch {
		case looksSecret(e.name):
			errs = append(errs, fmt.Errorf("%q looks like a secret: a client secret never belongs in the facility's settings (each user keeps it in their own keyring); remove it", e.name))
		case !known:
			errs = append(errs, fmt.Errorf("%q is not a setting the facility can fix (these are: %s)", displayName(e.name), allNames(nameOf)))
		case seen[f] != "":
			errs = append(errs, fmt.Errorf("%q is given twice (also as %q)", e.name, seen[f]))
		case e.bad != nil:
			errs = append(errs, fmt.Errorf("%q %w", e.name, e.bad))
		case e.value != "":
			p.values[f] = e.value
		}
		if known {
			seen[f] = e.name
		}
	}
	if len(errs) > 0 {
		return Policy{}, &PolicyError{Source: source, Err: errors.Join(errs...)}
	}
	if err := p.validate(nameOf); err != nil {
		return Policy{}, &PolicyError{Source: source, Err: err}
	}
	canonical := Defaults().WithPolicy(p)
	for _, f := range []Field{FieldEnvironment, FieldAPIVersion} {
		if _, ok := p.values[f]; ok {
			p.values[f] = canonical.get(f)
		}
	}
	return p, nil
}

// validate checks the values together: custom addresses come as a pair,
// with their API generation and no other environment, and every value
// passes Settings.Validate.
func (p Policy) validate(nameOf func(Field) string) error {
	_, gw := p.values[FieldGatewayURL]
	_, hid := p.values[FieldHealthIDURL]
	_, gen := p.values[FieldAPIVersion]
	env, envSet := p.values[FieldEnvironment]
	custom := envSet && strings.EqualFold(strings.TrimSpace(env), string(abdm.EnvCustom))
	pair := fmt.Sprintf("%s and %s", nameOf(FieldGatewayURL), nameOf(FieldHealthIDURL))
	switch {
	case (gw || hid || custom) && !(gw && hid):
		return fmt.Errorf("a custom ABDM system needs both %s", pair)
	case gw && envSet && !custom:
		return fmt.Errorf("%s are given with %s %q: they are used only with custom", pair, nameOf(FieldEnvironment), env)
	case gw && !gen:
		return fmt.Errorf("%s need %s too (v3 or v2): the addresses serve one API generation", pair, nameOf(FieldAPIVersion))
	}
	if err := Defaults().WithPolicy(p).Validate(); err != nil {
		return fmt.Errorf("invalid values: %w", err)
	}
	return nil
}

// looksSecret reports whether a key names a secret, which no policy may hold.
func looksSecret(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"secret", "password", "passwd", "token", "credential"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func displayName(name string) string {
	if name == "" {
		return "(Default)"
	}
	return name
}

func allNames(nameOf func(Field) string) string {
	names := make([]string, len(PolicyFields))
	for i, f := range PolicyFields {
		names[i] = nameOf(f)
	}
	return strings.Join(names, ", ")
}
