package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"unicode/utf8"
)

// The scanner behind decodeLine and decodeLink (see decode.go).

// fastDecoder scans one line.
type fastDecoder struct {
	b        []byte
	i        int
	mode     decodeMode
	plain    bool   // no backslash and no control character anywhere in b
	id, prev []byte // with modeLink
}

// fastDecode decodes line into the zero Record r and reports whether it could.
func fastDecode(line []byte, r *Record, headOnly bool) bool {
	mode := modeFull
	if headOnly {
		mode = modeHead
	}
	return (&fastDecoder{b: line, mode: mode}).decode(r)
}

// decode decodes d.b into the zero Record r and reports whether it could.
func (d *fastDecoder) decode(r *Record) bool {
	d.plain = plainLine(d.b)
	d.ws()
	if !d.eat('{') {
		return false
	}
	d.ws()
	if d.eat('}') {
		return d.end()
	}
	var seen uint32
	for {
		key, esc, ok := d.str()
		if !ok || esc {
			return false
		}
		f, ok := fieldOf(key)
		if !ok || seen&(1<<f) != 0 {
			return false // json.Unmarshal keeps the last of duplicate keys: leave that to it
		}
		seen |= 1 << f
		d.ws()
		if !d.eat(':') {
			return false
		}
		d.ws()
		keep := d.mode == modeFull || (d.mode == modeHead && headFields&(1<<f) != 0) ||
			(d.mode == modeLink && linkFields&(1<<f) != 0)
		if !d.value(f, r, !keep) {
			return false
		}
		d.ws()
		if d.eat(',') {
			d.ws()
			continue
		}
		if d.eat('}') {
			return d.end()
		}
		return false
	}
}

// value decodes the value of field f; with skip it only checks it.
func (d *fastDecoder) value(f int, r *Record, skip bool) bool {
	switch f {
	case fTime:
		start := d.i
		if _, _, ok := d.str(); !ok {
			return false
		}
		return r.Time.UnmarshalJSON(d.b[start:d.i]) == nil // what json.Unmarshal calls
	case fReasons:
		return d.reasons(r, skip)
	case fDurationMS:
		return d.int64(&r.DurationMS)
	}
	start := d.i
	tok, esc, ok := d.str()
	if !ok {
		return false
	}
	if skip {
		return true
	}
	if d.mode == modeLink && (f == fID || f == fPrev) {
		b := tok
		if esc || !utf8.Valid(tok) {
			s, ok := d.text(tok, esc, start)
			if !ok {
				return false
			}
			b = []byte(s)
		}
		if f == fID {
			d.id = b
		} else {
			d.prev = b
		}
		return true
	}
	s, ok := d.text(tok, esc, start)
	if ok {
		*r.stringField(f) = s
	}
	return ok
}

// text is the string of a token str returned; start is where its quote is.
func (d *fastDecoder) text(tok []byte, esc bool, start int) (string, bool) {
	if esc || !utf8.Valid(tok) {
		var s string
		err := json.Unmarshal(d.b[start:d.i], &s) // escapes, and invalid UTF-8 replaced as json does
		return s, err == nil
	}
	switch string(tok) { // the common values, without an allocation
	case EventIntent:
		return EventIntent, true
	case EventOutcome:
		return EventOutcome, true
	case ActionDeactivate:
		return ActionDeactivate, true
	case ActionReactivate:
		return ActionReactivate, true
	case OutcomeDeactivated:
		return OutcomeDeactivated, true
	case OutcomeRejected:
		return OutcomeRejected, true
	case OutcomeUnknown:
		return OutcomeUnknown, true
	}
	return string(tok), true
}

// reasons decodes an array of {"code","label"} objects.
func (d *fastDecoder) reasons(r *Record, skip bool) bool {
	if !d.eat('[') {
		return false
	}
	rs := []Reason{} // json.Unmarshal makes [] an empty slice, not nil
	d.ws()
	if !d.eat(']') {
		for {
			var x Reason
			if !d.reason(&x, skip) {
				return false
			}
			if !skip {
				rs = append(rs, x)
			}
			d.ws()
			if d.eat(',') {
				d.ws()
				continue
			}
			if d.eat(']') {
				break
			}
			return false
		}
	}
	if !skip {
		r.Reasons = rs
	}
	return true
}

