package audit

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"time"
)

// Kinds of break in the chain, as far as a hash chain can tell them apart.
const (
	// BreakEdited: a line was changed: its own link and the next line's link
	// to it both fail.
	BreakEdited = "edited"
	// BreakEditedOrRemoved: the next record does not link to this line: it
	// was changed after it was written, or the line(s) after it were removed
	// (a hash chain cannot tell which).
	BreakEditedOrRemoved = "edited-or-removed"
	// BreakRemoved: the first line links to a line that is not in the file.
	BreakRemoved = "removed"
	// BreakOutOfOrder: a record links to a line that is not just before it:
	// lines were swapped, moved, copied or removed.
	BreakOutOfOrder = "out-of-order"
	// BreakDamaged: a line inside the chain is not a readable record (cut
	// off by a crash or a full disk, or edited by hand).
	BreakDamaged = "damaged"
	// BreakUnchained: a record after the chain began has no link (its prev
	// was removed, or it was added by hand or by a version of the app
	// without the chain).
	BreakUnchained = "unchained"
	// BreakLastEdited: the last record the app wrote was changed: it does
	// not match the hash kept in the head file (audit.jsonl.head).
	BreakLastEdited = "last-line-edited"
	// BreakCut: lines were removed from the end of the file: it has fewer
	// lines than the head file says the app had written.
	BreakCut = "cut-from-end"
)

// VerifyReport is what Verify found.
type VerifyReport struct {
	Path          string `json:"path"`
	Lines         int    `json:"lines"`         // non-blank lines
	Legacy        int    `json:"legacy"`        // lines before the chain began (the first of them without prev)
	LegacyDamaged int    `json:"legacyDamaged"` // of those, lines that are not readable records
	Chained       int    `json:"chained"`       // records with a link (prev)
	Intact        bool   `json:"intact"`
	// Head is what was found of the head file (see chain.go): HeadMatches,
	// HeadMismatch (then Break says how), HeadMissing (a trail from before
	// the head; not a break) or HeadUnreadable (not a break either, as a
	// head file is only a check: the next append writes it again).
	Head  string      `json:"head"`
	Break *ChainBreak `json:"break,omitempty"` // the first break, if any
}

// ChainBreak is the first place where the chain does not hold.
type ChainBreak struct {
	Line   int        `json:"line"` // 1-based line number in the file (blank lines counted)
	Kind   string     `json:"kind"` // one of the Break constants
	ID     string     `json:"id,omitempty"`
	Time   *time.Time `json:"time,omitempty"`
	Reason string     `json:"reason"` // in plain words
}

// verifyWindow is how many lines Verify looks back and ahead to tell a
// reordering from an edit or a removal.
const verifyWindow = 16

// seenLine is what Verify keeps of a line, without an allocation.
type seenLine struct {
	n       int  // line number
	long    bool // longer than MaxLine: not read, not a record
	hash    [sha256.Size]byte
	ok      bool // a readable record
	hasPrev bool
	prevOK  bool // prev is 64 lowercase hex digits, decoded into prev
	prev    [sha256.Size]byte
	time    time.Time // decodeLink's, or zero: then the time is timeText
	timeLen uint8
	timeBuf [30]byte // a canonical UTC time (View.Decode took the line)
	idLen   int
	idBuf   [64]byte
	idLong  string // an ID longer than idBuf
}

// when is the record's time.
func (s *seenLine) when() time.Time {
	if s.timeLen > 0 {
		return rawTime(s.timeBuf[:s.timeLen])
	}
	return s.time
}

func (s *seenLine) id() string {
	if s.idLong != "" {
		return s.idLong
	}
	return string(s.idBuf[:s.idLen])
}

// linksTo reports whether s's prev is the hash h.
func (s *seenLine) linksTo(h [sha256.Size]byte) bool { return s.hasPrev && s.prevOK && s.prev == h }

// lineScratch is what newSeenLine decodes into, reused from line to line.
type lineScratch struct {
	rec  Record
	view View
}

