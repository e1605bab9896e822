package settings

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultsAreValid(t *testing.T) {
	d := Defaults()
	if d.Version != CurrentVersion || d.Environment != "sandbox" || d.Language != "" || d.RememberSecret {
		t.Errorf("unexpected defaults %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
}

func TestValidate(t *testing.T) {
	custom := func(gw, hid string) Settings {
		s := Defaults()
		s.Environment, s.GatewayURL, s.HealthIDURL = "custom", gw, hid
		return s
	}
	with := func(f func(*Settings)) Settings { s := Defaults(); f(&s); return s }
	cases := []struct {
		name  string
		s     Settings
		field string // "" = valid
	}{
		{"defaults", Defaults(), ""},
		{"production", with(func(s *Settings) { s.Environment = "production" }), ""},
		{"environment any case", with(func(s *Settings) { s.Environment = "Production" }), ""},
		{"unknown environment", with(func(s *Settings) { s.Environment = "staging" }), "Environment"},
		{"empty environment", with(func(s *Settings) { s.Environment = "" }), "Environment"},
		{"custom https", custom("https://gw.example.in/gateway", "https://hid.example.in/api"), ""},
		{"custom loopback http", custom("http://127.0.0.1:8090/gateway", "http://localhost:8090/api"), ""},
		{"custom plain http", custom("http://gw.example.in", "https://hid.example.in"), "Gateway URL"},
		{"custom missing healthid", custom("https://gw.example.in", ""), "ABHA service URL"},
		{"custom v2 missing healthid", with(func(s *Settings) {
			s.Environment, s.APIVersion, s.GatewayURL = "custom", "v2", "https://gw.example.in"
		}), "HealthID URL"},
		{"unknown API generation", with(func(s *Settings) { s.APIVersion = "v9" }), "API generation"},
		{"URLs ignored unless custom", with(func(s *Settings) { s.GatewayURL = "ftp://x" }), ""},
		{"language en", with(func(s *Settings) { s.Language = "en" }), ""},
		{"language hi", with(func(s *Settings) { s.Language = "hi" }), ""},
		{"language fr", with(func(s *Settings) { s.Language = "fr" }), "Language"},
		{"appearance dark", with(func(s *Settings) { s.Appearance = "dark" }), ""},
		{"appearance light", with(func(s *Settings) { s.Appearance = "light" }), ""},
		{"appearance blue", with(func(s *Settings) { s.Appearance = "blue" }), "Appearance"},
		{"proxy http", with(func(s *Settings) { s.ProxyURL = "http://proxy.local:3128" }), ""},
		{"proxy https with user", with(func(s *Settings) { s.ProxyURL = "https://u:p@proxy.local" }), ""},
		{"proxy socks5", with(func(s *Settings) { s.ProxyURL = "socks5://127.0.0.1:1080" }), ""},
		{"proxy ftp", with(func(s *Settings) { s.ProxyURL = "ftp://proxy.local" }), "Proxy"},
		{"proxy no host", with(func(s *Settings) { s.ProxyURL = "http://" }), "Proxy"},
		{"proxy bare host", with(func(s *Settings) { s.ProxyURL = "proxy.local:3128" }), "Proxy"},
		{"proxy with path", with(func(s *Settings) { s.ProxyURL = "http://proxy.local/x" }), "Proxy"},
		{"ca bundle absolute", with(func(s *Settings) { s.CABundle = absPath() }), ""},
		{"ca bundle relative", with(func(s *Settings) { s.CABundle = "certs/ca.pem" }), "CA certificates file"},
		{"client id with newline", with(func(s *Settings) { s.ClientID = "SBX_1\nX" }), "Client ID"},
		{"client id padded", with(func(s *Settings) { s.ClientID = " SBX_1" }), "Client ID"},
		{"hip id too long", with(func(s *Settings) { s.HIPID = strings.Repeat("h", 201) }), "HIP ID"},
		{"ids ok", with(func(s *Settings) { s.ClientID, s.HIPID = "SBX_004321", "IN2710001234" }), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FieldError for %s, got %v", c.field, err)
			}
			if fe.Field != c.field || !strings.HasPrefix(err.Error(), c.field+": ") {
				t.Fatalf("want field %q, got %q (%v)", c.field, fe.Field, err)
			}
		})
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	s := Settings{Environment: "custom", Language: "xx", ProxyURL: "gopher://x"}
	msg := s.Validate().Error()
	for _, f := range []string{"Gateway URL", "ABHA service URL", "Language", "Proxy"} {
		if !strings.Contains(msg, f+": ") {
			t.Errorf("%q missing from %q", f, msg)
		}
	}
}

func TestWith(t *testing.T) {
	base := Defaults()
	base.ClientID, base.ProxyURL = "SBX_1", "http://proxy:3128"

	got := base.With(Overrides{})
	if got != base {
		t.Errorf("empty overrides changed settings: %+v", got)
	}

	got = base.With(Overrides{ClientID: String("SBX_2"), ProxyURL: String(""), Language: String("hi"), HIPID: String("H1"), CABundle: String(absPath())})
	if got.ClientID != "SBX_2" || got.ProxyURL != "" || got.Language != "hi" || got.HIPID != "H1" || got.CABundle != absPath() {
		t.Errorf("overrides not applied: %+v", got)
	}
	if base.ClientID != "SBX_1" {
		t.Error("With changed its receiver")
	}

	got = base.With(Overrides{GatewayURL: String("http://127.0.0.1:1/gateway")})
	if got.Environment != "custom" || got.GatewayURL != "http://127.0.0.1:1/gateway" {
		t.Errorf("a URL should imply custom: %+v", got)
	}
	got = base.With(Overrides{HealthIDURL: String("https://h/api")})
	if got.Environment != "custom" {
		t.Errorf("a URL should imply custom: %+v", got)
	}
	got = base.With(Overrides{Environment: String("PRODUCTION")})
	if got.Environment != "production" {
		t.Errorf("environment not normalised: %q", got.Environment)
	}
}

func TestOverridesCheck(t *testing.T) {
	ok := []Overrides{
		{},
		{Environment: String("production")},
		{GatewayURL: String("https://x")},
		{Environment: String("custom"), GatewayURL: String("https://x")},
	}
	for _, o := range ok {
		if err := o.Check(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	bad := []Overrides{
		{Environment: String("sandbox"), HealthIDURL: String("https://x")},
		{Environment: String("nope"), GatewayURL: String("https://x")},
	}
	for _, o := range bad {
		if err := o.Check(); err == nil {
			t.Errorf("%+v: conflict not reported", o)
		}
	}
}
