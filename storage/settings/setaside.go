package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// moveAside renames path to path.corrupt-20261126T073500Z (UTC), adding -2,
// -3, ... if that name is taken, so an earlier copy is never overwritten.
// It returns the new path.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	for i := 1; i <= 100; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		err := moveNoReplace(path, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("too many set-aside copies named %s-*", base)
}

// moveNoReplace renames from to to, failing with fs.ErrExist if to exists.
// A hard link gives that guarantee atomically; where links are not
// supported it checks first and renames.
func moveNoReplace(from, to string) error {
	err := os.Link(from, to)
	if err == nil {
		if err := os.Remove(from); err != nil {
			return fmt.Errorf("removing %s after copying it aside: %w", from, err)
		}
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, statErr := os.Lstat(to); statErr == nil {
		return fs.ErrExist
	}
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("setting %s aside: %w", from, err)
	}
	return nil
}
