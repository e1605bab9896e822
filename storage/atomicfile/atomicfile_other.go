//go:build !unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// syncDir does nothing where folders cannot be flushed (Windows: the rename
// is made durable by the file system itself).
func syncDir(string) error { return nil }

// replaceFile renames from over to (MoveFileEx with MOVEFILE_REPLACE_EXISTING
// on Windows). A virus scanner or indexer may hold the target open for a
// moment, so access errors are retried briefly.
func replaceFile(from, to string) error {
	var err error
	for i := 0; i < 10; i++ {
		if err = os.Rename(from, to); err == nil || !errors.Is(err, fs.ErrPermission) {
			return err
		}
		time.Sleep(time.Duration(i+1) * 20 * time.Millisecond)
	}
	return err
}
