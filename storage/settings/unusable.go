package settings

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"abha-deactivate/abdm"
)

// UnusableError is Load's answer when the settings file cannot say which
// ABDM system to use: it cannot be read, is not a settings document of a
// known version, or names the system wrongly (environment, API generation or
// an address). Nothing falls back to the defaults, which would be the
// sandbox: the caller stops (the terminal commands) or asks for the system
// again (the wizard). The file is left as it is.
type UnusableError struct {
	Path  string
	Field string // the setting at fault, as the user knows it; "" when the file itself cannot be read
	Err   error
}

func (e *UnusableError) Error() string {
	what := "cannot be read"
	if e.Field != "" {
		what = "has an invalid " + e.Field
	}
	return fmt.Sprintf("The settings file %s %s (%s), so the ABDM system to use is not known; nothing was contacted. "+
		"Fix the file, or delete it and choose the ABDM system again", e.Path, what, oneLine(e.Err))
}

func (e *UnusableError) Unwrap() error { return e.Err }

// oneLine is err's text with errors.Join's line breaks made "; ".
func oneLine(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// invalidError is decode's answer for a well-formed document with invalid
// values: the settings as decoded, and each invalid field.
type invalidError struct {
	set    Settings
	fields []*FieldError
}

func (e *invalidError) Error() string {
	errs := make([]error, len(e.fields))
	for i, f := range e.fields {
		errs[i] = f
	}
	return "invalid settings: " + oneLine(errors.Join(errs...))
}

// systemField is the first invalid field that says which ABDM system to use,
// or "".
func (e *invalidError) systemField() string {
	for _, f := range e.fields {
		switch f.Field {
		case "Environment", "API generation", "Gateway URL":
			return f.Field
		}
		if strings.HasSuffix(f.Field, " URL") {
			return f.Field // the ABHA service or HealthID address
		}
	}
	return ""
}

// repaired is the decoded settings with every invalid field (none of which
// names the system) back to its default.
func (e *invalidError) repaired() Settings {
	s := e.set
	for _, f := range e.fields {
		switch f.Field {
		case "Client ID":
			s.ClientID = ""
		case "HIP ID":
			s.HIPID = ""
		case "Language":
			s.Language = ""
		case "Appearance":
			s.Appearance = ""
		case "Proxy":
			s.ProxyURL = ""
		case "CA certificates file":
			s.CABundle = ""
		case "Audit collector":
			s.AuditForwarding = AuditForwarding{}
		}
	}
	return s
}

// names lists the invalid fields for a message.
func (e *invalidError) names() string {
	names := make([]string, len(e.fields))
	for i, f := range e.fields {
		names[i] = f.Field
	}
	return strings.Join(names, ", ")
}

// invalidFields flattens Validate's joined errors.
func invalidFields(err error) []*FieldError {
	var out []*FieldError
	var fe *FieldError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, invalidFields(e)...)
		}
	} else if errors.As(err, &fe) {
		out = append(out, fe)
	}
	return out
}

// repair answers Load for a file whose invalid values do not name the
// system: the file is set aside (kept whole), and its settings are used with
// those values back to their defaults. The ABDM system stays the file's.
func (s *Store) repair(inv *invalidError) (Settings, *Warning, error) {
	moved, err := moveAside(s.path, s.now())
	if err != nil {
		return Settings{}, nil, &UnusableError{Path: s.path, Field: inv.fields[0].Field,
			Err: fmt.Errorf("%v, and the file could not be set aside: %w", inv, err)}
	}
	set := inv.repaired()
	env, _ := abdm.ParseEnvironment(set.Environment)
	return set, &Warning{
		Message: fmt.Sprintf("Some of your settings could not be used (%s) and are back to their defaults; the file was kept as %s. "+
			"The ABDM system is unchanged (%s).", inv.names(), filepath.Base(moved), env),
		SetAside: moved,
		Reason:   inv,
	}, nil
}
