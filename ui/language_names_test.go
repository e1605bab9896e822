package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"abha-deactivate/abdm"
	"abha-deactivate/assets"
	"abha-deactivate/storage/audit"
)

// TestLanguagesByTheirOwnNames: the Language field lists "English" and
// "हिन्दी" (never "Hindi"), drawn with the Devanagari font so that the
// English interface can show it; choosing one saves its code.
func TestLanguagesByTheirOwnNames(t *testing.T) {
	e := newUIEnv(t)
	e.act(func() {
		f := newSettingsForm(e.wiz)
		opts := f.language.Options
		if !slices.Contains(opts, "English") || !slices.Contains(opts, "हिन्दी") || slices.Contains(opts, "Hindi") {
			t.Errorf("language choices %q", opts)
		}
		view, ok := f.languageView().(*container.ThemeOverride)
		if !ok || view.Theme.Font(fyne.TextStyle{}) != assets.DevanagariRegular {
			t.Errorf("the Language field is not drawn with the Devanagari font: %T", f.languageView())
		}
		f.language.SetSelected("हिन्दी")
		if got := f.read().Language; got != LangHindi {
			t.Errorf("choosing हिन्दी saves %q", got)
		}
		f.language.SetSelected("English")
		if got := f.read().Language; got != LangEnglish {
			t.Errorf("choosing English saves %q", got)
		}
	})
}

// TestReasonsShownByLabel: History shows the reasons of an attempt by their
// labels, never their codes; the Verify step's check boxes likewise, and on
// v3 it says that ABDM receives the reasons' English wording (in Hindi too).
func TestReasonsShownByLabel(t *testing.T) {
	e := newUIEnv(t, withAPI(abdm.V3))
	rec := &audit.Record{Reasons: []audit.Reason{{Code: "101"}, {Code: "others", Label: "x"}, {Code: "9", Label: "Old label"}}}
	got := e.wiz.reasonLabels(audit.Entry{Intent: rec})
	if want := "The patient does not want to use ABHA for now; Another reason; Old label"; got != want {
		t.Errorf("History reasons %q, want %q", got, want)
	}
	e.toVerify(asha)
	e.act(func() {
		v := e.verify()
		for _, c := range v.reasons {
			if strings.Contains(c.Text, "101") || strings.Contains(c.Text, "others") {
				t.Errorf("a reason shows its code: %q", c.Text)
			}
		}
		note := v.note.Text()
		hi, _ := TranslationKeys(LangHindi)
		if !strings.Contains(note, "English wording") || !strings.Contains(hi[note], "अंग्रेज़ी") {
			t.Errorf("v3 Verify note %q (Hindi %q)", note, hi[note])
		}
	})
}
