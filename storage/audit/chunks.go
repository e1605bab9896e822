package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// Chunks reads the audit trail forward, oldest line first, in chunks of
// whole lines, for exports that go through the file in order (audit export
// --fhir) and decode the chunks on several cores. It sees the file as it was
// when Log.Chunks opened it; each read takes the shared lock only while it
// reads, so appends never wait long. Not safe for concurrent use.
type Chunks struct {
	path  string
	f     *os.File // nil for a missing file
	r     sharedReader
	size  int64 // the snapshot's size
	pos   int64 // the next byte to read
	carry []byte
}

// Chunks opens the trail for a forward read. A missing file has no chunks.
// Close it when done.
func (l *Log) Chunks() (*Chunks, error) {
	f, size, err := openSnapshot(l.path)
	if err != nil {
		return nil, err
	}
	c := &Chunks{path: l.path, f: f, size: size}
	if f != nil {
		c.r = sharedReader{f}
	}
	return c, nil
}

// Next fills buf (its length is ignored, its capacity used; give at least
// 64 KiB) with the next whole lines and returns them, with their trailing
// newlines, and the file offset of their first byte. A line longer than buf
// gets a larger buffer of its own. The last chunk may end without a newline
// (a cut-off last line). At the end it returns io.EOF.
func (c *Chunks) Next(ctx context.Context, buf []byte) ([]byte, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	start := c.pos - int64(len(c.carry))
	buf = append(buf[:0], c.carry...)
	c.carry = c.carry[:0]
	for {
		if c.f == nil || c.pos >= c.size {
			if len(buf) == 0 {
				return nil, 0, io.EOF
			}
			return buf, start, nil // a last line without its newline
		}
		if cap(buf)-len(buf) < 4096 {
			buf = append(buf, make([]byte, cap(buf)+64<<10)...)[:len(buf)] // grow: one line fills it
		}
		n := int(min(int64(cap(buf)-len(buf)), c.size-c.pos))
		got, err := c.r.ReadAt(buf[len(buf):len(buf)+n], c.pos)
		if got < n {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // the file is shorter than when the read began
			}
			return nil, 0, fmt.Errorf("audit: reading %s: %w", c.path, err)
		}
		c.pos += int64(n)
		buf = buf[:len(buf)+n]
		if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
			c.carry = append(c.carry, buf[i+1:]...)
			return buf[:i+1], start, nil
		}
	}
}

// LineAt reads into buf (reused) the line that starts at file offset off
// (found through Next) and returns it without its newline.
func (c *Chunks) LineAt(ctx context.Context, off int64, buf []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	buf = buf[:0]
	for pos := off; c.f != nil && pos < c.size; {
		n := int(min(4096, c.size-pos))
		buf = append(buf, make([]byte, n)...)
		got, err := c.r.ReadAt(buf[len(buf)-n:], pos)
		if got < n {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("audit: reading %s: %w", c.path, err)
		}
		if i := bytes.IndexByte(buf[len(buf)-n:], '\n'); i >= 0 {
			return buf[:len(buf)-n+i], nil
		}
		pos += int64(n)
	}
	return buf, nil
}

// Close closes the file.
func (c *Chunks) Close() error {
	if c.f == nil {
		return nil
	}
	return c.f.Close()
}

// ParseLine decodes one line of the trail as the readers do: ok is false for
// a damaged line or one that is not a record. The ABHA number comes out
// masked. For readers outside this package that go through Chunks.
func ParseLine(line []byte) (Record, bool) { return parseLine(line) }
