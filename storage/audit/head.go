package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
)

// MaxLine is the longest line a reader takes as a record, in bytes
// (without its newline). A record Append writes is far shorter: its free
// texts are cut to 500 characters, so even escaped they take a few
// kilobytes. A longer line is damage: readers skip it (counting it as
// damaged) without ever holding it whole, Verify reports it, and Append
// refuses to write one.
const MaxLine = 64 << 10

// headSuffix names the head file next to the trail: audit.jsonl.head.
const headSuffix = ".head"

// headLen is the length of the head file: its JSON, padded with spaces and
// ended by a newline, so that each write replaces it whole in one write.
const headLen = 192

// trailHead is the head file (see chain.go).
type trailHead struct {
	V     int    `json:"v"`     // 1
	Size  int64  `json:"size"`  // bytes of the trail after the last append
	Lines int64  `json:"lines"` // its non-blank lines
	Hash  string `json:"hash"`  // the chain hash of its last line (the record last appended)
}

var hashHex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// headState is what a reader found of the head file.
const (
	HeadMissing    = "missing"    // no head file: a trail from before the head, or never appended to
	HeadUnreadable = "unreadable" // a head file that is not one (damaged, or edited by hand)
	HeadMatches    = "matches"    // the head matches the trail
	HeadMismatch   = "mismatch"   // the trail's end does not match its head
)

// readHead reads the head file of the trail at path. A missing head gives
// HeadMissing; one that cannot be understood gives HeadUnreadable and an
// error saying why (never for a missing file); otherwise "" and the head.
func readHead(path string) (trailHead, string, error) {
	var h trailHead
	f, err := openTrail(path+headSuffix, os.O_RDONLY)
	if errors.Is(err, os.ErrNotExist) {
		return h, HeadMissing, nil
	}
	if err != nil {
		return h, HeadUnreadable, err
	}
	defer f.Close()
	buf := make([]byte, 4<<10)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return h, HeadUnreadable, fmt.Errorf("audit: reading %s%s: %w", path, headSuffix, err)
	}
	if err := json.Unmarshal(buf[:n], &h); err != nil || h.V != 1 || h.Size <= 0 || h.Lines <= 0 ||
		!hashHex.MatchString(h.Hash) {
		return trailHead{}, HeadUnreadable, fmt.Errorf("audit: %s%s is not a head file", path, headSuffix)
	}
	return h, "", nil
}

// writeHead replaces the head file of the trail at path with h, in one
// write of headLen bytes. It is not flushed to disk: after a crash the head
// may be behind the trail (the trail is flushed first), which Append and
// Verify take as lines appended after the head, never as damage.
func writeHead(path string, h trailHead) error {
	h.V = 1
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encoding the head: %w", err)
	}
	if len(b) >= headLen {
		return fmt.Errorf("a head of %d bytes", len(b))
	}
	b = append(b, bytes.Repeat([]byte{' '}, headLen-1-len(b))...)
	b = append(b, '\n')
	f, err := openTrail(path+headSuffix, os.O_WRONLY|os.O_CREATE)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("writing %s%s: %w", path, headSuffix, err)
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > headLen {
		if err := f.Truncate(headLen); err != nil {
			return fmt.Errorf("writing %s%s: %w", path, headSuffix, err)
		}
	}
	return nil
}

// lineEndingAt returns the line of r that ends with the newline at end-1,
// reading at most MaxLine+1 bytes before end; ok is false if end-1 is not
// a newline or the line is longer than MaxLine.
func lineEndingAt(r io.ReaderAt, end int64) (line []byte, ok bool, err error) {
	if end <= 0 {
		return nil, false, nil
	}
	from := max(0, end-MaxLine-2)
	buf := make([]byte, end-from)
	if n, err := r.ReadAt(buf, from); n < len(buf) {
		return nil, false, fmt.Errorf("reading the end of the file: %w", err)
	}
	if buf[len(buf)-1] != '\n' {
		return nil, false, nil
	}
	buf = buf[:len(buf)-1]
	i := bytes.LastIndexByte(buf, '\n')
	if i < 0 && from > 0 {
		return nil, false, nil // longer than MaxLine
	}
	return buf[i+1:], true, nil
}

// countLines counts the non-blank lines of r in [from, to), as Verify
// counts them (a line longer than MaxLine counts as one), reading 64 KiB at
// a time.
func countLines(ctx context.Context, r io.ReaderAt, from, to int64) (int64, error) {
	var n int64
	var cur []byte // the line being read, up to MaxLine+1 bytes
	long := false
	end := func() {
		if long || !blank(cur) {
			n++
		}
		cur, long = cur[:0], false
	}
	buf := make([]byte, 64<<10)
	for off := from; off < to; {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		b := buf[:min(int64(len(buf)), to-off)]
		if got, err := r.ReadAt(b, off); got < len(b) {
			return 0, fmt.Errorf("counting lines: %w", err)
		}
		off += int64(len(b))
		for len(b) > 0 {
			i := bytes.IndexByte(b, '\n')
			seg := b
			if i >= 0 {
				seg, b = b[:i], b[i+1:]
			} else {
				b = nil
			}
			if !long {
				cur = append(cur, seg[:min(len(seg), MaxLine+1-len(cur))]...)
				long = len(cur) > MaxLine
			}
			if i >= 0 {
				end()
			}
		}
	}
	if len(cur) > 0 || long {
		end()
	}
	return n, nil
}
