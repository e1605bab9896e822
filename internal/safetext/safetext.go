// Package safetext makes text that came from outside the app (ABDM's replies,
// file contents, command-line arguments) safe to print on a terminal or show
// in a window, and masks long digit runs (ID and phone numbers) in free text.
//
// Control characters (C0, DEL, C1), escape sequences, bidirectional controls
// and invisible format characters are shown in an escaped, visible form
// (`\x1b`, `\u202e`), so that a server cannot clear the screen, set a window
// title or reorder what staff read. Zero-width joiners (U+200C, U+200D) stay:
// Indic scripts need them to spell names.
package safetext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxArg is how many characters of a command-line argument Arg quotes.
const MaxArg = 200

// Text returns s with every unsafe character escaped. It is idempotent only
// in the sense that its output is always safe; escaping twice escapes the
// backslashes of the first pass again, so call it once, at the boundary.
func Text(s string) string {
	if isSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case Unsafe(r):
			b.WriteString(escape(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Arg returns s sanitised with Text, cut to MaxArg characters (with "…" when
// cut) and quoted, for messages that repeat what the user gave.
func Arg(s string) string {
	cut := false
	if utf8.RuneCountInString(s) > MaxArg {
		s = string([]rune(s)[:MaxArg])
		cut = true
	}
	q := `"` + strings.ReplaceAll(Text(s), `"`, `\"`) + `"`
	if cut {
		q += "…"
	}
	return q
}

// Unsafe reports whether r must not reach a terminal or a label as it is:
// C0 and C1 controls and DEL, line and paragraph separators, and format
// characters (bidirectional controls, zero-width space, word joiner, BOM,
// interlinear annotation), except the zero-width non-joiner and joiner.
func Unsafe(r rune) bool {
	switch {
	case r == '\u200c' || r == '\u200d':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

func isSafe(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || Unsafe(r) {
			return false
		}
	}
	return true
}

// escape is the visible form of an unsafe rune: \xNN below U+0100, else \uNNNN.
func escape(r rune) string {
	if r < 0x100 {
		return `\x` + hex2(byte(r))
	}
	h := strconv.FormatInt(int64(r), 16)
	for len(h) < 4 {
		h = "0" + h
	}
	return `\u` + h
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}

// Lines is Text for a message of several lines: its line breaks stay, and
// every other unsafe character is escaped.
func Lines(s string) string {
	if isSafeLines(s) {
		return s
	}
	parts := strings.Split(s, "\n")
	for i, p := range parts {
		parts[i] = Text(p)
	}
	return strings.Join(parts, "\n")
}

func isSafeLines(s string) bool {
	for _, r := range s {
		if r != '\n' && (r == utf8.RuneError || Unsafe(r)) {
			return false
		}
	}
	return true
}
