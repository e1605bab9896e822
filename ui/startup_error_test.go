package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestStartupErrorWindowSaysWhy: the message reaches the window, with a way out.
func TestStartupErrorWindowSaysWhy(t *testing.T) {
	a := test.NewTempApp(t)
	msg := "The facility's settings in /etc/abha-deactivate/settings.json are damaged: environment \"prod\". Ask your IT team."
	w := StartupErrorWindow(a, msg)
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			texts = append(texts, v.Text)
		case *widget.Button:
			texts = append(texts, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(w.Content())
	all := strings.Join(texts, "|")
	for _, want := range []string{msg, T("The app cannot start."), T("Close")} {
		if !strings.Contains(all, want) {
			t.Errorf("window texts %q lack %q", all, want)
		}
	}
}
