package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/storage/audit"
)

// historyPage is how many attempts History reads at a time: the first page
// shows at once even when the trail holds years of records.
const historyPage = 200

// historyStatuses are the outcomes History can filter on, in the order of
// its choice ("" is every outcome).
var historyStatuses = []string{"", audit.OutcomeDeactivated, audit.OutcomeReactivated, audit.OutcomeRejected,
	audit.OutcomeUnknown, audit.OutcomeNotSent, audit.OutcomeCancelled, audit.OutcomeNotDeactivated,
	audit.OutcomeNotReactivated, audit.StatusNoOutcome}

func historyStatusLabels() []string {
	return []string{T("All outcomes"), T("Deactivated"), T("Reactivated"), T("Refused by ABDM"), T("Outcome unknown"),
		T("Not sent"), T("Cancelled"), T("Not deactivated (status check)"), T("Not reactivated (status check)"), T("No outcome recorded")}
}

// history is the History window: the audit trail newest first, a page at a
// time, filtered by date and outcome, with CSV export and a warning when the
// trail's chain of records is broken.
type history struct {
	w       *Wizard
	rows    []audit.Entry
	pager   *audit.Pager
	loading *audit.Pager // the pager a page is being read from, if any
	filter  audit.EntryFilter

	table   *widget.Table
	status  *widget.Label
	warning *widget.Label
	outcome *widget.Select
	from    *entry
	to      *entry
	more    *widget.Button
	export  *widget.Button
	dlg     dialog.Dialog
	when    func(time.Time) string // a time as the receipt writes it

	content *fyne.Container
	reprint *widget.Button // Print receipt again, for the chosen row
	note    *widget.Label  // how the reprint went
	chosen  int            // the chosen row, -1 for none
}

