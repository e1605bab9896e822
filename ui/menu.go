package ui

import (
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"abha-deactivate/receipt"
	"abha-deactivate/storage/audit"
)

// The menus' shortcuts: Ctrl+, for Settings and Ctrl+H for History (Cmd
// on a Mac), shown in the menu and taken by the window.
var (
	settingsShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	historyShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault}
)

func (w *Wizard) menu() *fyne.MainMenu {
	settingsItem := fyne.NewMenuItem(T("Settings…"), w.noDialog(w.showSettings))
	settingsItem.Shortcut = settingsShortcut
	historyItem := fyne.NewMenuItem(T("History…"), w.noDialog(w.showHistory))
	historyItem.Shortcut = historyShortcut
	file := fyne.NewMenu(T("File"), settingsItem, historyItem, fyne.NewMenuItem(T("Open logs folder"), w.openLogs),
		fyne.NewMenuItemSeparator(), w.quitItem())
	help := fyne.NewMenu(T("Help"), fyne.NewMenuItem(T("About"), w.showAbout))
	return fyne.NewMainMenu(file, help)
}

// shortcuts registers the menus' shortcuts on the window too, for drivers
// that only show a menu item's shortcut.
func (w *Wizard) shortcuts() {
	for sc, open := range map[fyne.Shortcut]func(){settingsShortcut: w.showSettings, historyShortcut: w.showHistory} {
		do := w.noDialog(open)
		w.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { do() })
	}
}

// noDialog is open, done only when no dialog is open: a shortcut never
// stacks a window over a question.
func (w *Wizard) noDialog(open func()) func() {
	return func() {
		if w.win.Canvas().Overlays().Top() == nil {
			open()
		}
	}
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
	rec := entryRecord(e)
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

// historyColumns are the widths of History's columns: the time and the
// action as wide as their longest text in the wizard's language.
func (h *history) historyColumns() []float32 {
	widest := func(texts ...string) float32 {
		var w float32
		for _, t := range texts {
			w = max(w, fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width)
		}
		return w + 6*theme.Padding() // the label's and the cell's padding on both sides
	}
	longest := time.Date(2026, time.September, 28, 12, 59, 0, 0, receipt.IST)
	return []float32{widest(h.when(longest), h.when(longest.AddDate(0, 2, 0))), widest(T("Deactivation requested"), T("Reactivation requested")),
		widest("XX-XXXX-XXXX-0000"), 230, 90, 100, 100}
}

// cell is the text of one cell of the history table: the time as the
// receipt writes it, with its zone.
func (h *history) cell(e audit.Entry, col int) string {
	if col == 0 && entryRecord(e) != nil {
		return h.when(e.Time)
	}
	return historyCell(e, col)
}

// entryRecord is the record History describes attempt e by: its intent,
// else its outcome; nil for neither.
func entryRecord(e audit.Entry) *audit.Record {
	if e.Intent != nil {
		return e.Intent
	}
	return e.Outcome
}

// historyCell is the text of one cell of the history table but its time
// (history.cell writes that, in the wizard's language).
func historyCell(e audit.Entry, col int) string {
	rec := entryRecord(e)
	if rec == nil {
		return ""
	}
	switch col {
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
	if err := w.openFile(filepath.Clean(w.opts.LogDir)); err != nil {
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
