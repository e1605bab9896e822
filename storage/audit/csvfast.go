package audit

import (
	"bytes"
	"encoding/csv"
	"strconv"
)

// appendCSVRow appends the CSV row of r, decoded from line, as
// CSVWriter.Write writes r.Safe() (r's text is printable ASCII, which Safe
// leaves as it is).
func appendCSVRow(dst []byte, r *View, line, scratch []byte) ([]byte, []byte) {
	dst = append(dst, r.TimeText[:19]...) // Format(time.RFC3339) of a UTC time: no fraction
	dst = append(dst, 'Z')
	cf := r.commaFreeIn(line)
	dst = appendCSVField(dst, r.Event, cf)
	action := r.Action
	if len(action) == 0 {
		action = []byte(ActionDeactivate)
	}
	dst = appendCSVField(dst, action, true)
	for _, b := range [...][]byte{r.ID, r.OSUser, r.Environment, r.API, r.ClientID, r.HIPID, r.ABHANumber, r.TxnID} {
		dst = appendCSVField(dst, b, cf)
	}
	scratch = scratch[:0]
	for i, rs := range r.Reasons {
		if i > 0 {
			scratch = append(scratch, "; "...)
		}
		start := len(scratch)
		scratch = append(append(append(scratch, rs.Code...), ' '), rs.Label...)
		scratch = append(scratch[:start], bytes.Trim(scratch[start:], " ")...) // strings.TrimSpace, for ASCII
	}
	dst = appendCSVField(dst, scratch, cf)
	for _, b := range [...][]byte{r.OtherText, r.LoginMethod, r.OTPMethod, r.Outcome, r.Code, r.Message} {
		dst = appendCSVField(dst, b, cf)
	}
	dst = append(dst, ',')
	if r.DurationMS < 0 {
		dst = append(dst, '\'') // defused, as every cell
	}
	if r.DurationMS != 0 {
		dst = strconv.AppendInt(dst, r.DurationMS, 10)
	}
	return append(dst, '\n'), scratch
}

// appendCSVField appends ',' and b as encoding/csv writes defuseFormula(b),
// for b of printable ASCII; commaFree says b has no comma.
func appendCSVField(dst, b []byte, commaFree bool) []byte {
	if commaFree && (len(b) == 0 || !csvMarked[b[0]]) {
		return append(append(dst, ','), b...) // as it is: the common case
	}
	return appendCSVMarked(dst, b, commaFree)
}

// csvMarked are the first bytes that make a field need quotes or defusing.
var csvMarked = [256]bool{'=': true, '+': true, '-': true, '@': true, ' ': true}

// appendCSVMarked is appendCSVField for a field that may need quotes or defusing.
func appendCSVMarked(dst, b []byte, commaFree bool) []byte {
	dst = append(dst, ',')
	if len(b) == 0 {
		return dst
	}
	defuse := b[0] == '=' || b[0] == '+' || b[0] == '-' || b[0] == '@'
	// A value of a line View.Decode took holds no '"' (it would end the JSON
	// string) nor line break: only a comma or a leading space need quotes.
	quote := (!defuse && b[0] == ' ') || (!commaFree && bytes.IndexByte(b, ',') >= 0)
	if quote {
		dst = append(dst, '"')
	}
	if defuse {
		dst = append(dst, '\'')
	}
	dst = append(dst, b...)
	if quote {
		dst = append(dst, '"')
	}
	return dst
}

// slowCSVRow appends the row of a record decodeLine decoded, with encoding/csv.
func slowCSVRow(dst *bytes.Buffer, r Record) error {
	cw := &CSVWriter{cw: csv.NewWriter(dst), header: true}
	if err := cw.Write(r.Safe()); err != nil {
		return err
	}
	return cw.Flush()
}
