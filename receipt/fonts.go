package receipt

import (
	"errors"
	"fmt"
	"image/color"
	"unicode"

	"github.com/tdewolff/canvas"
)

// fontSet is the two families a receipt is set in: one for Latin text
// (and digits and punctuation it meets), one for Devanagari.
type fontSet struct {
	latin, deva *canvas.FontFamily
	latinFont   *canvas.Font // to ask which characters the Latin font has
	devaFont    *canvas.Font
}

func loadFonts(f Fonts) (*fontSet, error) {
	if len(f.Latin) == 0 || len(f.LatinBold) == 0 || len(f.Devanagari) == 0 || len(f.DevanagariBold) == 0 {
		return nil, errors.New("receipt: a font is missing (Latin and Devanagari, regular and bold)")
	}
	s := &fontSet{latin: canvas.NewFontFamily("latin"), deva: canvas.NewFontFamily("devanagari")}
	for _, load := range []struct {
		family *canvas.FontFamily
		data   []byte
		style  canvas.FontStyle
		name   string
	}{
		{s.latin, f.Latin, canvas.FontRegular, "Latin regular"},
		{s.latin, f.LatinBold, canvas.FontBold, "Latin bold"},
		{s.deva, f.Devanagari, canvas.FontRegular, "Devanagari regular"},
		{s.deva, f.DevanagariBold, canvas.FontBold, "Devanagari bold"},
	} {
		if err := load.family.LoadFont(load.data, 0, load.style); err != nil {
			return nil, fmt.Errorf("receipt: load the %s font: %w", load.name, err)
		}
	}
	var err error
	if s.latinFont, err = canvas.LoadFont(f.Latin, 0, canvas.FontRegular); err != nil {
		return nil, fmt.Errorf("receipt: load the Latin regular font: %w", err)
	}
	if s.devaFont, err = canvas.LoadFont(f.Devanagari, 0, canvas.FontRegular); err != nil {
		return nil, fmt.Errorf("receipt: load the Devanagari regular font: %w", err)
	}
	return s, nil
}

// style is how a piece of text looks.
type style struct {
	size  float64 // points
	bold  bool
	color color.RGBA
}

// faces are a style's faces in both families.
type faces struct{ latin, deva *canvas.FontFace }

func (s *fontSet) faces(st style) faces {
	fs := canvas.FontRegular
	if st.bold {
		fs = canvas.FontBold
	}
	return faces{latin: s.latin.Face(st.size, st.color, fs, canvas.FontNormal),
		deva: s.deva.Face(st.size, st.color, fs, canvas.FontNormal)}
}

// run is a piece of text in one script.
type run struct {
	text string
	deva bool
}

// isDevanagari is true for the letters and signs of the Devanagari script
// (with Vedic extensions), and for the joiners that shape it.
func isDevanagari(r rune) bool {
	return unicode.Is(unicode.Devanagari, r) || r == '\u200c' || r == '\u200d' ||
		r >= 0x1CD0 && r <= 0x1CFF || r >= 0xA8E0 && r <= 0xA8FF
}

// isNeutral is true for characters that belong to no script (spaces,
// digits, punctuation): they stay in the run around them when its font has
// them.
func isNeutral(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsMark(r) && !isDevanagari(r)
}

// runs splits s into runs of Devanagari and of other text, so that each is
// set in a font that has its glyphs. A neutral character joins the run
// before it when that run's font has it, else the Latin run.
func (s *fontSet) runs(text string) []run {
	var out []run
	add := func(r rune, deva bool) {
		if n := len(out); n > 0 && out[n-1].deva == deva {
			out[n-1].text += string(r)
			return
		}
		out = append(out, run{text: string(r), deva: deva})
	}
	for _, r := range text {
		switch {
		case isDevanagari(r):
			add(r, true)
		case isNeutral(r) && len(out) > 0 && out[len(out)-1].deva && s.devaFont.SFNT.GlyphIndex(r) != 0:
			add(r, true)
		default:
			add(r, false)
		}
	}
	return out
}

// box sets text in st, wrapped to width (millimetres), each run in its
// family's face.
func (s *fontSet) box(text string, st style, width float64, align canvas.TextAlign) *canvas.Text {
	f := s.faces(st)
	rt := canvas.NewRichText(f.latin)
	for _, r := range s.runs(text) {
		if r.deva {
			rt.WriteFace(f.deva, r.text)
		} else {
			rt.WriteFace(f.latin, r.text)
		}
	}
	return rt.ToText(width, 0, align, canvas.Top, &canvas.TextOptions{LineStretch: 0.1})
}
