package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestUnknownSystemIsAsked: when the settings file could not name the ABDM
// system, Connect chooses none, says why, and connects nowhere until staff
// choose one.
func TestUnknownSystemIsAsked(t *testing.T) {
	e := newUIEnv(t, noDemo, func(o *Options) {
		o.Settings.Environment = ""
		o.Warning = "The settings file /x/settings.json has an invalid Gateway URL (...)"
	})
	creds := e.sim.Credentials()
	c := e.connect()
	e.wiz.WaitIdle()
	e.act(func() {
		if c.env.SelectedIndex() != -1 {
			t.Errorf("system %d chosen, want none", c.env.SelectedIndex())
		}
		if !strings.Contains(c.notice.detail.Text, "invalid Gateway URL") {
			t.Errorf("notice %q / %q", c.notice.title.Text, c.notice.detail.Text)
		}
		test.Type(c.clientID, creds.ClientID)
		test.Type(c.secret, creds.ClientSecret)
		test.Type(c.hipID, creds.HIPID)
	})
	e.tapNext()
	e.wantStep(stepConnect)
	e.wantNotice(c.notice, "Choose the ABDM system")
	if n := e.sim.Requests(); n != 0 {
		t.Errorf("%d requests reached ABDM before a system was chosen", n)
	}
	e.act(func() { c.env.SetSelectedIndex(c.envIndex("sandbox")) })
	e.tapNext()
	e.wantStep(stepPatient)
}
