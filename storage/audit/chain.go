package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// The hash chain. Every record Append writes carries in Prev the lowercase
// hex SHA-256 of the previous non-blank line of the file, so that editing,
// removing or reordering lines breaks a link that Verify finds:
//
//   - the bytes hashed are the line exactly as stored, without its
//     terminating "\n" and with every "\r" byte removed (so a file whose
//     line ends were turned into CRLF still verifies);
//   - a line is blank when it holds only white space (as the readers count
//     lines); blank lines are not hashed and are passed over by the chain;
//   - the first line of a file links to ChainStart (64 zeros);
//   - a file written before the chain existed keeps its old lines as they
//     are: the first new record links to the last old line, so that line is
//     covered too, and the chain runs from there;
//   - a cut-off last line (a crash or a full disk in the middle of a write,
//     or an edit by hand) is kept: Append ends it with a newline and the
//     new record links to the cut-off line's bytes. Verify reports that line
//     as damaged, since a cut-off line is damage, but nothing after it is
//     lost from the chain;
//   - a line longer than MaxLine (64 KiB) is no record: it is never read
//     whole, so never hashed; Verify reports it as damaged, and a record
//     appended after it links to the head's line (below), or to ChainStart
//     without a head.
//
// A chain alone cannot see a change to its last line, nor lines cut from
// its end: nothing links to them. Hence the head, a small file next to the
// trail (audit.jsonl.head) that Append writes after each record, under the
// trail's exclusive lock, in one write of 192 bytes: one JSON object padded
// with spaces and ended by a newline,
//
//	{"v":1,"size":123456,"lines":789,"hash":"<64 hex digits>"}
//
// where size is the trail's length in bytes after the record, lines its
// non-blank lines (as Verify counts them, a line longer than MaxLine
// included), and hash the chain hash of the record's line. Before linking,
// Append checks that the trail still ends with that line at that size, or
// has only grown after it (reading at most about MaxLine bytes at each
// place). If not (the last line was changed, or lines were cut), the new
// record links to the head's hash, not to the file's last line, so that the
// change stays visible as a break, and the append goes on (with a warning
// in the log): the desk is never blocked. Verify checks that the lines-th
// non-blank line hashes to hash: a mismatch is BreakLastEdited; fewer lines
// than the head says is BreakCut. A missing head (a trail from before it)
// is no break: Append counts the trail's lines once and writes it. The head
// is not flushed to disk: after a crash it may be behind the trail, which
// is the same as lines written after it, never a break.
//
// What the head cannot show: a trail rewritten whole together with its
// head (or with the head deleted) by someone who can write the files. Only
// a copy outside the workstation (the records forwarded to the facility's
// collector) shows that.

// ChainStart is the Prev of the first line of a file.
const ChainStart = "0000000000000000000000000000000000000000000000000000000000000000"

// lineHash is the chain hash of one line (without its "\n").
func lineHash(line []byte) [sha256.Size]byte {
	if bytes.IndexByte(line, '\r') < 0 {
		return sha256.Sum256(line)
	}
	h := sha256.New()
	for len(line) > 0 {
		i := bytes.IndexByte(line, '\r')
		if i < 0 {
			i = len(line)
		}
		h.Write(line[:i])
		line = line[min(i+1, len(line)):]
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// LineHash is the chain hash of a trail line (without its "\n") as Prev
// spells it: the SHA-256 of its bytes with every "\r" removed, in lowercase
// hex. The collector's copy is checked against it (storage/auditforward).
func LineHash(line []byte) string {
	sum := lineHash(line)
	return hex.EncodeToString(sum[:])
}

// blank reports whether a line holds only white space (as bytes.TrimSpace
// sees it: every such character is ASCII up to ' ', or not ASCII).
func blank(line []byte) bool {
	if len(line) > 0 && line[0] > ' ' && line[0] < 0x80 {
		return false // the common case, without a call
	}
	return len(bytes.TrimSpace(line)) == 0
}

// tailBound is the most Append reads of the end of the trail to find its
// last line: MaxLine and a little more, however long the trail or its last line.
const tailBound = MaxLine + 4<<10

// tail is what Append found at the end of the file.
type tail struct {
	found  bool   // a non-blank last line within tailBound
	hash   string // its chain hash
	end    int64  // where it ends, its newline included (the file size if cut off)
	cutOff bool   // the file does not end with a newline
}

// readTail reads at most tailBound bytes at the end of a file of the given
// size and finds its last non-blank line. A last line longer than MaxLine
// (or only blank lines in the bytes read) leaves found false.
func readTail(r io.ReaderAt, size int64) (tail, error) {
	var t tail
	if size == 0 {
		return t, nil
	}
	from := max(0, size-tailBound)
	buf := make([]byte, size-from)
	if n, err := r.ReadAt(buf, from); n < len(buf) {
		return t, fmt.Errorf("reading the end of the file: %w", err)
	}
	t.cutOff = buf[len(buf)-1] != '\n'
	end := len(buf)
	for end > 0 {
		lineEnd := end
		if buf[end-1] == '\n' {
			lineEnd = end - 1
		}
		i := bytes.LastIndexByte(buf[:lineEnd], '\n')
		if i < 0 && from > 0 {
			return t, nil // the line may go on before the bytes read
		}
		line := buf[i+1 : lineEnd]
		if !blank(line) {
			if len(line) <= MaxLine {
				t.found, t.hash, t.end = true, LineHash(line), from+int64(end)
			}
			return t, nil
		}
		end = i + 1
	}
	return t, nil
}
