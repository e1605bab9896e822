//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows

package filelock

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestTryLockWhileHeld(t *testing.T) {
	name := filepath.Join(t.TempDir(), "x.lock")
	open := func() *os.File {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	first, second := open(), open()
	for _, exclusive := range []bool{true, false} {
		if err := Lock(first, exclusive); err != nil {
			t.Fatalf("Lock(exclusive=%v): %v", exclusive, err)
		}
		if err := TryLock(second); !errors.Is(err, ErrLocked) {
			t.Fatalf("TryLock while the other holds Lock(exclusive=%v): %v, want ErrLocked", exclusive, err)
		}
		if err := Unlock(first); err != nil {
			t.Fatalf("Unlock: %v", err)
		}
		if err := TryLock(second); err != nil {
			t.Fatalf("TryLock after Unlock: %v", err)
		}
		if err := TryLock(first); !errors.Is(err, ErrLocked) {
			t.Fatalf("TryLock while the other holds TryLock: %v, want ErrLocked", err)
		}
		if err := Unlock(second); err != nil {
			t.Fatalf("Unlock: %v", err)
		}
	}
}
