// Package receipt makes the patient's receipt of a deactivation or a
// reactivation of their ABHA: one PDF page (A5, or A4 when the text needs
// more room) in English or Hindi, in embedded fonts, with Devanagari shaped.
//
// A receipt never carries a secret (Data has no field for one) nor a whole
// ABHA number: the ABHA number is masked, and any 14-digit number found in
// another field is masked too. The package does not use Fyne, so that the
// headless command and the wizard can both make receipts; the fonts and the
// wording come from the caller (see Resources).
package receipt

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"abha-deactivate/abdm"
)

// Languages of a receipt.
const (
	English = "en"
	Hindi   = "hi"
)

// Data is what a receipt says.
type Data struct {
	Language    string      // English or Hindi; anything else is English
	Action      abdm.Action // abdm.ActionDeactivate or abdm.ActionReactivate
	At          time.Time   // when ABDM confirmed the change; printed in IST
	HIPID       string      // the facility's HIP ID; empty leaves the row out
	Facility    string      // the facility's name, printed beside the HIP ID; optional
	Environment string      // sandbox, production, custom or demo: all but production print a test mark
	Server      string      // the host of custom addresses, named with the custom environment (as the app's strip does)
	PatientName string
	ABHANumber  string   // printed masked, whatever it is given
	ABHAAddress string   // optional
	Reasons     []string // labels in the receipt's language (see ReasonLabels); deactivation only
	TxnID       string   // ABDM's transaction ID: the reference of the change
	// ByStatusCheck says that ABDM's reply was lost and a status check
	// confirmed the change (abdm.Result.ByStatusCheck).
	ByStatusCheck bool
	Version       string    // abha-deactivate's version, for the footer
	Made          time.Time // when the receipt is made, for the footer; zero is now
}

// FromResult is the Data of a completed change, in language: the reasons'
// labels are looked up in cat (see ReasonLabels). The caller adds the
// facility, the environment and the version.
func (m *Maker) FromResult(res abdm.Result, cat abdm.Catalogue, language string) Data {
	return Data{
		Language:      language,
		Action:        res.Action,
		At:            res.At,
		PatientName:   res.Patient.Name,
		ABHANumber:    res.Patient.ABHANumber,
		ABHAAddress:   res.Patient.ABHAAddress,
		Reasons:       m.ReasonLabels(cat, res.Reasons, language),
		TxnID:         res.TxnID,
		ByStatusCheck: res.ByStatusCheck,
	}
}

// ReasonLabels returns the labels of the reason codes in language. A reason
// with free text (the catalogue's "others") is "Another reason": its label
// is written for staff, and the note stays in the audit trail. A code the
// catalogue does not know stands for itself.
func (m *Maker) ReasonLabels(cat abdm.Catalogue, codes []string, language string) []string {
	out := make([]string, 0, len(codes))
	for _, code := range codes {
		r, ok := cat.Lookup(code)
		switch {
		case !ok:
			out = append(out, code)
		case r.FreeText:
			out = append(out, m.texts[textLanguage(language)][kReasonOther])
		default:
			out = append(out, r.Label(language))
		}
	}
	return out
}

// Fonts are the TrueType (or OpenType) files a receipt is set in.
type Fonts struct {
	Latin, LatinBold           []byte // for Latin text, e.g. Noto Sans
	Devanagari, DevanagariBold []byte // for Hindi, e.g. Noto Sans Devanagari
}

// Resources are what a Maker needs from the app.
type Resources struct {
	Fonts Fonts
	// Translations holds en.json and hi.json (Fyne's lang format) at its
	// root, with the receipt.* keys.
	Translations fs.FS
}

// Maker makes receipts. It is safe for concurrent use.
type Maker struct {
	mu    sync.Mutex // the fonts' shapers keep state
	fonts *fontSet
	texts map[string]texts // by language
}

// New reads the fonts and the receipt's texts once, for every receipt.
func New(r Resources) (*Maker, error) {
	fonts, err := loadFonts(r.Fonts)
	if err != nil {
		return nil, err
	}
	m := &Maker{fonts: fonts, texts: map[string]texts{}}
	for _, language := range []string{English, Hindi} {
		if m.texts[language], err = loadTexts(r.Translations, language); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// check reports what makes d unprintable.
func (d Data) check() error {
	var problems []string
	if d.Action != abdm.ActionDeactivate && d.Action != abdm.ActionReactivate {
		problems = append(problems, fmt.Sprintf("unknown action %q", d.Action))
	}
	if d.At.IsZero() {
		problems = append(problems, "no time of the change")
	}
	if strings.TrimSpace(d.TxnID) == "" {
		problems = append(problems, "no transaction ID")
	}
	if len(problems) > 0 {
		return errors.New("receipt: " + strings.Join(problems, ", "))
	}
	return nil
}

// language is d's language, English unless Hindi is asked for.
func (d Data) language() string { return textLanguage(d.Language) }

// textLanguage is the language of the texts for language: Hindi or English.
func textLanguage(language string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(language)), Hindi) {
		return Hindi
	}
	return English
}

// test says whether the change was made on a test system.
func (d Data) test() bool {
	return !strings.EqualFold(strings.TrimSpace(d.Environment), string(abdm.EnvProduction))
}
