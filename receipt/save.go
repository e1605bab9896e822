package receipt

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Save writes d's receipt to path atomically: the PDF is made in memory,
// written to a temporary file in the same folder, synced, then renamed over
// path. On failure nothing is left behind, and a file already at path is
// untouched. ctx is checked before the file is written.
func (m *Maker) Save(ctx context.Context, path string, d Data) (err error) {
	var buf bytes.Buffer
	if err := m.Write(&buf, d); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the system allows it (not on
// Windows, where a folder cannot be opened for syncing; the rename is
// durable there without it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
