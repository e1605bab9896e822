package audit

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"time"
)

// The fastest decoder, for `audit --csv` and Verify over long trails: it
// takes only a line exactly as Append writes it (json.Marshal of a Record:
// no white space, no escape, printable ASCII only, each key once and
// spelled as Record's tags, reasons as {"code","label"} objects, a canonical
// UTC time) and keeps each field as the bytes of the line, without
// allocating. Any other line (escapes, non-ASCII text, unknown keys, a time
// with an offset...) is not decided here: ok is false, and the caller
// decodes it with decodeLine, which is exact. So for any line it accepts,
// rawLine holds what decodeLine would give, and the line is a record.

// maxRawReasons is the most reasons rawLine keeps; a line with more goes to decodeLine.
const maxRawReasons = 8

// rawLine is a record as the bytes of its line.
type rawLine struct {
	f       [fPrev + 1][]byte // string fields by index (fTime: the time string; fReasons, fDurationMS: unused)
	seen    uint32
	reasons [maxRawReasons][2][]byte // code, label
	nReason int
	dur     int64
	// No value holds a comma: every comma of the line is between fields.
	commaFree bool
	quotes    []int32 // where the line's double quotes are (index)
	qi        int     // the next of them
}

// printableASCII reports whether every byte of b is printable ASCII
// (0x20-0x7e) other than a backslash: then a JSON string in b has no escape
// and is its own bytes.
func printableASCII(b []byte) bool {
	var r rawLine
	return r.index(b)
}

// index reports whether line is printableASCII and, if so, puts the
// places of its double quotes in r.quotes: in such a line each one opens or
// closes a string, so the scan finds strings without searching for them.
func (r *rawLine) index(line []byte) bool {
	if bytes.IndexByte(line, '\\') >= 0 || bytes.IndexByte(line, 0x7f) >= 0 { // both vectorised
		return false
	}
	// Eight bytes at a time: bytes >= 0x80 (their high bits), bytes < 0x20
	// ("has a byte less than n" of Bit Twiddling Hacks, exact for "any"),
	// and the quotes (an exact per-byte zero test of x ^ '"').
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	q := r.quotes[:0]
	var bad uint64
	i := 0
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:])
		bad |= x | ((x - ones*0x20) &^ x)
		y := x ^ (ones * '"')
		for m := ^(((y & lows) + lows) | y | lows); m != 0; m &= m - 1 {
			q = append(q, int32(i+bits.TrailingZeros64(m)/8))
		}
	}
	for ; i < len(line); i++ {
		if c := line[i]; c < 0x20 || c >= 0x80 {
			return false
		} else if c == '"' {
			q = append(q, int32(i))
		}
	}
	r.quotes, r.qi = q, 0
	return bad&highs == 0
}

// scan fills r from line and reports whether line is a record in the shape
// above; r is reset first.
func (r *rawLine) scan(line []byte) bool {
	r.f, r.seen, r.nReason, r.dur = [fPrev + 1][]byte{}, 0, 0, 0
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' || !r.index(line) {
		return false
	}
	for i := 1; ; {
		f, j, ok := r.key(line, i)
		if !ok {
			return false
		}
		if i, ok = r.value(line, j, f); !ok || i >= len(line) {
			return false
		}
		switch line[i] {
		case ',':
			i++
		case '}':
			if i != len(line)-1 || !r.valid() {
				return false
			}
			between := bits.OnesCount32(r.seen) - 1 + r.nReason + max(r.nReason-1, 0)
			r.commaFree = bytes.Count(line, []byte{','}) == between
			return true
		default:
			return false
		}
	}
}

// key scans `"key":` at line[i:]: the field, not seen before, and where its value starts.
func (r *rawLine) key(line []byte, i int) (f, next int, ok bool) {
	k, i, ok := r.str(line, i)
	if !ok {
		return 0, i, false
	}
	f, ok = fieldOf(k)
	if !ok || r.seen&(1<<f) != 0 || i >= len(line) || line[i] != ':' {
		return 0, i, false
	}
	r.seen |= 1 << f
	return f, i + 1, true
}

// value scans the value of field f at line[i:] and returns where it ends.
func (r *rawLine) value(line []byte, i, f int) (int, bool) {
	switch f {
	case fReasons:
		return r.reasonList(line, i)
	case fDurationMS:
		return r.int64(line, i)
	}
	s, i, ok := r.str(line, i)
	if ok {
		r.f[f] = s
	}
	return i, ok
}

