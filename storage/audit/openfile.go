package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by the error of every reader and writer of the
// trail when its path is not a regular file (a FIFO, a folder, a device, a
// socket): such a trail is refused at once rather than read, since reading a
// FIFO blocks until a writer comes and a device may never end.
var ErrNotRegular = errors.New("not a regular file")

// openTrail opens the trail at path with flag (os.O_RDONLY, or os.O_RDWR...
// for Append) without ever blocking on what is there: it checks the path
// with Stat first, opens with O_NONBLOCK where the system has it (a FIFO
// opened for reading would otherwise wait for a writer), then checks the
// open file again with Fstat (the path may have changed in between).
func openTrail(path string, flag int) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi.Mode())
	}
	f, err := os.OpenFile(path, flag|nonBlock, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: opening %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit: reading %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, fi.Mode())
	}
	return f, nil
}

// OpenTrail opens the trail at path for reading as every reader of it
// does: a path that is not a regular file is refused at once with
// ErrNotRegular. A missing trail's error wraps fs.ErrNotExist.
func OpenTrail(path string) (*os.File, error) { return openTrail(path, os.O_RDONLY) }

// notRegular is the error for a trail of mode m.
func notRegular(path string, m fs.FileMode) error {
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return fmt.Errorf("audit: %s is %s, not the audit trail: %w (move it aside and tell the facility's IT)",
		path, what, ErrNotRegular)
}
