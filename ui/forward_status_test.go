package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"abha-deactivate/storage/auditforward"
	"abha-deactivate/storage/settings"
)

func TestForwardText(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		st   auditforward.Status
		err  error
		want string
		warn bool
	}{
		{auditforward.Status{Last: now.Add(-time.Hour)}, nil, "nothing waiting", false},
		{auditforward.Status{Pending: 3, Last: now.Add(-time.Hour)}, nil, "3 audit record(s) waiting", false},
		{auditforward.Status{Pending: 3, Last: now.Add(-25 * time.Hour)}, nil, "for more than a day", true},
		{auditforward.Status{Pending: 1}, nil, "(last sent: never)", true},
		{auditforward.Status{Pending: 1, Mismatch: "edited"}, nil, "no longer matches", true},
		{auditforward.Status{}, errors.New("disk"), "could not be read: disk", true},
	} {
		got, warn := forwardText(c.st, c.err, now)
		if !strings.Contains(got, c.want) || warn != c.warn {
			t.Errorf("%+v: %q (warning %v), want %q (warning %v)", c.st, got, warn, c.want, c.warn)
		}
	}
}

// The status bar and History show the forwarding status the app reads, in
// the background; without a collector the line stays hidden.
func TestForwardStripShowsPendingRecords(t *testing.T) {
	reads := make(chan struct{}, 10)
	e := newUIEnv(t, func(o *Options) {
		o.ForwardStatus = func(context.Context) (auditforward.Status, error) {
			reads <- struct{}{}
			return auditforward.Status{Pending: 4, Last: o.Now().Add(-48 * time.Hour)}, nil
		}
	})
	e.wiz.WaitIdle()
	var s *forwardStrip
	e.act(func() { s = newForwardStrip(e.wiz, false) })
	e.wiz.WaitIdle()
	e.act(func() {
		if !s.label.Visible() || !strings.Contains(s.label.Text, "4 audit record(s) not forwarded") ||
			s.label.Importance != widget.WarningImportance {
			t.Errorf("strip: visible %v, %q, importance %v", s.label.Visible(), s.label.Text, s.label.Importance)
		}
	})
	if len(reads) < 2 { // the status bar's and this one
		t.Errorf("the status was read %d times", len(reads))
	}
	plain := newUIEnv(t)
	plain.act(func() {
		if s := newForwardStrip(plain.wiz, false); s.label.Visible() {
			t.Error("a strip without a collector is shown")
		}
	})
}

// The Settings dialog's IT section reads and checks the collector's
// settings, and greys out those the facility's policy sets.
func TestSettingsAuditSection(t *testing.T) {
	e := newUIEnv(t, noDemo)
	e.act(func() {
		f := newSettingsForm(e.wiz)
		f.audit.url.SetText(" tls://collector.hospital.example:6514 ")
		next := f.read()
		if next.AuditSyslog != "tls://collector.hospital.example:6514" {
			t.Errorf("read %q", next.AuditSyslog)
		}
		if err := next.Validate(); err == nil || !strings.Contains(err.Error(), "needs the CA") {
			t.Errorf("a collector without its CA: %v", err)
		}
	})
	path := filepath.Join(t.TempDir(), "settings.json")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	body := `{"auditSyslog":"tls://collector.facility.example:6514","auditSyslogCa":"` + ca + `"}`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	pol, err := settings.LoadPolicyFile(path, os.Getuid())
	if err != nil {
		t.Fatal(err)
	}
	locked := newUIEnv(t, noDemo, func(o *Options) { o.Policy, o.Settings = pol, o.Settings.WithPolicy(pol) })
	locked.wiz.WaitIdle()
	locked.act(func() {
		f := newSettingsForm(locked.wiz)
		if !f.audit.url.Disabled() || !f.audit.ca.Disabled() || f.audit.cert.Disabled() ||
			f.audit.url.Text != "tls://collector.facility.example:6514" {
			t.Errorf("url %q disabled %v, ca disabled %v, cert disabled %v", f.audit.url.Text, f.audit.url.Disabled(),
				f.audit.ca.Disabled(), f.audit.cert.Disabled())
		}
	})
	demo := newUIEnv(t)
	demo.act(func() {
		if f := newSettingsForm(demo.wiz); !f.audit.url.Disabled() || !f.audit.ca.Disabled() {
			t.Error("the demo lets its audit collector be changed")
		}
	})
}
