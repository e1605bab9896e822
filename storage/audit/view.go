package audit

import (
	"encoding/binary"
	"math/bits"
	"time"
)

// View is a record decoded without copying, for exports that turn millions
// of lines into another format: its text fields are slices of the line
// (valid as long as the line is), each holding printable ASCII only, with
// no quote or backslash, so that it can be copied into JSON as it is.
// ABHANumber is as stored: mask it (abdm.MaskABHANumber) unless it already
// has the masked form.
type View struct {
	ID, Event, Action, API, OSUser, Environment, ClientID, HIPID []byte
	ABHANumber, TxnID, OtherText, LoginMethod, OTPMethod         []byte
	Outcome, Code, Message, Prev                                 []byte
	Reasons                                                      []ReasonView
	Time                                                         time.Time
	TimeText                                                     []byte // the time as stored
	DurationMS                                                   int64
}

// ReasonView is a Reason in a View.
type ReasonView struct{ Code, Label []byte }

// Decode decodes line into v (reusing v's Reasons) and reports whether it
// could: only lines of printable ASCII without escapes, as Append writes
// them for records without other text, are decoded, and then exactly as
// ParseLine would decide and decode them. When Decode gives up, decode the
// line with ParseLine, which also tells whether it is a record at all.
//
// It is the fast decoder's scanner (fastdecode.go) made for such lines: a
// string is the bytes up to the next quote, checked eight at a time, and
// the keys are first compared with those Append writes next.
func (v *View) Decode(line []byte) bool {
	*v = View{Reasons: v.Reasons[:0]}
	if v.decodeAppended(line) {
		return true
	}
	*v = View{Reasons: v.Reasons[:0]}
	s := viewScanner{b: line} // str checks the strings; the rest is the JSON around them
	s.sp()
	if !s.eat('{') {
		return false
	}
	var seen uint32
	next := fID // the field Append writes next
	for {
		s.sp()
		f, ok := s.key(next)
		if !ok || seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		next = f + 1
		s.sp()
		if !s.eat(':') {
			return false
		}
		s.sp()
		if !v.value(&s, f) {
			return false
		}
		s.sp()
		if s.eat(',') {
			continue
		}
		if !s.eat('}') {
			return false
		}
		if s.sp(); s.i != len(s.b) {
			return false
		}
		return len(v.ID) > 0 && !v.Time.IsZero() && (string(v.Event) == EventIntent || string(v.Event) == EventOutcome)
	}
}

// key scans a key and returns its field, trying next first.
func (s *viewScanner) key(next int) (int, bool) {
	key, ok := s.str()
	if !ok {
		return 0, false
	}
	if next < len(fieldNames) && string(key) == fieldNames[next] {
		return next, true
	}
	return fieldOf(key)
}

// fieldNames are the JSON keys of Record's fields, by field number.
var fieldNames = [...]string{fID: "id", fTime: "time", fEvent: "event", fAction: "action", fAPI: "api",
	fOSUser: "osUser", fEnvironment: "environment", fClientID: "clientId", fHIPID: "hipId",
	fABHANumber: "abhaNumber", fTxnID: "txnId", fReasons: "reasons", fOtherText: "otherText",
	fLoginMethod: "loginMethod", fOTPMethod: "otpMethod", fOutcome: "outcome", fCode: "code",
	fMessage: "message", fDurationMS: "durationMs", fPrev: "prev"}

// viewScanner scans a line printableLine accepted.
type viewScanner struct {
	b []byte
	i int
}

// str scans a string: the bytes up to the next quote, all printable ASCII
// but a backslash (else it fails). It looks at eight bytes at a time with
// the bit tricks of plainLine: a quote, a byte below 0x20, a backslash or a
// byte above 0x7e ends up with its high bit set, and the lowest such byte
// is a true one (a borrow or carry only marks the bytes above it).
func (s *viewScanner) str() ([]byte, bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	b, i := s.b, s.i
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	j := i + 1
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j:])
		q, bs := x^(ones*'"'), x^(ones*'\\')
		// x-0x20 marks a byte below 0x20, x+1 one of 0x7f, x one above it.
		if m := (((q - ones) &^ q) | ((bs - ones) &^ bs) | (x - ones*0x20) | x | (x + ones)) & highs; m != 0 {
			j += bits.TrailingZeros64(m) / 8
			return s.end(i, j)
		}
	}
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c < 0x20 || c == '\\' || c >= 0x7f {
			return s.end(i, j)
		}
	}
	return nil, false
}

// end ends the string that began at i on the special byte at j.
func (s *viewScanner) end(i, j int) ([]byte, bool) {
	if s.b[j] != '"' {
		return nil, false
	}
	s.i = j + 1
	return s.b[i+1 : j], true
}

// sp skips spaces (the only white space in such a line).
func (s *viewScanner) sp() {
	for s.i < len(s.b) && s.b[s.i] == ' ' {
		s.i++
	}
}

func (s *viewScanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// value decodes the value of field f.
func (v *View) value(s *viewScanner, f int) bool {
	switch f {
	case fTime:
		start := s.i
		tok, ok := s.str()
		if !ok {
			return false
		}
		if t, ok := parseUTC(tok); ok {
			v.Time = t
		} else if v.Time.UnmarshalJSON(s.b[start:s.i]) != nil {
			return false
		}
		v.Time, v.TimeText = v.Time.UTC(), tok
		return true
	case fReasons:
		return v.reasons(s)
	case fDurationMS:
		d := fastDecoder{b: s.b, i: s.i}
		ok := d.int64(&v.DurationMS)
		s.i = d.i
		return ok
	}
	tok, ok := s.str()
	if ok {
		*v.field(f) = tok
	}
	return ok
}

// reasons decodes an array of {"code","label"} objects.
func (v *View) reasons(s *viewScanner) bool {
	if !s.eat('[') {
		return false
	}
	s.sp()
	if s.eat(']') {
		return true
	}
	for {
		var x ReasonView
		if !viewReason(s, &x) {
			return false
		}
		v.Reasons = append(v.Reasons, x)
		s.sp()
		if s.eat(',') {
			s.sp()
			continue
		}
		return s.eat(']')
	}
}

func viewReason(s *viewScanner, x *ReasonView) bool {
	if !s.eat('{') {
		return false
	}
	s.sp()
	if s.eat('}') {
		return true
	}
	var seen [2]bool
	for {
		key, ok := s.str()
		if !ok {
			return false
		}
		k := 0
		switch string(key) {
		case "code":
		case "label":
			k = 1
		default:
			return false
		}
		if seen[k] {
			return false
		}
		seen[k] = true
		s.sp()
		if !s.eat(':') {
			return false
		}
		s.sp()
		tok, ok := s.str()
		if !ok {
			return false
		}
		if k == 0 {
			x.Code = tok
		} else {
			x.Label = tok
		}
		s.sp()
		if !s.eat(',') {
			return s.eat('}')
		}
		s.sp()
	}
}

// field is the text field f of v.
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
