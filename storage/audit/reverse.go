package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"abha-deactivate/storage/filelock"
)

// maxChunk is the largest read of the reverse line reader.
const maxChunk = 1 << 20

// reverseLines reads the lines of the first size bytes of r from the last to
// the first, reading chunks backwards from the end (each twice as large as
// the one before, up to maxChunk). A line longer than MaxLine is not kept:
// it is passed over (long is set, and the line returned is empty), so memory
// is at most a chunk and MaxLine however long the lines are.
type reverseLines struct {
	r        io.ReaderAt
	pos      int64  // file offset of buf[0]: the bytes before it are not read yet
	buf      []byte // buf[:n] holds the file's bytes [pos, pos+n) not returned yet
	n        int
	chunk    int
	done     bool
	skipping bool // in a line longer than MaxLine: its bytes read so far were dropped
	long     bool // the line last returned was longer than MaxLine
}

// newReverseLines starts at size and reads chunk bytes first.
func newReverseLines(r io.ReaderAt, size int64, chunk int) *reverseLines {
	return &reverseLines{r: r, pos: size, chunk: chunk}
}

// next returns the line before the previous one (the last line first)
// without its "\n", and the file offset where it starts; io.EOF after the
// first line. The segment after the final newline comes first: empty unless
// the file ends in a cut-off line. The line is valid until the next call.
// After a line longer than MaxLine, rl.long is true and the line is empty.
func (rl *reverseLines) next() ([]byte, int64, error) {
	rl.long = false
	for {
		if i := bytes.LastIndexByte(rl.buf[:rl.n], '\n'); i >= 0 {
			line := rl.buf[i+1 : rl.n]
			rl.n = i
			if rl.skipping || len(line) > MaxLine {
				rl.skipping, rl.long, line = false, true, line[:0]
			}
			return line, rl.pos + int64(i) + 1, nil
		}
		if rl.n > MaxLine {
			rl.skipping, rl.n = true, 0 // a line too long to be a record: drop what is read of it
		}
		if rl.pos == 0 {
			if rl.done {
				return nil, 0, io.EOF
			}
			rl.done = true
			line := rl.buf[:rl.n]
			if rl.skipping {
				rl.skipping, rl.long, line = false, true, line[:0]
			}
			return line, 0, nil
		}
		c := int(min(int64(rl.chunk), rl.pos))
		need := rl.n + c
		if cap(rl.buf) < need {
			nb := make([]byte, need, max(need, 2*cap(rl.buf)))
			copy(nb[c:], rl.buf[:rl.n])
			rl.buf = nb
		} else {
			rl.buf = rl.buf[:need]
			copy(rl.buf[c:], rl.buf[:rl.n])
		}
		if got, err := rl.r.ReadAt(rl.buf[:c], rl.pos-int64(c)); got < c {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // the file is shorter than when the read began
			}
			return nil, 0, err
		}
		rl.pos -= int64(c)
		rl.n = need
		rl.chunk = min(2*rl.chunk, maxChunk)
	}
}

// sharedReader reads a file under a shared lock taken for each read, so that
// a long read (a slow consumer, a paging window left open) never holds up an
// append for more than one chunk. The audit trail is append-only, so the
// bytes before a size seen under the lock never change.
type sharedReader struct{ f *os.File }

func (s sharedReader) ReadAt(p []byte, off int64) (int, error) {
	if err := filelock.Lock(s.f, false); err != nil {
		return 0, fmt.Errorf("locking: %w", err)
	}
	n, err := s.f.ReadAt(p, off)
	if uerr := filelock.Unlock(s.f); err == nil && uerr != nil {
		err = fmt.Errorf("unlocking: %w", uerr)
	}
	return n, err
}

// openSnapshot opens the audit file for reading and returns it with its size
// taken under a shared lock (so no append is half written at that size).
// A missing file gives a nil file and no error.
func openSnapshot(path string) (*os.File, int64, error) {
	f, err := openTrail(path, os.O_RDONLY)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if err := filelock.Lock(f, false); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("audit: locking %s: %w", path, err)
	}
	fi, err := f.Stat()
	_ = filelock.Unlock(f)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("audit: reading %s: %w", path, err)
	}
	return f, fi.Size(), nil
}
