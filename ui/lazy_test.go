package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// New builds only the Connect step; the trail's titles of the steps not yet
// built are the ones the steps give once built.
func TestStepsBuiltWhenNeeded(t *testing.T) {
	e := newUIEnv(t)
	w := e.wiz
	if w.patient != nil || w.sendOTP != nil || w.verify != nil || w.result != nil || w.react != nil {
		t.Fatal("New built steps other than Connect")
	}
	if got := len(w.builtSteps()); got != 1 {
		t.Fatalf("%d steps built, want 1", got)
	}
	for i, title := range pathTitles {
		if got, want := title(), w.stepAt(i).title(); got != want {
			t.Errorf("step %s: trail title %q, step title %q", stepNames[i], got, want)
		}
	}
	if got := len(w.builtSteps()); got != len(stepNames)-1 { // all but the result view
		t.Fatalf("%d steps built, want %d", got, len(stepNames)-1)
	}
	if w.stepAt(stepPatient) != w.stepAt(stepPatient) {
		t.Fatal("a step was built twice")
	}
}

// No part of the wizard sits in a container.ThemeOverride: Fyne 2.7 gives
// each override a font cache of its own, so every one parsed the fonts again
// before the first frame and on each refresh (bench/README.md, second
// round). The hints, which used to, are coloured by their text style.
func TestNoThemeOverrides(t *testing.T) {
	e := newUIEnv(t) // demo: the phone is part of the window too
	w := e.wiz
	hints := 0
	e.act(func() {
		views := []fyne.CanvasObject{w.win.Content()}
		for i := range stepNames {
			views = append(views, w.stepAt(i).view())
		}
		for _, v := range views {
			walk(v, func(o fyne.CanvasObject) {
				switch o := o.(type) {
				case *container.ThemeOverride:
					t.Errorf("a %T holds %T", o, o.Content)
				case *hint:
					hints++
				}
			})
		}
	})
	if hints < 5 {
		t.Fatalf("found %d hints in the steps, want at least 5: the walk misses them", hints)
	}
}
