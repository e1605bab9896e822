package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"abha-deactivate/storage/settings"
)

// userSettings is a settings file holding the user's own settings, and a
// Saver into it as the program makes one (runSet set by flags, or a demo).
func userSettings(t *testing.T, runSet []settings.Field, demo bool) (*settings.Store, settings.Settings, func(settings.Settings) error) {
	t.Helper()
	store := settings.NewStore(filepath.Join(t.TempDir(), "settings.json"))
	saved := settings.Defaults()
	saved.Environment, saved.ClientID, saved.HIPID, saved.Language = "production", "FAC_OWN", "HIP_OWN", "en"
	if err := store.Save(saved); err != nil {
		t.Fatal(err)
	}
	saved, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	saver := settings.NewSaver(store, settings.Policy{}, saved, runSet, false)
	if demo {
		saver = saver.Demo()
	}
	return store, saved, func(s settings.Settings) error { _, err := saver.Save(s); return err }
}

// openSettings opens the Settings dialog and returns its form.
func (e *uiEnv) openSettings() *settingsForm {
	e.act(e.wiz.showSettings)
	return e.wiz.lastForm
}

// saveSettings presses Save and waits for the file to be written.
func (e *uiEnv) saveSettings(f *settingsForm) {
	e.act(func() { test.Tap(f.save) })
	e.wiz.WaitIdle()
}

// With flags, Save keeps what the flags do not set; the fields they set are
// greyed out, say so, and keep their saved values on disk.
func TestSettingsSaveWithFlags(t *testing.T) {
	runSet := []settings.Field{settings.FieldAPIVersion, settings.FieldLanguage}
	store, saved, save := userSettings(t, runSet, false)
	e := newUIEnv(t, noDemo, func(o *Options) {
		o.Settings = saved.With(settings.Overrides{APIVersion: settings.String("v2"), Language: settings.String("hi")})
		o.SaveSettings = save
		o.RunSet = map[settings.Field]string{settings.FieldAPIVersion: "--api", settings.FieldLanguage: "--lang"}
	})
	f := e.openSettings()
	if !f.api.Disabled() || !f.language.Disabled() || f.facility.Disabled() || f.proxy.Disabled() {
		t.Fatalf("disabled: api %v, language %v, facility %v, proxy %v; want only the flags' fields",
			f.api.Disabled(), f.language.Disabled(), f.facility.Disabled(), f.proxy.Disabled())
	}
	for _, want := range []string{"Set for this run by --api.", "Set for this run by --lang."} {
		if !strings.Contains(formText(f), want) {
			t.Errorf("the form does not say %q", want)
		}
	}
	e.act(func() {
		f.facility.SetText("City Health Centre")
		f.look.SetSelectedIndex(2)
	})
	e.saveSettings(f)
	got, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := saved
	want.FacilityName, want.Appearance = "City Health Centre", AppearanceDark
	if got != want {
		t.Errorf("on disk\n got %+v\nwant %+v", got, want)
	}
}

// In the demo, Save keeps the language and the appearance, and nothing of
// the simulator's system or credentials.
func TestSettingsSaveInDemo(t *testing.T) {
	store, saved, save := userSettings(t, nil, true)
	e := newUIEnv(t, func(o *Options) { o.SaveSettings = save })
	f := e.openSettings()
	for name, d := range map[string]fyne.Disableable{"api": f.api, "facility": f.facility, "proxy": f.proxy, "ca": f.ca} {
		if !d.Disabled() {
			t.Errorf("%s can be changed in the demo", name)
		}
	}
	if f.language.Disabled() || f.look.Disabled() {
		t.Fatal("language or appearance greyed out in the demo")
	}
	if !strings.Contains(formText(f), "Set for this run by the demo.") {
		t.Error("the form does not say that the demo sets the system's settings")
	}
	e.act(func() { f.language.SetSelected(f.language.Options[2]) })
	e.saveSettings(f)
	got, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := saved
	want.Language = LangHindi
	if got != want {
		t.Errorf("on disk\n got %+v\nwant %+v", got, want)
	}
}

// formText is every label and hint of the form.
func formText(f *settingsForm) string {
	var b strings.Builder
	walk(f.scroll.Content, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *hint:
			b.WriteString(v.Text() + "\n")
		case interface{ Text() string }:
			b.WriteString(v.Text() + "\n")
		}
	})
	return b.String()
}

// The form scrolls; Save and Cancel stay inside the window, below it.
func TestSettingsFitsTheWindow(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1024, Height: 768}, {Width: 920, Height: 690}, {Width: 800, Height: 500}} {
		e := newUIEnv(t, noDemo)
		e.act(func() { e.wiz.win.Resize(size) })
		f := e.openSettings()
		e.act(func() {
			canvas := e.wiz.win.Canvas().Size()
			d := fyne.CurrentApp().Driver()
			save, scroll := d.AbsolutePositionForObject(f.save), d.AbsolutePositionForObject(f.scroll)
			if save.Y+f.save.Size().Height > canvas.Height || save.X+f.save.Size().Width > canvas.Width || save.Y < 0 {
				t.Errorf("%v: Save at %v %v, outside the window %v", size, save, f.save.Size(), canvas)
			}
			if scroll.Y+f.scroll.Size().Height > save.Y {
				t.Errorf("%v: the form (%v, %v) runs under Save at %v", size, scroll, f.scroll.Size(), save)
			}
			if f.scroll.Size().Height < 100 {
				t.Errorf("%v: the form is %v high", size, f.scroll.Size().Height)
			}
		})
	}
}

// The facility's policy can name the facility: Settings shows it greyed
// out, as set by IT, and the receipt prints it.
func TestSettingsFacilityNameFromPolicy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, []byte(`{"facilityName":"District Hospital, Nashik"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pol, err := settings.LoadPolicyFile(path, os.Getuid())
	if err != nil {
		t.Fatal(err)
	}
	e := newUIEnv(t, noDemo, func(o *Options) {
		o.Policy = pol
		o.Settings = o.Settings.WithPolicy(pol)
	})
	f := e.openSettings()
	if !f.facility.Disabled() || f.facility.Text != "District Hospital, Nashik" || f.proxy.Disabled() {
		t.Fatalf("facility %q disabled %v, proxy disabled %v", f.facility.Text, f.facility.Disabled(), f.proxy.Disabled())
	}
	if !strings.Contains(formText(f), "Set by your facility's IT team") {
		t.Error("the form does not say that IT set the facility's name")
	}
}