// str scans a string at line[i:] (no escapes in the line): its bytes and
// where it ends.
func (r *rawLine) str(line []byte, i int) ([]byte, int, bool) {
	if r.qi+1 >= len(r.quotes) || int(r.quotes[r.qi]) != i {
		return nil, i, false
	}
	end := int(r.quotes[r.qi+1])
	r.qi += 2
	return line[i+1 : end], end + 1, true
}

// reasonList scans [{"code":"…","label":"…"},…].
func (r *rawLine) reasonList(line []byte, i int) (int, bool) {
	if i+1 >= len(line) || line[i] != '[' {
		return i, false
	}
	i++
	if line[i] == ']' {
		return i + 1, true
	}
	for r.nReason < maxRawReasons {
		if !bytes.HasPrefix(line[i:], []byte(`{"code":`)) {
			return i, false
		}
		r.qi += 2 // the quotes of "code"
		code, j, ok := r.str(line, i+len(`{"code":`))
		if !ok || !bytes.HasPrefix(line[j:], []byte(`,"label":`)) {
			return i, false
		}
		r.qi += 2
		label, j, ok := r.str(line, j+len(`,"label":`))
		if !ok || j+1 >= len(line) || line[j] != '}' {
			return i, false
		}
		r.reasons[r.nReason] = [2][]byte{code, label}
		r.nReason++
		switch line[j+1] {
		case ',':
			i = j + 2
		case ']':
			return j + 2, true
		default:
			return i, false
		}
	}
	return i, false
}

// int64 scans a whole number as json.Marshal writes one (no fraction, no
// exponent, no leading zero) that fits an int64.
func (r *rawLine) int64(line []byte, i int) (int, bool) {
	neg := i < len(line) && line[i] == '-'
	if neg {
		i++
	}
	start := i
	var n int64
	for ; i < len(line) && line[i] >= '0' && line[i] <= '9'; i++ {
		d := int64(line[i] - '0')
		if n > (1<<63-1-d)/10 {
			return i, false
		}
		n = n*10 + d
	}
	if i == start || (line[start] == '0' && i > start+1) {
		return i, false
	}
	if neg {
		n = -n
	}
	r.dur = n
	return i, true
}

// valid reports whether the fields make a record as decodeLine decides,
// and the ABHA number is one it would not change.
func (r *rawLine) valid() bool {
	ev := r.f[fEvent]
	return len(r.f[fID]) > 0 && (string(ev) == EventIntent || string(ev) == EventOutcome) &&
		canonicalTime(r.f[fTime]) && rawMaskedABHA(r.f[fABHANumber])
}

// rawMaskedABHA reports whether n is empty or XX-XXXX-XXXX-dddd, which
// abdm.MaskABHANumber leaves as it is.
func rawMaskedABHA(n []byte) bool {
	if len(n) == 0 {
		return true
	}
	if len(n) != 17 || string(n[:13]) != "XX-XXXX-XXXX-" {
		return false
	}
	for _, c := range n[13:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// canonicalTime reports whether t is a time as json.Marshal writes a UTC
// time, YYYY-MM-DDTHH:MM:SS[.fraction]Z, of a valid date after year 1 (so
// not the zero time), which time.Time.UnmarshalJSON accepts as it is.
func canonicalTime(t []byte) bool {
	if !timeShape(t) {
		return false
	}
	year, month, day := num(t[0:4]), num(t[5:7]), num(t[8:10])
	return year > 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(time.Month(month), year) &&
		num(t[11:13]) < 24 && num(t[14:16]) < 60 && num(t[17:19]) < 60
}

// timeShape reports whether t is digits in the shape of canonicalTime.
func timeShape(t []byte) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(t) < 20 || len(t) == 21 || len(t) > 30 || t[len(t)-1] != 'Z' || (len(t) > 20 && t[19] != '.') {
		return false
	}
	for k, c := range t[:len(t)-1] {
		want := byte('d')
		switch {
		case k < len(shape):
			want = shape[k]
		case k == len(shape):
			continue // the '.' of the fraction
		}
		if digit := c >= '0' && c <= '9'; (want == 'd') != digit || (!digit && c != want) {
			return false
		}
	}
	return true
}

// num is the value of a run of ASCII digits.
func num(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// rawTime is the time canonicalTime accepted.
func rawTime(t []byte) time.Time {
	ns := 0
	if len(t) > 20 {
		frac := t[20 : len(t)-1]
		ns = num(frac)
		for range 9 - len(frac) {
			ns *= 10
		}
	}
	return time.Date(num(t[0:4]), time.Month(num(t[5:7])), num(t[8:10]), num(t[11:13]), num(t[14:16]),
		num(t[17:19]), ns, time.UTC)
}
