package secrets

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const noBusChildEnv = "ABHA_SECRETS_NO_BUS_CHILD"

// TestNoBusStartsNoProgram runs TestNoBusChild in a child process with no
// session bus address, an empty runtime folder and a fake `dbus-launch` first
// on PATH that writes its environment to a file. The keyring must be
// unavailable, and the fake must never have run: it would have received the
// secrets in the environment.
func TestNoBusStartsNoProgram(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "dbus-launch-ran.env")
	fake := filepath.Join(dir, "bin", "dbus-launch")
	if err := os.MkdirAll(filepath.Dir(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nenv > '" + record + "'\necho DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/fake-bus\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	runtimeDir := filepath.Join(dir, "run")
	if err := os.Mkdir(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoBusChild$", "-test.v", "-test.count=1")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") &&
			!strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, noBusChildEnv+"=1", "XDG_RUNTIME_DIR="+runtimeDir,
		"PATH="+filepath.Dir(fake)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"ABDM_CLIENT_SECRET=child-env-secret-value")
	out, err := cmd.CombinedOutput()
	t.Logf("child output:\n%s", out)
	if data, err := os.ReadFile(record); err == nil {
		t.Fatalf("dbus-launch was started, with this environment:\n%s", data)
	}
	if err != nil {
		t.Fatalf("child failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestNoBusChild") {
		t.Fatal("child did not run the check")
	}
}

// TestNoBusChild is run by TestNoBusStartsNoProgram.
func TestNoBusChild(t *testing.T) {
	if os.Getenv(noBusChildEnv) == "" {
		t.Skip("run by TestNoBusStartsNoProgram")
	}
	ctx := context.Background()
	k := NewKeyring(5 * time.Second)
	for name, call := range map[string]func() error{
		"get":    func() error { _, err := k.Get(ctx, "SBX_NO_BUS"); return err },
		"set":    func() error { return k.Set(ctx, "SBX_NO_BUS", "abc123-secret") },
		"delete": func() error { return k.Delete(ctx, "SBX_NO_BUS") },
	} {
		err := call()
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "D-Bus session bus") {
			t.Errorf("%s: %v, want ErrUnavailable naming the missing session bus", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "abc123-secret") {
			t.Errorf("%s: the error holds the secret", name)
		}
	}
}
