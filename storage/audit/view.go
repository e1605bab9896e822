package audit

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"time"
)

// View is a record decoded without copying or allocating, for the readers
// that go through millions of lines (`audit --csv`, Verify, `audit export
// --fhir`): its text fields are slices of the line (valid as long as the
// line is), each printable ASCII without a quote or a backslash, so that
// they can be copied into CSV or JSON as they are.
//
// View.Decode takes only a line exactly as Append writes it (json.Marshal
// of a Record: no white space, no escape, printable ASCII only, each key
// once and spelled as Record's tags, reasons as {"code","label"} objects, a
// canonical UTC time, a masked ABHA number). Any other line (escapes,
// non-ASCII text, unknown keys, a time with an offset...) is not decided
// here: Decode reports false, and the caller decodes it with the general
// path (parseLine, ParseLine or decodeLink), which is exact. So for any
// line it accepts, View holds what parseLine would give, and the line is a
// record.
type View struct {
	ID, Event, Action, API, OSUser, Environment, ClientID, HIPID []byte
	ABHANumber, TxnID, OtherText, LoginMethod, OTPMethod         []byte
	Outcome, Code, Message, Prev                                 []byte
	Reasons                                                      []ReasonView
	TimeText                                                     []byte // the time as stored (Decode: canonical UTC)
	DurationMS                                                   int64

	t         time.Time // SetTime's
	seen      uint32    // the fields seen, by number
	commaFree bool      // no value holds a comma: every comma of the line is between fields
	quotes    []int32   // where the line's double quotes are (index)
	qi        int       // the next of them
}

// ReasonView is a Reason in a View.
type ReasonView struct{ Code, Label []byte }

// maxViewReasons is the most reasons Decode takes; a line with more goes to the general path.
const maxViewReasons = 8

// Time is the record's time, in UTC.
func (v *View) Time() time.Time {
	if !v.t.IsZero() || len(v.TimeText) == 0 {
		return v.t
	}
	return rawTime(v.TimeText)
}

// SetTime sets the time of a View filled by hand (from a Record the general
// path decoded); TimeText is then left empty.
func (v *View) SetTime(t time.Time) { v.t, v.TimeText = t.UTC(), nil }

// Decode decodes line into v (reusing v's buffers) and reports whether it
// could: see View.
func (v *View) Decode(line []byte) bool {
	*v = View{Reasons: v.Reasons[:0], quotes: v.quotes}
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' || !v.index(line) {
		return false
	}
	for i := 1; ; {
		f, j, ok := v.key(line, i)
		if !ok {
			return false
		}
		if i, ok = v.value(line, j, f); !ok || i >= len(line) {
			return false
		}
		switch line[i] {
		case ',':
			i++
		case '}':
			if i != len(line)-1 || !v.valid() {
				return false
			}
			nr := len(v.Reasons)
			between := bits.OnesCount32(v.seen) - 1 + nr + max(nr-1, 0)
			v.commaFree = bytes.Count(line, []byte{','}) == between
			return true
		default:
			return false
		}
	}
}

// printableASCII reports whether every byte of b is printable ASCII
// (0x20-0x7e) other than a backslash: then a JSON string in b has no escape
// and is its own bytes.
func printableASCII(b []byte) bool {
	var v View
	return v.index(b)
}

// index reports whether line is printableASCII and, if so, puts the
// places of its double quotes in v.quotes: in such a line each one opens or
// closes a string, so the scan finds strings without searching for them.
func (v *View) index(line []byte) bool {
	if bytes.IndexByte(line, '\\') >= 0 || bytes.IndexByte(line, 0x7f) >= 0 { // both vectorised
		return false
	}
	// Eight bytes at a time: bytes >= 0x80 (their high bits), bytes < 0x20
	// ("has a byte less than n" of Bit Twiddling Hacks, exact for "any"),
	// and the quotes (an exact per-byte zero test of x ^ '"').
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	q := v.quotes[:0]
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
	v.quotes, v.qi = q, 0
	return bad&highs == 0
}

