//go:build secretservice

// Tests against a real Secret Service (gnome-keyring on a private D-Bus
// session): run them with scripts/test-keyring.sh.

package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

const realChildEnv = "ABHA_SECRETS_REAL_CHILD"

// TestSecretService runs TestSecretServiceChild in a fresh process: other
// tests in this binary install go-keyring's mock provider, which cannot be
// undone in-process.
func TestSecretService(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("secret-tool and the Secret Service are Linux only")
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("no D-Bus session: run scripts/test-keyring.sh")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecretServiceChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), realChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("child output:\n%s", out)
	if err != nil {
		t.Fatalf("child failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestSecretServiceChild") {
		t.Fatal("child did not run the checks")
	}
}

// TestSecretServiceChild is run by TestSecretService.
func TestSecretServiceChild(t *testing.T) {
	if os.Getenv(realChildEnv) == "" {
		t.Skip("run by TestSecretService")
	}
	ctx := context.Background()
	k := NewKeyring(10 * time.Second)
	id := fmt.Sprintf("TEST_%d_%d", os.Getpid(), time.Now().UnixNano())
	t.Cleanup(func() { _ = k.Delete(ctx, id) })

	t.Run("missing", func(t *testing.T) {
		if _, err := k.Get(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get: %v, want ErrNotFound", err)
		}
		if err := k.Delete(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Delete: %v, want ErrNotFound", err)
		}
	})

	t.Run("set, get and secret-tool lookup", func(t *testing.T) {
		for _, secret := range []string{"first-Secret-123", "replaced: ünïcødé / \"quotes\" & spaces"} {
			if err := k.Set(ctx, id, secret); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if got, err := k.Get(ctx, id); err != nil || got != secret {
				t.Fatalf("Get: %q, %v", got, err)
			}
			if got := lookup(t, id); got != secret {
				t.Fatalf("secret-tool lookup service %s username %s: %q, want %q", Service, id, got, secret)
			}
		}
	})

	t.Run("stored by secret-tool, read by us", func(t *testing.T) {
		other := id + "_ST"
		cmd := exec.Command("secret-tool", "store", "--label=abha-deactivate test", "service", Service, "username", other)
		cmd.Stdin = strings.NewReader("from-secret-tool")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("secret-tool store: %v: %s", err, out)
		}
		defer func() { _ = k.Delete(ctx, other) }()
		if got, err := k.Get(ctx, other); err != nil || got != "from-secret-tool" {
			t.Fatalf("Get: %q, %v", got, err)
		}
	})

	t.Run("session over the real keyring", func(t *testing.T) {
		s := NewSession(k)
		if err := s.Set(ctx, id, "via-session"); err != nil || s.SessionOnly() {
			t.Fatalf("Set: %v, SessionOnly %v", err, s.SessionOnly())
		}
		// A new session (the next app start) finds it in the keyring.
		if got, err := NewSession(NewKeyring(10*time.Second)).Get(ctx, id); err != nil || got != "via-session" {
			t.Fatalf("Get in a new session: %q, %v", got, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := k.Delete(ctx, id); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := k.Get(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get after Delete: %v", err)
		}
		if got := lookup(t, id); got != "" {
			t.Fatalf("secret-tool still finds %q", got)
		}
	})
}

// lookup asks secret-tool for the secret, "" if there is none.
func lookup(t *testing.T, id string) string {
	t.Helper()
	out, err := exec.Command("secret-tool", "lookup", "service", Service, "username", id).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && len(out) == 0 {
		return "" // secret-tool exits 1 when nothing matches
	}
	if err != nil {
		t.Fatalf("secret-tool lookup: %v", err)
	}
	return string(out)
}
