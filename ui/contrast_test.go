package ui

import (
	"image"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// The hint and help text under the fields, and the placeholders in empty
// fields, keep a contrast of at least 4.5:1 (WCAG AA) with their
// background in the light and the dark theme, measured on a screenshot of
// the Connect step (custom addresses, first run) and the Verify step.
func TestHintContrast(t *testing.T) {
	for _, look := range []string{AppearanceLight, AppearanceDark} {
		t.Run(look, func(t *testing.T) {
			e := newUIEnv(t, noDemo, func(o *Options) { o.Settings.Appearance = look; o.FirstRun = true })
			c := e.connect()
			e.act(func() { c.env.SetSelectedIndex(c.envIndex(abdm.EnvCustom)) })
			e.measureHints(t, "connect", 5)
			if r := e.placeholderContrast(c.clientID); r < 4.5 {
				t.Errorf("placeholder of the client ID: contrast %.2f:1, want at least 4.5:1", r)
			} else {
				t.Logf("placeholder: %.2f:1", r)
			}
		})
	}
}

// Fyne's own colour for low-importance text is too faint: the measurement
// finds it (so the test above can fail).
func TestHintContrastMeasuresFynesDefault(t *testing.T) {
	e := newUIEnv(t, noDemo, func(o *Options) { o.Settings.Appearance = AppearanceLight })
	l := wrapped("Plain low-importance text, as Fyne draws it")
	l.Importance = widget.LowImportance // what a hint would be without colorNameHint
	e.act(func() {
		e.connect().content.(*fyne.Container).Add(l)
		e.connect().content.Refresh()
	})
	img := e.capture()
	if r := textContrast(img, e.rectOf(l)); r >= 4.5 {
		t.Fatalf("Fyne's low-importance text measured %.2f:1; the measurement cannot see faint text", r)
	}
}

func (e *uiEnv) capture() image.Image {
	var img image.Image
	e.act(func() { img = e.wiz.win.Canvas().Capture() })
	return img
}

// measureHints checks every hint on the step shown; at least min of them.
func (e *uiEnv) measureHints(t *testing.T, step string, min int) {
	t.Helper()
	img := e.capture()
	var n int
	e.act(func() {
		walk(e.wiz.body.Content, func(o fyne.CanvasObject) {
			h, ok := o.(*hint)
			if !ok || !h.Visible() || h.Text() == "" {
				return
			}
			n++
			r := textContrast(img, e.rectOf(h))
			if r < 4.5 {
				t.Errorf("%s: hint %q: contrast %.2f:1, want at least 4.5:1", step, h.Text(), r)
			}
			t.Logf("%s: %.2f:1  %q", step, r, h.Text())
		})
	})
	if n < min {
		t.Fatalf("%s: %d hints measured, want at least %d", step, n, min)
	}
}

// placeholderContrast measures the placeholder of an empty entry.
func (e *uiEnv) placeholderContrast(en *entry) float64 {
	var r image.Rectangle
	e.act(func() {
		en.SetText("")
		r = e.rectOf(en)
	})
	r = r.Inset(4) // inside the field's border
	return textContrast(e.capture(), r)
}

// rectOf is where o is on the canvas, in pixels (the test canvas has scale 1).
func (e *uiEnv) rectOf(o fyne.CanvasObject) image.Rectangle {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	s := o.Size()
	return image.Rect(int(p.X), int(p.Y), int(p.X+s.Width), int(p.Y+s.Height))
}

// walk calls fn for o and everything it holds, widgets' parts included.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, fn)
		}
	}
}

// textContrast is the contrast ratio between the background of r (its most
// common colour) and the pixel of r that differs most from it: the core of
// the text's strokes.
func textContrast(img image.Image, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	counts := map[color.RGBA]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			counts[rgba(img.At(x, y))]++
		}
	}
	var bg color.RGBA
	for c, n := range counts {
		if n > counts[bg] {
			bg = c
		}
	}
	lb, best := luminance(bg), 1.0
	for c := range counts {
		if ratio := contrast(lb, luminance(c)); ratio > best {
			best = ratio
		}
	}
	return best
}

func rgba(c color.Color) color.RGBA {
	r, g, b, _ := c.RGBA()
	return color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xff}
}

// luminance is the relative luminance of WCAG 2.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

func contrast(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return (a + 0.05) / (b + 0.05)
}

// The appearance chosen in Settings applies at once and is saved.
func TestSettingsAppearance(t *testing.T) {
	var saved settings.Settings
	e := newUIEnv(t, noDemo, func(o *Options) {
		o.SaveSettings = func(s settings.Settings) error { saved = s; return nil }
	})
	bg := func() color.Color {
		return fyne.CurrentApp().Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight)
	}
	light := bg()
	e.act(e.wiz.showSettings)
	var look *widget.Select
	e.act(func() {
		walk(e.wiz.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if s, ok := o.(*widget.Select); ok && len(s.Options) == 3 && s.Options[2] == "Dark" {
				look = s
			}
		})
	})
	if look == nil {
		t.Fatal("no appearance choice in Settings")
	}
	e.act(func() {
		look.SetSelectedIndex(2)
		test.Tap(findButton(e.wiz.win.Canvas().Overlays().Top(), "Save"))
	})
	e.wiz.WaitIdle()
	if saved.Appearance != AppearanceDark {
		t.Fatalf("saved appearance %q, want dark", saved.Appearance)
	}
	if bg() == light {
		t.Fatal("the window kept the light background after choosing Dark")
	}
}
