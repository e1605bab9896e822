package settings

import (
	"errors"
	"strings"

	"abha-deactivate/storage/auditforward"
)

// AuditForwarding says where the audit trail is forwarded: the facility's
// syslog collector over TLS (see storage/auditforward). Empty: nowhere.
// Settings embeds it, so its keys sit in settings.json beside the others.
type AuditForwarding struct {
	AuditSyslog     string `json:"auditSyslog,omitempty"`     // tls://HOST:PORT
	AuditSyslogCA   string `json:"auditSyslogCa,omitempty"`   // full path of the collector's CA certificate (PEM)
	AuditSyslogCert string `json:"auditSyslogCert,omitempty"` // full path of a client certificate, for mutual TLS
	AuditSyslogKey  string `json:"auditSyslogKey,omitempty"`  // full path of the client certificate's key
}

// The policy fields of audit forwarding.
const (
	FieldAuditSyslog     Field = "auditSyslog"
	FieldAuditSyslogCA   Field = "auditSyslogCa"
	FieldAuditSyslogCert Field = "auditSyslogCert"
	FieldAuditSyslogKey  Field = "auditSyslogKey"
)

// auditPolicyFields are the audit forwarding fields a policy can set.
var auditPolicyFields = []Field{FieldAuditSyslog, FieldAuditSyslogCA, FieldAuditSyslogCert, FieldAuditSyslogKey}

// AuditForwardConfig is the forwarding configuration the settings give.
func (s Settings) AuditForwardConfig() auditforward.Config {
	a := s.AuditForwarding
	return auditforward.Config{URL: strings.TrimSpace(a.AuditSyslog), CAFile: a.AuditSyslogCA,
		CertFile: a.AuditSyslogCert, KeyFile: a.AuditSyslogKey}
}

// validateAuditSyslog is Validate's check of the forwarding settings.
func (s Settings) validateAuditSyslog() error {
	if err := s.AuditForwardConfig().Check(); err != nil {
		return &FieldError{Field: "Audit collector", Err: errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))}
	}
	return nil
}

// auditRegistryName is RegistryName for the forwarding fields.
func auditRegistryName(f Field) string {
	switch f {
	case FieldAuditSyslog:
		return "AuditSyslog"
	case FieldAuditSyslogCA:
		return "AuditSyslogCA"
	case FieldAuditSyslogCert:
		return "AuditSyslogCert"
	case FieldAuditSyslogKey:
		return "AuditSyslogKey"
	}
	return ""
}

// auditLabel is label for the forwarding fields.
func auditLabel(f Field) string {
	switch f {
	case FieldAuditSyslog:
		return "Audit collector"
	case FieldAuditSyslogCA:
		return "Audit collector CA file"
	case FieldAuditSyslogCert:
		return "Audit client certificate"
	case FieldAuditSyslogKey:
		return "Audit client key"
	}
	return string(f)
}

// auditTextField is textField for the forwarding fields, nil for others.
func (s *Settings) auditTextField(f Field) *string {
	switch f {
	case FieldAuditSyslog:
		return &s.AuditSyslog
	case FieldAuditSyslogCA:
		return &s.AuditSyslogCA
	case FieldAuditSyslogCert:
		return &s.AuditSyslogCert
	case FieldAuditSyslogKey:
		return &s.AuditSyslogKey
	}
	return nil
}

// AuditOverrides are the flags that change forwarding for one run.
type AuditOverrides struct {
	AuditSyslog, AuditSyslogCA, AuditSyslogCert, AuditSyslogKey *string
}

// auditField is Overrides.field for the forwarding fields.
func (o Overrides) auditField(f Field) *string {
	switch f {
	case FieldAuditSyslog:
		return o.AuditSyslog
	case FieldAuditSyslogCA:
		return o.AuditSyslogCA
	case FieldAuditSyslogCert:
		return o.AuditSyslogCert
	case FieldAuditSyslogKey:
		return o.AuditSyslogKey
	}
	return nil
}

// withAudit applies the forwarding overrides.
func (s Settings) withAudit(o AuditOverrides) Settings {
	for _, p := range []struct {
		dst *string
		v   *string
	}{{&s.AuditSyslog, o.AuditSyslog}, {&s.AuditSyslogCA, o.AuditSyslogCA},
		{&s.AuditSyslogCert, o.AuditSyslogCert}, {&s.AuditSyslogKey, o.AuditSyslogKey}} {
		if p.v != nil {
			*p.dst = *p.v
		}
	}
	return s
}
