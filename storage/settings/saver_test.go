package settings

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestOverridesGiven(t *testing.T) {
	o := Overrides{APIVersion: String("v2"), GatewayURL: String("https://gw.example"), Language: String("hi")}
	want := []Field{FieldEnvironment, FieldAPIVersion, FieldGatewayURL, FieldLanguage}
	if got := o.Given(); !reflect.DeepEqual(got, want) {
		t.Errorf("Given = %v, want %v", got, want)
	}
	if got := (Overrides{}).Given(); len(got) != 0 {
		t.Errorf("no flags: Given = %v", got)
	}
}

// userFile is a settings file with the user's own values.
func userFile(t *testing.T) (*Store, Settings) {
	t.Helper()
	store := NewStore(filepath.Join(t.TempDir(), "settings.json"))
	saved := Defaults()
	saved.Environment, saved.APIVersion = "production", "v3"
	saved.ClientID, saved.HIPID, saved.Language = "FAC_OWN", "HIP_OWN", "en"
	if err := store.Save(saved); err != nil {
		t.Fatal(err)
	}
	got, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	return store, got
}

func TestSaverKeepsWhatTheRunsFlagsSet(t *testing.T) {
	store, saved := userFile(t)
	o := Overrides{APIVersion: String("v2"), Language: String("hi")}
	edited := saved.With(o)
	edited.ProxyURL, edited.FacilityName, edited.Appearance = "http://proxy.example:3128", "City Clinic", "dark"
	if _, err := NewSaver(store, Policy{}, saved, o.Given(), false).Save(edited); err != nil {
		t.Fatal(err)
	}
	got, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := saved
	want.ProxyURL, want.FacilityName, want.Appearance = "http://proxy.example:3128", "City Clinic", "dark"
	if got != want {
		t.Errorf("saved\n got %+v\nwant %+v", got, want)
	}
}

func TestDemoSaverSavesOnlyLanguageAndLook(t *testing.T) {
	store, saved := userFile(t)
	demo := saved
	demo.Environment, demo.GatewayURL, demo.HealthIDURL = "custom", "http://127.0.0.1:1/gw", "http://127.0.0.1:1/abha"
	demo.ClientID, demo.HIPID, demo.RememberSecret, demo.ProxyURL = "SIM", "SIMHIP", true, "http://p.example:1"
	demo.Language, demo.Appearance = "hi", "light"
	normal := NewSaver(store, Policy{}, saved, nil, false)
	if _, err := normal.Demo().Save(demo); err != nil {
		t.Fatal(err)
	}
	got, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := saved
	want.Language, want.Appearance = "hi", "light"
	if got != want {
		t.Errorf("saved\n got %+v\nwant %+v", got, want)
	}
}
