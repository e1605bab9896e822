package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Keyboard focus: each step, when shown, puts the cursor in the field that
// needs input (step.focusTarget), an error puts it in the field to fix, and
// whatever has the focus is scrolled into view, whether the wizard moved
// it or the user pressed Tab or Shift+Tab. Fyne has no focus-change event,
// so a light poll (focusPoll, on the UI goroutine) notices Tab presses.

// focusPoll is how often the window checks whether Tab moved the focus.
const focusPoll = 80 * time.Millisecond

// name registers what the log calls a focusable widget, for IT and for
// scripted keyboard runs ("connect.client_id").
func (w *Wizard) name(obj fyne.CanvasObject, name string) {
	if w.names == nil {
		w.names = map[fyne.CanvasObject]string{}
	}
	w.names[obj] = name
}

// focus moves the keyboard focus to obj and brings it into view.
func (w *Wizard) focus(obj fyne.Focusable) {
	if obj == nil {
		return
	}
	if d, ok := obj.(fyne.Disableable); ok && d.Disabled() {
		return
	}
	w.win.Canvas().Focus(obj)
	w.focusChanged(true)
}

// pollFocus notices a focus moved by Tab, and finishes what waited for a
// frame; the wizard runs it every focusPoll.
func (w *Wizard) pollFocus() {
	w.focusChanged(w.pending)
	w.placeRing()
	if w.pendingNotice != nil {
		w.noticeShown(w.pendingNotice)
	}
}

// focusChanged brings the focused widget into view and logs it, when the
// focus moved since the last call (or always, with force). A widget of a
// step just shown has no position until its first frame is drawn: then the
// next poll does it.
func (w *Wizard) focusChanged(force bool) {
	f := w.win.Canvas().Focused()
	if f == w.lastFocus && !force {
		return
	}
	w.lastFocus, w.pending = f, false
	name, visible := "none", true
	if o, ok := f.(fyne.CanvasObject); ok && f != nil {
		if !drawn(o) {
			w.pending = true
			return
		}
		visible = w.reveal(o)
		name = w.nameOf(o)
	}
	w.opts.Log.WithField("step", screens[w.current].name).WithField("widget", name).
		WithField("visible", visible).Info("wizard focus")
}

// drawn reports whether o has been on a frame, so that the driver knows
// where it is.
func drawn(o fyne.CanvasObject) bool { return fyne.CurrentApp().Driver().CanvasForObject(o) != nil }

// nameOf is the registered name of o, or of the registered widget that holds
// it (the option of a radio group is "connect.api" too).
func (w *Wizard) nameOf(o fyne.CanvasObject) string {
	if n, ok := w.names[o]; ok {
		return n
	}
	if w.win.Canvas().Overlays().Top() != nil {
		switch b := o.(type) {
		case *widget.Button:
			return "dialog.button:" + b.Text // "dialog.button:Deactivate"
		case *dialogButton:
			return "dialog.button:" + b.Text
		}
		return "dialog"
	}
	for obj, n := range w.names {
		if obj.Visible() && within(o, obj) {
			return n
		}
	}
	return "other"
}

// reveal scrolls the step so that o, if it is in the step, is in view, and
// reports whether o is now inside the visible part of the window.
func (w *Wizard) reveal(o fyne.CanvasObject) bool {
	if w.win.Canvas().Overlays().Top() != nil {
		return w.inWindow(o) // a dialog lays itself out in the window
	}
	content := w.body.Content
	if !holds(content, o) {
		return w.inWindow(o) // the header, the footer or the demo phone
	}
	w.layoutBody()
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(content).Y
	bottom := top + o.Size().Height
	off, view := w.body.Offset, w.body.Size().Height
	pad := theme.Padding() * 2
	switch {
	case top-pad < off.Y || bottom-top+2*pad > view:
		off.Y = top - pad // above the view, or taller than it: show its top
	case bottom+pad > off.Y+view:
		off.Y = bottom + pad - view
	}
	off.Y = max(0, min(off.Y, content.Size().Height-view))
	w.body.ScrollToOffset(off)
	return w.inView(o)
}

// layoutBody lays the step out at its current content, so that positions
// are right before the next frame (a notice or card just shown).
func (w *Wizard) layoutBody() {
	c := w.body.Content
	c.Resize(c.MinSize().Max(w.body.Size()))
	layoutTree(c)
}

// inView reports whether o lies inside the visible part of the step.
func (w *Wizard) inView(o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	if !rectWithin(d.AbsolutePositionForObject(o), o.Size(), d.AbsolutePositionForObject(w.body), w.body.Size()) {
		return false
	}
	return w.inWindow(o)
}

// inWindow reports whether o lies inside the window's canvas.
func (w *Wizard) inWindow(o fyne.CanvasObject) bool {
	return rectWithin(fyne.CurrentApp().Driver().AbsolutePositionForObject(o), o.Size(), fyne.Position{}, w.win.Canvas().Size())
}

// rectWithin reports whether the rectangle at p of size s lies inside the
// one at outer of size os, give or take a pixel of rounding.
func rectWithin(p fyne.Position, s fyne.Size, outer fyne.Position, os fyne.Size) bool {
	const slack = 1
	return p.X >= outer.X-slack && p.Y >= outer.Y-slack &&
		p.X+s.Width <= outer.X+os.Width+slack && p.Y+s.Height <= outer.Y+os.Height+slack
}

// within reports whether o lies inside outer on the screen.
func within(o, outer fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	return rectWithin(d.AbsolutePositionForObject(o), o.Size(), d.AbsolutePositionForObject(outer), outer.Size())
}

// holds reports whether o is root or shown inside it. Containers are
// walked, and cards; inside a radio group or an accordion o is found by
// position.
func holds(root, o fyne.CanvasObject) bool {
	if root == o {
		return true
	}
	if !root.Visible() {
		return false
	}
	switch r := root.(type) {
	case *fyne.Container:
		for _, c := range r.Objects {
			if holds(c, o) {
				return true
			}
		}
		return false
	case *widget.Card:
		return r.Content != nil && holds(r.Content, o)
	case *widget.RadioGroup, *widget.CheckGroup, *widget.Accordion:
		return within(o, r) // their options are not walkable
	}
	return false
}

// noticeShown brings a notice of the shown step into view (it sits above
// the buttons, so laying the window out is enough) and logs it.
func (w *Wizard) noticeShown(n *notice) {
	w.pendingNotice = nil
	if w.noticeSlot == nil || !holds(w.noticeSlot, n.box) {
		return // another step's notice: logged when that step is shown
	}
	if !drawn(n.box) {
		w.pendingNotice = n // on the next poll, once drawn
		return
	}
	layoutTree(w.win.Content())
	l := w.opts.Log.WithField("step", screens[w.current].name).WithField("kind", kindNames[n.kind])
	l.WithField("visible", w.inWindow(n.box)).WithField("title", n.title.Text).Info("wizard notice")
	l.WithField("detail", n.detail.Text).Debug("wizard notice detail") // may quote ABDM: debug only
}

// layoutTree lays out o's containers at their current sizes, so that
// positions are right before the next frame.
func layoutTree(o fyne.CanvasObject) {
	c, ok := o.(*fyne.Container)
	if !ok || !c.Visible() {
		return
	}
	if c.Layout != nil {
		c.Layout.Layout(c.Objects, c.Size())
	}
	for _, child := range c.Objects {
		layoutTree(child)
	}
}
