package auditforward

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"abha-deactivate/storage/atomicfile"
	"abha-deactivate/storage/audit"
)

// CursorSuffix is added to the trail's file name to name its cursor file.
const CursorSuffix = ".forwarded"

// Cursor records how much of the trail the collector has acknowledged.
type Cursor struct {
	Offset   int64     `json:"offset"`             // bytes of the trail acknowledged (always after a "\n")
	LastHash string    `json:"lastHash,omitempty"` // audit.LineHash of the last non-blank line before Offset
	Sent     int64     `json:"sent"`               // records acknowledged in all
	Time     time.Time `json:"time,omitzero"`      // when the last batch was acknowledged
	// Collector is the address the records went to, so that pointing the
	// app at another collector is noticed.
	Collector string `json:"collector,omitempty"`
	// Failed and Error describe the last attempt that failed, if it is
	// more recent than Time.
	Failed time.Time `json:"failed,omitzero"`
	Error  string    `json:"error,omitempty"`
}

// CursorPath is the cursor file of the trail at trail.
func CursorPath(trail string) string { return trail + CursorSuffix }

// LoadCursor reads the cursor of the trail at trail; none is the zero Cursor.
func LoadCursor(trail string) (Cursor, error) {
	var c Cursor
	data, err := os.ReadFile(CursorPath(trail))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("audit forwarding: reading the cursor: %w", err)
	}
	if err := json.Unmarshal(data, &c); err != nil || c.Offset < 0 {
		return Cursor{}, fmt.Errorf("audit forwarding: the cursor file %s is damaged", CursorPath(trail))
	}
	return c, nil
}

// saveCursor replaces the cursor file atomically.
func saveCursor(trail string, c Cursor) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("audit forwarding: encoding the cursor: %w", err)
	}
	if err := atomicfile.Write(CursorPath(trail), append(data, '\n')); err != nil {
		return fmt.Errorf("audit forwarding: saving the cursor: %w", err)
	}
	return nil
}

// checkCursor reports whether c still matches the trail f of the given
// size: its offset is within the file, just after a "\n", and the last
// non-blank line before it hashes to LastHash. A trail that was rotated,
// cut or edited before the offset does not match.
func checkCursor(f io.ReaderAt, size int64, c Cursor) error {
	if c.Offset == 0 {
		return nil
	}
	if c.Offset > size {
		return fmt.Errorf("the trail is shorter (%d bytes) than what was forwarded (%d bytes): it was cut, replaced or rotated", size, c.Offset)
	}
	last, err := lastLineBefore(f, c.Offset)
	if err != nil {
		return err
	}
	if (last == nil && c.LastHash != "") || (last != nil && audit.LineHash(last) != c.LastHash) {
		return errors.New("the last record forwarded is no longer where it was in the trail: the trail was edited, replaced or rotated")
	}
	return nil
}

// lastLineBefore returns the last non-blank line that ends before off,
// which must be just after a "\n". It reads backwards in blocks.
func lastLineBefore(f io.ReaderAt, off int64) ([]byte, error) {
	var tail []byte // the bytes read so far, ending at off
	const block = 4096
	for pos := off; pos > 0; {
		n := min(int64(block), pos)
		pos -= n
		buf := make([]byte, n)
		if _, err := f.ReadAt(buf, pos); err != nil {
			return nil, fmt.Errorf("audit forwarding: reading the trail: %w", err)
		}
		tail = append(buf, tail...)
		if len(tail) == 0 || tail[len(tail)-1] != '\n' {
			return nil, errors.New("what was forwarded does not end at a line end in the trail: the trail was edited or replaced")
		}
		if line, ok := lastNonBlank(tail[:len(tail)-1], pos == 0); ok {
			return line, nil
		}
	}
	return nil, nil
}

// lastNonBlank finds the last non-blank whole line in b (which ends at a
// line end); whole says b starts at the beginning of the file.
func lastNonBlank(b []byte, whole bool) ([]byte, bool) {
	for {
		i := bytes.LastIndexByte(b, '\n')
		if i < 0 {
			if !whole {
				return nil, false
			}
			return b, len(bytes.TrimSpace(b)) > 0
		}
		if line := b[i+1:]; len(bytes.TrimSpace(line)) > 0 {
			return line, true
		}
		b = b[:i]
	}
}
