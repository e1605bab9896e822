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

// ringWidth is the outline's thickness, and ringGap its distance from the widget.
const (
	ringWidth = 3
	ringGap   = 2
)

func newFocusRing() *focusRing {
	r := &focusRing{rect: canvas.NewRectangle(color.Transparent)}
	r.rect.StrokeWidth = ringWidth
	r.rect.CornerRadius = theme.InputRadiusSize() + ringGap
	r.rect.Hide()
	r.layer = container.NewWithoutLayout(r.rect)
	return r
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
	pos := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(r.layer))
	pos = pos.SubtractXY(ringGap+ringWidth/2, ringGap+ringWidth/2)
	size := o.Size().AddWidthHeight(2*ringGap+ringWidth, 2*ringGap+ringWidth)
	col := theme.Color(colorNameFocusRing)
	if r.rect.Hidden || r.rect.Position() != pos || r.rect.Size() != size || r.rect.StrokeColor != col {
		r.rect.StrokeColor = col
		r.rect.Move(pos)
		r.rect.Resize(size)
		r.rect.Show()
		r.rect.Refresh()
	}
}
