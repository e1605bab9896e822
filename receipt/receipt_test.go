package receipt

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"abha-deactivate/abdm"
)

// pdfInfo is one field of pdfinfo's report on a PDF.
func pdfInfo(t *testing.T, path, field string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdfinfo"), path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("pdfinfo has no %s:\n%s", field, out)
	return ""
}

// TestReceipts makes the receipt in English and Hindi, reads it back and
// writes its picture to screenshots/receipt-LANG.png.
func TestReceipts(t *testing.T) {
	for _, c := range []struct {
		language, title string
		words           []string // what pdftotext must find
	}{
		{English, "ABHA deactivated", []string{"ABHA deactivated", "2 December 2026, 4:05 pm IST", "Asha Verma",
			"IN2410000123", "The patient does not want to use ABHA for now", "Another reason", "TEST / DEMO",
			"reactivate it yourself", "Made by abha-deactivate 1.4.0 on 2 December 2026"}},
		// pdftotext cannot map shaped Devanagari (conjuncts, reordered vowel
		// signs) back to text: the Hindi title is checked in the document's
		// title, the page's Latin text with pdftotext.
		{Hindi, "ABHA निष्क्रिय किया गया", []string{"2026", "IN2410000123", "kshama.tripathi@sbx",
			"abha.abdm.gov.in", "abha-deactivate 1.4.0"}},
	} {
		t.Run(c.language, func(t *testing.T) {
			d := sample(t, c.language)
			path := render(t, d)
			text := pdfText(t, path)
			for _, w := range append(c.words, d.TxnID, "XX-XXXX-XXXX-7890") {
				if !strings.Contains(text, w) {
					t.Errorf("the receipt does not say %q:\n%s", w, text)
				}
			}
			if got := norm.NFC.String(pdfInfo(t, path, "Title")); got != norm.NFC.String(c.title) {
				t.Errorf("title %q, want %q", got, c.title)
			}
			if pages := pdfInfo(t, path, "Pages"); pages != "1" {
				t.Errorf("%s pages, want 1", pages)
			}
			if size := pdfInfo(t, path, "Page size"); !strings.Contains(size, "419.528 x 595.276") {
				t.Errorf("page size %s, want A5", size)
			}
			fonts, err := exec.Command(needTool(t, "pdffonts"), path).Output()
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"NotoSans-Regular", "NotoSans-Bold"}
			if c.language == Hindi {
				want = append(want, "NotoSansDevanagari-Regular", "NotoSansDevanagari-Bold")
			}
			for _, f := range want {
				if !regexp.MustCompile(`\+` + f + `\s+CID TrueType\s+Identity-H\s+yes yes yes`).Match(fonts) {
					t.Errorf("%s is not embedded (subset, with a Unicode map):\n%s", f, fonts)
				}
			}
			t.Logf("%s", screenshot(t, path, "receipt-"+c.language))
		})
	}
}

// TestReceiptVariants checks the texts that depend on the change: a
// reactivation, a status check, production (no test mark), no HIP ID.
func TestReceiptVariants(t *testing.T) {
	d := sample(t, English)
	d.Action, d.Reasons, d.Environment, d.HIPID, d.ByStatusCheck = abdm.ActionReactivate, nil, "production", "", true
	text := pdfText(t, render(t, d))
	for _, w := range []string{"ABHA reactivated", "You can use this ABHA again", "Nothing: the ABHA is ready to use.",
		"By ABDM, in a status check"} {
		if !strings.Contains(text, w) {
			t.Errorf("the receipt does not say %q:\n%s", w, text)
		}
	}
	for _, w := range []string{"TEST", "DEMO", "Facility", "Reasons", "deactivated"} {
		if strings.Contains(text, w) {
			t.Errorf("the receipt says %q:\n%s", w, text)
		}
	}
}

// TestReceiptNeverShowsAnABHANumber puts an ABHA number in every field.
func TestReceiptNeverShowsAnABHANumber(t *testing.T) {
	for _, n := range []string{"91551234567890", "91-5512-3456-7890", "91 5512 3456 7890"} {
		d := sample(t, English)
		d.ABHANumber, d.PatientName, d.ABHAAddress, d.HIPID = n, "Asha "+n, n+"@sbx", n
		d.Reasons, d.TxnID, d.Version, d.Environment = []string{"see " + n}, n, n, n
		text := pdfText(t, render(t, d))
		flat := strings.Join(strings.Fields(text), "")
		if strings.Contains(strings.NewReplacer("-", "").Replace(flat), "91551234567890") {
			t.Fatalf("the ABHA number %q is on the receipt:\n%s", n, text)
		}
		if c := strings.Count(text, "XX-XXXX-XXXX-7890"); c < 7 {
			t.Errorf("%q: masked %d times, want every field (7+):\n%s", n, c, text)
		}
	}
}

