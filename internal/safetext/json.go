package safetext

import (
	"bytes"
	"unicode/utf8"
)

// JSON returns encoded JSON (as from encoding/json, which escapes C0 controls
// but not C1 controls, bidirectional controls or other format characters)
// with every unsafe rune written as a \uXXXX escape. The result decodes to
// the same values: such runes can only occur inside strings, where a \u
// escape means the same rune.
func JSON(b []byte) []byte {
	if isSafe(string(b)) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && size == 1) || !Unsafe(r) || r < 0x20 {
			// Invalid bytes never come from encoding/json; C0 controls are
			// already escaped there (a raw one here is JSON's own white space).
			out.Write(b[i : i+size])
		} else {
			out.WriteString(`\u`)
			out.WriteString(hex4(r))
		}
		i += size
	}
	return out.Bytes()
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[r>>12&0xf], digits[r>>8&0xf], digits[r>>4&0xf], digits[r&0xf]})
}
