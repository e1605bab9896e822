package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
)

// Requests off the UI goroutine: one at a time, with progress and Cancel;
// their results come back through fyne.Do.

// run does work in a goroutine with a cancellable context, showing status
// and a progress bar meanwhile, with the step's inputs and the navigation
// disabled. finish gets work's error on the UI goroutine. Only one task
// runs at a time; a second is refused (so a double click sends nothing twice).
func (w *Wizard) run(status string, work func(ctx context.Context) error, finish func(err error)) bool {
	if w.task != nil {
		return false
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.task = &runningTask{cancel: cancel}
	w.setBusy(true, status)
	w.idle.Add(1)
	go func() {
		defer w.idle.Done()
		defer cancel()
		err := work(ctx)
		w.onUI(true, func() {
			w.task = nil
			w.setBusy(false, "")
			finish(err)
			if w.replacedBy == nil { // a closed window's focus is no one's
				w.refocus()
			}
		})
	}()
	return true
}

// background runs a short job (such as a keyring lookup) off the UI
// goroutine without blocking the window; the function it returns is
// applied on the UI goroutine.
func (w *Wizard) background(job func(ctx context.Context) func()) {
	w.idle.Add(1)
	go func() {
		defer w.idle.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if apply := job(ctx); apply != nil {
			w.onUI(true, apply)
		}
	}()
}

// onUI runs fn on the UI goroutine, waiting for it if wait is set. Every
// goroutine hands its results to the widgets through here.
func (w *Wizard) onUI(wait bool, fn func()) {
	locked := func() {
		w.uiMu.Lock()
		defer w.uiMu.Unlock()
		fn()
	}
	if wait {
		fyne.DoAndWait(locked)
	} else {
		fyne.Do(locked)
	}
}

// WaitIdle blocks until no task is running. For tests.
func (w *Wizard) WaitIdle() { w.idle.Wait() }

func (w *Wizard) setBusy(busy bool, status string) {
	for _, s := range w.builtSteps() {
		s.setEnabled(!busy)
	}
	if busy {
		w.win.Canvas().Unfocus() // so that Escape reaches the window
		w.progressText.SetText(status)
		w.progressBox.Show()
		w.progress.Start()
		w.cancel.Enable()
		w.cancel.Show()
		w.next.Disable()
		w.back.Disable()
	} else {
		w.progress.Stop()
		w.progressBox.Hide()
		w.cancel.Disable()
		w.cancel.Hide()
		w.back.Enable()
		w.stepAt(w.current).enter()
	}
}

// cancelTask stops the running request, if any.
func (w *Wizard) cancelTask() {
	if w.task != nil {
		w.progressText.SetText(T("Stopping…"))
		w.task.cancel()
	}
}
