// Command iconpng renders assets/icon.svg to the PNG icons that packaging
// needs (FyneApp.toml takes a PNG, 512 px) and to the smaller window icon
// the running app sets (128 px: decoded and sent to the window system at
// every start). Run from the repository root:
//
//	go run ./tools/iconpng
package main

import (
	"fmt"
	"image"
	"image/png"
	"os"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
)

func main() {
	for _, out := range []struct {
		file string
		size int
	}{{"assets/icon.png", 512}, {"assets/icon-window.png", 128}} {
		if err := render("assets/icon.svg", out.file, out.size); err != nil {
			fmt.Fprintln(os.Stderr, "iconpng:", err)
			os.Exit(1)
		}
	}
}

func render(src, dst string, size int) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	icon, err := oksvg.ReadIconStream(in)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	icon.SetTarget(0, 0, float64(size), float64(size))
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	icon.Draw(rasterx.NewDasher(size, size, rasterx.NewScannerGV(size, size, img, img.Bounds())), 1)
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if err := png.Encode(out, img); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
