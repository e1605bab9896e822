package fhir

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"abha-deactivate/internal/safetext"
	"abha-deactivate/storage/audit"
)

// The slow path: a line that audit.View does not decode (other text than
// printable ASCII, escapes, unknown keys, white space) is decoded by audit.ParseLine,
// made safe to show (Record.Safe: control, escape and bidirectional
// characters written out visibly, as `audit` and its CSV show them), and
// its text JSON-escaped into a View, which the encoder then copies.

// viewOf fills v with r's fields, escaped into buf (reused), and returns buf.
// r must come from audit.ParseLine (its ABHA number masked).
func viewOf(r audit.Record, v *audit.View, buf []byte) []byte {
	r = r.Safe()
	buf = buf[:0]
	// Offsets first: buf may move as it grows.
	type span struct{ start, end int }
	add := func(s string) span {
		start := len(buf)
		buf = appendJSONText(buf, s)
		return span{start, len(buf)}
	}
	texts := [...]string{r.ID, r.Event, r.Action, r.API, r.OSUser, r.Environment, r.ClientID, r.HIPID, r.ABHANumber,
		r.TxnID, r.OtherText, r.LoginMethod, r.OTPMethod, r.Outcome, r.Code, r.Message, r.Prev}
	var spans [len(texts)]span
	for i, s := range texts {
		spans[i] = add(s)
	}
	reasons := make([][2]span, len(r.Reasons))
	for i, rs := range r.Reasons {
		reasons[i] = [2]span{add(rs.Code), add(rs.Label)}
	}
	at := func(s span) []byte { return buf[s.start:s.end:s.end] }
	*v = audit.View{Reasons: v.Reasons[:0], DurationMS: r.DurationMS}
	v.SetTime(r.Time)
	dst := [...]*[]byte{&v.ID, &v.Event, &v.Action, &v.API, &v.OSUser, &v.Environment, &v.ClientID, &v.HIPID,
		&v.ABHANumber, &v.TxnID, &v.OtherText, &v.LoginMethod, &v.OTPMethod, &v.Outcome, &v.Code, &v.Message, &v.Prev}
	for i, p := range dst {
		*p = at(spans[i])
	}
	for _, rs := range reasons {
		v.Reasons = append(v.Reasons, audit.ReasonView{Code: at(rs[0]), Label: at(rs[1])})
	}
	return buf
}

// appendJSONText appends s as the inside of a JSON string that is also a
// FHIR string: every white space but space, tab, CR and LF (which FHIR's
// schema refuses: no-break spaces, line separators) becomes a space, and
// the text is trimmed.
func appendJSONText(b []byte, s string) []byte {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = appendASCII(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case unicode.IsSpace(r):
			b = append(b, ' ')
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

func appendASCII(b []byte, c byte) []byte {
	switch {
	case c == '"' || c == '\\':
		return append(b, '\\', c)
	case c == '\n':
		return append(b, `\n`...)
	case c == '\r':
		return append(b, `\r`...)
	case c == '\t':
		return append(b, `\t`...)
	case c < 0x20:
		return append(b, ' ') // other white space; Safe wrote the other controls out visibly
	}
	return append(b, c)
}

// jsonText is s JSON-escaped, for the host name.
func jsonText(s string) string {
	s = safetext.Text(s)
	if s == "" {
		s = "unknown"
	}
	return string(appendJSONText(nil, s))
}
