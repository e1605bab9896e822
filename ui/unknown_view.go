package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
)

// bandRows is how many unresolved attempts the main window lists; History
// lists them all.
const bandRows = 3

// laterView shows the unresolved attempts, each with Check status: on the
// wizard's first screens (the band) and at the top of History.
type laterView struct {
	l       *laterList
	max     int // rows listed; 0 for all
	box     *fyne.Container
	head    *widget.Label
	rows    *fyne.Container
	more    *widget.Label
	busy    *fyne.Container
	bar     *widget.ProgressBarInfinite
	notice  *notice
	buttons []*widget.Button
}

func (l *laterList) newView(max int) *laterView {
	v := &laterView{l: l, max: max, head: heading(""), rows: container.NewVBox(), more: wrapped(""),
		bar: widget.NewProgressBarInfinite(), notice: newNotice(l.w)}
	v.head.Wrapping = fyne.TextWrapWord
	v.bar.Stop()
	cancel := widget.NewButton(T("Cancel"), l.w.cancelTask)
	l.w.name(cancel, "later.cancel")
	v.busy = container.NewBorder(nil, nil, nil, cancel,
		container.NewVBox(widget.NewLabel(T("Asking ABDM for the ABHA's status…")), v.bar))
	v.busy.Hide()
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	explain := wrapped(T("ABDM's answer to these requests did not arrive, so nobody knows yet whether they were done. Check the status before doing anything else for these patients."))
	v.box = container.NewVBox(widget.NewCard("", "", container.NewVBox(
		container.NewBorder(nil, nil, icon, nil, v.head), explain, v.rows, v.more, v.busy, v.notice.view())))
	l.views = append(l.views, v)
	v.refresh()
	return v
}

// refresh lists the attempts; the view hides when there are none.
func (v *laterView) refresh() {
	entries := v.l.entries
	v.head.SetText(T("Attempts with an unknown outcome: {{.N}}", map[string]any{"N": len(entries)}))
	shown := entries
	if v.max > 0 && len(shown) > v.max {
		shown = shown[:v.max]
	}
	v.rows.Objects, v.buttons = nil, nil
	for i, e := range shown {
		b := widget.NewButtonWithIcon(T("Check status"), theme.SearchIcon(), func() { v.l.check(e) })
		b.Importance = widget.HighImportance
		v.l.w.name(b, "later.check."+string(rune('1'+min(i, 8))))
		v.buttons = append(v.buttons, b)
		v.rows.Add(container.NewBorder(nil, nil, nil, container.NewVBox(b), wrapped(v.l.rowText(e))))
	}
	v.rows.Refresh()
	if n := len(entries) - len(shown); n > 0 {
		v.more.SetText(T("{{.N}} more are listed in History (menu: File, History…).", map[string]any{"N": n}))
		v.more.Show()
	} else {
		v.more.Hide()
	}
	if len(entries) == 0 {
		v.notice.hide()
	}
	v.box.Hidden = len(entries) == 0
	v.box.Refresh()
	if v == v.l.band {
		v.l.stepShown(v.l.w.current)
	}
}

// setChecking shows the progress of a check, with Cancel, and disables the
// check buttons meanwhile.
func (v *laterView) setChecking(on bool) {
	for _, b := range v.buttons {
		setEnabled(b, !on)
	}
	if on {
		v.notice.hide()
		v.busy.Show()
		v.bar.Start()
	} else {
		v.bar.Stop()
		v.busy.Hide()
	}
}

// rowText names an attempt: what, whose ABHA, when, and ABDM's transaction.
func (l *laterList) rowText(e audit.Entry) string {
	what := T("Deactivation")
	if e.Action == audit.ActionReactivate {
		what = T("Reactivation")
	}
	who, txn := "", ""
	if e.Intent != nil {
		who, txn = e.Intent.ABHANumber, e.Intent.TxnID
	}
	if a, ok := l.full[e.ID]; ok && a.Patient.Name != "" {
		who = a.Patient.Name + " (" + who + ")"
	}
	text := T("{{.What}} of the ABHA of {{.Who}}, {{.Time}}", map[string]any{"What": what, "Who": who, "Time": when(e.Time)})
	if txn != "" {
		text += "\n" + T("ABDM transaction: {{.Txn}}", map[string]any{"Txn": txn})
	}
	if e.Intent != nil && e.Intent.Environment != "" {
		text += "\n" + T("System: {{.System}}", map[string]any{"System": systemName(e.Intent.Environment)})
	}
	if e.Status == audit.StatusNoOutcome {
		text += "\n" + T("The app closed before the outcome was written.")
	}
	return text
}

