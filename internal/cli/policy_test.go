package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"abha-deactivate/storage/settings"
)

// withPolicy makes the machine's policy the JSON body (loaded as the
// facility's file would be) for the test.
func withPolicy(t *testing.T, body string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	old := machinePolicy
	machinePolicy = func(context.Context) (settings.Policy, error) { return settings.LoadPolicyFile(path, os.Getuid()) }
	t.Cleanup(func() { machinePolicy = old })
}

// TestSettingsShowsThePolicy: `settings --json` shows the facility's values
// in effect and names them as set by the facility.
func TestSettingsShowsThePolicy(t *testing.T) {
	withPolicy(t, `{"environment":"production","clientId":"FACILITY_CLIENT"}`)
	code, out, errOut := inProcess(t, nil, "settings", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v settingsView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if v.Settings.Environment != "production" || v.Settings.ClientID != "FACILITY_CLIENT" ||
		strings.Join(v.SetByPolicy, ",") != "environment,clientId" || v.PolicyFrom == "" {
		t.Errorf("settings view %+v", v)
	}
	code, out, _ = inProcess(t, nil, "settings")
	if code != exitOK || !strings.Contains(out, "production") || !strings.Contains(out, "facility") {
		t.Errorf("settings table: exit %d\n%s", code, out)
	}
}

// TestPolicyRefusesContradictingFlags: a flag that names another system
// than the facility set is a usage error, and nothing is contacted.
func TestPolicyRefusesContradictingFlags(t *testing.T) {
	withPolicy(t, `{"environment":"production"}`)
	code, _, errOut := inProcess(t, nil, "status", "--env", "sandbox", "--client-id", "X", "--abha-number", "91-5512-3456-7890")
	if code != exitUsage || !strings.Contains(errOut, "set by your facility") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestDamagedPolicyStopsTheRun: a damaged facility file stops every
// command with a message naming it (exit 2): it never falls back to another
// system.
func TestDamagedPolicyStopsTheRun(t *testing.T) {
	withPolicy(t, `{"environment":"prod"`)
	for _, args := range [][]string{{"settings"}, {"status", "--client-id", "X", "--abha-number", "91-5512-3456-7890"}} {
		code, _, errOut := inProcess(t, nil, args...)
		if code != exitUsage || !strings.Contains(errOut, "facility's settings in") || !strings.Contains(errOut, "damaged") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestSaverKeepsTheUserValuesOfLockedFields: saving from the wizard under a
// policy writes the user's own values for the facility's fields.
func TestSaverKeepsTheUserValuesOfLockedFields(t *testing.T) {
	inProcessEnv(t)
	withPolicy(t, `{"environment":"production","clientId":"FACILITY_CLIENT"}`)
	rt, err := openRuntime(proc{Stdio: Stdio{Out: os.Stdout, Err: os.Stderr}}, "warning", settings.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.closeLog()
	edited := rt.settings
	edited.HIPID = "HIP_NEW"
	if _, err := rt.saver(settings.Overrides{}, false).Save(edited); err != nil {
		t.Fatal(err)
	}
	got, _, err := settings.NewStore(rt.dirs.SettingsFile()).Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Environment != "sandbox" || got.ClientID != "" || got.HIPID != "HIP_NEW" {
		t.Errorf("saved %+v: want the user's own environment and client ID, and the new HIP ID", got)
	}
}

// TestSaverKeepsTheSavedValuesOfFlags: saving from a wizard started with
// flags keeps the saved values of what the flags set, and saves the rest;
// the demo saves only the language and the appearance.
func TestSaverKeepsTheSavedValuesOfFlags(t *testing.T) {
	inProcessEnv(t)
	o := settings.Overrides{APIVersion: settings.String("v2"), Language: settings.String("hi")}
	rt, err := openRuntime(proc{Stdio: Stdio{Out: os.Stdout, Err: os.Stderr}}, "warning", o)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.closeLog()
	edited := rt.settings
	edited.FacilityName, edited.Appearance = "City Clinic", "dark"
	if _, err := rt.saver(o, false).Save(edited); err != nil {
		t.Fatal(err)
	}
	store := settings.NewStore(rt.dirs.SettingsFile())
	got, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.APIVersion != "v3" || got.Language != "" || got.FacilityName != "City Clinic" || got.Appearance != "dark" {
		t.Errorf("saved %+v: want v3 and no language (the flags' values not saved), the facility and the look saved", got)
	}
	demo := edited
	demo.Environment, demo.ClientID, demo.Language = "custom", "SIM_CLIENT", "en"
	if _, err := rt.saver(settings.Overrides{}, true).Save(demo); err != nil {
		t.Fatal(err)
	}
	if got, _, _ = store.Load(); got.Environment != "sandbox" || got.ClientID != "" || got.Language != "en" {
		t.Errorf("demo saved %+v: want only the language", got)
	}
	by := runSetBy(o.Given(), map[string]bool{"api": true, "lang": true})
	if by[settings.FieldAPIVersion] != "--api" || by[settings.FieldLanguage] != "--lang" || len(by) != 2 {
		t.Errorf("runSetBy = %v", by)
	}
}
