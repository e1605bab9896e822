package auditforward

import (
	"crypto/tls"
	"testing"

	"abha-deactivate/internal/syslogtest"
)

// newPKI makes a CA and a certificate it signed for 127.0.0.1, as files.
func newPKI(t *testing.T) syslogtest.PKI {
	t.Helper()
	p, err := syslogtest.NewPKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// startListener starts an in-test syslog collector over TLS, stopped at
// the test's end.
func startListener(t *testing.T, cfg *tls.Config) *syslogtest.Collector {
	t.Helper()
	c, err := syslogtest.Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
