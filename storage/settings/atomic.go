package settings

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"abha-deactivate/storage/atomicfile"
)

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
	prefix := atomicfile.TempPrefix(target)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > staleAfter {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
