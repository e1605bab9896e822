package audit

// decodeAppended is View.Decode for a line exactly as Append writes it: no
// white space, the keys in the order of Record's fields (some left out). It
// reports false at anything else, and Decode takes the line the general way.
func (v *View) decodeAppended(line []byte) bool {
	if len(line) < 2 || line[0] != '{' {
		return false
	}
	s := viewScanner{b: line, i: 1}
	for next := 0; ; {
		f := next
		for f < len(keyLits) && !hasAt(line, s.i, keyLits[f]) {
			f++
		}
		if f == len(keyLits) {
			return false
		}
		s.i += len(keyLits[f])
		next = f + 1
		if !v.value(&s, f) {
			return false
		}
		if !s.eat(',') {
			break
		}
	}
	return s.eat('}') && s.i == len(line) &&
		len(v.ID) > 0 && !v.Time.IsZero() && (string(v.Event) == EventIntent || string(v.Event) == EventOutcome)
}

// keyLits are the keys as Append writes them, with their quotes and colon.
var keyLits = func() (k [len(fieldNames)]string) {
	for f, name := range fieldNames {
		k[f] = `"` + name + `":`
	}
	return k
}()

// hasAt reports whether b holds lit (a key literal: a quote and at least
// one more byte) at i; the byte after the quote decides most misses.
func hasAt(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && b[i+1] == lit[1] && string(b[i:i+len(lit)]) == lit
}
