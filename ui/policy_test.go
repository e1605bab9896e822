package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"abha-deactivate/storage/settings"
)

// testPolicy loads a facility policy file that sets the environment, the
// client ID and the proxy.
func testPolicy(t *testing.T) settings.Policy {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.json")
	body := `{"environment":"production","clientId":"FACILITY_CLIENT","proxyUrl":"http://proxy.facility.example:3128"}`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := settings.LoadPolicyFile(path, os.Getuid())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPolicyGreysOutTheFacilityFields: on Connect and in Settings, the
// fields the facility has set are disabled (and stay so after a request),
// the others are not, and the form says why.
func TestPolicyGreysOutTheFacilityFields(t *testing.T) {
	pol := testPolicy(t)
	e := newUIEnv(t, noDemo, func(o *Options) {
		o.Policy = pol
		o.Settings = o.Settings.WithPolicy(pol)
	})
	e.wiz.WaitIdle() // the keyring lookups of the Connect step
	c := e.connect()
	check := func(when string) {
		t.Helper()
		for name, d := range map[string]fyne.Disableable{"environment": c.env, "client ID": c.clientID} {
			if !d.Disabled() {
				t.Errorf("%s: %s is editable, but the facility set it", when, name)
			}
		}
		for name, d := range map[string]fyne.Disableable{"HIP ID": c.hipID, "secret": c.secret, "API": c.api} {
			if d.Disabled() {
				t.Errorf("%s: %s is greyed out, but the facility did not set it", when, name)
			}
		}
	}
	e.act(func() { check("at start") })
	e.act(func() {
		if c.clientID.Text != "FACILITY_CLIENT" {
			t.Errorf("client ID %q, want the facility's", c.clientID.Text)
		}
		if want := T("Greyed-out fields are set by your facility's IT team for this computer and cannot be changed here."); !strings.Contains(c.hint.Text(), want) {
			t.Errorf("Connect's hint %q does not say why", c.hint.Text())
		}
	})
	e.act(func() { c.setEnabled(false); c.setEnabled(true) }) // as around a request
	e.act(func() { check("after a request") })

	e.act(func() {
		f := newSettingsForm(e.wiz)
		if !f.proxy.Disabled() || f.proxy.Text != "http://proxy.facility.example:3128" {
			t.Errorf("Settings' proxy: disabled %v, text %q", f.proxy.Disabled(), f.proxy.Text)
		}
		if f.ca.Disabled() || f.language.Disabled() {
			t.Error("Settings greys out a field the facility did not set")
		}
	})
}
