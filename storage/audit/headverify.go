package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"abha-deactivate/storage/filelock"
)

// openVerifySnapshot is openSnapshot that also reads the head file under
// the same shared lock, so that the two agree: the head is never ahead of
// the size.
func openVerifySnapshot(path string) (*os.File, int64, trailHead, string, error) {
	var h trailHead
	f, err := openTrail(path, os.O_RDONLY)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, h, HeadMissing, nil
	}
	if err != nil {
		return nil, 0, h, "", err
	}
	if err := filelock.Lock(f, false); err != nil {
		f.Close()
		return nil, 0, h, "", fmt.Errorf("audit: locking %s: %w", path, err)
	}
	fi, err := f.Stat()
	h, state, _ := readHead(path)
	_ = filelock.Unlock(f)
	if err != nil {
		f.Close()
		return nil, 0, h, "", fmt.Errorf("audit: reading %s: %w", path, err)
	}
	return f, fi.Size(), h, state, nil
}

// headCheck compares the trail Verify reads with its head file.
type headCheck struct {
	h     trailHead
	state string // readHead's
	at    seenLine
	seen  bool // the head's last line was read: at holds it
}

// see notes line s, the lines-th non-blank line.
func (c *headCheck) see(s *seenLine, lines int) {
	if c.state == "" && int64(lines) == c.h.Lines {
		c.at, c.seen = *s, true
	}
}

// judge sets rep.Head and, if the chain held until the end, reports a last
// line that no longer matches the head or lines missing from the end.
func (c *headCheck) judge(v *verifier) {
	rep := v.rep
	if c.state != "" {
		rep.Head = c.state
		return
	}
	want, _ := hex.DecodeString(c.h.Hash)
	if c.seen && [sha256.Size]byte(want) == c.at.hash {
		rep.Head = HeadMatches
		return
	}
	rep.Head = HeadMismatch
	name := rep.Path + headSuffix
	if !c.seen {
		n := 1
		if last := v.last(); last != nil {
			n = last.n + 1
		}
		missing := c.h.Lines - int64(rep.Lines)
		v.report(&seenLine{n: n}, BreakCut, fmt.Sprintf("%d line(s) are missing from the end of the trail: "+
			"its head (%s) says the app had written %d lines when it last wrote a record, and the file now has "+
			"%d: lines were removed from the end (or the file was replaced by an older copy)",
			missing, name, c.h.Lines, rep.Lines))
		return
	}
	v.report(&c.at, BreakLastEdited, fmt.Sprintf("line %d, the last record the app wrote, was changed after it was "+
		"written: it no longer matches the trail's head (%s), which holds the hash of that line", c.at.n, name))
}
