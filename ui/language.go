package ui

import (
	"encoding/json"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"abha-deactivate/assets"
)

// Languages the interface offers, by code.
const (
	LangEnglish = "en"
	LangHindi   = "hi"
)

// SetupLanguage loads the translations through Fyne's lang package and
// returns the language in use: choice ("en" or "hi") when given, else the
// system's language when it is Hindi, else English. It must run before any
// text is built, once per process.
//
// Fyne picks the translation that best matches the system locale and offers
// no way to choose another, so a chosen language is also registered under
// the system's own locale, which then resolves to it on every platform.
func SetupLanguage(choice string) (string, error) {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return LangEnglish, fmt.Errorf("load translations: %w", err)
	}
	system := lang.SystemLocale()
	if choice == "" {
		if strings.HasPrefix(system.LanguageString(), LangHindi) {
			return LangHindi, nil
		}
		return LangEnglish, nil
	}
	if choice != LangEnglish && choice != LangHindi {
		return LangEnglish, fmt.Errorf("unknown language %q", choice)
	}
	if strings.HasPrefix(system.LanguageString(), choice) {
		return choice, nil
	}
	data, err := assets.Translations.ReadFile("translations/" + choice + ".json")
	if err != nil {
		return LangEnglish, fmt.Errorf("load translations: %w", err)
	}
	if err := lang.AddTranslationsForLocale(data, system); err != nil {
		return LangEnglish, fmt.Errorf("use %s: %w", choice, err)
	}
	return choice, nil
}

// T translates an English text of the interface; data fills {{.Name}} fields.
func T(english string, data ...map[string]any) string {
	if len(data) > 0 {
		return lang.L(english, data[0])
	}
	return lang.L(english)
}

// TranslationKeys lists the keys of a translation file, for tests.
func TranslationKeys(language string) (map[string]string, error) {
	data, err := assets.Translations.ReadFile("translations/" + language + ".json")
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}
