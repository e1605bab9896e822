package ui

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
)

// Unresolved attempts: a deactivation or reactivation sent whose answer was
// lost (outcome unknown), or whose outcome was never written (the app
// closed). The wizard lists them from the audit trail at start, on its first
// screens and in History, each with Check status; staff may leave one for
// later (Next patient (check later)); quitting with one of this run's open
// asks first. A status check that settles one writes its outcome to the
// audit trail (abdm.Flow.SettleEarlier). The views are in unknown_view.go.

// laterList is the unresolved attempts the wizard knows. UI goroutine only.
type laterList struct {
	w       *Wizard
	entries []audit.Entry           // newest first
	full    map[string]abdm.Attempt // by ID: this run's, with the full ABHA number and the name
	session map[string]bool         // IDs of this run's attempts still unresolved
	queued  *abdm.Attempt           // a check that waits for Connect
	quitOK  bool                    // staff chose to quit anyway
	views   []*laterView            // the views to refresh: the main window's, History's
	band    *laterView              // the main window's, on its first screens
}

func newLaterList(w *Wizard) *laterList {
	return &laterList{w: w, full: map[string]abdm.Attempt{}, session: map[string]bool{}}
}

// bandView is the list shown above the wizard's first screens.
func (l *laterList) bandView() fyne.CanvasObject {
	l.band = l.newView(bandRows)
	return l.band.box
}

// historyView is the list at the top of a History window; it replaces the
// one of the History window opened before.
func (l *laterList) historyView() fyne.CanvasObject {
	l.views = slices.DeleteFunc(l.views, func(v *laterView) bool { return v != l.band })
	return l.newView(0).box
}

// stepShown shows the band on the screens where staff start with a patient.
func (l *laterList) stepShown(i int) {
	if l.band == nil {
		return
	}
	on := i == stepConnect || i == stepPatient || i == stepReactivate
	l.band.box.Hidden = !on || len(l.entries) == 0
	l.band.box.Refresh()
}

// load reads the unresolved attempts of the audit trail in the background.
func (l *laterList) load() {
	if l.w.opts.Audit == nil {
		return
	}
	since := l.w.opts.Now().Add(-audit.UnresolvedWindow)
	l.w.background(func(ctx context.Context) func() {
		found, err := l.w.opts.Audit.Unresolved(ctx, since)
		return func() {
			if err != nil {
				l.w.opts.Log.WithError(err).Warn("the audit trail could not be searched for unresolved attempts")
			}
			for _, e := range found {
				l.addEntry(e.Safe())
			}
			l.refresh()
			l.w.opts.Log.WithField("count", len(l.entries)).Info("unresolved attempts listed")
			l.w.event("unresolved listed")
		}
	})
}

// addEntry adds e unless an attempt with its ID is listed; the list stays
// newest first.
func (l *laterList) addEntry(e audit.Entry) {
	if slices.ContainsFunc(l.entries, func(x audit.Entry) bool { return x.ID == e.ID }) {
		return
	}
	l.entries = append(l.entries, e)
	slices.SortStableFunc(l.entries, func(a, b audit.Entry) int { return b.Time.Compare(a.Time) })
}

// unknown lists the attempt the flow has just lost the answer to.
func (l *laterList) unknown(a abdm.Attempt) {
	if a.ID == "" {
		return
	}
	l.full[a.ID], l.session[a.ID] = a, true
	at := a.Started
	if at.IsZero() {
		at = l.w.opts.Now()
	}
	in := audit.Record{ID: a.ID, Time: at, Event: audit.EventIntent, Action: string(a.Action),
		ABHANumber: abdm.MaskABHANumber(a.Patient.ABHANumber), TxnID: a.TxnID, Environment: l.w.flowEnv}
	if l.w.client != nil {
		in.ClientID = l.w.client.ClientID()
	}
	l.addEntry(audit.Entry{ID: a.ID, Action: in.ActionOf(), Time: at, Intent: &in, Status: audit.OutcomeUnknown})
	l.refresh()
}

// settled takes the attempt id off the list.
func (l *laterList) settled(id string) {
	l.entries = slices.DeleteFunc(l.entries, func(e audit.Entry) bool { return e.ID == id })
	delete(l.session, id)
	delete(l.full, id)
	l.refresh()
}

// refresh redraws every view of the list.
func (l *laterList) refresh() {
	for _, v := range l.views {
		v.refresh()
	}
}

// check runs the status check of the listed attempt e: with this run's
// attempt, or with the ABHA number staff type (the audit trail keeps it
// masked).
func (l *laterList) check(e audit.Entry) {
	if l.w.task != nil {
		return
	}
	if a, ok := l.full[e.ID]; ok {
		l.checkAttempt(a)
		return
	}
	l.askNumber(e, l.checkAttempt)
}

