package ui

import (
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"

	"abha-deactivate/receipt"
	"abha-deactivate/storage/audit"
)

func (w *Wizard) menu() *fyne.MainMenu {
	file := fyne.NewMenu(T("File"),
		fyne.NewMenuItem(T("Settings…"), w.showSettings),
		fyne.NewMenuItem(T("History…"), w.showHistory),
		fyne.NewMenuItem(T("Open logs folder"), w.openLogs),
	)
	help := fyne.NewMenu(T("Help"), fyne.NewMenuItem(T("About"), w.showAbout))
	return fyne.NewMainMenu(file, help)
}

// dialogSize is a size for dialogs that fits the window.
func (w *Wizard) dialogSize(width, height float32) fyne.Size {
	s := w.win.Canvas().Size()
	return fyne.NewSize(min(width, s.Width-40), min(height, s.Height-40))
}

// historyColumns are the widths of History's columns: the time and the
// action as wide as their longest text in the wizard's language.
func (h *history) historyColumns() []float32 {
	widest := func(texts ...string) float32 {
		var w float32
		for _, t := range texts {
			w = max(w, fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width)
		}
		return w + 4*theme.Padding()
	}
	longest := time.Date(2026, time.September, 28, 12, 59, 0, 0, receipt.IST)
	return []float32{widest(h.when(longest), h.when(longest.AddDate(0, 2, 0))), widest(T("Deactivation requested"), T("Reactivation requested")),
		140, 230, 90, 100, 100}
}

// cell is the text of one cell of the history table: the time as the
// receipt writes it, with its zone.
func (h *history) cell(e audit.Entry, col int) string {
	if col == 0 && (e.Intent != nil || e.Outcome != nil) {
		return h.when(e.Time)
	}
	return historyCell(e, col)
}

// historyCell is the text of one cell of the history table.
func historyCell(e audit.Entry, col int) string {
	rec := e.Intent
	if rec == nil {
		rec = e.Outcome
	}
	if rec == nil {
		return ""
	}
	switch col {
	case 0:
		return e.Time.In(receipt.IST).Format("2 Jan 2006, 3:04 pm") + " IST"
	case 1:
		if e.Action == audit.ActionReactivate {
			return T("Reactivation requested")
		}
		return T("Deactivation requested")
	case 2:
		return rec.ABHANumber
	case 3:
		out := T(e.Text)
		if e.Outcome != nil && e.Outcome.Code != "" {
			out += " (" + e.Outcome.Code + ")"
		}
		return out
	case 4:
		var codes []string
		for _, r := range rec.Reasons {
			codes = append(codes, r.Code)
		}
		return strings.Join(codes, ", ")
	case 5:
		if rec.API != "" {
			return rec.Environment + " (" + rec.API + ")"
		}
		return rec.Environment
	case 6:
		return rec.OSUser
	}
	return ""
}

// openLogs opens the log folder in the system's file manager.
func (w *Wizard) openLogs() {
	if w.opts.LogDir == "" {
		return
	}
	u := storage.NewFileURI(filepath.Clean(w.opts.LogDir))
	parsed, err := url.Parse(u.String())
	if err == nil {
		err = w.opts.App.OpenURL(parsed)
	}
	if err != nil {
		dialog.ShowInformation(T("Logs folder"), w.opts.LogDir, w.win)
	}
}

// showAbout shows the version and licences.
func (w *Wizard) showAbout() {
	text := wrapped(T("ABHA Deactivation {{.Version}}", map[string]any{"Version": w.opts.Version}) + "\n\n" +
		T("Deactivates a patient's ABHA through ABDM's official APIs, confirmed by an OTP sent to the patient.") + "\n\n" +
		T("Licence: MIT. Includes Noto Sans Devanagari (SIL Open Font License 1.1) and Fyne (BSD 3-Clause).") + "\n" +
		T("The wording of the reasons is this app's own, not ABDM's."))
	d := dialog.NewCustom(T("About"), T("Close"), text, w.win)
	d.Resize(w.dialogSize(520, 300))
	d.Show()
}
