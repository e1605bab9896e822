//go:build !startprof

package main

import "fyne.io/fyne/v2"

// watchFirstFrame does nothing in the baseline build (see profile_on.go).
func watchFirstFrame(fyne.Window) {}
