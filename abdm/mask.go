package abdm

import "strings"

// MaskABHANumber keeps only the last four digits of an ABHA number, in ABDM's
// 2-4-4-4 grouping: "91-1234-5678-9012" becomes "XX-XXXX-XXXX-9012". Input that
// has fewer than four digits is fully masked. Safe for logs and the audit trail.
func MaskABHANumber(n string) string {
	digits := onlyDigits(n)
	if len(digits) < 4 {
		return "XX-XXXX-XXXX-XXXX"
	}
	return "XX-XXXX-XXXX-" + digits[len(digits)-4:]
}

// FormatABHANumber groups the 14 digits of an ABHA number as 91-1234-5678-9012.
// Anything that is not 14 digits is returned trimmed and unchanged.
func FormatABHANumber(n string) string {
	d := onlyDigits(n)
	if len(d) != 14 {
		return strings.TrimSpace(n)
	}
	return d[0:2] + "-" + d[2:6] + "-" + d[6:10] + "-" + d[10:14]
}

// MaskMobile keeps the last four digits of a phone number: XXXXXX2125.
func MaskMobile(m string) string {
	d := onlyDigits(m)
	if len(d) < 4 {
		return "XXXXXXXXXX"
	}
	return strings.Repeat("X", max(len(d)-4, 6)) + d[len(d)-4:]
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
