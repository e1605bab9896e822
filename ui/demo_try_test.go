package ui

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"abha-deactivate/storage/settings"
)

// withTryDemo offers Try the demo, which starts the test's simulator; the
// demo's stop is counted in stopped.
func withTryDemo(stopped *atomic.Int32) envOpt {
	return func(o *Options) {
		demo := o.Demo
		o.Demo, o.FirstRun = nil, true
		o.SaveSettings = func(settings.Settings) error { return nil }
		o.StartDemo = func(func(DemoSMS)) (DemoRun, error) {
			return DemoRun{Demo: demo, SaveSettings: func(settings.Settings) error { return nil },
				Stop: func() { stopped.Add(1) }}, nil
		}
	}
}

// canvasTexts is every text drawn in o.
func canvasTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Visible() {
			b.WriteString(t.Text + "\n")
		}
	})
	return b.String()
}

// Try the demo on Connect opens the demo without a flag, DEMO shows on
// every step, and Leave the demo returns to a normal Connect.
func TestTryTheDemoAndLeaveIt(t *testing.T) {
	var stopped atomic.Int32
	e := newUIEnv(t, withTryDemo(&stopped))
	first := e.wiz
	c := e.connect()
	if c.tryDemo == nil {
		t.Fatal("no Try the demo on Connect")
	}
	if h := c.hint.Text(); !strings.Contains(h, "press Try the demo") || strings.Contains(h, "--demo") {
		t.Errorf("first-start hint %q", h)
	}
	e.act(func() { test.Tap(c.tryDemo) })
	e.wiz.WaitIdle()
	if first.replacedBy == nil || first.replacedBy.opts.Demo == nil {
		t.Fatal("Try the demo did not open the demo")
	}
	e.wiz = first.replacedBy
	if e.connect().tryDemo != nil {
		t.Error("Try the demo offered inside the demo")
	}
	e.toPatient()
	if got := canvasTexts(e.wiz.win.Content()); !strings.Contains(got, "DEMO – simulated ABDM") {
		t.Fatalf("no DEMO banner on the Patient step:\n%s", got)
	}
	leaveBtn := findButton(e.wiz.win.Content(), "Leave the demo")
	if leaveBtn == nil {
		t.Fatal("no Leave the demo button")
	}
	demo := e.wiz
	e.act(func() { test.Tap(leaveBtn) })
	if demo.replacedBy == nil || demo.replacedBy.opts.Demo != nil {
		t.Fatal("Leave the demo did not return to the normal wizard")
	}
	e.wiz = demo.replacedBy
	e.wantStep(stepConnect)
	if e.connect().tryDemo == nil || e.wiz.system == nil {
		t.Error("the normal Connect has no Try the demo, or no system strip")
	}
	if e.wiz.opts.SaveSettings == nil || e.wiz.opts.Policy.Source != first.opts.Policy.Source {
		t.Error("the normal wizard lost its settings saver or policy")
	}
	deadline := time.Now().Add(5 * time.Second)
	for stopped.Load() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if stopped.Load() != 1 {
		t.Error("the simulator was not stopped")
	}
}

// A demo that cannot start says so on Connect, in plain words: the Go
// error goes to the log only.
func TestTryTheDemoFails(t *testing.T) {
	e := newUIEnv(t, noDemo, func(o *Options) {
		o.StartDemo = func(func(DemoSMS)) (DemoRun, error) { return DemoRun{}, errors.New("no port free") }
	})
	e.act(func() { test.Tap(e.connect().tryDemo) })
	e.wiz.WaitIdle()
	if e.wiz.replacedBy != nil {
		t.Fatal("the wizard was replaced")
	}
	e.wantNotice(e.connect().notice, "The demo could not start.")
	var shown string
	e.act(func() { n := e.connect().notice; shown = n.title.Text + n.detail.Text })
	if strings.Contains(shown, "no port free") {
		t.Errorf("the Go error is shown to staff: %q", shown)
	}
}
