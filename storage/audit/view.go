package audit

import (
	"encoding/binary"
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
func (v *View) Decode(line []byte) bool {
	*v = View{Reasons: v.Reasons[:0]}
	if !plainLine(line) || !asciiOnly(line) {
		return false
	}
	d := fastDecoder{b: line, plain: true}
	d.ws()
	if !d.eat('{') {
		return false
	}
	var seen uint32
	for {
		d.ws()
		key, esc, ok := d.str()
		if !ok || esc {
			return false
		}
		f, ok := fieldOf(key)
		if !ok || seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		d.ws()
		if !d.eat(':') {
			return false
		}
		d.ws()
		if !v.value(&d, f) {
			return false
		}
		d.ws()
		if d.eat(',') {
			continue
		}
		if !d.eat('}') || !d.end() {
			return false
		}
		return len(v.ID) > 0 && !v.Time.IsZero() && (string(v.Event) == EventIntent || string(v.Event) == EventOutcome)
	}
}

// value decodes the value of field f.
func (v *View) value(d *fastDecoder, f int) bool {
	switch f {
	case fTime:
		start := d.i
		tok, _, ok := d.str()
		if !ok || v.Time.UnmarshalJSON(d.b[start:d.i]) != nil {
			return false
		}
		v.Time, v.TimeText = v.Time.UTC(), tok
		return true
	case fReasons:
		return v.reasons(d)
	case fDurationMS:
		return d.int64(&v.DurationMS)
	}
	tok, _, ok := d.str()
	if ok {
		*v.field(f) = tok
	}
	return ok
}

// reasons decodes an array of {"code","label"} objects.
func (v *View) reasons(d *fastDecoder) bool {
	if !d.eat('[') {
		return false
	}
	d.ws()
	if d.eat(']') {
		return true
	}
	for {
		var x ReasonView
		if !viewReason(d, &x) {
			return false
		}
		v.Reasons = append(v.Reasons, x)
		d.ws()
		if d.eat(',') {
			d.ws()
			continue
		}
		return d.eat(']')
	}
}

func viewReason(d *fastDecoder, x *ReasonView) bool {
	if !d.eat('{') {
		return false
	}
	d.ws()
	if d.eat('}') {
		return true
	}
	var seen [2]bool
	for {
		key, esc, ok := d.str()
		if !ok || esc {
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
		d.ws()
		if !d.eat(':') {
			return false
		}
		d.ws()
		tok, _, ok := d.str()
		if !ok {
			return false
		}
		if k == 0 {
			x.Code = tok
		} else {
			x.Label = tok
		}
		d.ws()
		if !d.eat(',') {
			return d.eat('}')
		}
		d.ws()
	}
}

func (v *View) field(f int) *[]byte {
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
	case fHIPID:
		return &v.HIPID
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

// asciiOnly reports whether every byte of b is below 0x7f (no DEL, no
// byte of a multi-byte character), eight bytes at a time.
func asciiOnly(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var acc uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		acc |= x | (x + ones) // 0x7f+1 sets the high bit; a byte >= 0x80 has it
	}
	if acc&highs != 0 {
		return false
	}
	for ; i < len(b); i++ {
		if b[i] >= 0x7f {
			return false
		}
	}
	return true
}
