package safetext

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextEscapesEveryControlClass(t *testing.T) {
	cases := map[string]string{
		"Asha\x1b[2J\x1b]0;pwned\x07": `Asha\x1b[2J\x1b]0;pwned\x07`,
		"a\bb\rc\nd\te":               `a\x08b\x0dc\x0ad\x09e`,
		"csi\u009b31m":                `csi\x9b31m`,
		"del\x7f":                     `del\x7f`,
		"\u202eevil\u202c":            `\u202eevil\u202c`,
		"rlm\u200f lri\u2066 x\u2069": `rlm\u200f lri\u2066 x\u2069`,
		"zw\u200bsp\ufeff":            `zw\u200bsp\ufeff`,
		"line\u2028para\u2029":        `line\u2028para\u2029`,
		"bad\xffutf8":                 `bad\xffutf8`,
	}
	for in, want := range cases {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextKeepsOrdinaryText(t *testing.T) {
	for _, s := range []string{"", "Asha Verma", "आशा वर्मा", "क्\u200dष", "ন্\u200c", "O'Brien \"quoted\" \\ back", "₹ 100 — ok"} {
		if got := Text(s); got != s {
			t.Errorf("Text(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestArgQuotesAndCuts(t *testing.T) {
	long := strings.Repeat("a", 5000) + "\x1b"
	got := Arg(long)
	if utf8.RuneCountInString(got) > MaxArg+3 {
		t.Errorf("Arg kept %d characters, want at most %d", utf8.RuneCountInString(got), MaxArg+3)
	}
	if !strings.HasSuffix(got, `"…`) || strings.Contains(got, "\x1b") {
		t.Errorf("Arg(long) = %q", got)
	}
	if got := Arg("x\"\x1by"); got != `"x\"\x1by"` {
		t.Errorf("Arg = %s", got)
	}
}

func TestJSONEscapesWhatEncodingJSONLeaves(t *testing.T) {
	in := map[string]string{"name": "Asha\u202e\u200f\u2066\u009b\x1b\u200d"}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(raw)
	for _, r := range []rune{'\u202e', '\u200f', '\u2066', '\u009b', '\x1b'} {
		if strings.ContainsRune(string(out), r) {
			t.Errorf("JSON output %q still holds %U raw", out, r)
		}
	}
	if !strings.ContainsRune(string(out), '\u200d') {
		t.Errorf("JSON output %q lost the zero-width joiner", out)
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["name"] != in["name"] {
		t.Errorf("JSON output does not decode to the same value: %v %q", err, back["name"])
	}
}

func TestMaskDigitRuns(t *testing.T) {
	cases := map[string]string{
		"call 9876543210 now":    "call XXXXXX3210 now",
		"call 98765 43210 now":   "call XXXXXX3210 now",
		"abha 91-5512-3456-7890": "abha XXXXXXXXXX7890",
		"aadhaar 1234 5678 9012": "aadhaar XXXXXXXX9012",
		"देवनागरी ९८७६५४३२१० अंक":         "देवनागरी XXXXXX3210 अंक",
		"বাংলা ৯৮৭৬৫৪৩২১০":                "বাংলা XXXXXX3210",
		"தமிழ் ௯௮௭௬௫௪௩௨௧௦":                "தமிழ் XXXXXX3210",
		"mixed ९८७६५ 43210":               "mixed XXXXXX3210",
		"year 2026, otp 123456, code 101": "year 2026, otp 123456, code 101",
		"9 digits 123456789":              "9 digits 123456789",
		"double  space 98765  43210":      "double  space 98765  43210",
		"𝟗𝟖𝟕𝟔𝟓𝟒𝟑𝟐𝟏𝟎":                      "XXXXXX3210",
	}
	for in, want := range cases {
		if got := MaskDigitRuns(in); got != want {
			t.Errorf("MaskDigitRuns(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "Asha", "\x1b[31m", "\u202e", "\xff\xfe", "आशा\u200d", "9876543210"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) is not valid UTF-8", s)
		}
		for _, r := range out {
			if Unsafe(r) {
				t.Fatalf("Text(%q) = %q holds %U", s, out, r)
			}
		}
		if isSafe(s) && out != s {
			t.Fatalf("Text changed safe text %q to %q", s, out)
		}
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back string
		if err := json.Unmarshal(JSON(raw), &back); err != nil {
			t.Fatalf("JSON(%s) does not decode: %v", raw, err)
		}
		var want string
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if back != want {
			t.Fatalf("JSON round trip of %q gave %q", s, back)
		}
		m := MaskDigitRuns(s)
		if end, n := digitRun(m, 0); n >= MinMaskedDigits && end > 0 {
			t.Fatalf("MaskDigitRuns(%q) = %q still starts with %d digits", s, m, n)
		}
	})
}

func TestLinesKeepsLineBreaksOnly(t *testing.T) {
	if got := Lines("one\ntwo\x1b[2J\r\nthree\u202e"); got != "one\ntwo\\x1b[2J\\x0d\nthree\\u202e" {
		t.Errorf("Lines = %q", got)
	}
	if s := "plain\ntext"; Lines(s) != s {
		t.Error("Lines changed safe text")
	}
}
