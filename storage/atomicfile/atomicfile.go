// Package atomicfile replaces a file's contents all at once: a reader, or a
// crash or power cut, sees the old contents or the new, never a mix.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// TempPrefix starts the name of the temporary file Write makes next to
// target; a file of that name left behind is from a process killed in the
// middle of a Write.
func TempPrefix(target string) string { return "." + filepath.Base(target) + ".tmp-" }

// Write replaces target with data: it writes a 0600 temporary file in the
// same folder, flushes it to disk, renames it over target and flushes the
// folder. On failure the temporary file is removed and target is untouched.
func Write(target string, data []byte) (err error) {
	dir := filepath.Dir(target)
	f, err := os.CreateTemp(dir, TempPrefix(target)+"*") // CreateTemp uses mode 0600
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if !renamed {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("flushing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	if err := replaceFile(tmp, target); err != nil {
		return fmt.Errorf("replacing %s: %w", target, err)
	}
	renamed = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("flushing folder %s: %w", dir, err)
	}
	return nil
}
