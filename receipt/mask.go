package receipt

import (
	"strings"

	"abha-deactivate/abdm"
)

// scrub masks every ABHA number in s: 14 digits, alone or grouped as
// 91-1234-5678-9012 (hyphens or spaces), that are not part of a longer
// word or number. What else s holds is kept.
func scrub(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		if n := abhaAt(s, i); n > 0 {
			b.WriteString(abdm.MaskABHANumber(s[i : i+n]))
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// abhaAt is the length of the ABHA number that starts at s[i], or 0.
func abhaAt(s string, i int) int {
	if i > 0 && isWordByte(s[i-1]) {
		return 0
	}
	digits, j := 0, i
	for j < len(s) && digits < 14 {
		c := s[j]
		switch {
		case isDigit(c):
			digits++
			j++
		case (c == '-' || c == ' ') && digits > 0 && j+1 < len(s) && isDigit(s[j+1]):
			j++
		default:
			return 0
		}
	}
	if digits < 14 || (j < len(s) && isWordByte(s[j])) {
		return 0
	}
	return j - i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte is true for a byte that continues a word or an identifier such
// as a transaction ID (letters, digits, hyphens, underscores).
func isWordByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_'
}
