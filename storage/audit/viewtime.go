package audit

import "time"

// The times View.Decode takes: as json.Marshal writes a UTC time.

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
	n := len(t)
	if n < 20 || n == 21 || n > 30 || t[n-1] != 'Z' || (n > 20 && t[19] != '.') {
		return false
	}
	return t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':' && timeDigits(t)
}

// timeDigits reports whether t, of timeShape's length, has digits where it needs them.
func timeDigits(t []byte) bool {
	return allDigits(t[0:4]) && allDigits(t[5:7]) && allDigits(t[8:10]) && allDigits(t[11:13]) &&
		allDigits(t[14:16]) && allDigits(t[17:19]) && allDigits(t[min(20, len(t)-1):len(t)-1])
}

// allDigits reports whether b is ASCII digits only.
func allDigits(b []byte) bool {
	for _, c := range b {
		if c-'0' > 9 {
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
