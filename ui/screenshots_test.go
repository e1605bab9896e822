package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestScreenshots writes PNGs of Connect with Try the demo and History with
// Print receipt again, at 1366x768 and 1024x768 (and Connect in the default
// 920x690 window), for a person to look at. Settings is not among them:
// Fyne's test painter does not clip an entry inside a scrolled form (it
// takes the innermost clip, not the intersection), so its picture would show
// fields under the buttons that the real window hides;
// scripts/xvfb-e2e-settings.sh takes Settings from the real binary.
//
//	ABHA_SCREENSHOTS=$PWD/screenshots ABHA_SCREENSHOT_LANG=hi go test ./ui -run TestScreenshots
//
// Fyne's language is set once per process, so each language is its own run.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("ABHA_SCREENSHOTS")
	if dir == "" {
		t.Skip("ABHA_SCREENSHOTS names no folder")
	}
	language := LangEnglish
	if os.Getenv("ABHA_SCREENSHOT_LANG") == LangHindi {
		if _, err := SetupLanguage(LangHindi); err != nil {
			t.Fatal(err)
		}
		language = LangHindi
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, size := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1024, Height: 768}, {Width: 920, Height: 690}} {
		name := func(what string) string {
			return filepath.Join(dir, fmt.Sprintf("%s-%s-%.0fx%.0f.png", what, language, size.Width, size.Height))
		}
		var stopped atomic.Int32
		e := newUIEnv(t, withTryDemo(&stopped), func(o *Options) {
			o.Language, o.ReceiptDir = language, t.TempDir()
		})
		e.act(func() { e.wiz.win.Resize(size) })
		e.shot(t, name("connect"))
		if size.Height < 768 {
			continue
		}
		first := e.wiz
		e.act(func() { test.Tap(e.connect().tryDemo) })
		first.WaitIdle()
		e.wiz = first.replacedBy
		e.act(func() { e.wiz.win.Resize(size) })
		e.toVerify(asha)
		e.enter(e.lastOTP())
		e.tapNext()
		e.confirmDialog(T("Deactivate"))
		h := e.openHistory()
		e.act(func() { h.table.Select(widget.TableCellID{Row: 1, Col: 1}) })
		e.act(func() { test.Tap(h.reprint) })
		e.wiz.WaitIdle()
		e.shot(t, name("history"))
	}
}

// shot writes the window, dialogs included, as a PNG.
func (e *uiEnv) shot(t *testing.T, path string) {
	t.Helper()
	var img image.Image
	e.act(func() { img = e.wiz.win.Canvas().Capture() })
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	t.Log(path)
}
