// Command floorwindow is the second baseline of `make bench`: plain Fyne,
// none of the wizard's code, drawing at the wizard's window size the same
// kinds and number of objects as the wizard's first screen (Connect): a main
// menu, a bold title with a trail of steps, a form of bold labels, a select,
// a radio group, text and password entries (one focused), a check box,
// wrapped help text, separators and a primary button.
//
// What it costs to start, beyond the one-label bare window, is what Fyne and
// the OpenGL driver charge for such a screen (the shader programs of
// rectangles, rounded rectangles and lines, a bold font, text textures, a
// larger window): the floor under the wizard's own start-up. The wizard's
// figures are printed against both (bench/README.md).
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.abhadeactivate.bench.floor")
	w := a.NewWindow("Fyne floor window")
	w.Resize(fyne.NewSize(920, 690)) // the wizard's window (ui.defaultWindowSize)

	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	help := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	system := widget.NewSelect([]string{"Test system", "Live system", "Custom addresses"}, nil)
	system.SetSelectedIndex(0)
	generation := widget.NewRadioGroup([]string{"Current", "Legacy"}, nil)
	generation.Horizontal = true
	generation.SetSelected("Current")
	id := widget.NewEntry()
	id.SetPlaceHolder("Client ID")
	secret := widget.NewPasswordEntry()
	secret.SetPlaceHolder("Client secret")
	facility := widget.NewEntry()
	facility.SetPlaceHolder("Facility ID")
	form := container.New(layout.NewFormLayout(),
		bold("System"), system,
		bold("Generation"), container.NewVBox(generation, help("The current generation of the API. Choose the legacy one only if your access is still on it.")),
		bold("Client ID"), id,
		bold("Client secret"), container.NewVBox(secret, widget.NewCheck("Remember the secret in this computer's keyring", nil),
			help("Given to you with the client ID. It is never shown.")),
		bold("Facility ID"), container.NewVBox(facility, help("The ID of your facility, kept with every record this computer writes.")),
	)
	trail := widget.NewRichText(
		&widget.TextSegment{Text: "1. Sign in   ›   ", Style: widget.RichTextStyleStrong},
		&widget.TextSegment{Text: "2. Find   ›   ", Style: widget.RichTextStyleInline},
		&widget.TextSegment{Text: "3. Send code   ›   ", Style: widget.RichTextStyleInline},
		&widget.TextSegment{Text: "4. Confirm", Style: widget.RichTextStyleInline},
	)
	header := container.NewVBox(container.NewBorder(nil, nil, bold("Step 1 of 4: Sign in"), nil,
		container.NewHBox(layout.NewSpacer(), trail)), widget.NewSeparator())
	next := widget.NewButton("Next", nil)
	next.Importance = widget.HighImportance
	footer := container.NewVBox(widget.NewSeparator(), container.NewHBox(layout.NewSpacer(), next))
	body := container.NewVScroll(container.NewPadded(container.NewVBox(
		help("First time here? Pick the test system to try it out."), form)))
	w.SetContent(container.NewBorder(header, footer, nil, nil, body))
	w.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("File", fyne.NewMenuItem("Settings", nil)),
		fyne.NewMenu("Help", fyne.NewMenuItem("About", nil)),
	))
	w.Canvas().Focus(id)
	w.ShowAndRun()
}
