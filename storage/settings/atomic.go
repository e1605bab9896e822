package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tempPrefix starts the name of the temporary file next to target.
func tempPrefix(target string) string { return "." + filepath.Base(target) + ".tmp-" }

// writeFileAtomic replaces target with data: it writes a 0600 temporary file
// in the same folder, flushes it to disk, renames it over target and flushes
// the folder. On failure the temporary file is removed and target is untouched.
func writeFileAtomic(target string, data []byte) (err error) {
	dir := filepath.Dir(target)
	f, err := os.CreateTemp(dir, tempPrefix(target)+"*") // CreateTemp uses mode 0600
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

// staleAfter is how old a leftover temporary file must be before Load
// removes it; younger ones may belong to a Save running in another process.
const staleAfter = time.Minute

// removeStaleTemps deletes temporary files left by a process that was killed
// in the middle of a save. Errors are ignored: this is housekeeping.
func removeStaleTemps(target string, now time.Time) {
	dir := filepath.Dir(target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(target)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > staleAfter {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
