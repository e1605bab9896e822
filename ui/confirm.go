package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// confirmation is one question to staff before a step that matters.
type confirmation struct {
	title, confirm, dismiss string
	content                 fyne.CanvasObject
	importance              widget.Importance
	width                   float32 // 0 leaves the dialog's own width
	onConfirm               func()
}

// askOnce shows c unless a confirmation is already open: pressing Enter or
// the button again while the dialog is up must not stack a second, identical
// question that would stay over the result. It reports whether c was shown.
func (w *Wizard) askOnce(c confirmation) bool {
	if w.asking {
		return false
	}
	w.asking = true
	d := dialog.NewCustomConfirm(c.title, c.confirm, c.dismiss, c.content, func(ok bool) {
		w.asking = false
		if ok {
			c.onConfirm()
		}
	}, w.win)
	d.SetConfirmImportance(c.importance)
	if c.width > 0 {
		d.Resize(fyne.NewSize(c.width, 0))
	}
	d.Show()
	return true
}
