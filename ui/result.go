package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
)

// resultView ends a deactivation or a reactivation: done, or an outcome to
// be checked.
type resultView struct {
	w       *Wizard
	icon    *widget.Icon
	head    *widget.Label
	text    *widget.Label
	txn     *widget.Label
	copyTxn *widget.Button
	undo    *widget.Button // Reactivate now, after a deactivation
	// receipts: Open receipt and Save receipt (PDF), once the change is done.
	receipts       *fyne.Container
	receiptButtons []*widget.Button
	res            *abdm.Result // the change done, for its receipt
	txnRow         *fyne.Container
	more           *fyne.Container
	notice         *notice
	content        fyne.CanvasObject
	mode           resultMode
}

type resultMode int

const (
	resultDone resultMode = iota
	resultUnknown
	resultNotDone
	resultReactivated
	resultNotReactivated
)

func newResultView(w *Wizard) *resultView {
	r := &resultView{w: w, icon: widget.NewIcon(nil), head: heading(""), text: wrapped(""),
		txn: widget.NewLabel(""), notice: newNotice(w)}
	r.head.Wrapping = fyne.TextWrapWord
	r.copyTxn = widget.NewButtonWithIcon(T("Copy"), theme.ContentCopyIcon(), func() {
		w.opts.App.Clipboard().SetContent(r.txn.Text)
		r.notice.show(noticeSuccess, T("The transaction ID was copied."), "", "", nil)
	})
	w.name(r.copyTxn, "result.copy")
	r.undo = widget.NewButton(T("Reactivate now"), w.startReactivation)
	w.name(r.undo, "result.reactivate_now")
	r.txn.TextStyle = fyne.TextStyle{Monospace: true}
	r.txn.Selectable = true
	r.txnRow = container.NewHBox(heading(T("Transaction ID")), r.txn, r.copyTxn)
	r.more = container.NewVBox()
	open := widget.NewButtonWithIcon(T("Open receipt"), theme.DocumentPrintIcon(), r.openReceipt)
	save := widget.NewButtonWithIcon(T("Save receipt (PDF)…"), theme.DocumentSaveIcon(), r.saveReceipt)
	w.name(open, "result.open_receipt")
	w.name(save, "result.save_receipt")
	r.receiptButtons = []*widget.Button{open, save}
	r.receipts = container.NewBorder(nil, nil, container.NewHBox(open, save), nil,
		wrapped(T("A one-page receipt for the patient, in the language of this window.")))
	r.receipts.Hide()
	r.content = container.NewVBox(
		container.NewBorder(nil, nil, r.icon, nil, r.head),
		r.text, r.txnRow, r.receipts, r.more)
	return r
}

func (r *resultView) stepNotice() *notice { return r.notice }

// focusTarget is nothing: Enter runs the main action (the next patient).
func (r *resultView) focusTarget() fyne.Focusable { return nil }

func (r *resultView) title() string {
	switch r.mode {
	case resultDone, resultReactivated:
		return T("Done")
	}
	return T("Check the outcome")
}

func (r *resultView) view() fyne.CanvasObject { return r.content }

func (r *resultView) enter() {
	switch r.mode {
	case resultDone:
		r.w.setPrimary(T("Deactivate another ABHA"), widget.HighImportance, true, r.w.nextPatient)
	case resultUnknown:
		r.w.setPrimary(T("Check status"), widget.HighImportance, true, r.checkStatus)
	case resultNotDone:
		r.w.setPrimary(T("Request a new OTP"), widget.HighImportance, true, r.w.requestNewOTP)
	case resultReactivated:
		r.w.setPrimary(T("Next patient"), widget.HighImportance, true, r.w.nextPatient)
	case resultNotReactivated:
		r.w.setPrimary(T("Request a new OTP"), widget.HighImportance, true, r.w.startReactivation)
	}
}

func (r *resultView) setEnabled(on bool) {
	setEnabled(r.copyTxn, on)
	for _, b := range r.receiptButtons {
		setEnabled(b, on)
	}
}

// offerReceipt shows the receipt buttons for a change done (res has a
// transaction ID) and hides them otherwise.
func (r *resultView) offerReceipt(res abdm.Result) {
	if res.TxnID == "" || r.w.opts.ReceiptDir == "" {
		r.res = nil
		r.receipts.Hide()
		return
	}
	r.res = &res
	r.receipts.Show()
}

// showSuccess says the ABHA is deactivated and what that means.
func (r *resultView) showSuccess(res abdm.Result) {
	r.mode = resultDone
	r.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	r.head.SetText(T("The ABHA is deactivated."))
	text := T("The ABHA of {{.Name}} ({{.Number}}) is now deactivated.",
		map[string]any{"Name": res.Patient.Name, "Number": res.Patient.MaskedABHANumber()})
	if res.ByStatusCheck {
		text += " " + T("A status check with ABDM confirmed it.")
	}
	r.text.SetText(text)
	r.txn.SetText(res.TxnID)
	r.txnRow.Show()
	r.offerReceipt(res)
	r.more.Objects = []fyne.CanvasObject{
		consequencesBox(T("What happens now: until it is reactivated, the patient:")),
		wrapped(T("To reactivate, the patient can come back here (Reactivate an ABHA), or use the ABHA app or website (abha.abdm.gov.in), and confirm with an OTP. This deactivation is recorded in this computer's audit trail (menu: History).")),
		container.NewBorder(nil, nil, container.NewVBox(r.undo), nil,
			wrapped(T("Deactivated by mistake? Reactivate it now, with an OTP to the patient's mobile."))),
	}
	r.more.Refresh()
	r.notice.hide()
	r.w.show(stepResult)
	r.w.event("deactivated")
}

