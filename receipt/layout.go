package receipt

import (
	"image/color"

	"github.com/tdewolff/canvas"
)

// paper is a page size in millimetres.
type paper struct{ width, height float64 }

var (
	a5 = paper{148, 210}
	a4 = paper{210, 297}
)

// fits are the page sizes and text scales tried in turn: the first on
// which the receipt fits is used, the last in any case.
var fits = []struct {
	paper paper
	scale float64
}{{a5, 1}, {a4, 1.2}, {a4, 1}, {a4, 0.85}, {a4, 0.7}}

// Colours: dark text on white, a quiet blue for headings, amber for the
// test mark.
var (
	colText    = color.RGBA{0x1f, 0x23, 0x28, 0xff}
	colMuted   = color.RGBA{0x5b, 0x64, 0x6e, 0xff}
	colHeading = color.RGBA{0x1d, 0x3b, 0x5e, 0xff}
	colRule    = color.RGBA{0xc8, 0xcf, 0xd8, 0xff}
	colTint    = color.RGBA{0xf2, 0xf5, 0xf8, 0xff}
	colTestInk = color.RGBA{0x9a, 0x3b, 0x00, 0xff}
	colTestBg  = color.RGBA{0xff, 0xf3, 0xe0, 0xff}
)

// item is something drawn on the page, at a distance y (mm) from its top.
type item struct {
	x, y float64
	text *canvas.Text
	// a rectangle when text is nil: w by h, filled with fill, outlined
	// with stroke when stroke.A > 0
	w, h         float64
	fill, stroke color.RGBA
}

// layout places a receipt's parts from the top of a page down.
type layout struct {
	fonts *fontSet
	paper paper
	scale float64
	x, w  float64 // the text column: left edge and width
	y     float64 // where the next part goes
	items []item
}

func newLayout(fonts *fontSet, p paper, scale float64) *layout {
	margin := 14 * p.width / a5.width
	return &layout{fonts: fonts, paper: p, scale: scale, x: margin, w: p.width - 2*margin, y: margin}
}

// st is a style whose size is scaled to the layout.
func (l *layout) st(size float64, bold bool, c color.RGBA) style {
	return style{size: size * l.scale, bold: bold, color: c}
}

// space moves down by mm (scaled).
func (l *layout) space(mm float64) { l.y += mm * l.scale }

// place puts t at (x, y) and returns its height.
func (l *layout) place(t *canvas.Text, x, y float64) float64 {
	l.items = append(l.items, item{x: x, y: y, text: t})
	_, h := t.Size()
	return h
}

// para places a paragraph across the column and moves below it.
func (l *layout) para(s string, st style) {
	l.y += l.place(l.fonts.box(s, st, l.w, canvas.Left), l.x, l.y)
}

// rule draws a thin line across the column.
func (l *layout) rule() {
	l.space(2.5)
	l.items = append(l.items, item{x: l.x, y: l.y, w: l.w, h: 0.3, fill: colRule})
	l.space(3)
}

// row places a label and its values (one paragraph each) side by side,
// the label on the baseline of the first value.
func (l *layout) row(label string, values ...string) {
	labelW := 0.3 * l.w
	gap := 3 * l.scale
	lt := l.fonts.box(label, l.st(8, false, colMuted), labelW, canvas.Left)
	vts := make([]*canvas.Text, len(values))
	for i, v := range values {
		vts[i] = l.fonts.box(v, l.st(9.5, false, colText), l.w-labelW-gap, canvas.Left)
	}
	top := l.y
	shift := 0.0
	if len(vts) > 0 {
		shift = baseline(vts[0]) - baseline(lt)
	}
	end := top + max(shift, 0) + l.place(lt, l.x, top+max(shift, 0))
	y := top + max(-shift, 0)
	for i, vt := range vts {
		if i > 0 {
			y += 0.6 * l.scale
		}
		y += l.place(vt, l.x+labelW+gap, y)
	}
	l.y = max(end, y)
	l.space(1.8)
}

// baseline is how far below its top t's first line stands.
func baseline(t *canvas.Text) float64 {
	b, first := 0.0, true
	t.WalkLines(func(y float64, _ []canvas.TextSpan) {
		if first {
			b, first = -y, false
		}
	})
	return b
}

// line is one paragraph of a banner.
type line struct {
	s  string
	st style
}

// banner places paragraphs in a tinted box across the column.
func (l *layout) banner(fill, stroke color.RGBA, lines ...line) {
	pad := 2.6 * l.scale
	at := len(l.items)
	top := l.y
	l.items = append(l.items, item{}) // the box, sized below
	l.y += pad
	for i, ln := range lines {
		if i > 0 {
			l.space(0.8)
		}
		l.y += l.place(l.fonts.box(ln.s, ln.st, l.w-2*pad, canvas.Left), l.x+pad, l.y)
	}
	l.y += pad
	l.items[at] = item{x: l.x, y: top, w: l.w, h: l.y - top, fill: fill, stroke: stroke}
}

// footer places s at the foot of the page and returns where its top is.
func (l *layout) footer(s string) float64 {
	margin := l.x
	st := l.st(7, false, colMuted)
	t := l.fonts.box(s, st, l.w, canvas.Left)
	_, h := t.Size()
	top := l.paper.height - margin*0.8 - h
	l.items = append(l.items, item{x: l.x, y: top - 2.5*l.scale, w: l.w, h: 0.3, fill: colRule},
		item{x: l.x, y: top, text: t})
	return top - 2.5*l.scale
}

// draw renders the placed items on a canvas the size of the page.
func (l *layout) draw() *canvas.Canvas {
	c := canvas.New(l.paper.width, l.paper.height)
	ctx := canvas.NewContext(c)
	ctx.SetFillColor(canvas.White)
	ctx.DrawPath(0, 0, canvas.Rectangle(l.paper.width, l.paper.height))
	for _, it := range l.items {
		if it.text != nil {
			ctx.DrawText(it.x, l.paper.height-it.y, it.text)
			continue
		}
		ctx.SetFillColor(it.fill)
		if it.stroke.A > 0 {
			ctx.SetStrokeColor(it.stroke)
			ctx.SetStrokeWidth(0.35)
		} else {
			ctx.SetStrokeColor(canvas.Transparent)
			ctx.SetStrokeWidth(0)
		}
		ctx.DrawPath(it.x, l.paper.height-it.y-it.h, canvas.RoundedRectangle(it.w, it.h, min(1.2, it.h/2)))
	}
	return c
}
