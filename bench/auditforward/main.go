// Command auditforward measures what forwarding the audit trail to a
// syslog collector adds to the desk's path: the time of appending records
// (audit.Log.Append, as the Journal does) with a forwarder configured and
// kicked after each append, as the app does, minus the same appends
// without one, per record, against a TLS listener on 127.0.0.1 in this
// process that reads RFC 5425 frames and closes after the client does. It
// checks that every record reached the listener, then prints
// `name: value` lines:
//
//	audit_forward_ms_per_record   the difference, in milliseconds per record (median of the runs)
//	audit_append_ms_per_record    appending alone, for scale
//	peak_rss_mb_forward           the process's peak resident memory, in MB
package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/auditforward"
)

func main() {
	records := flag.Int("records", 300, "records appended per run")
	runs := flag.Int("runs", 5, "runs of each kind, taking turns")
	flag.Parse()
	if err := run(*records, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "auditforward:", err)
		os.Exit(1)
	}
}

func run(records, runs int) error {
	dir, err := os.MkdirTemp("", "auditforward-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	caFile, cfg, err := makeTLS(dir)
	if err != nil {
		return err
	}
	var received atomic.Int64
	addr, stop, err := listen(cfg, &received)
	if err != nil {
		return err
	}
	defer stop()
	var plain, fwd []float64
	for r := 0; r < runs; r++ {
		d, err := appendRun(filepath.Join(dir, fmt.Sprintf("plain%d", r), "audit.jsonl"), records, nil)
		if err != nil {
			return err
		}
		plain = append(plain, d)
		trail := filepath.Join(dir, fmt.Sprintf("fwd%d", r), "audit.jsonl")
		d, err = appendRun(trail, records, &auditforward.Config{URL: "tls://" + addr, CAFile: caFile})
		if err != nil {
			return err
		}
		fwd = append(fwd, d)
		fmt.Fprintf(os.Stderr, "run %d: %.3f ms/record without forwarding, %.3f with\n", r+1, plain[r], fwd[r])
	}
	if got, want := received.Load(), int64(records*runs); got != want {
		return fmt.Errorf("the listener received %d records, want %d", got, want)
	}
	fmt.Printf("audit_forward_ms_per_record: %.4f\n", median(fwd)-median(plain))
	fmt.Printf("audit_append_ms_per_record: %.4f\n", median(plain))
	if mb, ok := peakRSSMB(); ok {
		fmt.Printf("peak_rss_mb_forward: %.1f\n", mb)
	}
	return nil
}

// appendRun appends n records to a new trail, with a forwarder kicked after
// each append when cfg is set, and returns the milliseconds per record of
// the appends (the desk's path). With a forwarder it then waits until
// everything was forwarded (not timed).
func appendRun(trail string, n int, cfg *auditforward.Config) (float64, error) {
	log := audit.Open(trail)
	ctx := context.Background()
	if err := log.CheckWritable(); err != nil {
		return 0, err
	}
	var f *auditforward.Forwarder
	if cfg != nil {
		s, err := auditforward.NewSender(trail, *cfg)
		if err != nil {
			return 0, err
		}
		f = auditforward.StartForwarder(s, nil)
		defer f.Stop()
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		r := audit.Record{ID: audit.NewID(), Event: audit.EventIntent, Action: audit.ActionDeactivate, Environment: "demo",
			ClientID: "BENCH", ABHANumber: "91-5512-3456-7890", Reasons: []audit.Reason{{Code: "101", Label: "bench"}}}
		if err := log.Append(ctx, r); err != nil {
			return 0, err
		}
		if f != nil {
			f.Kick()
		}
	}
	ms := float64(time.Since(start).Microseconds()) / 1000 / float64(n)
	if f == nil {
		return ms, nil
	}
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := f.Flush(ctx)
		if err == nil && res.Pending == 0 {
			return ms, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("records still pending after a minute: %+v %v", res, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// listen serves a TLS syslog listener that counts the frames it reads and
// closes after the client does (the acknowledgement).
func listen(cfg *tls.Config, received *atomic.Int64) (string, func(), error) {
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		return "", nil, err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					n, err := r.ReadString(' ')
					if err != nil {
						return
					}
					size, err := strconv.Atoi(n[:len(n)-1])
					if err != nil {
						return
					}
					if _, err := io.CopyN(io.Discard, r, int64(size)); err != nil {
						return
					}
					received.Add(1)
				}
			}()
		}
	}()
	return l.Addr().String(), func() { l.Close() }, nil
}

// makeTLS makes a CA file and a server configuration for 127.0.0.1.
func makeTLS(dir string) (string, *tls.Config, error) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return "", nil, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return "", nil, err
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		return "", nil, err
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return caFile, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
