//go:build unix

package atomicfile

import "os"

// syncDir flushes a folder so that a rename inside it survives a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replaceFile renames from over to; on Unix this is atomic.
func replaceFile(from, to string) error { return os.Rename(from, to) }
