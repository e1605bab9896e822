// Tests against the real Windows Credential Manager: they run in the
// Windows test binary (scripts/test-windows-units.sh runs it under Wine).

package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

const wincredChildEnv = "ABHA_SECRETS_WINCRED_CHILD"

// TestCredentialManager runs TestCredentialManagerChild in a fresh process:
// other tests in this binary install go-keyring's mock provider, which
// cannot be undone in-process.
func TestCredentialManager(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCredentialManagerChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), wincredChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("child output:\n%s", out)
	if err != nil {
		t.Fatalf("child failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestCredentialManagerChild") {
		t.Fatal("child did not run the checks")
	}
}

// TestCredentialManagerChild is run by TestCredentialManager.
func TestCredentialManagerChild(t *testing.T) {
	if os.Getenv(wincredChildEnv) == "" {
		t.Skip("run by TestCredentialManager")
	}
	ctx := context.Background()
	k := NewKeyring(10 * time.Second)
	id := fmt.Sprintf("TEST_%d_%d", os.Getpid(), time.Now().UnixNano())
	t.Cleanup(func() { _ = k.Delete(ctx, id) })

	if _, err := k.Get(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: %v, want ErrNotFound", err)
	}
	for _, secret := range []string{"first-Secret-123", "replaced: ünïcødé / \"quotes\" & spaces"} {
		if err := k.Set(ctx, id, secret); err != nil {
			t.Fatalf("Set: %v", err)
		}
		if got, err := k.Get(ctx, id); err != nil || got != secret {
			t.Fatalf("Get: %q, %v", got, err)
		}
		if got, found := credRead(t, Service+":"+id); !found || got != secret {
			t.Fatalf("CredReadW: %q, found %v; want %q", got, found, secret)
		}
	}
	if got, err := NewSession(NewKeyring(10*time.Second)).Get(ctx, id); err != nil || got != "replaced: ünïcødé / \"quotes\" & spaces" {
		t.Fatalf("Get in a new session: %q, %v", got, err)
	}
	if err := k.Delete(ctx, id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := k.Delete(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
	if got, found := credRead(t, Service+":"+id); found {
		t.Fatalf("CredReadW still finds %q after Delete", got)
	}
}

// credential is the start of Windows' CREDENTIALW, up to the blob.
type credential struct {
	Flags              uint32
	Type               uint32
	TargetName         *uint16
	Comment            *uint16
	LastWritten        windows.Filetime
	CredentialBlobSize uint32
	CredentialBlob     *byte
}

var (
	advapi32  = windows.NewLazySystemDLL("advapi32.dll")
	credReadW = advapi32.NewProc("CredReadW")
	credFree  = advapi32.NewProc("CredFree")
)

// credRead reads a generic credential with the Windows API itself, not
// through go-keyring, and returns its blob as text.
func credRead(t *testing.T, target string) (string, bool) {
	t.Helper()
	const credTypeGeneric = 1
	name, err := windows.UTF16PtrFromString(target)
	if err != nil {
		t.Fatal(err)
	}
	var c *credential
	ok, _, callErr := credReadW.Call(uintptr(unsafe.Pointer(name)), credTypeGeneric, 0, uintptr(unsafe.Pointer(&c)))
	if ok == 0 {
		if errors.Is(callErr, windows.ERROR_NOT_FOUND) {
			return "", false
		}
		t.Fatalf("CredReadW(%s): %v", target, callErr)
	}
	defer func() { _, _, _ = credFree.Call(uintptr(unsafe.Pointer(c))) }()
	return string(unsafe.Slice(c.CredentialBlob, c.CredentialBlobSize)), true
}
