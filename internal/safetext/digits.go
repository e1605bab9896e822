package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinMaskedDigits is the shortest run of digits that MaskDigitRuns masks: a
// mobile number has 10, an Aadhaar number 12, an ABHA number 14.
const MinMaskedDigits = 10

// MaskDigitRuns masks every run of MinMaskedDigits or more decimal digits of
// any script (Devanagari, Bengali, Tamil, full-width...), with single spaces
// or hyphens allowed between groups, keeping only its last four digits, as
// ASCII: "98765 43210" becomes "XXXXXX3210". Shorter runs (a year, an OTP
// length, a code) stay as they are.
func MaskDigitRuns(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		end, digits := digitRun(s, i)
		if digits >= MinMaskedDigits {
			b.WriteString(strings.Repeat("X", digits-4))
			b.WriteString(lastDigits(s[i:end], 4))
			i = end
			continue
		}
		if digits > 0 {
			b.WriteString(s[i:end])
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// digitRun measures the run of digits starting at s[i] (separated by at most
// one space or hyphen between digits): its end and how many digits it holds.
// A separator not followed by a digit ends the run before it.
func digitRun(s string, i int) (end, digits int) {
	end = i
	for j := i; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsDigit(r) {
			digits++
			j += size
			end = j
			continue
		}
		if digits == 0 || (r != ' ' && r != '-') {
			break
		}
		next, _ := utf8.DecodeRuneInString(s[j+size:])
		if !unicode.IsDigit(next) {
			break
		}
		j += size
	}
	return end, digits
}

// lastDigits returns the last n digits of run as ASCII digits.
func lastDigits(run string, n int) string {
	var ds []byte
	for _, r := range run {
		if unicode.IsDigit(r) {
			ds = append(ds, byte('0'+asciiValue(r)))
		}
	}
	if len(ds) > n {
		ds = ds[len(ds)-n:]
	}
	return string(ds)
}

// asciiValue is the value 0-9 of a Unicode decimal digit. Unicode keeps
// every script's decimal digits as runs of ten consecutive code points from
// zero to nine (some runs sit back to back, like the mathematical digits), so
// the value is the distance from the start of the whole run, modulo ten.
func asciiValue(r rune) int {
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
}
