package sandbox

import "strings"

// maskMobile keeps the last four digits of a phone number, as ABDM shows it:
// "9876543210" becomes "XXXXXX3210".
func maskMobile(m string) string {
	d := digits(m)
	if len(d) < 4 {
		return "XXXXXXXXXX"
	}
	return strings.Repeat("X", max(len(d)-4, 6)) + d[len(d)-4:]
}

// digits keeps only the ASCII digits of s.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lastFour is the last four digits of a phone number.
func lastFour(m string) string {
	d := digits(m)
	return d[max(len(d)-4, 0):]
}
