package receipt

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// receiptTexts reads the receipt.* entries of a translation file, each of
// which must appear once.
func receiptTexts(t *testing.T, language string) map[string]string {
	t.Helper()
	data, err := fs.ReadFile(testResources(t).Translations, language+".json")
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]string
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatalf("%s.json: %v", language, err)
	}
	out := map[string]string{}
	for k, v := range all {
		if strings.HasPrefix(k, keyPrefix) {
			out[k] = v
			if n := bytes.Count(data, []byte(strconv.Quote(k)+":")); n != 1 {
				t.Errorf("%s.json: %q appears %d times", language, k, n)
			}
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}`)

func fields(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// sameInHindi are the keys whose text is only placeholders and signs.
var sameInHindi = map[string]bool{kDate: true, kDateTime: true}

// keptTerms stay as they are in Hindi (as in the app's own translations).
// The test mark and the time zone are in Hindi words: a patient who reads
// Hindi must understand them (issue 23).
var keptTerms = []string{"ABHA", "ABDM", "OTP", "HIP ID", "abha.abdm.gov.in", "abha-deactivate"}

// glossary: an English text with the word has the Hindi one (the app's
// glossary, ui/language_test.go); the app's name is no word.
var glossary = []struct{ en, hi string }{
	{"deactivat", "निष्क्रिय"}, {"reactivat", "फिर से सक्रिय"}, {"patient", "मरीज\u093c"},
	{"status", "स्थिति"}, {"reason", "कारण"}, {"sandbox", "सैंडबॉक्स"}, {"production", "प्रोडक्शन"},
}

// TestTranslationFiles checks the receipt's entries of en.json and hi.json:
// the same keys in both, each used, the same placeholders, and Hindi that
// is NFC, in Devanagari with Latin digits, and in the app's words.
func TestTranslationFiles(t *testing.T) {
	en, hi := receiptTexts(t, English), receiptTexts(t, Hindi)
	want := Keys()
	slices.Sort(want)
	for language, m := range map[string]map[string]string{English: en, Hindi: hi} {
		if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, want) {
			t.Errorf("%s.json: receipt keys\n%v\nwant (receipt.Keys)\n%v", language, got, want)
		}
	}
	for k, e := range en {
		h, ok := hi[k]
		if !ok {
			continue
		}
		if !slices.Equal(fields(e), fields(h)) || strings.Count(e, "{{") != len(fields(e)) || strings.Count(h, "{{") != len(fields(h)) {
			t.Errorf("%s: placeholders differ or are not plain {{.Field}}: %q, %q", k, e, h)
		}
		if !norm.NFC.IsNormalString(h) || !norm.NFC.IsNormalString(e) {
			t.Errorf("%s: not NFC", k)
		}
		if !sameInHindi[k] && (h == e || !strings.ContainsFunc(h, func(r rune) bool { return isDevanagari(r) && unicode.IsLetter(r) })) {
			t.Errorf("%s: no Hindi in %q", k, h)
		}
		for _, r := range h {
			if r >= 0x0966 && r <= 0x096F || r >= 0x0958 && r <= 0x095F {
				t.Errorf("%s: %q has %q: digits stay Latin, nukta letters are consonant + U+093C", k, h, r)
			}
		}
		for _, term := range keptTerms {
			if strings.Count(h, term) < strings.Count(e, term) {
				t.Errorf("%s: the Hindi should keep %q: %q", k, term, h)
			}
		}
		words := strings.ToLower(strings.ReplaceAll(e, "abha-deactivate", ""))
		for _, g := range glossary {
			if strings.Contains(words, g.en) && !strings.Contains(h, g.hi) {
				t.Errorf("%s: the Hindi should say %q for %q: %q", k, g.hi, g.en, h)
			}
		}
	}
}

func TestMonthsAndTimesOfDay(t *testing.T) {
	m := testMaker(t)
	for _, c := range []struct {
		language, utc, want string
	}{
		{English, "2026-12-02T10:35:00Z", "2 December 2026, 4:05 pm IST"},
		{English, "2026-01-31T18:30:00Z", "1 February 2026, 12:00 am IST"},
		{English, "2026-06-15T06:40:00Z", "15 June 2026, 12:10 pm IST"},
		{Hindi, "2026-12-02T10:35:00Z", "2 दिसंबर 2026, शाम 4:05 बजे (भारतीय मानक समय)"},
		{Hindi, "2026-02-01T03:00:00Z", "1 फ\u093cरवरी 2026, सुबह 8:30 बजे (भारतीय मानक समय)"},
		{Hindi, "2026-02-01T07:00:00Z", "1 फ\u093cरवरी 2026, दोपहर 12:30 बजे (भारतीय मानक समय)"},
		{Hindi, "2026-02-01T16:00:00Z", "1 फ\u093cरवरी 2026, रात 9:30 बजे (भारतीय मानक समय)"},
		{Hindi, "2026-02-01T20:00:00Z", "2 फ\u093cरवरी 2026, रात 1:30 बजे (भारतीय मानक समय)"},
	} {
		at, err := timeParse(c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.texts[c.language].dateTime(at); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.language, c.utc, got, c.want)
		}
	}
}
