package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/auditforward"
	"abha-deactivate/storage/settings"
)

// flushWait bounds how long a command, its outcome already shown, waits
// for the records it wrote to reach the collector before it ends.
var flushWait = 3 * time.Second

// syslogFlags point audit forwarding at a collector for one run.
type syslogFlags struct {
	url, ca, cert, key string
}

func (f *syslogFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "audit-syslog", "", "forward the audit trail to this syslog collector: tls://HOST:PORT (default: from settings)")
	fs.StringVar(&f.ca, "audit-syslog-ca", "", "PEM file of the CA that signed the collector's certificate (required with tls://)")
	fs.StringVar(&f.cert, "audit-syslog-cert", "", "PEM client certificate for the collector, if it asks for one (mutual TLS)")
	fs.StringVar(&f.key, "audit-syslog-key", "", "PEM key of --audit-syslog-cert")
}

// overrides sets in o the forwarding settings the flags given override.
func (f *syslogFlags) overrides(given map[string]bool, o *settings.Overrides) {
	o.AuditSyslog = pick(given, "audit-syslog", f.url)
	o.AuditSyslogCA = pick(given, "audit-syslog-ca", absPath(f.ca))
	o.AuditSyslogCert = pick(given, "audit-syslog-cert", absPath(f.cert))
	o.AuditSyslogKey = pick(given, "audit-syslog-key", absPath(f.key))
}

// forwarding is a runtime's audit forwarder, started when first needed.
type forwarding struct {
	once sync.Once
	fwd  *auditforward.Forwarder // nil when no collector is configured
	err  error                   // why forwarding could not start
	// stderr is where a command's last warning goes.
	stderr io.Writer
}

// forwarder returns the runtime's forwarder, starting it on first use; nil
// when no collector is configured or the configuration is unusable.
func (r *runtimeEnv) forwarder() *auditforward.Forwarder {
	r.fwd.once.Do(func() {
		cfg := r.settings.AuditForwardConfig()
		if !cfg.Enabled() {
			return
		}
		s, err := auditforward.NewSender(r.dirs.AuditFile(), cfg)
		if err != nil {
			r.fwd.err = err
			r.log.WithError(err).Warn("audit forwarding")
			return
		}
		r.fwd.fwd = auditforward.StartForwarder(s, func(res auditforward.Result, err error) {
			r.logForward(res, err)
		})
	})
	return r.fwd.fwd
}

// logForward writes what a background pass did to the log file (not the
// terminal: a command's dialogue is not interrupted).
func (r *runtimeEnv) logForward(res auditforward.Result, err error) {
	e := r.log.WithField("sent", res.Sent).WithField("pending", res.Pending)
	if res.Reset != "" {
		e.WithField("cursor", res.Reset).Warn("audit forwarding: the cursor did not match the trail; sending the whole trail again")
	}
	if err != nil {
		e.WithError(err).Info("audit forwarding: records stay pending")
		return
	}
	e.Debug("audit forwarding")
}

// finishForwarding sends what is pending within flushWait, after the
// command's outcome was shown, stops the forwarder and warns on stderr if
// records are left pending.
func (r *runtimeEnv) finishForwarding() {
	f := r.fwd.fwd
	if f == nil {
		if r.fwd.err != nil {
			fmt.Fprintln(r.fwd.stderr, "Warning: the audit trail is not forwarded:", r.fwd.err)
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushWait)
	defer cancel()
	res, err := f.Flush(ctx)
	f.Stop()
	if err == nil && res.Pending == 0 {
		return
	}
	why := "another window is sending them"
	if err != nil {
		why = err.Error()
	}
	fmt.Fprintf(r.fwd.stderr, "Warning: %d audit record(s) not yet forwarded to the facility's collector (%s). "+
		"They are kept and sent later; \"abha-deactivate audit forward\" sends them now.\n", res.Pending, why)
}

// kickingJournal is a Journal that wakes the forwarder after each record.
type kickingJournal struct {
	abdm.Journal
	fwd *auditforward.Forwarder
}

func (k kickingJournal) Intent(ctx context.Context, a abdm.Attempt) error {
	err := k.Journal.Intent(ctx, a)
	k.fwd.Kick()
	return err
}

func (k kickingJournal) Outcome(ctx context.Context, a abdm.Attempt, o abdm.Outcome) error {
	err := k.Journal.Outcome(ctx, a, o)
	k.fwd.Kick()
	return err
}

// forwarded returns j, waking the forwarder after each record when a
// collector is configured.
func (r *runtimeEnv) forwarded(j abdm.Journal) abdm.Journal {
	if f := r.forwarder(); f != nil {
		return kickingJournal{Journal: j, fwd: f}
	}
	return j
}

// absPath is p as a full path (settings want full paths), "" for "".
func absPath(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// isUnreachable reports a delivery failure (exit 4).
func isUnreachable(err error) bool { return errors.Is(err, auditforward.ErrUnreachable) }

// forwardStatusFunc starts forwarding (the wizard sends what earlier runs
// left pending at once) and returns how the wizard reads its status; nil
// when no collector is configured.
func (r *runtimeEnv) forwardStatusFunc() func(ctx context.Context) (auditforward.Status, error) {
	if r.forwarder() == nil {
		return nil
	}
	trail := r.dirs.AuditFile()
	return func(ctx context.Context) (auditforward.Status, error) { return auditforward.ReadStatus(ctx, trail) }
}

// auditRows are the forwarding settings as rows of `settings`.
func auditRows(s settings.Settings) [][2]string {
	a := s.AuditForwarding
	return [][2]string{{"auditSyslog", a.AuditSyslog}, {"auditSyslogCa", a.AuditSyslogCA},
		{"auditSyslogCert", a.AuditSyslogCert}, {"auditSyslogKey", a.AuditSyslogKey}}
}

// checkAuditFlags refuses forwarding flags that leave forwarding unusable
// (a collector without its CA, a certificate without its key): exit 2,
// before anything is sent to ABDM.
func checkAuditFlags(o settings.Overrides, s settings.Settings) error {
	if o.AuditOverrides == (settings.AuditOverrides{}) {
		return nil
	}
	if err := s.AuditForwardConfig().Check(); err != nil {
		return usagef("audit forwarding flags: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}
