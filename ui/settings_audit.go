package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/storage/settings"
)

// auditFields are the Settings dialog's section for the IT team: where the
// audit trail is forwarded (the facility's syslog collector over TLS).
type auditFields struct {
	url, ca, cert, key *widget.Entry
}

// newAuditFields makes the fields, filled in with the settings in effect,
// greyed out where the facility's policy sets them.
func newAuditFields(w *Wizard) *auditFields {
	a := &auditFields{url: widget.NewEntry(), ca: widget.NewEntry(), cert: widget.NewEntry(), key: widget.NewEntry()}
	a.url.SetText(w.set.AuditSyslog)
	a.url.PlaceHolder = "tls://collector.hospital.example:6514"
	a.ca.SetText(w.set.AuditSyslogCA)
	a.cert.SetText(w.set.AuditSyslogCert)
	a.key.SetText(w.set.AuditSyslogKey)
	for _, e := range []*widget.Entry{a.ca, a.cert, a.key} {
		e.PlaceHolder = T("Path of a PEM file, e.g. /etc/ssl/facility-ca.pem")
	}
	if w.opts.Demo == nil {
		lockFields(w.opts.Policy, map[settings.Field]fyne.Disableable{
			settings.FieldAuditSyslog: a.url, settings.FieldAuditSyslogCA: a.ca,
			settings.FieldAuditSyslogCert: a.cert, settings.FieldAuditSyslogKey: a.key,
		})
	}
	return a
}

// layout is the section, under its heading.
func (a *auditFields) layout(p settings.Policy) fyne.CanvasObject {
	return container.NewVBox(
		widget.NewSeparator(),
		heading(T("For the IT team: audit forwarding")),
		field(T("Audit collector"), a.url, policyHint(p, settings.FieldAuditSyslog,
			T("The facility's syslog collector: every audit record is also sent there over TLS. Leave empty to keep the trail on this computer only. Applies the next time the app starts."))),
		field(T("Collector's CA certificate"), a.ca, policyHint(p, settings.FieldAuditSyslogCA,
			T("The certificate of the authority that signed the collector's certificate (required)."))),
		field(T("Client certificate"), a.cert, policyHint(p, settings.FieldAuditSyslogCert,
			T("Only if the collector asks for one: this computer's certificate, with its key below."))),
		field(T("Client key"), a.key, policyHint(p, settings.FieldAuditSyslogKey,
			T("The private key of the client certificate."))),
	)
}

// read puts the fields' values into s.
func (a *auditFields) read(s *settings.Settings) {
	s.AuditSyslog = strings.TrimSpace(a.url.Text)
	s.AuditSyslogCA = strings.TrimSpace(a.ca.Text)
	s.AuditSyslogCert = strings.TrimSpace(a.cert.Text)
	s.AuditSyslogKey = strings.TrimSpace(a.key.Text)
}
