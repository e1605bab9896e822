package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// StartupErrorWindow is the window shown instead of the wizard when the app
// cannot start as configured (for example the facility's settings are
// damaged): a windowed program has no terminal to say it in. Close ends the
// app.
func StartupErrorWindow(a fyne.App, message string) fyne.Window {
	win := a.NewWindow(T("ABHA Deactivation"))
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	title := heading(T("The app cannot start."))
	closeButton := &widget.Button{Text: T("Close"), Importance: widget.HighImportance, OnTapped: a.Quit}
	win.SetContent(container.NewBorder(title, container.NewHBox(layoutSpacer(), closeButton), nil, nil, text))
	win.Resize(fyne.NewSize(520, 220))
	win.SetOnClosed(a.Quit)
	return win
}
