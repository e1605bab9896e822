package audit

import "time"

// parseUTC parses the times Append writes, YYYY-MM-DDTHH:MM:SS with 0 to 9
// digits of fraction and Z, faster than time.Time.UnmarshalJSON, which
// takes the rest. ok is false for any other form, or a date or time out of
// range (as UnmarshalJSON refuses it).
func parseUTC(b []byte) (t time.Time, ok bool) {
	if !utcLayout(b) {
		return t, false
	}
	year, month, day, ok := parseDate(b)
	if !ok {
		return t, false
	}
	hour, ok1 := digits(b[11:13])
	minute, ok2 := digits(b[14:16])
	sec, ok3 := digits(b[17:19])
	if !ok1 || !ok2 || !ok3 || hour > 23 || minute > 59 || sec > 59 {
		return t, false
	}
	nsec, ok := fraction(b[19 : len(b)-1])
	if !ok {
		return t, false
	}
	return time.Date(year, month, day, hour, minute, sec, nsec, time.UTC), true
}

// utcLayout reports whether b has the separators of YYYY-MM-DDTHH:MM:SS…Z.
func utcLayout(b []byte) bool {
	return len(b) >= 20 && b[len(b)-1] == 'Z' && b[4] == '-' && b[7] == '-' && b[10] == 'T' && b[13] == ':' && b[16] == ':'
}

// parseDate reads YYYY-MM-DD at the start of b.
func parseDate(b []byte) (year int, month time.Month, day int, ok bool) {
	year, ok1 := digits(b[0:4])
	m, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	month = time.Month(m)
	ok = ok1 && ok2 && ok3 && month >= time.January && month <= time.December && day >= 1 && day <= daysIn(month, year)
	return year, month, day, ok
}

// fraction reads "" or "." and 1 to 9 digits, as nanoseconds.
func fraction(frac []byte) (int, bool) {
	if len(frac) == 0 {
		return 0, true
	}
	if len(frac) < 2 || len(frac) > 10 || frac[0] != '.' {
		return 0, false
	}
	n, ok := digits(frac[1:])
	for range 10 - len(frac) {
		n *= 10
	}
	return n, ok
}

// digits is the value of b, all ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn is the number of days of month m of year.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int((m-1)%7%2)
}
