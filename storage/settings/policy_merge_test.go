package settings

import (
	"errors"
	"strings"
	"testing"
)

// userCustom is a user who chose their own test system and more.
func userCustom() Settings {
	s := Defaults()
	s.Environment, s.APIVersion = "custom", "v3"
	s.GatewayURL, s.HealthIDURL = "https://gw.user.example", "https://abha.user.example"
	s.ClientID, s.HIPID, s.Language, s.Appearance, s.RememberSecret = "USER_1", "HIP_U", "hi", "dark", true
	return s
}

func TestWithPolicy(t *testing.T) {
	user := userCustom()
	if got := user.WithPolicy(Policy{}); got != user {
		t.Errorf("no policy changed the settings:\n got %+v\nwant %+v", got, user)
	}

	got := user.WithPolicy(mustPolicy(t, `{"environment":"Production","clientId":"FAC_1"}`))
	want := user
	want.Environment, want.ClientID = "production", "FAC_1"
	if got != want {
		t.Errorf("environment and client ID:\n got %+v\nwant %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("merged settings invalid: %v", err)
	}

	sandboxUser := Defaults()
	sandboxUser.Language = "en"
	got = sandboxUser.WithPolicy(mustPolicy(t, `{"apiVersion":"v2","gatewayUrl":"https://gw.fac.example","healthIdUrl":"https://hid.fac.example"}`))
	want = sandboxUser
	want.Environment, want.APIVersion = "custom", "v2"
	want.GatewayURL, want.HealthIDURL = "https://gw.fac.example", "https://hid.fac.example"
	if got != want {
		t.Errorf("addresses imply custom:\n got %+v\nwant %+v", got, want)
	}
}

func TestForSavingKeepsTheUsersOwnValues(t *testing.T) {
	saved := userCustom()
	p := mustPolicy(t, `{"environment":"production","clientId":"FAC_1"}`)
	edited := saved.WithPolicy(p)
	edited.HIPID, edited.Language = "HIP_NEW", "en" // what the user changed on the screen

	got := p.ForSaving(edited, saved)
	want := saved
	want.HIPID, want.Language = "HIP_NEW", "en"
	if got != want {
		t.Errorf("ForSaving:\n got %+v\nwant %+v", got, want)
	}
	if got := (Policy{}).ForSaving(edited, saved); got != edited {
		t.Errorf("no policy: %+v, want the edits as they are", got)
	}
}

// fieldErrors returns every *FieldError in err (joined or not), in order.
func fieldErrors(err error) []*FieldError {
	if fe, ok := err.(*FieldError); ok {
		return []*FieldError{fe}
	}
	var out []*FieldError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, fieldErrors(e)...)
		}
	}
	return out
}

func TestCheckPolicy(t *testing.T) {
	prod := mustPolicy(t, `{"environment":"production","apiVersion":"v3","clientId":"FAC_1"}`)
	custom := mustPolicy(t, `{"apiVersion":"v2","gatewayUrl":"https://gw.fac.example","healthIdUrl":"https://hid.fac.example"}`)
	s := String
	for _, tc := range []struct {
		name   string
		p      Policy
		o      Overrides
		fields []string // the *FieldErrors expected, by field label
	}{
		{"no flags", prod, Overrides{}, nil},
		{"no policy", Policy{}, Overrides{Environment: s("sandbox"), ClientID: s("X")}, nil},
		{"the policy's own values", prod, Overrides{Environment: s(" PRODUCTION"), APIVersion: s("v3"), ClientID: s("FAC_1")}, nil},
		{"unlocked fields", prod, Overrides{HIPID: s("HIP_2"), ProxyURL: s("http://p.example:8080"), Language: s("hi")}, nil},
		{"another environment", prod, Overrides{Environment: s("sandbox")}, []string{"Environment"}},
		{"another client ID", prod, Overrides{ClientID: s("MINE")}, []string{"Client ID"}},
		{"empty API generation", prod, Overrides{APIVersion: s("")}, []string{"API generation"}},
		{"addresses imply custom", prod, Overrides{GatewayURL: s("https://gw.other.example")}, []string{"Environment"}},
		{"several", prod, Overrides{Environment: s("sandbox"), APIVersion: s("v2"), ClientID: s("MINE")},
			[]string{"Environment", "API generation", "Client ID"}},
		{"custom policy, custom flag", custom, Overrides{Environment: s("custom")}, nil},
		{"custom policy, sandbox flag", custom, Overrides{Environment: s("sandbox")}, []string{"Environment"}},
		{"custom policy, other address", custom, Overrides{HealthIDURL: s("https://hid.other.example")}, []string{"HealthID URL"}},
		{"custom policy, same address", custom, Overrides{GatewayURL: s("https://gw.fac.example")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.CheckPolicy(tc.p)
			var labels []string
			for _, fe := range fieldErrors(err) {
				labels = append(labels, fe.Field)
				if !errors.Is(fe, ErrSetByFacility) || !strings.Contains(fe.Error(), tc.p.Source) {
					t.Errorf("%q does not say the facility set it in %s", fe.Error(), tc.p.Source)
				}
			}
			if strings.Join(labels, "|") != strings.Join(tc.fields, "|") || (err == nil) != (len(tc.fields) == 0) {
				t.Errorf("CheckPolicy = %v; want errors for %v", err, tc.fields)
			}
		})
	}
}

func TestCheckPolicyNamesTheFacilityValue(t *testing.T) {
	p := mustPolicy(t, `{"environment":"production"}`)
	err := Overrides{Environment: String("sandbox")}.CheckPolicy(p)
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("%v is not a *FieldError", err)
	}
	want := `Environment: set by your facility to "production" in ` + p.Source + " and cannot be changed here"
	if fe.Error() != want {
		t.Errorf("got  %q\nwant %q", fe.Error(), want)
	}
}
