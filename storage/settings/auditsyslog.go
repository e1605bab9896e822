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

// auditFields says, once for each forwarding field, what the switches of
// policy.go say for the others: its registry value name, its label and
// where it sits in Settings and in Overrides.
var auditFields = []struct {
	field           Field
	registry, label string
	setting         func(*AuditForwarding) *string
	override        func(AuditOverrides) *string
}{
	{FieldAuditSyslog, "AuditSyslog", "Audit collector",
		func(a *AuditForwarding) *string { return &a.AuditSyslog }, func(o AuditOverrides) *string { return o.AuditSyslog }},
	{FieldAuditSyslogCA, "AuditSyslogCA", "Audit collector CA file",
		func(a *AuditForwarding) *string { return &a.AuditSyslogCA }, func(o AuditOverrides) *string { return o.AuditSyslogCA }},
	{FieldAuditSyslogCert, "AuditSyslogCert", "Audit client certificate",
		func(a *AuditForwarding) *string { return &a.AuditSyslogCert }, func(o AuditOverrides) *string { return o.AuditSyslogCert }},
	{FieldAuditSyslogKey, "AuditSyslogKey", "Audit client key",
		func(a *AuditForwarding) *string { return &a.AuditSyslogKey }, func(o AuditOverrides) *string { return o.AuditSyslogKey }},
}

// auditPolicyFields are the audit forwarding fields a policy can set.
var auditPolicyFields = func() []Field {
	out := make([]Field, len(auditFields))
	for i, a := range auditFields {
		out[i] = a.field
	}
	return out
}()

// auditField returns f's index in auditFields, or -1 when f is not a
// forwarding field.
func auditField(f Field) int {
	for i, a := range auditFields {
		if a.field == f {
			return i
		}
	}
	return -1
}

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

// AuditOverrides are the flags that change forwarding for one run.
type AuditOverrides struct {
	AuditSyslog, AuditSyslogCA, AuditSyslogCert, AuditSyslogKey *string
}
