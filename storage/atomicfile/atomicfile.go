// Package atomicfile replaces a file's contents all at once: a reader, or a
// crash or power cut, sees the old contents or the new, never a mix.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// TempPrefix starts the name of the temporary file Write makes next to
// target; a file of that name left behind is from a process killed in the
// middle of a Write.
func TempPrefix(target string) string { return "." + filepath.Base(target) + ".tmp-" }

// Write replaces target with data, as a 0600 file: see WriteWith.
func Write(target string, data []byte) error {
	return WriteWith(target, 0o600, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteWith replaces target with what write writes: it writes a temporary
// file with mode perm in the same folder, flushes it to disk, renames it
// over target and flushes the folder. On failure (write's included) the
// temporary file is removed and target is untouched.
func WriteWith(target string, perm os.FileMode, write func(w io.Writer) error) (err error) {
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
	if perm != 0o600 {
		if err := f.Chmod(perm); err != nil {
			return fmt.Errorf("setting the mode of %s: %w", tmp, err)
		}
	}
	if err := write(f); err != nil {
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
