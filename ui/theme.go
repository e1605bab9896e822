package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"abha-deactivate/assets"
)

// appTheme is Fyne's default theme with a Devanagari font when the
// interface is in Hindi: Fyne's own font has no Devanagari glyphs, and a
// facility computer may have no system font that does. Latin letters the
// Devanagari font lacks fall back to Fyne's default font.
type appTheme struct {
	fyne.Theme
	hindi bool
}

func newTheme(hindi bool) fyne.Theme { return &appTheme{Theme: theme.DefaultTheme(), hindi: hindi} }

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

// Color keeps the default palette; the demo banner and warnings use the
// theme's warning colour.
func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, v)
}
