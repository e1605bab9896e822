package ui

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// Try the demo: Connect starts the built-in simulator (Options.StartDemo),
// as --demo does, and the wizard opens again in demo mode in place of this
// one; Leave the demo, on the demo's banner, stops it and opens the wizard
// as it was, on Connect.

// newTryDemo is Connect's Try the demo button, or nil when the program
// offers no demo (already in one, or no simulator to start).
func newTryDemo(w *Wizard) *widget.Button {
	if w.opts.StartDemo == nil || w.opts.Demo != nil {
		return nil
	}
	b := widget.NewButton(T("Try the demo"), w.tryDemo)
	w.name(b, "connect.try_demo")
	return b
}

// tryDemo starts the simulator off the UI goroutine, then opens the demo.
func (w *Wizard) tryDemo() {
	var run DemoRun
	var demo atomic.Pointer[Wizard] // the demo's wizard, once open: it shows the OTPs
	w.run(T("Starting the demo…"), func(context.Context) error {
		var err error
		run, err = w.opts.StartDemo(func(m DemoSMS) {
			if d := demo.Load(); d != nil {
				d.ShowDemoSMS(m)
			}
		})
		return err
	}, func(err error) {
		if err != nil {
			n := stepOf[*connectStep](w).notice
			n.show(noticeError, T("The demo could not start."), w.problemDetail(err), "", nil)
			return
		}
		demo.Store(w.replace(w.demoOptions(run)))
		w.event("demo started")
	})
}

// demoOptions are the wizard's options for the demo run: the simulator's
// system, no facility policy, and settings that save only the language and
// the appearance. Leaving the demo gives back the options in use now.
func (w *Wizard) demoOptions(run DemoRun) Options {
	before := w.opts
	before.Settings, before.Warning, before.FirstRun = w.set, "", false
	opts := before
	opts.Demo, opts.SaveSettings, opts.Policy, opts.StartDemo = run.Demo, run.SaveSettings, settings.Policy{}, nil
	if opts.RunSet[settings.FieldAPIVersion] == "" {
		opts.Settings.APIVersion = abdm.DefaultGeneration // the demo shows the current APIs, as --demo does
	}
	opts.leaveDemo = func(d *Wizard) {
		go run.Stop()
		back := before
		back.Settings.Language, back.Settings.Appearance = d.set.Language, d.set.Appearance
		d.replace(back)
		d.event("demo left")
	}
	return opts
}

// replace opens a wizard with opts in place of w, at w's window size or the
// new one's if larger, and closes w.
func (w *Wizard) replace(opts Options) *Wizard {
	size := w.win.Canvas().Size()
	n := New(opts)
	// n's own background work (the unresolved attempts) waits for this:
	// Fyne's test driver runs it on another goroutine.
	n.uiMu.Lock()
	defer n.uiMu.Unlock()
	n.win.Resize(size.Max(defaultWindowSize(opts.Demo != nil)))
	n.win.Show()
	w.replacedBy = n
	w.onClose()
	return n
}

// leaveButton is the demo banner's Leave the demo, or nil when the demo
// was started with --demo (it ends with the app).
func (w *Wizard) leaveButton() fyne.CanvasObject {
	if w.opts.leaveDemo == nil {
		return nil
	}
	b := widget.NewButton(T("Leave the demo"), func() { w.opts.leaveDemo(w) })
	w.name(b, "demo.leave")
	return b
}
