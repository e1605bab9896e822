//go:build unix

package settings

import (
	"os"
	"path/filepath"
	"testing"
)

func machinePolicy() (Policy, error) { return LoadPolicyFile(MachinePolicyPath(), 0) }

func TestMachinePolicyPath(t *testing.T) {
	for goos, want := range map[string]string{
		"linux":   "/etc/abha-deactivate/settings.json",
		"freebsd": "/etc/abha-deactivate/settings.json",
		"darwin":  "/Library/Application Support/abha-deactivate/settings.json",
	} {
		if got := machinePolicyPath(goos); got != want {
			t.Errorf("%s: %q, want %q", goos, got, want)
		}
	}
}

func TestPolicyFileUnderAFile(t *testing.T) {
	notDir := writePolicy(t, "{}")
	path := filepath.Join(notDir, "settings.json") // a file where the folder should be
	p, err := LoadPolicyFile(path, os.Getuid())
	checkDamaged(t, p, err, path, "cannot be read")
}

// TestPolicyFileOthersCanChange: a policy any other user could write is
// refused, whatever it says.
func TestPolicyFileOthersCanChange(t *testing.T) {
	const good = `{"environment":"production"}`
	chmod := func(t *testing.T, path string, mode os.FileMode) {
		t.Helper()
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("world-writable file", func(t *testing.T) {
		path := writePolicy(t, good)
		chmod(t, path, 0o646)
		p, err := LoadPolicyFile(path, os.Getuid())
		checkDamaged(t, p, err, path, "every user can change the file")
	})
	t.Run("world-writable folder", func(t *testing.T) {
		path := writePolicy(t, good)
		chmod(t, filepath.Dir(path), 0o777)
		p, err := LoadPolicyFile(path, os.Getuid())
		checkDamaged(t, p, err, path, "every user can change its folder")
	})
	t.Run("group-writable, group not root", func(t *testing.T) {
		path := writePolicy(t, good)
		if os.Getuid() == 0 {
			if err := os.Chown(path, 0, 65534); err != nil {
				t.Fatal(err)
			}
		} else if os.Getgid() == 0 {
			t.Fatal("the test needs a group other than root: run it as root or with another group")
		}
		chmod(t, path, 0o664)
		p, err := LoadPolicyFile(path, os.Getuid())
		checkDamaged(t, p, err, path, "can change the file")
	})
	t.Run("owned by someone else", func(t *testing.T) {
		path := writePolicy(t, good)
		p, err := LoadPolicyFile(path, os.Getuid()+1)
		checkDamaged(t, p, err, path, "the file belongs to user ID")
	})
	t.Run("owner-only is fine", func(t *testing.T) {
		path := writePolicy(t, good)
		chmod(t, path, 0o600)
		if p, err := LoadPolicyFile(path, os.Getuid()); err != nil || !p.Locks(FieldEnvironment) {
			t.Fatalf("%+v, %v", p, err)
		}
	})
}

// TestPolicyFileSymlinkChecksTheTarget: a link in a safe folder to a file
// another user owns is refused.
func TestPolicyFileSymlinkChecksTheTarget(t *testing.T) {
	target := writePolicy(t, `{"environment":"production"}`)
	chmod := os.Chmod(target, 0o666)
	if chmod != nil {
		t.Fatal(chmod)
	}
	link := filepath.Join(t.TempDir(), "settings.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPolicyFile(link, os.Getuid())
	checkDamaged(t, p, err, link, "every user can change the file")
}
