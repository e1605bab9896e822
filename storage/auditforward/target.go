package auditforward

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Config says where to forward the trail. The zero Config forwards nothing.
type Config struct {
	URL      string // tls://HOST:PORT, or tcp://127.0.0.1:PORT (loopback only, for tests)
	CAFile   string // PEM file of the CA that signed the collector's certificate (required for tls://)
	CertFile string // PEM client certificate for mutual TLS (optional, with KeyFile)
	KeyFile  string // PEM private key of CertFile
}

// Enabled reports whether c names a collector.
func (c Config) Enabled() bool { return c.URL != "" }

// target is a parsed collector address.
type target struct {
	tls  bool
	host string // for the certificate check
	addr string // host:port to dial
}

// parseURL reads tls://HOST:PORT or tcp://LOOPBACK:PORT.
func parseURL(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return target{}, fmt.Errorf("%q is not an address like tls://collector.hospital.example:6514", raw)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return target{}, fmt.Errorf("%q must be only tls://HOST:PORT", raw)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" || port == "" {
		return target{}, fmt.Errorf("%q needs a server name and a port, e.g. tls://collector.hospital.example:6514", raw)
	}
	t := target{host: host, addr: net.JoinHostPort(host, port)}
	switch strings.ToLower(u.Scheme) {
	case "tls":
		t.tls = true
	case "tcp":
		if !isLoopback(host) {
			return target{}, fmt.Errorf("%q: plain tcp:// is allowed only to this computer (127.0.0.1), for tests; use tls://", raw)
		}
	default:
		return target{}, fmt.Errorf("%q must start with tls://", raw)
	}
	return t, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Check reports what is wrong with c, each problem named by its field
// (URL, CA, Cert, Key), joined. The files are not read.
func (c Config) Check() error {
	if !c.Enabled() {
		if c.CAFile != "" || c.CertFile != "" || c.KeyFile != "" {
			return errors.New("collector address: give tls://HOST:PORT, or clear the certificate files")
		}
		return nil
	}
	var errs []error
	t, err := parseURL(c.URL)
	if err != nil {
		errs = append(errs, fmt.Errorf("collector address: %w", err))
	}
	if err == nil && t.tls && c.CAFile == "" {
		errs = append(errs, errors.New("collector CA file: tls:// needs the CA certificate that signed the collector's certificate"))
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		errs = append(errs, errors.New("client certificate and key: give both files, or neither"))
	}
	for _, f := range []struct{ name, path string }{{"collector CA file", c.CAFile},
		{"client certificate", c.CertFile}, {"client key", c.KeyFile}} {
		if f.path != "" && !filepath.IsAbs(f.path) {
			errs = append(errs, fmt.Errorf("%s: %q is not a full path", f.name, f.path))
		}
	}
	return errors.Join(errs...)
}

// tlsConfig reads the certificate files: TLS 1.2 or later, the collector's
// certificate checked against the CA and the host name.
func (c Config) tlsConfig(t target) (*tls.Config, error) {
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, fmt.Errorf("collector CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("collector CA file %s: no PEM certificate in it", c.CAFile)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool, ServerName: t.host}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			// The error names the files, never the key's bytes.
			return nil, fmt.Errorf("client certificate and key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