// showReactivated says the ABHA is active again, what the patient can do
// again, and who ABDM signed in with it (the proof).
func (r *resultView) showReactivated(res abdm.Result) {
	r.mode = resultReactivated
	r.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	r.head.SetText(T("The ABHA is active again."))
	text := T("The ABHA {{.Number}} is reactivated.", map[string]any{"Number": res.Patient.MaskedABHANumber()})
	if res.ByStatusCheck {
		text += " " + T("A status check with ABDM confirmed it.")
	}
	r.text.SetText(text)
	r.txn.SetText(res.TxnID)
	r.txnRow.Show()
	r.offerReceipt(res)
	again := T("The patient can again:") + "\n•  " + T("use ABDM apps (such as the ABHA app) with this ABHA,") +
		"\n•  " + T("share health records through ABDM,") + "\n•  " + T("show this ABHA at a hospital or clinic.")
	r.more.Objects = []fyne.CanvasObject{widget.NewCard("", "", wrapped(again))}
	if res.SignedIn {
		r.more.Objects = append(r.more.Objects, proofCard(res.Patient))
	}
	r.more.Objects = append(r.more.Objects,
		wrapped(T("This reactivation is recorded in this computer's audit trail (menu: History).")))
	r.more.Refresh()
	r.notice.hide()
	r.w.show(stepResult)
	r.w.event("reactivated")
}

// proofCard shows the profile ABDM gave with the reactivation's sign-in.
func proofCard(p abdm.Profile) fyne.CanvasObject {
	details := container.New(layout.NewFormLayout(),
		heading(T("Name")), widget.NewLabel(p.Name),
		heading(T("ABHA number")), widget.NewLabel(p.MaskedABHANumber()),
		heading(T("ABHA address")), widget.NewLabel(p.ABHAAddress),
		heading(T("Gender")), widget.NewLabel(orDash(genderText(p))),
		heading(T("Year of birth")), widget.NewLabel(orDash(p.YearOfBirth)))
	photo := canvas.NewImageFromResource(nil)
	photo.FillMode = canvas.ImageFillContain
	photo.SetMinSize(fyne.NewSize(96, 96))
	box := container.NewVBox(photo)
	setPhoto(photo, box, p.Photo)
	return widget.NewCard("", T("ABDM signed the patient in with the reactivated ABHA:"),
		container.NewBorder(nil, nil, nil, box, details))
}

// showUnknown says the request went out but no answer came back.
func (r *resultView) showUnknown(err error) {
	r.mode = resultUnknown
	r.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	if r.w.flowState().Pending == abdm.ActionReactivate {
		r.head.SetText(T("We do not know yet whether the ABHA was reactivated."))
		r.text.SetText(T("The request was sent to ABDM, but no answer came back (the connection broke or took too long). Do not send it again: press Check status to ask ABDM whether the ABHA is active again."))
	} else {
		r.head.SetText(T("We do not know yet whether the ABHA was deactivated."))
		r.text.SetText(T("The request was sent to ABDM, but no answer came back (the connection broke or took too long). Do not send it again: press Check status to ask ABDM whether the ABHA is now deactivated."))
	}
	r.txnRow.Hide()
	u := r.w.flowState().Unknown
	if u != nil {
		r.w.later.unknown(*u)
		r.txn.SetText(u.TxnID)
		r.txnRow.Show()
	}
	r.offerReceipt(abdm.Result{})
	r.more.Objects = r.w.later.unknownMore(u)
	r.more.Refresh()
	r.notice.hide()
	r.w.show(stepResult)
	r.w.event("outcome unknown")
}

// checkStatus asks ABDM whether the ABHA is deactivated, after an unknown outcome.
func (r *resultView) checkStatus() {
	w := r.w
	var st abdm.AccountStatus
	pending := w.flowState().Pending
	id := ""
	if u := w.flowState().Unknown; u != nil {
		id = u.ID
	}
	w.run(T("Asking ABDM for the ABHA's status…"), func(ctx context.Context) (err error) {
		st, err = w.flow.CheckStatus(ctx)
		return err
	}, func(err error) {
		if err == nil {
			w.later.settled(id)
		}
		switch {
		case err != nil && abdm.IsKind(err, abdm.KindPatientToken):
			r.notice.showError(err, "", nil)
			r.notice.detail.SetText(r.notice.detail.Text + "\n" +
				T("Once the patient has signed in again (a new OTP) on the Patient step, check again."))
		case err != nil:
			r.notice.showError(err, "", nil)
		case pending == abdm.ActionReactivate && st == abdm.StatusActive:
			if res := w.flowState().Result; res != nil {
				r.showReactivated(*res)
			}
		case pending == abdm.ActionReactivate:
			r.mode = resultNotReactivated
			r.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
			r.head.SetText(T("The ABHA was not reactivated."))
			r.text.SetText(T("ABDM says the ABHA is still deactivated. You can request a new OTP and try again."))
			r.w.show(stepResult)
		case st == abdm.StatusDeactivated:
			if res := w.flowState().Result; res != nil {
				r.showSuccess(*res)
			}
		default:
			r.mode = resultNotDone
			r.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
			r.head.SetText(T("The ABHA was not deactivated."))
			r.text.SetText(T("ABDM says the ABHA is still active. You can request a new OTP and try again."))
			r.w.show(stepResult)
		}
	})
}
