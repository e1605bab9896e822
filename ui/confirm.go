package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/storage/settings"
)

// confirmation is one question to staff before a step that matters.
type confirmation struct {
	title, confirm, dismiss string
	content                 fyne.CanvasObject
	importance              widget.Importance
	width                   float32 // 0 leaves the dialog's own width
	onConfirm               func()
	// system is the ABDM system the question is about, when it is not the
	// connection's (Connect asks before connecting to production).
	system *settings.Settings
}

// openQuestion is the confirmation on screen: Enter answers it with its
// default button (or the focused one), Escape with Go back.
type openQuestion struct {
	dlg       dialog.Dialog
	yes, no   *dialogButton
	onConfirm func()
	answered  bool
}

// answer closes the question once and runs its action on yes.
func (w *Wizard) answer(q *openQuestion, yes bool) {
	if q.answered {
		return
	}
	q.answered = true
	if w.question == q {
		w.question, w.asking = nil, false
	}
	q.dlg.Hide()
	w.opts.Log.WithField("confirmed", yes).Info("wizard dialog closed")
	if yes {
		q.onConfirm()
	}
}

// askOnce shows c unless a confirmation is already open: pressing Enter or
// the button again while the dialog is up must not stack a second, identical
// question that would stay over the result. It reports whether c was shown.
// The dialog names the ABDM system in use above the question, and its
// default button (the confirmation) has the focus: Enter presses it,
// Escape goes back.
func (w *Wizard) askOnce(c confirmation) bool {
	if w.asking {
		return false
	}
	w.asking = true
	q := &openQuestion{onConfirm: c.onConfirm}
	q.no = newDialogButton(c.dismiss, widget.MediumImportance, func() { w.answer(q, false) })
	q.yes = newDialogButton(c.confirm, c.importance, func() { w.answer(q, true) })
	q.no.escape, q.yes.escape = q.no.OnTapped, q.no.OnTapped
	body := container.NewVBox(w.systemBadge(c.system), c.content)
	d := dialog.NewCustomWithoutButtons(c.title, body, w.win)
	d.SetButtons([]fyne.CanvasObject{q.no, q.yes})
	q.dlg = d
	w.question = q
	if c.width > 0 {
		d.Resize(fyne.NewSize(c.width, 0))
	}
	d.Show()
	w.win.Canvas().Focus(q.yes)
	w.opts.Log.WithField("title", c.title).Info("wizard dialog shown")
	return true
}

// dialogKey answers the open question from a key no button took: Enter is
// its default button, Escape Go back. It reports whether a question was open.
func (w *Wizard) dialogKey(name fyne.KeyName) bool {
	q := w.question
	if q == nil {
		return false
	}
	switch name {
	case fyne.KeyReturn, fyne.KeyEnter:
		q.yes.OnTapped()
	case fyne.KeyEscape:
		q.no.OnTapped()
	}
	return true
}

// closeDialogs closes whatever dialog is open, unanswered (a question
// counts as Go back): a dialog never outlives the step it was asked on.
func (w *Wizard) closeDialogs() {
	if q := w.question; q != nil {
		w.answer(q, false)
	}
	ov := w.win.Canvas().Overlays()
	for _, o := range ov.List() {
		o.Hide()
		ov.Remove(o)
	}
}

// closeTopDialog closes the dialog on top (Escape), as its dismiss button
// would for the wizard's questions. It reports whether one was open.
func (w *Wizard) closeTopDialog() bool {
	if w.question != nil {
		return w.dialogKey(fyne.KeyEscape)
	}
	ov := w.win.Canvas().Overlays()
	top := ov.Top()
	if top == nil {
		return false
	}
	top.Hide()
	ov.Remove(top)
	return true
}

// dialogButton is a dialog's button that Enter presses too (Fyne's buttons
// take only Space) and on which Escape goes back.
type dialogButton struct {
	widget.Button
	escape  func()
	focused bool // the ring shows (focusring.go)
}

func newDialogButton(label string, imp widget.Importance, tapped func()) *dialogButton {
	b := &dialogButton{}
	b.Text, b.Importance, b.OnTapped = label, imp, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey adds Enter and Escape to the button's keys.
func (b *dialogButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if b.OnTapped != nil && !b.Disabled() {
			b.OnTapped()
		}
	case fyne.KeyEscape:
		if b.escape != nil {
			b.escape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// systemBadge is a strip, like the one above the steps, that names the ABDM
// system of set (nil: the connection's) inside a dialog: the demo's banner
// in demo mode.
func (w *Wizard) systemBadge(set *settings.Settings) fyne.CanvasObject {
	if w.opts.Demo != nil {
		return demoBanner(nil) // no Leave button inside a question
	}
	if set == nil {
		set = &w.set
	}
	s := newSystemStrip()
	s.show(*set)
	return s.box
}
