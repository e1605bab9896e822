// Package syslogtest gives tests (and bench/auditforward) syslog collectors
// over TLS: a real rsyslogd, with certificates made by openssl
// (MakeCerts, StartRsyslog), and a Collector in the process, with
// certificates made in Go (NewPKI, Listen).
package syslogtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"abha-deactivate/internal/testtools"
)

// Certs are the PEM files a test made.
type Certs struct {
	Dir               string
	CA, CAKey         string // the collector's CA
	Server, ServerKey string // signed by CA for IP 127.0.0.1
	Expired           string // server certificate signed by CA that expired (key ServerKey)
	OtherCA           string // a CA that signed nothing here
}

// MakeCerts makes a CA, a server certificate for 127.0.0.1, an expired one
// and an unrelated CA in dir with openssl.
func MakeCerts(t testing.TB, dir string) Certs {
	t.Helper()
	ossl := testtools.Need(t, "openssl", "openssl")
	c := Certs{Dir: dir, CA: filepath.Join(dir, "ca.pem"), CAKey: filepath.Join(dir, "ca.key"),
		Server: filepath.Join(dir, "server.pem"), ServerKey: filepath.Join(dir, "server.key"),
		Expired: filepath.Join(dir, "expired.pem"), OtherCA: filepath.Join(dir, "other-ca.pem")}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(ossl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	newCA := func(cert, key, cn string) {
		run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
			"-out", cert, "-days", "2", "-subj", "/CN="+cn, "-addext", "basicConstraints=critical,CA:TRUE",
			"-addext", "keyUsage=critical,keyCertSign,cRLSign")
	}
	newCA(c.CA, c.CAKey, "Test collector CA")
	newCA(c.OtherCA, filepath.Join(dir, "other-ca.key"), "Some other CA")
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", c.ServerKey,
		"-out", filepath.Join(dir, "server.csr"), "-subj", "/CN=127.0.0.1")
	ext := filepath.Join(dir, "ext.cnf")
	if err := os.WriteFile(ext, []byte("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sign := func(out string, extra ...string) {
		args := append([]string{"x509", "-req", "-in", filepath.Join(dir, "server.csr"), "-CA", c.CA, "-CAkey", c.CAKey,
			"-CAcreateserial", "-out", out, "-extfile", ext}, extra...)
		run(args...)
	}
	sign(c.Server, "-days", "2")
	// Valid from two days ago to yesterday: `openssl ca` sets both dates.
	caConf := filepath.Join(dir, "ca.cnf")
	conf := "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\n" +
		"policy=p\ncopy_extensions=none\n[p]\ncommonName=supplied\n"
	if err := errors.Join(os.WriteFile(caConf, []byte(conf), 0o600), os.WriteFile(filepath.Join(dir, "index.txt"), nil, 0o600),
		os.WriteFile(filepath.Join(dir, "serial"), []byte("1000\n"), 0o600)); err != nil {
		t.Fatal(err)
	}
	run("ca", "-batch", "-config", caConf, "-cert", c.CA, "-keyfile", c.CAKey, "-in", filepath.Join(dir, "server.csr"),
		"-out", c.Expired, "-extfile", ext, "-notext",
		"-startdate", time.Now().Add(-48*time.Hour).UTC().Format("20060102150405Z"),
		"-enddate", time.Now().Add(-24*time.Hour).UTC().Format("20060102150405Z"))
	return c
}

// Rsyslog is a running rsyslogd writing every message it receives, as
// received ("%rawmsg%\n"), to Out.
type Rsyslog struct {
	Port int
	Out  string
	dir  string
	conf string
	cmd  *exec.Cmd
	t    testing.TB
}

// StartRsyslog starts rsyslogd with a gtls imtcp input on a free loopback
// port, serving cert/key. The test stops it at its end.
func StartRsyslog(t testing.TB, dir string, certs Certs, cert string) *Rsyslog {
	t.Helper()
	testtools.Need(t, "rsyslogd", "rsyslog (and rsyslog-gnutls)")
	r := &Rsyslog{Port: freePort(t), Out: filepath.Join(dir, "collected.log"), dir: dir,
		conf: filepath.Join(dir, "rsyslog.conf"), t: t}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`global(workDirectory=%q maxMessageSize="64k"
  DefaultNetstreamDriverCAFile=%q DefaultNetstreamDriverCertFile=%q DefaultNetstreamDriverKeyFile=%q)
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.Authmode="anon")
input(type="imtcp" port="%d" address="127.0.0.1")
template(name="raw" type="string" string="%%rawmsg%%\n")
action(type="omfile" file=%q template="raw")
`, work, certs.CA, cert, certs.ServerKey, r.Port, r.Out)
	if err := os.WriteFile(r.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("rsyslogd", "-N1", "-f", r.conf).CombinedOutput(); err != nil {
		t.Fatalf("rsyslogd refuses the config: %v\n%s", err, out)
	}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Start (re)starts rsyslogd and waits until it accepts connections.
func (r *Rsyslog) Start() {
	r.t.Helper()
	r.cmd = exec.Command("rsyslogd", "-n", "-f", r.conf, "-i", filepath.Join(r.dir, "rsyslogd.pid"))
	// Its own messages (such as the handshake the readiness probe below
	// leaves unfinished) go to a file beside the config, not the test's output.
	logf, err := os.OpenFile(filepath.Join(r.dir, "rsyslogd.out"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		r.t.Fatal(err)
	}
	defer logf.Close()
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start rsyslogd: %v", err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(r.Port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
	}
	r.t.Fatalf("rsyslogd does not listen on %s", addr)
}

// Stop ends rsyslogd (SIGTERM: it writes what it received) and waits.
func (r *Rsyslog) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Kill()
		<-done
	}
	r.cmd = nil
}

// Addr is the URL of the listener.
func (r *Rsyslog) Addr() string { return "tls://127.0.0.1:" + strconv.Itoa(r.Port) }

// Lines returns the lines of Out, waiting up to wait for there to be n.
func (r *Rsyslog) Lines(ctx context.Context, n int, wait time.Duration) []string {
	deadline := time.Now().Add(wait)
	for {
		data, _ := os.ReadFile(r.Out)
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(data) == 0 {
			lines = nil
		}
		if len(lines) >= n || time.Now().After(deadline) || ctx.Err() != nil {
			return lines
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
