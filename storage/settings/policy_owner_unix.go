//go:build unix

package settings

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkPolicyOwner refuses a policy file, or a folder holding it, that
// another user could change: any user could otherwise point every user of
// the computer at another system.
func checkPolicyOwner(fi fs.FileInfo, path string, owner int) error {
	if err := checkOwnedBy(fi, "the file", owner); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("its folder %s cannot be read: %w", dir, err)
	}
	return checkOwnedBy(di, "its folder "+dir, owner)
}

func checkOwnedBy(fi fs.FileInfo, what string, owner int) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("the owner of %s cannot be checked", what)
	}
	perm := fi.Mode().Perm()
	switch {
	case int64(st.Uid) != int64(owner):
		return fmt.Errorf("%s belongs to user ID %d, not %s: only %s may change the facility's settings",
			what, st.Uid, userName(owner), userName(owner))
	case perm&0o002 != 0:
		return fmt.Errorf("every user can change %s (permissions %v): remove their write permission (chmod o-w)", what, perm)
	case perm&0o020 != 0 && st.Gid != 0:
		return fmt.Errorf("group ID %d can change %s (permissions %v): remove the group's write permission (chmod g-w)", st.Gid, what, perm)
	}
	return nil
}

func userName(uid int) string {
	if uid == 0 {
		return "root"
	}
	return fmt.Sprintf("user ID %d", uid)
}
