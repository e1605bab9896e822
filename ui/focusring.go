package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// focusRing is a thick outline drawn around whatever has the keyboard
// focus in the wizard's window: Fyne marks a focused button only by a tint
// of its colour, which on the blue main button is hard to see, and a
// focused check box by a faint circle. One ring, placed by the focus poll,
// serves every kind of widget; dialogs draw over it and keep Fyne's marks.
type focusRing struct {
	rect  *canvas.Rectangle
	layer *fyne.Container
}

// ringWidth is the outline's thickness, and ringGap its distance from the
// widget; the outline's line runs ringOutset outside the widget's edge.
const (
	ringWidth  = 3
	ringGap    = 2
	ringOutset = ringGap + ringWidth/2.0
)

func newFocusRing() *focusRing {
	r := &focusRing{rect: newRingRect()}
	r.rect.Hide()
	r.layer = container.NewWithoutLayout(r.rect)
	return r
}

// newRingRect is the outline, not yet placed: the window's ring and a
// dialog button's.
func newRingRect() *canvas.Rectangle {
	rect := canvas.NewRectangle(color.Transparent)
	rect.StrokeWidth = ringWidth
	rect.CornerRadius = theme.InputRadiusSize() + ringGap
	return rect
}

// ringAround is the position and size of the ring around a widget at pos
// with size.
func ringAround(pos fyne.Position, size fyne.Size) (fyne.Position, fyne.Size) {
	return pos.SubtractXY(ringOutset, ringOutset), size.AddWidthHeight(2*ringOutset, 2*ringOutset)
}

// place puts the ring around the focused widget of the wizard's window, or
// hides it: nothing focused, a dialog open, or the widget out of view.
func (w *Wizard) placeRing() {
	r := w.ring
	if r == nil {
		return
	}
	o, ok := w.win.Canvas().Focused().(fyne.CanvasObject)
	if !ok || o == nil || w.win.Canvas().Overlays().Top() != nil || !drawn(o) || !o.Visible() ||
		(holds(w.body.Content, o) && !w.inView(o)) {
		if !r.rect.Hidden {
			r.rect.Hide()
		}
		return
	}
	d := fyne.CurrentApp().Driver()
	pos, size := ringAround(d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(r.layer)), o.Size())
	col := theme.Color(colorNameFocusRing)
	if r.rect.Hidden || r.rect.Position() != pos || r.rect.Size() != size || r.rect.StrokeColor != col {
		r.rect.StrokeColor = col
		r.rect.Move(pos)
		r.rect.Resize(size)
		r.rect.Show()
		r.rect.Refresh()
	}
}

// FocusGained draws the ring around a dialog's button too (the window's
// ring lies under dialogs).
func (b *dialogButton) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
}

// FocusLost hides the button's ring.
func (b *dialogButton) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// CreateRenderer is the button's, with the focus ring around it.
func (b *dialogButton) CreateRenderer() fyne.WidgetRenderer {
	ring := newRingRect()
	ring.Hidden = !b.focused
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, b: b}
}

// ringRenderer draws a button and, while it has the focus, the ring.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *dialogButton
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects()[:len(r.WidgetRenderer.Objects()):len(r.WidgetRenderer.Objects())], r.ring)
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	pos, size := ringAround(fyne.Position{}, size)
	r.ring.Move(pos)
	r.ring.Resize(size)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.StrokeColor = theme.Color(colorNameFocusRing)
	r.ring.Hidden = !r.b.focused
	r.ring.Refresh()
}
