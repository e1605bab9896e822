package auditforward

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func appendLines(t *testing.T, path string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(lines, "")); err != nil {
		t.Fatal(err)
	}
}

func rec(i int) string {
	return fmt.Sprintf(`{"id":"r%03d","time":"2026-12-03T10:00:00Z","event":"intent"}`+"\n", i)
}

func newTestSender(t *testing.T, trail string, cfg Config) *Sender {
	t.Helper()
	s, err := NewSender(trail, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.SetTimeouts(2*time.Second, 2*time.Second, 300*time.Millisecond)
	return s
}

func TestForwardSendsEachRecordOnceAndResumes(t *testing.T) {
	p := newPKI(t)
	ln := startListener(t, p.ServerConfig())
	trail := filepath.Join(t.TempDir(), "audit.jsonl")
	appendLines(t, trail, rec(0), rec(1), "\n", rec(2))
	cfg := Config{URL: ln.URL(), CAFile: p.CAFile}
	ctx := context.Background()
	s := newTestSender(t, trail, cfg)
	if res, err := s.Forward(ctx); err != nil || res.Sent != 3 || res.Pending != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if res, err := s.Forward(ctx); err != nil || res.Sent != 0 {
		t.Fatalf("again: %+v %v", res, err)
	}
	appendLines(t, trail, rec(3), `{"id":"r004"`) // the last line still being written
	s2 := newTestSender(t, trail, cfg)            // a restart
	if res, err := s2.Forward(ctx); err != nil || res.Sent != 1 || res.Pending != 0 {
		t.Fatalf("after a restart: %+v %v", res, err)
	}
	appendLines(t, trail, `,"time":"2026-12-03T10:00:00Z","event":"intent"}`+"\n")
	if res, err := s2.Forward(ctx); err != nil || res.Sent != 1 {
		t.Fatalf("the finished line: %+v %v", res, err)
	}
	msgs := ln.Messages()
	if len(msgs) != 5 {
		t.Fatalf("%d messages: %q", len(msgs), msgs)
	}
	for i, m := range msgs {
		if !strings.Contains(m, fmt.Sprintf(`[abha@32473 id="r%03d"`, i)) {
			t.Errorf("message %d: %s", i, m)
		}
	}
	cur, _ := LoadCursor(trail)
	fi, _ := os.Stat(trail)
	if cur.Offset != fi.Size() || cur.Sent != 5 || cur.Collector != cfg.URL || cur.Time.IsZero() {
		t.Fatalf("cursor %+v, trail %d bytes", cur, fi.Size())
	}
}

func TestForwardWithoutAcknowledgementKeepsRecordsPending(t *testing.T) {
	p := newPKI(t)
	ln := startListener(t, p.ServerConfig())
	ln.SetSilent(true)
	trail := filepath.Join(t.TempDir(), "audit.jsonl")
	appendLines(t, trail, rec(0), rec(1))
	s := newTestSender(t, trail, Config{URL: ln.URL(), CAFile: p.CAFile})
	res, err := s.Forward(context.Background())
	if !errors.Is(err, ErrUnreachable) || res.Sent != 0 || res.Pending != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	st, _ := ReadStatus(context.Background(), trail)
	if st.Pending != 2 || st.Error == "" || st.Failed.IsZero() || !st.Stale(time.Now(), time.Hour) {
		t.Fatalf("status %+v", st)
	}
	ln.SetSilent(false)
	if res, err := s.Forward(context.Background()); err != nil || res.Sent != 2 {
		t.Fatalf("acknowledged: %+v %v", res, err)
	}
	if st, _ := ReadStatus(context.Background(), trail); st.Pending != 0 || st.Error != "" || st.Stale(time.Now(), time.Hour) {
		t.Fatalf("status %+v", st)
	}
}

func TestForwardRefusals(t *testing.T) {
	p, other := newPKI(t), newPKI(t)
	ln := startListener(t, p.ServerConfig())
	mutual := p.ServerConfig()
	mutual.ClientAuth, mutual.ClientCAs = tls.RequireAndVerifyClientCert, p.Pool
	lnMutual := startListener(t, mutual)
	old := p.ServerConfig()
	old.MinVersion, old.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	lnOld := startListener(t, old)
	port := ln.Addr()
	for _, c := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"other CA", Config{URL: ln.URL(), CAFile: other.CAFile}, false},
		{"name not in the certificate", Config{URL: "tls://localhost:" + port[strings.LastIndex(port, ":")+1:], CAFile: p.CAFile}, false},
		{"no client certificate", Config{URL: lnMutual.URL(), CAFile: p.CAFile}, false},
		{"client certificate", Config{URL: lnMutual.URL(), CAFile: p.CAFile, CertFile: p.CertFile, KeyFile: p.KeyFile}, true},
		{"TLS 1.1", Config{URL: lnOld.URL(), CAFile: p.CAFile}, false},
		{"nobody listening", Config{URL: "tls://127.0.0.1:1", CAFile: p.CAFile}, false},
	} {
		trail := filepath.Join(t.TempDir(), "audit.jsonl")
		appendLines(t, trail, rec(0))
		res, err := newTestSender(t, trail, c.cfg).Forward(context.Background())
		if c.ok != (err == nil) || (!c.ok && (!errors.Is(err, ErrUnreachable) || res.Pending != 1)) || (c.ok && res.Sent != 1) {
			t.Errorf("%s: %+v %v", c.name, res, err)
		}
	}
}

