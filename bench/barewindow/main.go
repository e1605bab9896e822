// Command barewindow is the baseline of `make bench`: the smallest Fyne app,
// one window with one label and nothing else. The wizard's start-up time,
// peak memory and binary size are reported relative to this program, built
// with the same flags in the same run.
//
// Built with -tags startprof (make bench-profile), it takes --profile-startup
// DIR like the wizard and writes the same start-up profiles (profile_on.go);
// the baseline itself is built without it.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.abhadeactivate.bench")
	w := a.NewWindow("Bare Fyne window")
	w.SetContent(widget.NewLabel("Bare Fyne window"))
	watchFirstFrame(w)
	w.ShowAndRun()
}
