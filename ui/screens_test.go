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
	for i, s := range w.steps {
		if i != stepConnect && s != nil {
			t.Fatalf("New built the %s step", screens[i].name)
		}
	}
	if got := len(w.builtSteps()); got != 1 {
		t.Fatalf("%d steps built, want 1", got)
	}
	for i, sc := range screens {
		if sc.title == nil {
			continue
		}
		if got, want := sc.title(), w.stepAt(i).title(); got != want {
			t.Errorf("step %s: trail title %q, step title %q", sc.name, got, want)
		}
	}
	if got := len(w.builtSteps()); got != stepCount-1 { // all but the result view
		t.Fatalf("%d steps built, want %d", got, stepCount-1)
	}
	if w.stepAt(stepPatient) != w.stepAt(stepPatient) {
		t.Fatal("a step was built twice")
	}
	if stepOf[*patientStep](w) != w.stepAt(stepPatient) || stepOf[*resultView](w) != w.stepAt(stepResult) {
		t.Fatal("stepOf and stepAt give different steps")
	}
}

// The table's Back rules lead along both tasks' paths, as the trail shows
// them, and its Next rules along the deactivation's, to the result.
func TestScreensTableFollowsThePaths(t *testing.T) {
	for _, path := range [][]int{deactivationPath, reactivationPath} {
		if screens[path[0]].back != noStep {
			t.Errorf("%s has a Back rule", screens[path[0]].name)
		}
		for n := 1; n < len(path); n++ {
			if got := screens[path[n]].back; got != path[n-1] {
				t.Errorf("Back from %s leads to %d, want %s", screens[path[n]].name, got, screens[path[n-1]].name)
			}
		}
	}
	for n, i := range deactivationPath {
		want := stepResult
		if n+1 < len(deactivationPath) {
			want = deactivationPath[n+1]
		}
		if got := screens[i].next; got != want {
			t.Errorf("Next from %s leads to %d, want %s", screens[i].name, got, screens[want].name)
		}
	}
	for _, i := range []int{stepReactivate, stepVerify} {
		if screens[i].next != stepResult {
			t.Errorf("%s does not lead to the result", screens[i].name)
		}
	}
	if screens[stepResult].back != noStep || screens[stepResult].next != stepPatient {
		t.Error("the result has a Back rule, or does not lead to the next patient")
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
		for i := range screens {
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
