package syslogtest

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
	"time"
)

// PKI is a CA and a certificate it signed for 127.0.0.1 (for a server or
// a client), as PEM files, made in Go: unlike MakeCerts it needs no openssl.
type PKI struct {
	CAFile, CertFile, KeyFile string
	Cert                      tls.Certificate // CertFile and KeyFile, loaded
	Pool                      *x509.CertPool  // holds the CA
}

// NewPKI makes a PKI in dir, valid from an hour ago to a day from now.
func NewPKI(dir string) (PKI, error) {
	notBefore, notAfter := time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return PKI{}, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: notBefore, NotAfter: notAfter, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return PKI{}, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return PKI{}, err
	}
	p := PKI{CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"),
		Cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, Pool: x509.NewCertPool()}
	p.Pool.AddCert(ca)
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{p.CAFile, "CERTIFICATE", caDER}, {p.CertFile, "CERTIFICATE", der}, {p.KeyFile, "EC PRIVATE KEY", keyDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			return PKI{}, err
		}
	}
	return p, nil
}

// ServerConfig serves p's certificate with TLS 1.2 or later.
func (p PKI) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.Cert}, MinVersion: tls.VersionTLS12}
}

// Collector is a syslog collector over TLS on 127.0.0.1 in this process.
// It reads RFC 5425 frames until the client closes its side, then keeps
// them and closes its own (the acknowledgement); while silent it waits five
// seconds before closing (no acknowledgement in time).
type Collector struct {
	l      net.Listener
	mu     sync.Mutex
	msgs   []string
	conns  int
	silent bool
}

// Listen starts a Collector on a free loopback port serving cfg. Close
// stops it.
func Listen(cfg *tls.Config) (*Collector, error) {
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		return nil, err
	}
	c := &Collector{l: l}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go c.serve(conn)
		}
	}()
	return c, nil
}

func (c *Collector) serve(conn net.Conn) {
	defer conn.Close()
	c.mu.Lock()
	c.conns++
	silent := c.silent
	c.mu.Unlock()
	r := bufio.NewReader(conn)
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
	c.mu.Lock()
	c.msgs = append(c.msgs, got...)
	c.mu.Unlock()
	if silent {
		time.Sleep(5 * time.Second)
	}
}

// Addr is the listener's host:port.
func (c *Collector) Addr() string { return c.l.Addr().String() }

// URL is the collector's address as a forwarding target.
func (c *Collector) URL() string { return "tls://" + c.Addr() }

// Messages are the messages of the connections that ended, in order.
func (c *Collector) Messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

// Conns is how many connections were accepted.
func (c *Collector) Conns() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conns
}

// SetSilent makes the connections accepted from now on acknowledge, or not.
func (c *Collector) SetSilent(v bool) {
	c.mu.Lock()
	c.silent = v
	c.mu.Unlock()
}

// Close stops accepting connections.
func (c *Collector) Close() error { return c.l.Close() }
