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
//     lost from the chain.

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

// lineHashHex is lineHash as Prev spells it.
func lineHashHex(line []byte) string {
	sum := lineHash(line)
	return hex.EncodeToString(sum[:])
}

// blank reports whether a line holds only white space.
func blank(line []byte) bool { return len(bytes.TrimSpace(line)) == 0 }

// tailLink reads the end of a file of the given size backwards, only as far
// as its last non-blank line, and returns the Prev of a record appended
// after it, and whether the file ends in a cut-off line (no final newline).
func tailLink(r io.ReaderAt, size int64) (prev string, cutOff bool, err error) {
	if size == 0 {
		return ChainStart, false, nil
	}
	rl := newReverseLines(r, size, 4<<10)
	first := true
	for {
		line, _, err := rl.next()
		if err == io.EOF {
			return ChainStart, cutOff, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("reading the end of the file: %w", err)
		}
		if first {
			// The segment after the last newline: empty unless the last line is cut off.
			cutOff, first = len(line) > 0, false
		}
		if !blank(line) {
			return lineHashHex(line), cutOff, nil
		}
	}
}
