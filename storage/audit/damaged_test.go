//go:build unix

package audit

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// within runs fn in a goroutine and fails the test if it has not returned
// within a second (it would hang for ever on a FIFO opened without care).
func within(t *testing.T, name string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		t.Fatalf("%s: still waiting after a second", name)
		return nil
	}
}

// TestNotRegularRefused: a FIFO, a folder or a device where the trail should
// be is refused by every reader and writer, with ErrNotRegular, at once.
func TestNotRegularRefused(t *testing.T) {
	ctx := context.Background()
	for _, kind := range []string{"fifo", "folder", "device"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			switch kind {
			case "fifo":
				if err := syscall.Mkfifo(path, 0o600); err != nil {
					t.Fatal(err)
				}
			case "folder":
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
			case "device":
				if err := os.Symlink("/dev/zero", path); err != nil {
					t.Fatal(err)
				}
			}
			l := Open(path)
			for name, fn := range map[string]func() error{
				"Append":        func() error { return l.Append(ctx, intent("a1")) },
				"CheckWritable": l.CheckWritable,
				"Scan": func() error {
					_, err := l.Scan(ctx, Filter{}, func(Record) error { return nil })
					return err
				},
				"Read": func() error { _, _, err := l.Read(ctx, Filter{}); return err },
				"Pages": func() error {
					_, err := l.Pages(EntryFilter{}).Next(ctx, 10)
					return err
				},
				"Verify":    func() error { _, err := l.Verify(ctx); return err },
				"ExportCSV": func() error { _, err := l.ExportCSV(ctx, io.Discard, Filter{}); return err },
			} {
				err := within(t, name, fn)
				if !errors.Is(err, ErrNotRegular) {
					t.Errorf("%s on a %s: %v, want ErrNotRegular", name, kind, err)
				}
			}
		})
	}
}