func TestForwardCursorMismatchSendsTheTrailAgain(t *testing.T) {
	p := newPKI(t)
	ln := startListener(t, p.ServerConfig())
	dir := t.TempDir()
	trail := filepath.Join(dir, "audit.jsonl")
	appendLines(t, trail, rec(0), rec(1))
	s := newTestSender(t, trail, Config{URL: ln.URL(), CAFile: p.CAFile})
	ctx := context.Background()
	if _, err := s.Forward(ctx); err != nil {
		t.Fatal(err)
	}
	// Edited: the same length, other bytes.
	if err := os.WriteFile(trail, []byte(rec(0)+strings.Replace(rec(1), "r001", "r00X", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, _ := ReadStatus(ctx, trail); st.Mismatch == "" || st.Pending != 2 {
		t.Fatalf("status %+v", st)
	}
	res, err := s.Forward(ctx)
	if err != nil || res.Reset == "" || res.Sent != 2 {
		t.Fatalf("edited: %+v %v", res, err)
	}
	// Rotated: shorter than the cursor.
	if err := os.WriteFile(trail, []byte(rec(9)), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err = s.Forward(ctx)
	if err != nil || !strings.Contains(res.Reset, "shorter") || res.Sent != 1 {
		t.Fatalf("rotated: %+v %v", res, err)
	}
	aside, _ := filepath.Glob(trail + CursorSuffix + ".mismatch-*")
	if len(aside) == 0 || len(ln.Messages()) != 5 {
		t.Fatalf("kept aside %v, %d messages", aside, len(ln.Messages()))
	}
}

func TestForwarderCoalescesAndRetries(t *testing.T) {
	p := newPKI(t)
	ln := startListener(t, p.ServerConfig())
	ln.SetSilent(true) // at first the collector does not acknowledge
	trail := filepath.Join(t.TempDir(), "audit.jsonl")
	appendLines(t, trail, rec(0))
	s := newTestSender(t, trail, Config{URL: ln.URL(), CAFile: p.CAFile})
	passes := make(chan error, 100)
	f := StartForwarder(s, func(_ Result, err error) { passes <- err })
	f.minB = 50 * time.Millisecond
	defer f.Stop()
	start := time.Now()
	for i := 1; i < 50; i++ {
		appendLines(t, trail, rec(i))
		f.Kick()
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("50 appends and kicks took %v", d)
	}
	if err := <-passes; !errors.Is(err, ErrUnreachable) {
		t.Fatalf("first pass: %v", err)
	}
	ln.SetSilent(false)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case err := <-passes:
			if err != nil {
				continue // a retry before the collector answered
			}
			if st, _ := ReadStatus(context.Background(), trail); st.Pending == 0 {
				if conns := ln.Conns(); conns > 10 {
					t.Fatalf("%d connections for 50 records: kicks were not folded together", conns)
				}
				return
			}
		case <-deadline:
			t.Fatal("the forwarder did not send the records after the collector came back")
		}
	}
}

// While another process holds the trail's forwarding lock, a pass sends
// nothing and says so; afterwards it sends.
func TestForwardBusyWhileAnotherProcessForwards(t *testing.T) {
	p := newPKI(t)
	ln := startListener(t, p.ServerConfig())
	trail := filepath.Join(t.TempDir(), "audit.jsonl")
	appendLines(t, trail, rec(0), rec(1))
	other := newTestSender(t, trail, Config{URL: ln.URL(), CAFile: p.CAFile})
	unlock, err := other.lock() // a second open of the lock file: as another process's
	if err != nil {
		t.Fatal(err)
	}
	s := newTestSender(t, trail, Config{URL: ln.URL(), CAFile: p.CAFile})
	res, err := s.Forward(context.Background())
	if err != nil || !res.Busy || res.Sent != 0 || res.Pending != 2 {
		t.Fatalf("busy: %+v %v", res, err)
	}
	unlock()
	if res, err := s.Forward(context.Background()); err != nil || res.Busy || res.Sent != 2 {
		t.Fatalf("after: %+v %v", res, err)
	}
}
