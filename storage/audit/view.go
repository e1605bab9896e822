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

	t        time.Time // SetTime's
	seen     uint32    // the fields seen, by number
	linkOnly bool      // keep only viewLinkFields (for Verify): the other fields are checked, not kept
}

// viewLinkFields are the text fields a linkOnly View keeps: Verify's ID and
// prev, and what valid checks.
const viewLinkFields = 1<<fID | 1<<fPrev | 1<<fEvent | 1<<fABHANumber

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
// could: see View. The keys are first compared, a word at a time, with
// those Append writes next (in the order of Record's fields, the empty ones
// left out); a string is the bytes up to the next quote, all printable
// ASCII but a backslash, checked eight at a time (str). Every byte of the
// line is checked: by a key, a string, a number or the JSON around them.
func (v *View) Decode(line []byte) bool {
	*v = View{Reasons: v.Reasons[:0], linkOnly: v.linkOnly}
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' {
		return false
	}
	for i, next := 1, 0; ; {
		f, j, ok := v.key(line, i, next)
		if !ok {
			return false
		}
		next = f + 1
		if i, ok = v.value(line, j, f); !ok || i >= len(line) {
			return false
		}
		switch line[i] {
		case ',':
			i++
		case '}':
			return i == len(line)-1 && v.valid()
		default:
			return false
		}
	}
}

// commaFreeIn reports whether no value of line, which Decode took into v,
// holds a comma: every comma of the line is then between fields.
func (v *View) commaFreeIn(line []byte) bool {
	nr := len(v.Reasons)
	between := bits.OnesCount32(v.seen) - 1 + nr + max(nr-1, 0)
	return bytes.Count(line, []byte{','}) == between
}

// key scans `"key":` at line[i:]: the field, not seen before, and where its
// value starts; next is the field Append writes next, tried first.
func (v *View) key(line []byte, i, next int) (f, at int, ok bool) {
	f = len(keyWords)
	if len(line)-i >= 16 {
		x, y := binary.LittleEndian.Uint64(line[i:]), binary.LittleEndian.Uint64(line[i+8:])
		// The keys from next on that begin with the key's first letter.
		for c := keyStarts[line[i+1]] &^ (1<<next - 1); c != 0; c &= c - 1 {
			if k := &keyWords[bits.TrailingZeros32(c)]; x&k.mask1 == k.lo && y&k.mask2 == k.hi {
				f, at = bits.TrailingZeros32(c), i+k.n
				break
			}
		}
	}
	if f == len(keyWords) { // not in Append's order
		var k []byte
		if k, i, ok = v.str(line, i); !ok || i >= len(line) || line[i] != ':' {
			return 0, i, false
		}
		if f, ok = fieldOf(k); !ok {
			return 0, i, false
		}
		at = i + 1
	}
	if v.seen&(1<<f) != 0 {
		return 0, i, false
	}
	v.seen |= 1 << f
	return f, at, true
}

// keyWord is a key as Append writes it, `"name":` (5 to 16 bytes), as the
// two words of 16 bytes that hold it, and masks of its bytes in them.
type keyWord struct {
	lo, hi, mask1, mask2 uint64
	n                    int
}

// keyWords are the keys by field number; key compares a line's next 16
// bytes with them.
var keyWords = func() (k [len(fieldNames)]keyWord) {
	for f, name := range fieldNames {
		var lit, mask [16]byte
		n := copy(lit[:], `"`+name+`":`)
		for i := range n {
			mask[i] = 0xff
		}
		le := binary.LittleEndian
		k[f] = keyWord{lo: le.Uint64(lit[:]), hi: le.Uint64(lit[8:]), mask1: le.Uint64(mask[:]), mask2: le.Uint64(mask[8:]), n: n}
	}
	return k
}()

// keyStarts are the fields whose key begins with each byte, as bits.
var keyStarts = func() (s [256]uint32) {
	for f, name := range fieldNames {
		s[name[0]] |= 1 << f
	}
	return s
}()

// fieldNames are the JSON keys of Record's fields, by field number.
var fieldNames = [...]string{fID: "id", fTime: "time", fEvent: "event", fAction: "action", fAPI: "api",
	fOSUser: "osUser", fEnvironment: "environment", fClientID: "clientId", fHIPID: "hipId",
	fABHANumber: "abhaNumber", fTxnID: "txnId", fReasons: "reasons", fOtherText: "otherText",
	fLoginMethod: "loginMethod", fOTPMethod: "otpMethod", fOutcome: "outcome", fCode: "code",
	fMessage: "message", fDurationMS: "durationMs", fPrev: "prev"}

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
	} else if !v.linkOnly || viewLinkFields&(1<<f) != 0 {
		*v.field(f) = s
	}
	return i, true
}

// str scans a string at line[i:]: its bytes and where it ends. It looks
// at eight bytes at a time: a quote, a byte below 0x20, a backslash or a
// byte above 0x7e ends up with its high bit set, and the lowest such byte
// is a true one (a borrow or carry only marks the bytes above it). The
// string must end at a quote: any other of those bytes fails it.
func (v *View) str(line []byte, i int) ([]byte, int, bool) {
	if i >= len(line) || line[i] != '"' {
		return nil, i, false
	}
	j := i + 1
	for ; j+16 <= len(line); j += 16 {
		m1, m2 := special(binary.LittleEndian.Uint64(line[j:])), special(binary.LittleEndian.Uint64(line[j+8:]))
		if m1|m2 != 0 {
			if m1 == 0 {
				j, m1 = j+8, m2
			}
			return strEnd(line, i, j+bits.TrailingZeros64(m1)/8)
		}
	}
	if j+8 <= len(line) {
		if m := special(binary.LittleEndian.Uint64(line[j:])); m != 0 {
			return strEnd(line, i, j+bits.TrailingZeros64(m)/8)
		}
		j += 8
	}
	for ; j < len(line); j++ {
		if c := line[j]; c == '"' || c < 0x20 || c == '\\' || c >= 0x7f {
			return strEnd(line, i, j)
		}
	}
	return nil, i, false
}

// special marks (with its high bit) each byte of x that is a quote, below
// 0x20, a backslash or above 0x7e; the lowest mark is exact.
func special(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, bs := x^(ones*'"'), x^(ones*'\\')
	return (((q - ones) &^ q) | ((bs - ones) &^ bs) | (x - ones*0x20) | x | (x + ones)) & highs
}

// strEnd ends the string that began at i on the special byte at j.
func strEnd(line []byte, i, j int) ([]byte, int, bool) {
	if line[j] != '"' {
		return nil, i, false
	}
	return line[i+1 : j], j + 1, true
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
		code, j, ok := v.str(line, i+len(`{"code":`))
		if !ok || !bytes.HasPrefix(line[j:], []byte(`,"label":`)) {
			return i, false
		}
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
