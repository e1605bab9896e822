package ui

import (
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"abha-deactivate/storage/audit"
)

func (w *Wizard) menu() *fyne.MainMenu {
	file := fyne.NewMenu(T("File"),
		fyne.NewMenuItem(T("Settings…"), w.showSettings),
		&fyne.MenuItem{Label: T("History…"), Action: w.showHistory, Shortcut: historyShortcut},
		fyne.NewMenuItem(T("Open logs folder"), w.openLogs),
		fyne.NewMenuItemSeparator(),
		w.quitItem(),
	)
	help := fyne.NewMenu(T("Help"), fyne.NewMenuItem(T("About"), w.showAbout))
	return fyne.NewMainMenu(file, help)
}

// dialogSize is a size for dialogs that fits the window.
func (w *Wizard) dialogSize(width, height float32) fyne.Size {
	s := w.win.Canvas().Size()
	return fyne.NewSize(min(width, s.Width-40), min(height, s.Height-40))
}

// historyReasonsCol is the column of the history table with the reasons:
// Wizard.reasonLabels writes it.
const historyReasonsCol = 4

// reasonLabels are the reasons of an attempt by their labels in the
// interface's language, never their codes: the catalogue's label, else the
// one the audit trail kept, else the code.
func (w *Wizard) reasonLabels(e audit.Entry) string {
	rec := e.Intent
	if rec == nil {
		rec = e.Outcome
	}
	if rec == nil {
		return ""
	}
	labels := make([]string, 0, len(rec.Reasons))
	for _, r := range rec.Reasons {
		c, known := w.opts.Catalogue.Lookup(r.Code)
		switch {
		case known && c.FreeText:
			labels = append(labels, T("Another reason"))
		case known:
			labels = append(labels, c.Label(w.opts.Language))
		case r.Label != "":
			labels = append(labels, r.Label)
		default:
			labels = append(labels, r.Code)
		}
	}
	return strings.Join(labels, "; ")
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
		return e.Time.Local().Format("2006-01-02 15:04")
	case 1:
		if e.Action == audit.ActionReactivate {
			return T("Reactivate")
		}
		return T("Deactivate")
	case 2:
		return rec.ABHANumber
	case 3:
		out := T(e.Text)
		if e.Outcome != nil && e.Outcome.Code != "" {
			out += " (" + e.Outcome.Code + ")"
		}
		return out
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
