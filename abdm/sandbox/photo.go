package sandbox

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"sync"
)

// Size of the demo profile photos, in pixels.
const photoSize = 96

var (
	photoOnce sync.Once
	photos    map[string]string // ABHA number -> base64 (std) JPEG
)

// profilePhoto returns the profile photo of the demo account with this ABHA
// number as ABDM sends it (base64 JPEG), or "" for an unknown number. The
// photos are drawn and encoded once, on first use.
func profilePhoto(number string) string {
	photoOnce.Do(func() {
		photos = make(map[string]string)
		for _, seed := range demoSeeds() {
			photos[seed.number] = encodePhoto(drawPhoto(seed.photoBackground))
		}
	})
	return photos[number]
}

// drawPhoto draws a head-and-shoulders silhouette in a lighter shade of bg
// on a plain bg background. It is deterministic.
func drawPhoto(bg color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, photoSize, photoSize))
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	light := image.NewUniform(lighter(bg))
	for _, shape := range []ellipse{
		{cx: 48, cy: 104, rx: 38, ry: 40}, // shoulders, cut off by the bottom edge
		{cx: 48, cy: 37, rx: 19, ry: 19},  // head
	} {
		draw.DrawMask(img, img.Bounds(), light, image.Point{}, shape, image.Point{}, draw.Over)
	}
	return img
}

// encodePhoto encodes img as a JPEG, base64 (std).
func encodePhoto(img image.Image) string {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return "" // cannot happen when writing to memory
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// lighter mixes c 60 % of the way to white.
func lighter(c color.RGBA) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(int(v) + (255-int(v))*3/5) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}

// ellipse is an opaque-inside alpha mask, for draw.DrawMask.
type ellipse struct{ cx, cy, rx, ry float64 }

// ColorModel implements image.Image.
func (e ellipse) ColorModel() color.Model { return color.AlphaModel }

// Bounds implements image.Image: the photo (the mask is transparent outside
// the ellipse).
func (e ellipse) Bounds() image.Rectangle { return image.Rect(0, 0, photoSize, photoSize) }

// At implements image.Image: opaque at pixel centres inside the ellipse.
func (e ellipse) At(x, y int) color.Color {
	dx := (float64(x) + 0.5 - e.cx) / e.rx
	dy := (float64(y) + 0.5 - e.cy) / e.ry
	if dx*dx+dy*dy <= 1 {
		return color.Alpha{A: 0xff}
	}
	return color.Alpha{}
}
