// Package assets holds the files the app needs at run time, embedded in the
// binary so that nothing has to sit beside it: the reason catalogue, the
// translations, the Devanagari font and the icon.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

// ReasonsJSON is the built-in reason catalogue (see abdm.ParseCatalogue).
//
//go:embed reasons.json
var ReasonsJSON []byte

// Translations holds one JSON file per language (en.json, hi.json) in the
// format of Fyne's lang package, under the folder "translations".
//
//go:embed translations/*.json
var Translations embed.FS

//go:embed fonts/NotoSansDevanagari-Regular.ttf
var devanagariRegular []byte

//go:embed fonts/NotoSansDevanagari-Bold.ttf
var devanagariBold []byte

// Noto Sans Devanagari (SIL Open Font License 1.1, see fonts/OFL.txt), for
// Hindi text on computers without a Devanagari system font.
var (
	DevanagariRegular = fyne.NewStaticResource("NotoSansDevanagari-Regular.ttf", devanagariRegular)
	DevanagariBold    = fyne.NewStaticResource("NotoSansDevanagari-Bold.ttf", devanagariBold)
)

//go:embed icon.png
var iconPNG []byte

// Icon is the app's icon (drawn for this project; source: icon.svg).
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

//go:embed icon-window.png
var windowIconPNG []byte

// WindowIcon is the icon the running app gives its window: Icon at 128 px,
// which is all a task bar or window switcher shows, and a sixteenth of the
// pixels to decode and send to the window system at each start.
var WindowIcon = fyne.NewStaticResource("icon-window.png", windowIconPNG)
