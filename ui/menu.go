package ui

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/settings"
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

// showSettings edits the API generation, language, appearance, proxy and CA bundle.
// Connection details are on the Connect step.
func (w *Wizard) showSettings() {
	// Devanagari only where the Hindi font is in use: the English theme cannot draw it.
	hindi := "Hindi"
	if w.opts.Language == LangHindi {
		hindi = "हिन्दी"
	}
	languages := []string{T("Follow the system"), "English", hindi}
	codes := []string{"", LangEnglish, LangHindi}
	language := widget.NewSelect(languages, nil)
	for i, c := range codes {
		if c == w.set.Language {
			language.SetSelectedIndex(i)
		}
	}
	looks := []string{AppearanceSystem, AppearanceLight, AppearanceDark}
	look := widget.NewSelect([]string{T("Same as the computer"), T("Light"), T("Dark")}, nil)
	look.SetSelectedIndex(max(slices.Index(looks, w.set.Appearance), 0))
	gens := abdm.Generations()
	api := widget.NewSelect([]string{T("v3 (current)"), T("v2 (legacy)")}, nil)
	api.SetSelectedIndex(max(slices.Index(gens, w.connect.selectedGeneration()), 0))
	if w.opts.Demo != nil || w.flow != nil {
		api.Disable() // chosen on the Connect step; it takes effect when connecting
	}
	proxy := widget.NewEntry()
	proxy.SetText(w.set.ProxyURL)
	proxy.PlaceHolder = "http://proxy.example:3128"
	ca := widget.NewEntry()
	ca.SetText(w.set.CABundle)
	ca.PlaceHolder = T("Path of a PEM file, e.g. /etc/ssl/facility-ca.pem")
	browse := widget.NewButton(T("Browse…"), func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				ca.SetText(r.URI().Path())
				r.Close()
			}
		}, w.win)
	})
	problem := wrapped("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	form := container.NewVBox(
		field(T("API generation"), api, T("v3 is ABDM's current API. Choose v2 only if your facility's ABDM access is still on the legacy HealthID API. It is also on the Connect step.")),
		field(T("Language"), language, T("A change of language applies the next time the app starts.")),
		field(T("Appearance"), look, T("Light or dark colours. \"Same as the computer\" follows the light or dark choice of this computer.")),
		field(T("Proxy"), proxy, T("Leave empty to use the computer's proxy settings (HTTPS_PROXY).")),
		field(T("Extra CA certificates"), container.NewBorder(nil, nil, nil, browse, ca),
			T("Only if your facility's network inspects secure traffic: the certificate file your IT team gives you.")),
		problem,
	)
	var d dialog.Dialog
	save := func() {
		next := w.set
		if i := language.SelectedIndex(); i >= 0 {
			next.Language = codes[i]
		}
		if i := api.SelectedIndex(); i >= 0 && !api.Disabled() {
			next.APIVersion = string(gens[i])
			w.connect.setGeneration(gens[i])
		}
		if i := look.SelectedIndex(); i >= 0 {
			next.Appearance = looks[i]
		}
		next.ProxyURL = strings.TrimSpace(proxy.Text)
		next.CABundle = strings.TrimSpace(ca.Text)
		if err := next.Validate(); err != nil && !onlyIdentityProblems(next) {
			problem.SetText(err.Error())
			problem.Show()
			return
		}
		if next.Appearance != w.set.Appearance {
			w.opts.App.Settings().SetTheme(newTheme(w.opts.Language == LangHindi, next.Appearance))
		}
		w.set = next
		w.client = nil // the next Connect uses the new network settings
		if w.opts.SaveSettings != nil {
			w.background(func(context.Context) func() {
				err := w.opts.SaveSettings(next)
				return func() {
					if err != nil {
						dialog.ShowError(fmt.Errorf("%s %w", T("The settings could not be saved:"), err), w.win)
					}
				}
			})
		}
		d.Hide()
		if w.current != stepConnect && w.flow != nil {
			dialog.ShowInformation(T("Settings saved"), T("Network settings apply the next time you connect."), w.win)
		}
	}
	d = dialog.NewCustomWithoutButtons(T("Settings"), container.NewBorder(nil,
		container.NewHBox(layoutSpacer(), widget.NewButton(T("Cancel"), func() { d.Hide() }),
			&widget.Button{Text: T("Save"), Importance: widget.HighImportance, OnTapped: save}),
		nil, nil, form), w.win)
	d.Resize(w.dialogSize(560, 480))
	d.Show()
}

// onlyIdentityProblems reports whether Validate complains only about
// fields the Settings dialog does not show (client ID, HIP ID, URLs).
func onlyIdentityProblems(s settings.Settings) bool {
	s.ClientID, s.HIPID = "client", "hip"
	s.Environment = "sandbox"
	return s.Validate() == nil
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
