//go:build linux

package secrets

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const unavailableChildEnv = "ABHA_SECRETS_UNAVAILABLE_CHILD"

// TestRealKeyringUnavailable runs TestUnavailableChild in a child process
// whose D-Bus session address points nowhere, so the real go-keyring backend
// fails, and checks that it passed.
func TestRealKeyringUnavailable(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestUnavailableChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(),
		unavailableChildEnv+"=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/abha-deactivate-test-bus",
	)
	out, err := cmd.CombinedOutput()
	t.Logf("child output:\n%s", out)
	if err != nil {
		t.Fatalf("child failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestUnavailableChild") {
		t.Fatal("child did not run the check")
	}
}

// TestUnavailableChild is run by TestRealKeyringUnavailable.
func TestUnavailableChild(t *testing.T) {
	if os.Getenv(unavailableChildEnv) == "" {
		t.Skip("run by TestRealKeyringUnavailable")
	}
	ctx := context.Background()
	s := NewSession(NewKeyring(5 * time.Second))
	err := s.Set(ctx, "SBX_UNAVAILABLE", "abc123-secret")
	assertSessionOnly(t, s, err)
	t.Logf("keyring error: %v", errors.Unwrap(err))
	if strings.Contains(errors.Unwrap(err).Error(), "abc123-secret") {
		t.Error("keyring error leaks the secret")
	}
	if v, err := s.Get(ctx, "SBX_UNAVAILABLE"); err != nil || v != "abc123-secret" {
		t.Fatalf("Get from the session: %q, %v", v, err)
	}
	if _, err := NewKeyring(5*time.Second).Get(ctx, "SBX_UNAVAILABLE"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("keyring Get: %v, want ErrUnavailable", err)
	}
}
