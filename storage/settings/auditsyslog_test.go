package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAuditSyslogValidation(t *testing.T) {
	ca := facilityCA
	for _, c := range []struct {
		a    AuditForwarding
		want string // "" valid, else a part of the error
	}{
		{AuditForwarding{}, ""},
		{AuditForwarding{AuditSyslog: "tls://collector.example:6514", AuditSyslogCA: ca}, ""},
		{AuditForwarding{AuditSyslog: "tls://collector.example:6514"}, "needs the CA"},
		{AuditForwarding{AuditSyslog: "tcp://127.0.0.1:514"}, ""},
		{AuditForwarding{AuditSyslog: "tcp://collector.example:514"}, "only to this computer"},
		{AuditForwarding{AuditSyslog: "udp://collector.example:514", AuditSyslogCA: ca}, "must start with tls://"},
		{AuditForwarding{AuditSyslog: "tls://collector.example", AuditSyslogCA: ca}, "port"},
		{AuditForwarding{AuditSyslog: "tls://c.example:6514", AuditSyslogCA: ca, AuditSyslogCert: ca}, "both files"},
		{AuditForwarding{AuditSyslog: "tls://c.example:6514", AuditSyslogCA: "ca.pem"}, "not a full path"},
		{AuditForwarding{AuditSyslogCA: ca}, "clear the certificate files"},
	} {
		s := Defaults()
		s.AuditForwarding = c.a
		err := s.Validate()
		var fe *FieldError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.a, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &fe) || fe.Field != "Audit collector"):
			t.Errorf("%+v: got %v, want %q", c.a, err, c.want)
		}
	}
}

func TestAuditSyslogOverridesAndPolicy(t *testing.T) {
	s := Defaults().With(Overrides{AuditOverrides: AuditOverrides{AuditSyslog: String("tls://c.example:6514"),
		AuditSyslogCA: String(facilityCA)}})
	if cfg := s.AuditForwardConfig(); cfg.URL != "tls://c.example:6514" || cfg.CAFile != facilityCA {
		t.Fatalf("%+v", cfg)
	}
	p := mustPolicy(t, `{"AuditSyslog":"tls://collector.facility.example:6514","AuditSyslogCA":"`+strings.ReplaceAll(facilityCA, `\`, `\\`)+`"}`)
	if !p.Locks(FieldAuditSyslog) || p.Locks(FieldAuditSyslogCert) {
		t.Fatalf("locked: %v", p.Locked())
	}
	if got := Defaults().WithPolicy(p).AuditSyslog; got != "tls://collector.facility.example:6514" {
		t.Fatalf("with policy: %q", got)
	}
	o := Overrides{AuditOverrides: AuditOverrides{AuditSyslog: String("tls://elsewhere.example:6514")}}
	if err := o.CheckPolicy(p); !errors.Is(err, ErrSetByFacility) {
		t.Fatalf("a flag against the facility's collector: %v", err)
	}
	if _, _, err := loadPolicy(t, `{"auditSyslog":"tls://c.example:6514"}`); err == nil ||
		!strings.Contains(err.Error(), "needs the CA") {
		t.Fatalf("policy without a CA: %v", err)
	}
}

// A user's settings file with an unusable collector is repaired like any
// other invalid field: forwarding off, the rest kept, the file set aside.
func TestAuditSyslogInvalidInFileIsRepaired(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	body := `{"version":2,"environment":"sandbox","apiVersion":"v3","clientId":"C1","auditSyslog":"tls://c.example:6514"}`
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	s, warn, err := NewStore(path).Load()
	if err != nil || warn == nil || s.AuditSyslog != "" || s.ClientID != "C1" {
		t.Fatalf("%+v %v %v", s, warn, err)
	}
}
