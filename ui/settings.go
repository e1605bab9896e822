package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// The Settings dialog: the API generation, language, appearance, proxy and
// CA bundle. Connection details are on the Connect step.

// settingsLooks are the appearances, in the order of the Appearance list.
var settingsLooks = []string{AppearanceSystem, AppearanceLight, AppearanceDark}

// settingsLanguages are the language codes, in the order of the Language
// list ("" follows the system).
var settingsLanguages = []string{"", LangEnglish, LangHindi}

// settingsForm is the Settings dialog's fields.
type settingsForm struct {
	w        *Wizard
	language *widget.RadioGroup // the languages by their own names, in the order of settingsLanguages
	look     *widget.Select
	api      *widget.Select // the generations, in the order of abdm.Generations
	facility *entry
	proxy    *entry
	ca       *entry
	problem  *widget.Label // why the settings cannot be saved
	scroll   *container.Scroll
	save     *widget.Button
	dialog   dialog.Dialog
	audit    *auditFields // the IT team's audit forwarding (settings_audit.go)
}

// showSettings opens the Settings dialog: its fields scroll, its buttons
// stay at the bottom, inside the window whatever its size.
func (w *Wizard) showSettings() {
	f := newSettingsForm(w)
	f.save = &widget.Button{Text: T("Save"), Importance: widget.HighImportance, OnTapped: f.saveForm}
	buttons := container.NewHBox(layoutSpacer(), widget.NewButton(T("Cancel"), func() { f.dialog.Hide() }), f.save)
	f.scroll = container.NewVScroll(container.NewPadded(f.layout()))
	f.dialog = dialog.NewCustomWithoutButtons(T("Settings"),
		container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), buttons), nil, nil, f.scroll), w.win)
	f.dialog.Resize(w.dialogSize(600, 640))
	f.dialog.Show()
	w.lastForm = f
	w.event("settings shown")
}

// newSettingsForm makes the fields, filled in with the settings in effect.
func newSettingsForm(w *Wizard) *settingsForm {
	f := &settingsForm{w: w, problem: wrapped("")}
	f.facility, f.proxy, f.ca = dialogEntry(f.close), dialogEntry(f.close), dialogEntry(f.close)
	// Each language by its own name, whatever the interface's language. A
	// radio group, not a list that pops up: it is drawn in languageView's
	// theme, which has the Devanagari font.
	f.language = widget.NewRadioGroup(languageNames(), nil)
	f.language.Horizontal = true
	if i := slices.Index(settingsLanguages, w.set.Language); i >= 0 {
		f.language.SetSelected(f.language.Options[i])
	}
	f.look = widget.NewSelect([]string{T("Same as the computer"), T("Light"), T("Dark")}, nil)
	f.look.SetSelectedIndex(max(slices.Index(settingsLooks, w.set.Appearance), 0))
	f.api = widget.NewSelect([]string{T("v3 (current)"), T("v2 (legacy)")}, nil)
	f.api.SetSelectedIndex(max(slices.Index(abdm.Generations(), stepOf[*connectStep](w).selectedGeneration()), 0))
	if w.flow != nil {
		f.api.Disable() // chosen on the Connect step; it takes effect when connecting
	}
	f.facility.SetText(w.set.FacilityName)
	f.facility.PlaceHolder = T("e.g. City Health Centre, Pune")
	f.proxy.SetText(w.set.ProxyURL)
	f.proxy.PlaceHolder = "http://proxy.example:3128"
	f.ca.SetText(w.set.CABundle)
	f.ca.PlaceHolder = T("Path of a PEM file, e.g. /etc/ssl/facility-ca.pem")
	w.lockSet(map[settings.Field]fyne.Disableable{settings.FieldAPIVersion: f.api, settings.FieldFacilityName: f.facility,
		settings.FieldProxyURL: f.proxy, settings.FieldCABundle: f.ca, settings.FieldLanguage: f.language})
	f.problem.Importance = widget.DangerImportance
	f.problem.Hide()
	f.audit = newAuditFields(w, f.close)
	return f
}

// close closes the dialog unsaved (Escape in a field).
func (f *settingsForm) close() {
	if f.dialog != nil {
		f.dialog.Hide()
	}
}

// lockSet disables each field that the facility's policy, a flag or the
// demo sets.
func (w *Wizard) lockSet(fields map[settings.Field]fyne.Disableable) {
	lockFields(w.opts.Policy, fields)
	for fld, input := range fields {
		if w.setForRun(fld) != "" {
			input.Disable()
		}
	}
}

// setForRun is what sets fld for this run only: a flag (e.g. "--api"), or
// the demo for the settings of the ABDM system; "" when nothing does.
func (w *Wizard) setForRun(fld settings.Field) string {
	if by := w.opts.RunSet[fld]; by != "" {
		return by
	}
	if w.opts.Demo != nil && fld != settings.FieldLanguage {
		return T("the demo")
	}
	return ""
}

