package ui

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/assets"
	"abha-deactivate/receipt"
	"abha-deactivate/storage/audit"
)

// History's times and its Print receipt again: a row of a completed change
// makes the patient's receipt again from what the audit trail holds.

// statusCheckMessage is the outcome message of a change confirmed by a
// status check (abdm's verdictOutcomes).
const statusCheckMessage = "confirmed by a status check"

// historyClock writes History's times as the receipt does: in IST, in the
// wizard's language, e.g. "3 December 2026, 6:07 pm IST".
func historyClock(language string) func(time.Time) string {
	if sub, err := fs.Sub(assets.Translations, "translations"); err == nil {
		if c, err := receipt.NewClock(sub, language); err == nil {
			return c.DateTime
		}
	}
	return func(t time.Time) string { return t.In(receipt.IST).Format("2 Jan 2006, 3:04 pm") + " IST" }
}

// reprintable reports whether e is a completed change, whose receipt can be
// made again.
func reprintable(e audit.Entry) bool {
	return e.Outcome != nil && (e.Status == audit.OutcomeDeactivated || e.Status == audit.OutcomeReactivated)
}

// entryResult is the change e records, as the receipt needs it. The trail
// keeps no patient's name and only the masked ABHA number: the receipt
// leaves the name out and masks the number anyway.
func entryResult(e audit.Entry) abdm.Result {
	o := e.Outcome
	res := abdm.Result{Action: abdm.ActionDeactivate, ID: e.ID, TxnID: o.TxnID, At: o.Time,
		Patient: abdm.Profile{ABHANumber: o.ABHANumber}, ByStatusCheck: o.Message == statusCheckMessage}
	if e.Action == audit.ActionReactivate {
		res.Action = abdm.ActionReactivate
	}
	if res.TxnID == "" && e.Intent != nil {
		res.TxnID = e.Intent.TxnID
	}
	for _, r := range o.Reasons {
		res.Reasons = append(res.Reasons, r.Code)
	}
	return res
}

// newReprint is History's Print receipt again button, for the row chosen.
func (h *history) newReprint() *widget.Button {
	h.reprint = widget.NewButton(T("Print receipt again"), h.reprintChosen)
	h.reprint.Disable()
	h.w.name(h.reprint, "history.reprint")
	h.note = wrapped("")
	h.note.Hide()
	return h.reprint
}

// choose makes row (0 for the first attempt) the chosen one: Print receipt
// again is offered for a completed change.
func (h *history) choose(row int) {
	h.chosen = -1
	h.reprint.Disable()
	if row >= 0 && row < len(h.rows) && reprintable(h.rows[row]) {
		h.chosen = row
		h.reprint.Enable()
	}
}

// reprintChosen saves the chosen change's receipt in the receipts folder
// and opens it in the PDF viewer, to print it for the patient.
func (h *history) reprintChosen() {
	w := h.w
	if h.chosen < 0 || h.chosen >= len(h.rows) || w.opts.ReceiptDir == "" {
		return
	}
	e := h.rows[h.chosen]
	res := entryResult(e)
	path := filepath.Join(w.opts.ReceiptDir, receiptName(res))
	h.reprint.Disable()
	h.showNote(noticeInfo, T("Making the receipt…"), "")
	w.background(func(ctx context.Context) func() {
		err := w.writeReceiptFile(ctx, path, func(m *receipt.Maker) receipt.Data { return h.receiptData(m, e, res) })
		return func() {
			h.reprint.Enable()
			h.showNote(w.openWritten(path, err))
		}
	})
}

// receiptData is what the receipt of the change e records says.
func (h *history) receiptData(m *receipt.Maker, e audit.Entry, res abdm.Result) receipt.Data {
	w := h.w
	d := m.FromResult(res, w.opts.Catalogue, w.opts.Language)
	d.HIPID, d.Environment, d.Version = e.Outcome.HIPID, e.Outcome.Environment, w.opts.Version
	if d.Environment != "demo" && d.HIPID == w.set.HIPID {
		d.Facility = w.set.FacilityName // the name of this facility, not of another HIP's
	}
	return d
}

// noteImportance is the colour of History's note for each kind of notice.
var noteImportance = map[noticeKind]widget.Importance{noticeInfo: widget.MediumImportance,
	noticeSuccess: widget.SuccessImportance, noticeWarning: widget.WarningImportance, noticeError: widget.DangerImportance}

// showNote says how the reprint went, under the table.
func (h *history) showNote(kind noticeKind, title, detail string) {
	h.note.Importance = noteImportance[kind]
	h.note.SetText(strings.TrimSpace(title + " " + detail))
	h.note.Show()
	h.content.Refresh() // the note may take more lines: the table gives them up
}