// newSeenLine hashes and decodes line number n: with View, for a line as
// Append writes it, else with decodeLink.
func newSeenLine(n int, line []byte, scratch *lineScratch) seenLine {
	s := seenLine{n: n, hash: lineHash(line)}
	var id, prev []byte
	scratch.view.linkOnly = true
	ok := scratch.view.Decode(line)
	if ok {
		v := &scratch.view
		id, prev = v.ID, v.Prev
		s.timeLen = uint8(copy(s.timeBuf[:], v.TimeText)) // canonical: at most 30 bytes
	} else if id, prev, s.time, ok = decodeLink(line, &scratch.rec); !ok {
		return s
	}
	s.ok, s.hasPrev = true, len(prev) > 0
	if len(id) <= len(s.idBuf) {
		s.idLen = copy(s.idBuf[:], id)
	} else {
		s.idLong = string(id)
	}
	if len(prev) == 2*sha256.Size {
		bad := byte(0)
		for i := range s.prev {
			hi, lo := hexValue[prev[2*i]], hexValue[prev[2*i+1]]
			bad |= hi | lo
			s.prev[i] = hi<<4 | lo&0x0f
		}
		s.prevOK = bad&0x10 == 0
	}
	return s
}

// hexValue is the value of a lowercase hex digit, or 0x10 for any other byte.
var hexValue = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		default:
			t[c] = 0x10
		}
	}
	return t
}()

// longHash stands for the hash of a line longer than MaxLine, which is not
// computed: no record links to such a line.
var longHash = func() (h [sha256.Size]byte) {
	for i := range h {
		h[i] = 0xff
	}
	return h
}()

// chainStart is ChainStart decoded.
var chainStart [sha256.Size]byte

// Verify reads the whole file once, front to back, in constant memory, and
// checks the chain of links (see chain.go): every record after the chain
// began must be readable, have a prev, and link to the non-blank line just
// before it. A broken chain is reported in the VerifyReport, not as an
// error; the error is for I/O failures only. A missing file is intact and
// empty. Lines before the chain began are counted but cannot be checked,
// except the last of them, which the first link covers. The end of the file
// is checked against the head file (chain.go): a changed last record or
// lines cut from the end are breaks; a missing head is not. A trail that is
// not a regular file is refused (ErrNotRegular).
func (l *Log) Verify(ctx context.Context) (VerifyReport, error) {
	rep := VerifyReport{Path: l.path, Intact: true}
	file, size, h, state, err := openVerifySnapshot(l.path)
	if err != nil || file == nil {
		rep.Head = state
		return rep, err
	}
	defer file.Close()
	v := verifier{rep: &rep}
	hc := headCheck{h: h, state: state}
	// Hashing and decoding, the bulk of the work, run on every core; the
	// links are then checked in order.
	err = hashLines(ctx, io.NewSectionReader(sharedReader{file}, 0, size), func(s *seenLine) {
		rep.Lines++
		v.add(s)
		hc.see(s, rep.Lines)
	})
	if err != nil {
		return rep, fmt.Errorf("audit: verifying %s: %w", l.path, err)
	}
	v.finish()
	hc.judge(&v)
	rep.Intact = rep.Break == nil
	return rep, nil
}

// verifier is the state of Verify between lines.
type verifier struct {
	rep     *VerifyReport
	started bool // a record with prev has been seen
	// The last non-blank lines, the latest at ring[(count-1)%len(ring)]:
	// the line before the one being added, and verifyWindow before that.
	ring    [verifyWindow + 1]seenLine
	count   int
	pending *mismatch // a failed link, waiting for the lines after it
}

// mismatch is a link that failed, with the lines read after it.
type mismatch struct {
	at, before seenLine // the record whose prev failed, the line before it
	hasBefore  bool
	behind     []seenLine // the lines before that, oldest first
	ahead      []seenLine
}

// last is the previous non-blank line, or nil.
func (v *verifier) last() *seenLine {
	if v.count == 0 {
		return nil
	}
	return &v.ring[(v.count-1)%len(v.ring)]
}

// add checks the next non-blank line.
func (v *verifier) add(s *seenLine) {
	n := s.n
	if v.pending != nil {
		v.pending.ahead = append(v.pending.ahead, *s)
		if len(v.pending.ahead) == verifyWindow {
			v.settle()
		}
	}
	last := v.last()
	switch {
	case !v.started && !s.hasPrev:
		v.rep.Legacy++
		if !s.ok {
			v.rep.LegacyDamaged++
		}
	case !v.started:
		v.started = true
		v.rep.Chained++
		if last != nil && !last.ok {
			// The line the chain begins with (e.g. a cut-off last line).
			v.report(last, BreakDamaged, damagedReason(last))
		}
		v.link(s, last)
	case !s.ok:
		v.report(s, BreakDamaged, damagedReason(s))
	case !s.hasPrev:
		v.report(s, BreakUnchained, fmt.Sprintf("line %d has no link (prev) to the line before it, although the chain "+
			"began earlier: its link was removed, or the line was added by hand or by an older version of the app", n))
	default:
		v.rep.Chained++
		v.link(s, last)
	}
	v.ring[v.count%len(v.ring)] = *s
	v.count++
}

