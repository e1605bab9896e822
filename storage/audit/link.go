package audit

import (
	"context"
	"fmt"
	"io"
)

// link is how Append links a new record to the trail (see chain.go).
type link struct {
	prev   string
	cutOff bool   // the file ends in a cut-off line: the record goes on a line of its own
	lines  int64  // non-blank lines of the file before the record
	warn   string // why the record does not link to the file's last line, or "" if it does
}

// appendLink decides the link of a record appended to the trail at path, of
// the given size, read through r, under the exclusive lock. It reads the
// head file and at most about MaxLine bytes of each of two places in the
// trail; it counts the trail's lines (reading it whole, in 64 KiB pieces)
// only when there is no head to count from or the head does not match.
func appendLink(ctx context.Context, r io.ReaderAt, size int64, path string) (link, error) {
	t, err := readTail(r, size)
	if err != nil {
		return link{}, err
	}
	l := link{cutOff: t.cutOff, prev: ChainStart}
	h, state, herr := readHead(path)
	switch {
	case state == "":
		ok, err := headHolds(r, size, h, t)
		if err != nil {
			return link{}, err
		}
		l.prev = h.Hash // the line the head names: kept, even if it was changed since
		if ok {
			return l, l.afterHead(ctx, r, size, h, t, path)
		}
		l.warn = fmt.Sprintf("the end of the audit trail no longer matches its head (%s%s): its last line was "+
			"changed or lines were removed after the last record was written. The new record links to the line "+
			"last written, so that \"audit verify\" shows the change", path, headSuffix)
	case t.found:
		l.prev = t.hash
	case size > 0:
		l.warn = longLastLine(path)
	}
	if state == HeadUnreadable {
		l.warn = fmt.Sprintf("%v: it is written again with this record", herr)
	}
	l.lines, err = countLines(ctx, r, 0, size)
	return l, err
}

// afterHead finishes l for a trail that has only grown since its head h:
// its last line, if any, was written after the head (by an append that
// crashed before it wrote the head, or by an older version of the app).
func (l *link) afterHead(ctx context.Context, r io.ReaderAt, size int64, h trailHead, t tail, path string) error {
	switch {
	case size == h.Size:
		l.lines = h.Lines
	case t.found:
		l.prev = t.hash
		n, err := countLines(ctx, r, h.Size, size) // as a rule one line, or none
		if err != nil {
			return err
		}
		l.lines = h.Lines + n
	default:
		// A last line longer than MaxLine: damage that Verify reports. The
		// lines after the head are not read (nor counted: one is assumed),
		// and the record links to the head's line.
		l.lines = h.Lines + 1
		l.warn = longLastLine(path)
	}
	return nil
}

func longLastLine(path string) string {
	return fmt.Sprintf("the last line of %s is longer than %d bytes, so not a record: the new record cannot "+
		"link to it (\"audit verify\" reports it as damaged)", path, MaxLine)
}

// headHolds reports whether the trail, of the given size and tail t, still
// ends as its head says, or has only grown after it.
func headHolds(r io.ReaderAt, size int64, h trailHead, t tail) (bool, error) {
	switch {
	case h.Size == size:
		return t.found && !t.cutOff && t.end == size && t.hash == h.Hash, nil
	case h.Size < size:
		line, ok, err := lineEndingAt(r, h.Size)
		return ok && err == nil && LineHash(line) == h.Hash, err
	}
	return false, nil // shorter than it was
}
