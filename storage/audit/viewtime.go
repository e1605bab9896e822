package audit

import (
	"encoding/binary"
	"time"
)

// The times View.Decode takes: as json.Marshal writes a UTC time.

// canonicalTime reports whether t is a time as json.Marshal writes a UTC
// time, YYYY-MM-DDTHH:MM:SS[.fraction]Z, of a valid date after year 1 (so
// not the zero time), which time.Time.UnmarshalJSON accepts as it is.
func canonicalTime(t []byte) bool {
	if !timeShape(t) {
		return false
	}
	year, month, day := num(t[0:4]), d2(t[5], t[6]), d2(t[8], t[9])
	return year > 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(time.Month(month), year) &&
		d2(t[11], t[12]) < 24 && d2(t[14], t[15]) < 60 && d2(t[17], t[18]) < 60
}

// d2 is the value of two ASCII digits.
func d2(a, b byte) int { return int(a-'0')*10 + int(b-'0') }

// timeShape reports whether t is digits in the shape of canonicalTime. Its
// first sixteen bytes, YYYY-MM-DDTHH:MM, are checked as two words.
func timeShape(t []byte) bool {
	n := len(t)
	if !timeEnds(t) {
		return false
	}
	const (
		seps1, sepMask1 = '-'<<32 | '-'<<56, 0xff<<32 | 0xff<<56 // YYYY-MM-
		seps2, sepMask2 = 'T'<<16 | ':'<<40, 0xff<<16 | 0xff<<40 // DDTHH:MM
		highs           = 0x8080808080808080
	)
	w1, w2 := binary.LittleEndian.Uint64(t), binary.LittleEndian.Uint64(t[8:])
	return w1&sepMask1 == seps1 && w2&sepMask2 == seps2 && (w1|w2)&highs == 0 &&
		digitMarks(w1)|sepMask1&highs == highs && digitMarks(w2)|sepMask2&highs == highs &&
		t[16] == ':' && allDigits(t[17:19]) && allDigits(t[min(20, n-1):n-1])
}

// timeEnds reports whether t has the length of a canonical time, a Z at
// its end and, after the seconds, a '.' (a fraction) or the Z.
func timeEnds(t []byte) bool {
	n := len(t)
	if n < 20 || n == 21 || n > 30 || t[n-1] != 'Z' {
		return false
	}
	return (n > 20 && t[19] == '.') || (n == 20 && t[19] == 'Z')
}

// digitMarks marks (with its high bit) each byte of x, all below 0x80,
// that is an ASCII digit.
func digitMarks(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return (x + ones*(0x80-'0')) &^ (x + ones*(0x80-'9'-1)) & highs
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
