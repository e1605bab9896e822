// Command barewindow is the baseline of `make bench`: the smallest Fyne app,
// one window with one label and nothing else. The wizard's start-up time,
// peak memory and binary size are reported relative to this program, built
// with the same flags in the same run.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.abhadeactivate.bench")
	w := a.NewWindow("Bare Fyne window")
	w.SetContent(widget.NewLabel("Bare Fyne window"))
	w.ShowAndRun()
}