func (d *fastDecoder) reason(x *Reason, skip bool) bool {
	if !d.eat('{') {
		return false
	}
	d.ws()
	if d.eat('}') {
		return true
	}
	var seenCode, seenLabel bool
	for {
		key, esc, ok := d.str()
		if !ok || esc {
			return false
		}
		var dst *string
		switch string(key) {
		case "code":
			if seenCode {
				return false
			}
			seenCode, dst = true, &x.Code
		case "label":
			if seenLabel {
				return false
			}
			seenLabel, dst = true, &x.Label
		default:
			return false
		}
		d.ws()
		if !d.eat(':') {
			return false
		}
		d.ws()
		start := d.i
		tok, esc, ok := d.str()
		if !ok {
			return false
		}
		if !skip {
			if *dst, ok = d.text(tok, esc, start); !ok {
				return false
			}
		}
		d.ws()
		if d.eat(',') {
			d.ws()
			continue
		}
		return d.eat('}')
	}
}

// int64 decodes a whole number as json.Unmarshal does into an int64; a
// fraction, an exponent or an overflow is left to json.Unmarshal.
func (d *fastDecoder) int64(v *int64) bool {
	neg := d.eat('-')
	if d.i >= len(d.b) || d.b[d.i] < '0' || d.b[d.i] > '9' {
		return false
	}
	var n int64
	if d.b[d.i] == '0' {
		d.i++
	} else {
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			digit := int64(d.b[d.i] - '0')
			if n > (1<<63-1-digit)/10 {
				return false
			}
			n = n*10 + digit
			d.i++
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E' || (d.b[d.i] >= '0' && d.b[d.i] <= '9')) {
		return false
	}
	if neg {
		n = -n
	}
	*v = n
	return true
}

// str scans a JSON string at d.i and returns what is between its quotes,
// and whether that holds an escape. ok is false on anything JSON forbids.
func (d *fastDecoder) str() (tok []byte, esc, ok bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false, false
	}
	start := d.i + 1
	if d.plain { // the next quote ends the string
		k := bytes.IndexByte(d.b[start:], '"')
		if k < 0 {
			return nil, false, false
		}
		d.i = start + k + 1
		return d.b[start : start+k], false, true
	}
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		if plainByte[c] {
			continue
		}
		switch {
		case c == '"':
			d.i = j + 1
			return d.b[start:j], esc, true
		case c == '\\':
			esc = true
			if j+1 >= len(d.b) {
				return nil, false, false
			}
			switch d.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+5 >= len(d.b) || !isHex(d.b[j+2]) || !isHex(d.b[j+3]) || !isHex(d.b[j+4]) || !isHex(d.b[j+5]) {
					return nil, false, false
				}
				j += 5
			default:
				return nil, false, false
			}
		default: // a control character
			return nil, false, false
		}
	}
	return nil, false, false
}

// plainLine reports whether b has no backslash and no control character
// (but for white space between tokens, which the scanner checks). It looks
// at eight bytes at a time, with the bit tricks of "Bit Twiddling Hacks": a
// byte that is zero, or less than n, ends up with its high bit set.
func plainLine(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var acc uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		bs := x ^ (ones * '\\')
		acc |= ((bs - ones) &^ bs) | ((x - ones*0x20) &^ x)
	}
	if acc&highs != 0 {
		return false
	}
	for ; i < len(b); i++ {
		if b[i] == '\\' || b[i] < 0x20 {
			return false
		}
	}
	return true
}

// plainByte is true for the bytes that stand for themselves in a JSON string.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func (d *fastDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) eat(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// end reports whether only white space follows.
func (d *fastDecoder) end() bool {
	d.ws()
	return d.i == len(d.b)
}
