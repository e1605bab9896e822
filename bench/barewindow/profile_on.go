//go:build startprof

package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"abha-deactivate/internal/startprof"
)

// watchFirstFrame ends the start-up profile (--profile-startup DIR) on the
// window's first frame, as the wizard does (see package startprof).
func watchFirstFrame(w fyne.Window) {
	p := startprof.Active()
	if p == nil {
		return
	}
	marker := canvas.NewRaster(p.Marker(fyne.Do))
	marker.Resize(fyne.NewSize(1, 1))
	w.SetContent(container.NewStack(w.Content(), container.NewWithoutLayout(marker)))
}