// checkAttempt checks a's status, connecting first when the wizard is not
// connected: the check then runs once Connect succeeds.
func (l *laterList) checkAttempt(a abdm.Attempt) {
	w := l.w
	switch st := w.flowState(); {
	case w.flow == nil || st.Step == abdm.StepDisconnected:
		l.queued = &a
		l.closeHistory()
		w.show(stepConnect)
		w.stepAt(stepConnect).stepNotice().show(noticeInfo, T("Connect to ABDM: the status check runs once you are connected."), "", "", nil)
		w.event("status check waits for connect")
	case st.Step == abdm.StepOutcomeUnknown:
		dialog.ShowInformation(T("Check status"), T("First check the status of the patient on the screen (Check status), or press Next patient (check later)."), w.win)
	default:
		l.run(a)
	}
}

// connected runs the check that waited for Connect, if any.
func (l *laterList) connected() {
	if a := l.queued; a != nil {
		l.queued = nil
		l.run(*a)
	}
}

// run asks ABDM for the status of a's ABHA and settles a with it.
func (l *laterList) run(a abdm.Attempt) {
	w := l.w
	var got abdm.Settled
	at := when(a.Started)
	if i := slices.IndexFunc(l.entries, func(e audit.Entry) bool { return e.ID == a.ID }); i >= 0 {
		e := l.entries[i]
		if !e.OnSystem(w.flowEnv, w.client.ClientID()) {
			l.showError(T("This attempt was made on another ABDM system"), T("It was made on {{.System}}, and this window is connected to {{.Now}}. Connect to {{.System}} to check its status.",
				map[string]any{"System": systemName(e.Intent.Environment), "Now": systemName(w.flowEnv)}))
			w.event("status check on another system refused")
			return
		}
		at = when(e.Time)
	}
	started := w.run(T("Asking ABDM for the ABHA's status…"), func(ctx context.Context) (err error) {
		got, err = w.flow.SettleEarlier(ctx, a)
		return err
	}, func(err error) {
		l.setChecking(false)
		if err != nil {
			title, detail := describe(err)
			l.showError(title, detail)
			w.event("status check failed")
			return
		}
		l.settled(a.ID)
		if h := w.lastHistory; h != nil {
			h.reload()
		}
		l.showSettled(a, got, at)
		w.event("unresolved settled")
	})
	if started {
		l.setChecking(true)
	}
}

// setChecking shows, in every view, that a check runs (with Cancel).
func (l *laterList) setChecking(on bool) {
	for _, v := range l.views {
		v.setChecking(on)
	}
}

// showError shows why a check failed, in every view.
func (l *laterList) showError(title, detail string) {
	for _, v := range l.views {
		v.notice.show(noticeError, title, detail, "", nil)
	}
}

// closeHistory closes the History window, to show the Connect step.
func (l *laterList) closeHistory() {
	if h := l.w.lastHistory; h != nil {
		h.close()
	}
}

// openInRun is how many of this run's attempts are unresolved.
func (l *laterList) openInRun() int { return len(l.session) }

// holdQuit asks before the window closes while this run left attempts
// unresolved; quit closes it if staff confirm. It reports whether it asked.
func (l *laterList) holdQuit(quit func()) bool {
	n := l.openInRun()
	if n == 0 || l.quitOK || l.w.task != nil {
		return false
	}
	l.w.event("quit asked")
	return l.w.askOnce(confirmation{
		title:   T("Quit with unknown outcomes?"),
		confirm: T("Quit"), dismiss: T("Stay"),
		content: wrapped(T("Deactivations or reactivations of this session with an unknown outcome: {{.N}}. ABDM's answer did not arrive. If you quit, they stay in the list of unresolved attempts: the next time the app starts they are listed, with Check status, and History lists them too.",
			map[string]any{"N": n})),
		importance: widget.MediumImportance, // quitting loses nothing
		width:      520,
		onConfirm: func() {
			l.quitOK = true
			quit()
		},
	})
}

// systemName names the ABDM system env (as the audit trail names it) for staff.
func systemName(env string) string {
	switch env {
	case "sandbox":
		return T("SANDBOX · ABDM test system: test accounts only")
	case "production":
		return T("PRODUCTION · live ABDM: real patients")
	case "demo":
		return T("Demo (built-in simulator)")
	case "custom":
		return T("CUSTOM ABDM addresses")
	}
	return env
}

// when formats an attempt's time for the list.
func when(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// quitItem is the File menu's Quit: it closes the window as its close button
// does, asking first while attempts of this run are unresolved (Fyne's own
// Quit item would end the app without asking).
func (w *Wizard) quitItem() *fyne.MenuItem {
	q := fyne.NewMenuItem(T("Quit"), w.onClose)
	q.IsQuit = true
	return q
}