func damagedReason(s *seenLine) string {
	if s.long {
		return fmt.Sprintf("line %d is damaged: it is longer than %d bytes, far longer than any record the app "+
			"writes (written by hand or by another program), so it was not read", s.n, MaxLine)
	}
	return fmt.Sprintf("line %d is damaged: it is not a readable record (cut off by a crash or a full disk, "+
		"or edited by hand)", s.n)
}

// link checks that s links to last, the line before it.
func (v *verifier) link(s, last *seenLine) {
	want := chainStart
	if last != nil {
		want = last.hash
	}
	if s.linksTo(want) || v.rep.Break != nil || v.pending != nil {
		return
	}
	m := &mismatch{at: *s}
	if last != nil {
		m.before, m.hasBefore = *last, true
		for i := max(0, v.count-len(v.ring)); i < v.count-1; i++ {
			m.behind = append(m.behind, v.ring[i%len(v.ring)])
		}
	}
	v.pending = m
}

// settle names the pending mismatch, once the lines after it are read.
func (v *verifier) settle() {
	m := v.pending
	v.pending = nil
	if v.rep.Break != nil {
		return
	}
	b := &m.at
	if !m.hasBefore {
		v.report(b, BreakRemoved, fmt.Sprintf("line %d links to a line that is not in the file: the line or lines "+
			"before it were removed", b.n))
		return
	}
	a := &m.before
	if b.linksTo(chainStart) {
		v.report(b, BreakOutOfOrder, fmt.Sprintf("line %d says it is the first line of the trail, but line %d comes "+
			"before it: lines were added before it, moved, or two files were joined", b.n, a.n))
		return
	}
	for _, x := range m.ahead {
		if b.linksTo(x.hash) {
			v.report(b, BreakOutOfOrder, fmt.Sprintf("%s out of order or removed: line %d links to "+
				"line %d, which comes after it", lineRange(b.n, x.n), b.n, x.n))
			return
		}
	}
	for i := len(m.behind) - 1; i >= 0; i-- {
		if x := m.behind[i]; b.linksTo(x.hash) {
			v.report(b, BreakOutOfOrder, fmt.Sprintf("%s added, or lines are out of order or removed: line %d links "+
				"to line %d, not to line %d just before it", lineRange(x.n+1, a.n), b.n, x.n, a.n))
			return
		}
	}
	if len(m.ahead) > 0 {
		if c := &m.ahead[0]; c.ok && c.hasPrev && !c.linksTo(b.hash) {
			v.report(b, BreakEdited, fmt.Sprintf("line %d was changed after it was written: its link to line %d "+
				"does not match, nor does the link of line %d to it", b.n, a.n, c.n))
			return
		}
	}
	v.report(a, BreakEditedOrRemoved, fmt.Sprintf("line %d does not link to line %d before it: line %d was changed "+
		"after it was written, or one or more lines between them were removed", b.n, a.n, a.n))
}

// finish settles a mismatch near the end of the file.
func (v *verifier) finish() {
	if v.pending != nil {
		v.settle()
	}
}

// report records the first break, at line s.
func (v *verifier) report(s *seenLine, kind, reason string) {
	if v.rep.Break != nil {
		return
	}
	if v.pending != nil && v.pending.at.n < s.n {
		v.settle() // an earlier failed link comes first
		if v.rep.Break != nil {
			return
		}
	}
	b := &ChainBreak{Line: s.n, Kind: kind, Reason: reason}
	if s.ok {
		t := s.when()
		b.ID, b.Time = s.id(), &t
	}
	v.rep.Break = b
}

// lineRange is "line 4 is", "lines 4 and 5 are" or "lines 4 to 9 are".
func lineRange(from, to int) string {
	switch {
	case from == to:
		return fmt.Sprintf("line %d is", from)
	case from+1 == to:
		return fmt.Sprintf("lines %d and %d are", from, to)
	}
	return fmt.Sprintf("lines %d to %d are", from, to)
}
