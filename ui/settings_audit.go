package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/storage/settings"
)

// auditFields are the Settings dialog's section for the IT team: where the
// audit trail is forwarded (the facility's syslog collector over TLS).
type auditFields struct {
	w                  *Wizard
	url, ca, cert, key *entry
}

// newAuditFields makes the fields, filled in with the settings in effect,
// greyed out where the facility's policy, this run's flags or the demo set them.
func newAuditFields(w *Wizard, close func()) *auditFields {
	a := &auditFields{w: w, url: dialogEntry(close), ca: dialogEntry(close), cert: dialogEntry(close), key: dialogEntry(close)}
	a.url.SetText(w.set.AuditSyslog)
	a.url.PlaceHolder = "tls://collector.hospital.example:6514"
	a.ca.SetText(w.set.AuditSyslogCA)
	a.cert.SetText(w.set.AuditSyslogCert)
	a.key.SetText(w.set.AuditSyslogKey)
	for _, e := range []*entry{a.ca, a.cert, a.key} {
		e.PlaceHolder = T("Path of a PEM file, e.g. /etc/ssl/facility-ca.pem")
	}
	w.lockSet(map[settings.Field]fyne.Disableable{settings.FieldAuditSyslog: a.url, settings.FieldAuditSyslogCA: a.ca,
		settings.FieldAuditSyslogCert: a.cert, settings.FieldAuditSyslogKey: a.key})
	return a
}

// layout is the section, under its heading.
func (a *auditFields) layout() fyne.CanvasObject {
	hint := a.w.settingHint
	return container.NewVBox(
		widget.NewSeparator(),
		heading(T("For the IT team: audit forwarding")),
		field(T("Audit collector"), a.url, hint(settings.FieldAuditSyslog,
			T("The facility's syslog collector: every audit record is also sent there over TLS. Leave empty to keep the trail on this computer only. Applies the next time the app starts."))),
		field(T("Collector's CA certificate"), a.ca, hint(settings.FieldAuditSyslogCA,
			T("The certificate of the authority that signed the collector's certificate (required)."))),
		field(T("Client certificate"), a.cert, hint(settings.FieldAuditSyslogCert,
			T("Only if the collector asks for one: this computer's certificate, with its key below."))),
		field(T("Client key"), a.key, hint(settings.FieldAuditSyslogKey,
			T("The private key of the client certificate."))),
	)
}

// read puts the values of the fields not greyed out into s.
func (a *auditFields) read(s *settings.Settings) {
	keepTyped(map[*entry]*string{a.url: &s.AuditSyslog, a.ca: &s.AuditSyslogCA, a.cert: &s.AuditSyslogCert, a.key: &s.AuditSyslogKey})
}