// TestLongReceiptStaysOnOnePage: many long reasons move to A4.
func TestLongReceiptStaysOnOnePage(t *testing.T) {
	d := sample(t, Hindi)
	for range 12 {
		d.Reasons = append(d.Reasons, strings.Repeat("मरीज़ के पास दूसरा ABHA है जिसका वे उपयोग करेंगे ", 2))
	}
	path := render(t, d)
	if pages, size := pdfInfo(t, path, "Pages"), pdfInfo(t, path, "Page size"); pages != "1" || !strings.Contains(size, "(A4)") {
		t.Errorf("%s pages of %s, want 1 of A4", pages, size)
	}
}

func TestWriteRefusesIncompleteData(t *testing.T) {
	for name, change := range map[string]func(*Data){
		"no action":   func(d *Data) { d.Action = "" },
		"no time":     func(d *Data) { d.At = time.Time{} },
		"no txn ID":   func(d *Data) { d.TxnID = " " },
		"odd action:": func(d *Data) { d.Action = "delete" },
	} {
		d := sample(t, English)
		change(&d)
		var buf bytes.Buffer
		if err := testMaker(t).Write(&buf, d); err == nil || buf.Len() > 0 {
			t.Errorf("%s: error %v, %d bytes written", name, err, buf.Len())
		}
	}
}

func TestNewNeedsFontsAndTexts(t *testing.T) {
	r := testResources(t)
	noFont := r
	noFont.Fonts.DevanagariBold = nil
	badFont := r
	badFont.Fonts.Latin = []byte("not a font")
	for name, res := range map[string]Resources{"no font": noFont, "bad font": badFont, "no texts": {Fonts: r.Fonts}} {
		if _, err := New(res); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestFromResult(t *testing.T) {
	m := testMaker(t)
	res := abdm.Result{Action: abdm.ActionDeactivate, TxnID: "txn-1", At: time.Now(), ByStatusCheck: true,
		Reasons: []string{"103", "others", "999"},
		Patient: abdm.Profile{Name: "Asha Verma", ABHANumber: "91-5512-3456-7890", ABHAAddress: "asha@sbx"}}
	d := m.FromResult(res, catalogue(t), Hindi)
	want := []string{"मरीज़ के पास दूसरा ABHA है जिसका वे उपयोग करेंगे", "अन्य कारण", "999"}
	if strings.Join(d.Reasons, "|") != norm.NFC.String(strings.Join(want, "|")) || d.TxnID != "txn-1" || !d.ByStatusCheck ||
		d.PatientName != "Asha Verma" || d.Language != Hindi {
		t.Errorf("%+v", d)
	}
}

func BenchmarkWrite(b *testing.B) {
	m := testMaker(b)
	for _, language := range []string{English, Hindi} {
		b.Run(language, func(b *testing.B) {
			d := sample(b, language)
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := m.Write(&buf, d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "pdf-bytes")
		})
	}
}

// BenchmarkNew is the cost of a Maker: the four fonts parsed and the texts
// read, once per process.
func BenchmarkNew(b *testing.B) {
	r := testResources(b)
	for b.Loop() {
		if _, err := New(r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReceiptNamesTheCustomServer: custom addresses are named by their host,
// as the app's strip names them.
func TestReceiptNamesTheCustomServer(t *testing.T) {
	d := sample(t, English)
	d.Environment, d.Server = "custom", "abdm.example.org"
	if text := pdfText(t, render(t, d)); !strings.Contains(text, "custom server (abdm.example.org)") {
		t.Errorf("the receipt does not name the custom server:\n%s", text)
	}
}

// TestReceiptFacilityAndHindiMarks: the facility's name is printed beside
// the HIP ID; a Hindi receipt has its test mark and time zone in Hindi.
func TestReceiptFacilityAndHindiMarks(t *testing.T) {
	d := sample(t, English)
	d.Facility = "City Health Centre"
	if text := pdfText(t, render(t, d)); !strings.Contains(text, "City Health Centre (IN2410000123)") {
		t.Errorf("the receipt does not name the facility beside its HIP ID:\n%s", text)
	}
	d.HIPID = ""
	if text := pdfText(t, render(t, d)); !strings.Contains(text, "City Health Centre") {
		t.Errorf("the receipt does not name the facility without a HIP ID:\n%s", text)
	}
	hi := sample(t, Hindi)
	hi.Facility = "City Health Centre"
	text := pdfText(t, render(t, hi))
	for _, w := range []string{"TEST", "DEMO", "IST"} {
		if strings.Contains(text, w) {
			t.Errorf("the Hindi receipt says %q in English:\n%s", w, text)
		}
	}
	if !strings.Contains(text, "City Health Centre (IN2410000123)") {
		t.Errorf("the Hindi receipt does not name the facility:\n%s", text)
	}
	tx, err := loadTexts(testResources(t).Translations, Hindi)
	if err != nil {
		t.Fatal(err)
	}
	if got := tx.dateTime(hi.At); !strings.Contains(got, "भारतीय मानक समय") || !strings.Contains(tx[kTestMark], "डेमो") {
		t.Errorf("Hindi time %q, mark %q", got, tx[kTestMark])
	}
}