// layout is the sections of the form, each field with its label and hint.
func (f *settingsForm) layout() fyne.CanvasObject {
	browse := widget.NewButton(T("Browse…"), func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				f.ca.SetText(r.URI().Path())
				r.Close()
			}
		}, f.w.win)
	})
	if f.ca.Disabled() {
		browse.Disable()
	}
	hint := f.w.settingHint
	sections := []fyne.CanvasObject{
		field(T("API generation"), f.api, hint(settings.FieldAPIVersion, T("v3 is ABDM's current API. Choose v2 only if your facility's ABDM access is still on the legacy HealthID API. It is also on the Connect step."))),
		field(T("Language"), f.languageView(), hint(settings.FieldLanguage, T("A change of language applies the next time the app starts."))),
		field(T("Appearance"), f.look, T("Light or dark colours. \"Same as the computer\" follows the light or dark choice of this computer.")),
		field(T("Facility name"), f.facility, hint(settings.FieldFacilityName, T("Printed on the patient's receipt beside the HIP ID."))),
		field(T("Proxy"), f.proxy, hint(settings.FieldProxyURL, T("Leave empty to use the computer's proxy settings (HTTPS_PROXY)."))),
		field(T("Extra CA certificates"), container.NewBorder(nil, nil, nil, browse, f.ca),
			hint(settings.FieldCABundle, T("Only if your facility's network inspects secure traffic: the certificate file your IT team gives you."))),
		f.audit.layout(),
	}
	return container.NewVBox(append(sections, f.problem)...)
}

// settingHint is the hint under the field of fld: that the facility or this
// run sets it, or the usual help.
func (w *Wizard) settingHint(fld settings.Field, usual string) string {
	if by := w.setForRun(fld); by != "" && !w.opts.Policy.Locks(fld) {
		return T("Set for this run by {{.By}}. Your saved choice stays for the next start.", map[string]any{"By": by})
	}
	return policyHint(w.opts.Policy, fld, usual)
}

// read returns the settings in effect with the fields' values; the fields
// greyed out keep theirs. In a demo only the language and the appearance
// change.
func (f *settingsForm) read() settings.Settings {
	next := f.w.set
	if i := slices.Index(f.language.Options, f.language.Selected); i >= 0 && !f.language.Disabled() {
		next.Language = settingsLanguages[i]
	}
	if i := f.look.SelectedIndex(); i >= 0 {
		next.Appearance = settingsLooks[i]
	}
	if f.w.opts.Demo != nil {
		return next
	}
	if i := f.api.SelectedIndex(); i >= 0 && !f.api.Disabled() {
		next.APIVersion = abdm.Generations()[i]
	}
	keepTyped(map[*entry]*string{f.facility: &next.FacilityName, f.proxy: &next.ProxyURL, f.ca: &next.CABundle})
	f.audit.read(&next)
	return next
}

// saveForm checks the fields, then applies and keeps them, or says what is wrong.
func (f *settingsForm) saveForm() {
	w := f.w
	next := f.read()
	if err := next.Validate(); err != nil && !onlyIdentityProblems(next) {
		f.problem.SetText(err.Error())
		f.problem.Show()
		return
	}
	if next.APIVersion != w.set.APIVersion {
		stepOf[*connectStep](w).setGeneration(next.Generation())
	}
	if next.Appearance != w.set.Appearance {
		w.opts.App.Settings().SetTheme(newTheme(w.opts.Language == LangHindi, next.Appearance))
	}
	w.set = next
	w.client = nil // the next Connect uses the new network settings
	w.keepSettings(next)
	f.dialog.Hide()
	if w.current != stepConnect && w.flow != nil && w.opts.Demo == nil {
		dialog.ShowInformation(T("Settings saved"), T("Network settings apply the next time you connect."), w.win)
	}
}

// keepSettings saves next for the next run, off the UI goroutine, and
// says so if it cannot.
func (w *Wizard) keepSettings(next settings.Settings) {
	if w.opts.SaveSettings == nil {
		return
	}
	w.background(func(context.Context) func() {
		err := w.opts.SaveSettings(next)
		return func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s %w", T("The settings could not be saved:"), err), w.win)
			}
		}
	})
}

// keepTyped puts the text of each input not greyed out, trimmed, into its
// setting.
func keepTyped(fields map[*entry]*string) {
	for input, dst := range fields {
		if !input.Disabled() {
			*dst = strings.TrimSpace(input.Text)
		}
	}
}

// onlyIdentityProblems reports whether Validate complains only about
// fields the Settings dialog does not show (client ID, HIP ID, URLs).
func onlyIdentityProblems(s settings.Settings) bool {
	s.ClientID, s.HIPID = "client", "hip"
	s.Environment = "sandbox"
	return s.Validate() == nil
}

// lockFields disables each field that the facility's policy sets, and
// reports whether any was.
func lockFields(p settings.Policy, fields map[settings.Field]fyne.Disableable) bool {
	locked := false
	for f, w := range fields {
		if p.Locks(f) {
			w.Disable()
			locked = true
		}
	}
	return locked
}

// policyHint is the hint under a field: that the facility has set it, or
// the usual help.
func policyHint(p settings.Policy, f settings.Field, usual string) string {
	if p.Locks(f) {
		return T("Set by your facility's IT team for this computer; it cannot be changed here.")
	}
	return usual
}

// languageNames are the choices of the Language field: each language by
// its own name, "English" and "हिन्दी" in either interface language.
func languageNames() []string {
	return []string{T("Follow the system"), "English", "हिन्दी"}
}

// languageView is the Language field drawn with the Devanagari font first
// (Latin letters fall back to Fyne's font), so that "हिन्दी" is legible in the
// English interface too, where the theme's font has no Devanagari.
func (f *settingsForm) languageView() fyne.CanvasObject {
	return container.NewThemeOverride(f.language, newTheme(true, f.w.set.Appearance))
}