// patientText names the patient of an attempt on the outcome-unknown screen.
func patientText(a abdm.Attempt) string {
	who := a.Patient.MaskedABHANumber()
	if a.Patient.Name != "" {
		who = a.Patient.Name + ", " + T("ABHA number") + " " + who
	} else if a.Patient.ABHAAddress != "" {
		who += " (" + a.Patient.ABHAAddress + ")"
	}
	return T("Patient: {{.Who}}", map[string]any{"Who": who})
}

// unknownMore is what the outcome-unknown screen shows below its text: the
// patient, and the way on when the link is down.
func (l *laterList) unknownMore(a *abdm.Attempt) []fyne.CanvasObject {
	later := widget.NewButton(T("Next patient (check later)"), l.checkLater)
	l.w.name(later, "result.check_later")
	var out []fyne.CanvasObject
	if a != nil {
		out = append(out, heading(patientText(*a)))
	}
	return append(out, container.NewBorder(nil, nil, container.NewVBox(later), nil,
		wrapped(T("Is the link to ABDM down? Serve the next patient and check this one later: it stays listed when the app starts and in History, with Check status."))))
}

// checkLater leaves the unknown outcome for later and starts with the next
// patient; the attempt stays listed.
func (l *laterList) checkLater() {
	w := l.w
	if w.task != nil || w.flow == nil {
		return
	}
	if _, err := w.flow.CheckLater(); err != nil {
		w.stepAt(stepResult).stepNotice().showError(err, "", nil)
		return
	}
	w.resetSteps(stepPatient, stepVerify, stepReactivate, stepOTP)
	w.modePick.SetSelected(w.modePick.Options[0])
	w.show(stepPatient)
	w.event("checked later")
}

// askNumber asks for the full ABHA number of e (the trail keeps it masked)
// and gives check the attempt rebuilt with it.
func (l *laterList) askNumber(e audit.Entry, check func(abdm.Attempt)) {
	last := ""
	if e.Intent != nil {
		last = e.Intent.ABHANumber[max(len(e.Intent.ABHANumber)-4, 0):]
	}
	entry := widget.NewEntry()
	entry.SetPlaceHolder("91-1234-5678-" + last)
	entry.Validator = func(s string) error {
		if _, err := e.Attempt(s); err != nil {
			return errors.New(T("Enter the 14-digit ABHA number that ends in {{.Last}}.", map[string]any{"Last": last}))
		}
		return nil
	}
	l.w.name(entry, "later.abha_number")
	var d *dialog.FormDialog
	note := wrapped(T("This computer's audit trail keeps only the last four digits of the ABHA number. Type the patient's full ABHA number: it ends in {{.Last}}.",
		map[string]any{"Last": last}) + "\n" + T("If the ABHA is active, ABDM may send the patient a sign-in OTP by SMS, which they can ignore."))
	items := []*widget.FormItem{widget.NewFormItem("", note), widget.NewFormItem(T("ABHA number"), entry)}
	d = dialog.NewForm(T("Check status"), T("Check status"), T("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if a, err := e.Attempt(entry.Text); err == nil {
			check(a)
		}
	}, l.w.win)
	entry.OnSubmitted = func(string) { d.Submit() } // Enter checks, once the number is valid
	d.Resize(l.w.dialogSize(560, 0))
	d.Show()
	l.w.win.Canvas().Focus(entry)
	l.w.event("abha number asked")
}

// showSettled says what the check found and that the audit trail records it.
func (l *laterList) showSettled(a abdm.Attempt, got abdm.Settled, at string) {
	data := map[string]any{"Number": a.Patient.MaskedABHANumber(), "Time": at}
	var text string
	switch {
	case a.Action == abdm.ActionReactivate && got.Done:
		text = T("The ABHA {{.Number}} is active again: the reactivation of {{.Time}} was done.", data)
	case a.Action == abdm.ActionReactivate:
		text = T("The ABHA {{.Number}} is still deactivated: the reactivation of {{.Time}} was not done. To reactivate it, start again with the patient.", data)
	case got.Done:
		text = T("The ABHA {{.Number}} is deactivated: the deactivation of {{.Time}} was done.", data)
	default:
		text = T("The ABHA {{.Number}} is still active: the deactivation of {{.Time}} was not done. To deactivate it, start again with the patient.", data)
	}
	text += "\n\n" + T("The audit trail now records the outcome, settled by this status check.")
	msg := wrapped(strings.TrimSpace(text))
	d := dialog.NewCustom(T("Status checked"), T("Close"), msg, l.w.win)
	d.Resize(l.w.dialogSize(520, 0))
	d.Show()
	l.w.focusChanged(true)
}
