package ui

// The wizard's steps in one table, in the way of fyne_demo's tutorials: a
// row names a step, titles it, builds it, and says where Back and the
// step's Next lead. show reads the table; the steps never call each other,
// they report to the wizard (nav.go), which shows the step that follows.
//
// A step is built the first time it is needed (shown, or reached through
// stepOf), not before the first frame: New builds only Connect. Call these
// on the UI goroutine, as for every widget. A step built while a request
// runs starts disabled, as setBusy left the others.

// Step indexes: the rows of the table.
const (
	stepConnect = iota
	stepPatient
	stepOTP
	stepVerify
	stepResult
	stepReactivate
	stepCount
)

// noStep is a rule that leads nowhere: the step has no Back button.
const noStep = -1

// screen is one row of the table.
type screen struct {
	name string // in the log, for IT and for scripted runs
	// title is the step's title in the trail, which shows it before the
	// step is built; nil when it changes (the result's). It is the step's
	// own title() (a test checks that they agree).
	title func() string
	back  int  // the step Back shows, or noStep
	next  int  // the step forward shows once the step's work is done
	task  bool // the choice of task (deactivate or reactivate) shows above it
	kind  stepKind
}

// stepKind builds the steps of one type.
type stepKind struct {
	proto step // a nil of the type, for stepOf
	build func(*Wizard) step
}

// kindOf is the stepKind of the steps build makes.
func kindOf[T step](build func(*Wizard) T) stepKind {
	var proto T
	return stepKind{proto: proto, build: func(w *Wizard) step { return build(w) }}
}

// screens is the table. It is filled by init: its factories lead back to
// show, which reads it.
var screens [stepCount]screen

func init() {
	screens = [stepCount]screen{
		stepConnect: {name: "connect", title: func() string { return T("Connect") },
			back: noStep, next: stepPatient, kind: kindOf(newConnectStep)},
		stepPatient: {name: "patient", title: func() string { return T("Patient") },
			back: stepConnect, next: stepOTP, task: true, kind: kindOf(newPatientStep)},
		stepOTP: {name: "otp", title: func() string { return T("Send OTP") },
			back: stepPatient, next: stepVerify, kind: kindOf(newOTPStep)},
		stepVerify: {name: "verify", title: func() string { return T("Verify and deactivate") },
			back: stepOTP, next: stepResult, kind: kindOf(newVerifyStep)},
		stepResult: {name: "result",
			back: noStep, next: stepPatient, kind: kindOf(newResultView)},
		stepReactivate: {name: "reactivate", title: func() string { return T("Reactivate") },
			back: stepConnect, next: stepResult, task: true, kind: kindOf(newReactivateStep)},
	}
}

// deactivationPath and reactivationPath are the steps of each task, in
// order, as the trail shows them.
var (
	deactivationPath = []int{stepConnect, stepPatient, stepOTP, stepVerify}
	reactivationPath = []int{stepConnect, stepReactivate}
)

// stepAt returns step i (see the step indexes), building it on first use.
func (w *Wizard) stepAt(i int) step {
	if w.steps[i] == nil {
		s := screens[i].kind.build(w)
		w.steps[i] = s
		if w.task != nil {
			s.setEnabled(false)
		}
	}
	return w.steps[i]
}

// stepOf returns the step of type T, building it on first use.
func stepOf[T step](w *Wizard) T {
	for i := range screens {
		if _, ok := screens[i].kind.proto.(T); ok {
			return w.stepAt(i).(T)
		}
	}
	panic("ui: no step of this type in the table")
}

// builtSteps returns the steps built so far, in the order of their indexes.
func (w *Wizard) builtSteps() []step {
	all := make([]step, 0, stepCount)
	for _, s := range w.steps {
		if s != nil {
			all = append(all, s)
		}
	}
	return all
}

// titleOf returns the title of step i, without building it when the table
// knows it.
func (w *Wizard) titleOf(i int) string {
	if t := screens[i].title; t != nil {
		return t()
	}
	return w.stepAt(i).title()
}

// tickBuilt refreshes the countdowns of the steps built so far.
func (w *Wizard) tickBuilt() {
	for _, s := range w.builtSteps() {
		if t, ok := s.(interface{ tick() }); ok {
			t.tick()
		}
	}
}
