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
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(t) < 20 || len(t) == 21 || len(t) > 30 || t[len(t)-1] != 'Z' || (len(t) > 20 && t[19] != '.') {
		return false
	}
	for k, c := range t[:len(t)-1] {
		want := byte('d')
		switch {
		case k < len(shape):
			want = shape[k]
		case k == len(shape):
			continue // the '.' of the fraction
		}
		if digit := c >= '0' && c <= '9'; (want == 'd') != digit || (!digit && c != want) {
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
