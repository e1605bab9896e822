package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"abha-deactivate/abdm"
)

// TestSystemStripNamesTheSystem: after Connect, every step shows which ABDM
// system is in use (production in the danger colour), and so does the
// window's title.
func TestSystemStripNamesTheSystem(t *testing.T) {
	for _, tc := range []struct {
		env    abdm.Environment
		want   string
		danger bool
	}{{abdm.EnvSandbox, "SANDBOX", false}, {abdm.EnvProduction, "PRODUCTION", true}} {
		t.Run(string(tc.env), func(t *testing.T) {
			e := newUIEnv(t, noDemo)
			creds := e.sim.Credentials()
			c := e.connect()
			e.wiz.WaitIdle()
			e.act(func() {
				if e.wiz.system.box.Visible() {
					t.Error("the strip shows before connecting")
				}
				c.env.SetSelectedIndex(c.envIndex(tc.env))
				test.Type(c.clientID, creds.ClientID)
				test.Type(c.secret, creds.ClientSecret)
				test.Type(c.hipID, creds.HIPID)
			})
			e.tapNext()
			if tc.env == abdm.EnvProduction {
				e.confirmDialog(T("Use production"))
			}
			e.wantStep(stepPatient)
			e.wiz.WaitIdle()
			e.act(func() {
				s := e.wiz.system
				if !s.box.Visible() || !strings.Contains(s.text.Text, tc.want) || !strings.Contains(s.text.Text, "API v3") {
					t.Errorf("strip %q (visible %v), want %q", s.text.Text, s.box.Visible(), tc.want)
				}
				if danger := s.bg.FillColor == theme.Color(theme.ColorNameError); danger != tc.danger {
					t.Errorf("strip in the danger colour: %v, want %v", danger, tc.danger)
				}
				if title := e.wiz.win.Title(); !strings.Contains(title, tc.want) {
					t.Errorf("window title %q does not name the system", title)
				}
			})
		})
	}
}
