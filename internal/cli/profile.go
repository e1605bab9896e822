package cli

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"abha-deactivate/internal/startprof"
)

// watchFirstFrame ends the start-up profile (--profile-startup), if one
// runs, on win's first frame: it puts the profile's transparent 1x1 marker
// above win's content (see package startprof) and keeps the focus where it
// was. Call on the UI goroutine, before the window is shown.
func watchFirstFrame(win fyne.Window, p *startprof.Profile) {
	if p == nil {
		return
	}
	marker := canvas.NewRaster(p.Marker(fyne.Do))
	marker.Resize(fyne.NewSize(1, 1))
	focused := win.Canvas().Focused()
	win.SetContent(container.NewStack(win.Content(), container.NewWithoutLayout(marker)))
	if focused != nil {
		win.Canvas().Focus(focused)
	}
}
