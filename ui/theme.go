package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"abha-deactivate/assets"
)

// Appearance choices (settings.Settings.Appearance).
const (
	AppearanceSystem = ""      // follow the system's light or dark choice
	AppearanceLight  = "light" // always light
	AppearanceDark   = "dark"  // always dark
)

// colorNameHint is the colour of help text under fields.
const colorNameHint fyne.ThemeColorName = "abha.hint"

// colorNameFocusRing is the outline around the focused widget (focusring.go).
const colorNameFocusRing fyne.ThemeColorName = "abha.focusRing"

// Colours chosen for at least 4.5:1 contrast (WCAG AA) with the window and
// field backgrounds of each variant; ui tests measure them on screenshots.
var (
	hintLight        = color.NRGBA{R: 0x70, G: 0x70, B: 0x70, A: 0xff} // 4.9:1 on white; Fyne's disabled grey is 1.3:1
	hintDark         = color.NRGBA{R: 0xa8, G: 0xa8, B: 0xa8, A: 0xff} // 7.5:1 on the dark background
	placeholderLight = color.NRGBA{R: 0x6a, G: 0x6a, B: 0x6a, A: 0xff} // 4.8:1 on a light field; Fyne's #888 is 3.2:1
	// The focus ring: at least 3:1 (WCAG 2.2 focus appearance) with the
	// window's background and with the blue main button it surrounds.
	focusRingLight = color.NRGBA{R: 0xc2, G: 0x41, B: 0x0c, A: 0xff} // deep orange
	focusRingDark  = color.NRGBA{R: 0xff, G: 0xc1, B: 0x07, A: 0xff} // amber
)

// appTheme is Fyne's default theme with a Devanagari font when the
// interface is in Hindi (Fyne's own font has no Devanagari glyphs, and a
// facility computer may have no system font that does; Latin letters the
// Devanagari font lacks fall back to Fyne's default font), legible hint
// and placeholder colours, and a light or dark variant when the user chose one.
type appTheme struct {
	fyne.Theme
	hindi   bool
	forced  bool // variant overrides the system's choice
	variant fyne.ThemeVariant
}

func newTheme(hindi bool, appearance string) fyne.Theme {
	t := &appTheme{Theme: theme.DefaultTheme(), hindi: hindi}
	switch appearance {
	case AppearanceLight:
		t.forced, t.variant = true, theme.VariantLight
	case AppearanceDark:
		t.forced, t.variant = true, theme.VariantDark
	}
	return t
}

// Font returns the embedded Noto Sans Devanagari for Hindi text.
func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource {
	if !t.hindi || s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	if s.Bold {
		return assets.DevanagariBold
	}
	return assets.DevanagariRegular
}

// Color is the default palette in the chosen variant, with the hint and
// placeholder colours made legible.
func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	switch n {
	case colorNameHint:
		if v == theme.VariantLight {
			return hintLight
		}
		return hintDark
	case colorNameFocusRing:
		if v == theme.VariantLight {
			return focusRingLight
		}
		return focusRingDark
	case theme.ColorNamePlaceHolder:
		if v == theme.VariantLight {
			return placeholderLight
		}
	}
	return t.Theme.Color(n, v)
}
