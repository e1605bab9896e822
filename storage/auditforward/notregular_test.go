//go:build unix

package auditforward

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"abha-deactivate/storage/audit"
)

// A FIFO where the trail should be is refused at once, as audit's own
// readers refuse it, rather than waited on for a writer.
func TestFIFOTrailRefused(t *testing.T) {
	dir := t.TempDir()
	trail := filepath.Join(dir, "audit.jsonl")
	if err := syscall.Mkfifo(trail, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := newTestSender(t, trail, Config{URL: "tls://127.0.0.1:1", CAFile: filepath.Join(dir, "ca.pem")})
	for name, fn := range map[string]func() error{
		"Forward":    func() error { _, err := s.Forward(ctx); return err },
		"ReadStatus": func() error { _, err := ReadStatus(ctx, trail); return err },
		"Against":    func() error { _, err := Against(ctx, trail, filepath.Join(dir, "collected.log")); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- fn() }()
		select {
		case err := <-done:
			if !errors.Is(err, audit.ErrNotRegular) {
				t.Errorf("%s: %v, want audit.ErrNotRegular", name, err)
			}
		case <-time.After(time.Second):
			t.Fatalf("%s: still waiting after a second", name)
		}
	}
}