// showHistory opens the History window.
func (w *Wizard) showHistory() {
	if w.opts.Audit == nil {
		return
	}
	h := &history{w: w, status: widget.NewLabel(T("Reading the audit trail…")), warning: wrapped(""),
		when: historyClock(w.opts.Language), chosen: -1}
	h.warning.Importance = widget.DangerImportance
	h.warning.Hide()
	headers := []string{T("Time"), T("Action"), T("ABHA number"), T("Outcome"), T("Reasons"), T("Environment"), T("User")}
	h.table = widget.NewTable(
		func() (int, int) { return len(h.rows) + 1, len(headers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis // a long outcome must not run over the next column
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row == 0 {
				l.TextStyle = fyne.TextStyle{Bold: true}
				l.SetText(headers[id.Col])
				return
			}
			l.TextStyle = fyne.TextStyle{}
			if id.Col == historyReasonsCol {
				l.SetText(h.w.reasonLabels(h.rows[id.Row-1]))
				return
			}
			l.SetText(h.cell(h.rows[id.Row-1], id.Col))
		})
	h.table.OnSelected = func(id widget.TableCellID) { h.choose(id.Row - 1) }
	for i, width := range h.historyColumns() {
		h.table.SetColumnWidth(i, width)
	}
	h.outcome = widget.NewSelect(historyStatusLabels(), func(string) { h.reload() })
	h.from, h.to = dialogEntry(h.close), dialogEntry(h.close)
	for _, e := range []*entry{h.from, h.to} {
		e.PlaceHolder = "2026-12-31"
		e.OnSubmitted = func(string) { h.reload() }
	}
	apply := widget.NewButton(T("Show"), h.reload)
	h.more = widget.NewButton(T("Show older"), h.next)
	h.more.Disable()
	h.export = widget.NewButton(T("Export CSV…"), h.exportCSV)
	filters := container.NewHBox(widget.NewLabel(T("Outcome")), h.outcome, widget.NewLabel(T("From this day")), sized(h.from, 120),
		widget.NewLabel(T("Before this day")), sized(h.to, 120), apply)
	top := container.NewVBox(h.warning, w.later.historyView(), h.status, newForwardStrip(w, false).label, filters)
	reprint := h.newReprint()
	bottom := container.NewVBox(h.note, container.NewHBox(h.more, layoutSpacer(), reprint, h.export))
	h.content = container.NewBorder(top, bottom, nil, nil, h.table)
	h.dlg = dialog.NewCustom(T("History"), T("Close"), h.content, w.win)
	h.dlg.Resize(w.dialogSize(980, 600))
	h.dlg.Show()
	w.lastHistory = h
	h.outcome.SetSelectedIndex(0) // reads the first page
	h.verify()
}

// sized gives an entry a fixed width in a row.
func sized(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}

// reload starts again from the newest attempt with the filter shown.
func (h *history) reload() {
	f, err := h.readFilter()
	if err != nil {
		h.status.SetText(err.Error())
		return
	}
	h.filter = f
	h.pager = h.w.opts.Audit.Pages(f)
	h.rows = nil
	h.choose(-1)
	h.table.UnselectAll()
	h.table.Refresh()
	h.table.ScrollToTop()
	h.next()
}

// readFilter reads the outcome and dates chosen (dates in local time).
func (h *history) readFilter() (audit.EntryFilter, error) {
	var f audit.EntryFilter
	if i := h.outcome.SelectedIndex(); i > 0 {
		f.Status = historyStatuses[i]
	}
	for _, d := range []struct {
		e  *entry
		to *time.Time
	}{{h.from, &f.Since}, {h.to, &f.Until}} {
		text := strings.TrimSpace(d.e.Text)
		if text == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", text, time.Local)
		if err != nil {
			return f, errors.New(T("Write dates as year-month-day, e.g. 2026-12-31."))
		}
		*d.to = t
	}
	return f, nil
}

// next reads the next page in the background and adds it to the table.
func (h *history) next() {
	p := h.pager
	if p == nil || h.loading == p || !p.More() {
		return
	}
	h.loading = p // a new filter's pager may read meanwhile: pagers are separate
	h.more.Disable()
	h.w.background(func(ctx context.Context) func() {
		rows, err := p.Next(ctx, historyPage)
		for i := range rows {
			rows[i] = rows[i].Safe() // a trail edited by hand may hold control characters
		}
		stats := p.Stats()
		more := p.More()
		return func() {
			if h.loading == p {
				h.loading = nil
			}
			if p != h.pager {
				return // the filter changed meanwhile
			}
			if err != nil {
				h.status.SetText(T("The audit trail could not be read.") + " " + h.w.problemDetail(err))
				return
			}
			h.rows = append(h.rows, rows...)
			h.table.Refresh()
			text := T("{{.N}} deactivations and reactivations shown, newest first. File: {{.Path}}",
				map[string]any{"N": len(h.rows), "Path": h.w.opts.Audit.Path()})
			if more {
				text += " " + T("Press Show older for more.")
			}
			if stats.Skipped > 0 {
				text += "\n" + T("{{.N}} damaged lines were skipped.", map[string]any{"N": stats.Skipped})
			}
			h.status.SetText(text)
			if more {
				h.more.Enable()
			}
			h.w.event("history page shown")
		}
	})
}

// verify checks the chain of the audit trail in the background and warns
// when a record was changed, removed or moved outside this app.
func (h *history) verify() {
	h.w.background(func(ctx context.Context) func() {
		rep, err := h.w.opts.Audit.Verify(ctx)
		return func() {
			switch {
			case err != nil:
				h.warning.SetText(T("The audit trail could not be checked.") + " " + h.w.problemDetail(err))
			case rep.Intact:
				h.w.event("history chain intact")
				return
			default:
				b := rep.Break
				h.warning.SetText(T("Warning: the audit trail was changed outside this app. Line {{.Line}}: {{.What}}. Keep the file as it is and tell your IT team; do not edit it.",
					map[string]any{"Line": b.Line, "What": b.Reason}))
				h.w.event("history chain broken")
			}
			h.warning.Show()
		}
	})
}

// exportCSV writes the records of the filter's dates (and its outcome, if
// one is chosen: then only those outcome records), newest first, to a CSV
// file the user chooses, reading the trail as a stream.
func (h *history) exportCSV() {
	w := h.w
	f := audit.Filter{Since: h.filter.Since, Until: h.filter.Until}
	if h.filter.Status != audit.StatusNoOutcome {
		f.Outcome = h.filter.Status
	}
	dialog.ShowFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		w.background(func(ctx context.Context) func() {
			cw := audit.NewCSVWriter(wc)
			_, werr := w.opts.Audit.Scan(ctx, f, func(r audit.Record) error { return cw.Write(r.Safe()) })
			if werr == nil {
				werr = cw.Flush()
			}
			cerr := wc.Close()
			return func() {
				if werr == nil {
					werr = cerr
				}
				if werr != nil {
					dialog.ShowError(werr, w.win)
				}
			}
		})
	}, w.win)
}

// close closes the History window (Escape, also from a date field).
func (h *history) close() {
	if h.dlg != nil {
		h.dlg.Hide()
	}
}
