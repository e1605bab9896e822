package auditforward

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// testPKI is a CA and a certificate it signed for 127.0.0.1, as files.
type testPKI struct {
	caFile, certFile, keyFile string
	server                    tls.Certificate
	pool                      *x509.CertPool
}

func newPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	p := testPKI{caFile: filepath.Join(dir, "ca.pem"), certFile: filepath.Join(dir, "cert.pem"), keyFile: filepath.Join(dir, "key.pem")}
	write := func(path, typ string, b []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(p.caFile, "CERTIFICATE", caDER)
	write(p.certFile, "CERTIFICATE", der)
	write(p.keyFile, "EC PRIVATE KEY", keyDER)
	p.server, err = tls.LoadX509KeyPair(p.certFile, p.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	p.pool = x509.NewCertPool()
	p.pool.AddCert(ca)
	return p
}

// listener is an in-test syslog collector over TLS. It reads RFC 5425
// frames; with silent it never closes its side (no acknowledgement).
type listener struct {
	l      net.Listener
	mu     sync.Mutex
	msgs   []string
	conns  int
	silent bool
}

func startListener(t *testing.T, cfg *tls.Config) *listener {
	t.Helper()
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln := &listener{l: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go ln.serve(c)
		}
	}()
	t.Cleanup(func() { l.Close() })
	return ln
}

func (ln *listener) serve(c net.Conn) {
	defer c.Close()
	ln.mu.Lock()
	ln.conns++
	silent := ln.silent
	ln.mu.Unlock()
	r := bufio.NewReader(c)
	var got []string
	for {
		n, err := r.ReadString(' ')
		if err != nil {
			break
		}
		size, err := strconv.Atoi(n[:len(n)-1])
		if err != nil {
			return
		}
		buf := make([]byte, size)
		if _, err := io.ReadFull(r, buf); err != nil {
			return
		}
		got = append(got, string(buf))
	}
	ln.mu.Lock()
	ln.msgs = append(ln.msgs, got...)
	ln.mu.Unlock()
	if silent {
		time.Sleep(5 * time.Second)
	}
}

func (ln *listener) url() string { return "tls://" + ln.l.Addr().String() }

func (ln *listener) messages() []string {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return append([]string(nil), ln.msgs...)
}

func (ln *listener) setSilent(v bool) {
	ln.mu.Lock()
	ln.silent = v
	ln.mu.Unlock()
}

func serverConfig(p testPKI) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.server}, MinVersion: tls.VersionTLS12}
}
