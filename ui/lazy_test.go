package ui

import "testing"

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