// key scans `"key":` at line[i:]: the field, not seen before, and where its value starts.
func (v *View) key(line []byte, i int) (f, next int, ok bool) {
	k, i, ok := v.str(line, i)
	if !ok {
		return 0, i, false
	}
	f, ok = fieldOf(k)
	if !ok || v.seen&(1<<f) != 0 || i >= len(line) || line[i] != ':' {
		return 0, i, false
	}
	v.seen |= 1 << f
	return f, i + 1, true
}

// value scans the value of field f at line[i:] and returns where it ends.
func (v *View) value(line []byte, i, f int) (int, bool) {
	switch f {
	case fReasons:
		return v.reasonList(line, i)
	case fDurationMS:
		return v.int64(line, i)
	}
	s, i, ok := v.str(line, i)
	if !ok {
		return i, false
	}
	if f == fTime {
		v.TimeText = s
	} else {
		*v.field(f) = s
	}
	return i, true
}

// str scans a string at line[i:] (no escapes in the line): its bytes and
// where it ends.
func (v *View) str(line []byte, i int) ([]byte, int, bool) {
	if v.qi+1 >= len(v.quotes) || int(v.quotes[v.qi]) != i {
		return nil, i, false
	}
	end := int(v.quotes[v.qi+1])
	v.qi += 2
	return line[i+1 : end], end + 1, true
}

// reasonList scans [{"code":"…","label":"…"},…].
func (v *View) reasonList(line []byte, i int) (int, bool) {
	if i+1 >= len(line) || line[i] != '[' {
		return i, false
	}
	i++
	if line[i] == ']' {
		return i + 1, true
	}
	for len(v.Reasons) < maxViewReasons {
		if !bytes.HasPrefix(line[i:], []byte(`{"code":`)) {
			return i, false
		}
		v.qi += 2 // the quotes of "code"
		code, j, ok := v.str(line, i+len(`{"code":`))
		if !ok || !bytes.HasPrefix(line[j:], []byte(`,"label":`)) {
			return i, false
		}
		v.qi += 2
		label, j, ok := v.str(line, j+len(`,"label":`))
		if !ok || j+1 >= len(line) || line[j] != '}' {
			return i, false
		}
		v.Reasons = append(v.Reasons, ReasonView{Code: code, Label: label})
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
func (v *View) int64(line []byte, i int) (int, bool) {
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
	v.DurationMS = n
	return i, true
}

// valid reports whether the fields make a record as parseLine decides,
// and the ABHA number is one it would not change.
func (v *View) valid() bool {
	ev := v.Event
	return len(v.ID) > 0 && (string(ev) == EventIntent || string(ev) == EventOutcome) &&
		canonicalTime(v.TimeText) && rawMaskedABHA(v.ABHANumber)
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

// field is the text field f of v (not time, reasons nor duration).
func (v *View) field(f int) *[]byte {
	if f < fABHANumber {
		return v.head(f)
	}
	switch f {
	case fABHANumber:
		return &v.ABHANumber
	case fTxnID:
		return &v.TxnID
	case fOtherText:
		return &v.OtherText
	case fLoginMethod:
		return &v.LoginMethod
	case fOTPMethod:
		return &v.OTPMethod
	case fOutcome:
		return &v.Outcome
	case fCode:
		return &v.Code
	case fMessage:
		return &v.Message
	}
	return &v.Prev
}

// head is field for the fields before ABHANumber.
func (v *View) head(f int) *[]byte {
	switch f {
	case fID:
		return &v.ID
	case fEvent:
		return &v.Event
	case fAction:
		return &v.Action
	case fAPI:
		return &v.API
	case fOSUser:
		return &v.OSUser
	case fEnvironment:
		return &v.Environment
	case fClientID:
		return &v.ClientID
	}
	return &v.HIPID
}
