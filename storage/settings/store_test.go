package settings

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm"
)

func newTestStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "abha-deactivate")
	path := filepath.Join(dir, "settings.json")
	s := NewStore(path)
	s.now = func() time.Time { return time.Date(2026, 11, 26, 13, 5, 0, 0, time.FixedZone("IST", 5*3600+1800)) }
	return s, path
}

func sample() Settings {
	s := Defaults()
	s.Environment = "custom"
	s.GatewayURL = "https://gw.example.in/gateway"
	s.HealthIDURL = "https://hid.example.in/api"
	s.ClientID = "SBX_004321"
	s.HIPID = "IN2710001234"
	s.Language = "hi"
	s.ProxyURL = "http://proxy.local:3128"
	s.CABundle = absPath()
	s.RememberSecret = true
	return s
}

func TestLoadMissingGivesDefaults(t *testing.T) {
	s, path := newTestStore(t)
	got, w, err := s.Load()
	if err != nil || w != nil {
		t.Fatalf("Load: %v, %v", w, err)
	}
	if got != Defaults() {
		t.Errorf("got %+v", got)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("Load of a missing file created it")
	}
	if s.Path() != path {
		t.Errorf("Path() = %q", s.Path())
	}
}

func TestRoundTrip(t *testing.T) {
	s, path := newTestStore(t)
	want := sample()
	want.Version = 0 // Save sets it
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, w, err := NewStore(path).Load()
	if err != nil || w != nil {
		t.Fatalf("Load: %v, %v", w, err)
	}
	want.Version = CurrentVersion
	if got != want {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	data, _ := os.ReadFile(path)
	for _, key := range []string{`"version": 2`, `"apiVersion": "v3"`, `"environment": "custom"`, `"hipId": "IN2710001234"`, `"rememberSecret": true`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("file lacks %s:\n%s", key, data)
		}
	}
}

func TestFileAndFolderModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	s, path := newTestStore(t)
	if err := s.Save(Defaults()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", fi.Mode().Perm())
	}
	// Replacing keeps 0600 even if someone loosened the old file.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(sample()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode after replace %v, want 0600", fi.Mode().Perm())
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	s, path := newTestStore(t)
	bad := Defaults()
	bad.Language = "fr"
	err := s.Save(bad)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "Language" {
		t.Fatalf("want Language error, got %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("invalid settings were written")
	}
}

func TestSaveFailureLeavesNoTempFile(t *testing.T) {
	s, path := newTestStore(t)
	// A non-empty folder where the file should be makes the rename fail.
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(Defaults()); err == nil {
		t.Fatal("Save over a folder succeeded")
	}
	assertOnly(t, filepath.Dir(path), "settings.json")
}

func TestMigrationFromVersion0(t *testing.T) {
	s, path := newTestStore(t)
	v0 := `{"env":"production","clientId":"SBX_9","hip_id":"HIP-9","language":"en","rememberSecret":true}`
	writeFile(t, path, v0)
	got, w, err := s.Load()
	if err != nil || w != nil {
		t.Fatalf("Load: %v, %v", w, err)
	}
	want := Defaults()
	want.Environment, want.ClientID, want.HIPID, want.Language, want.RememberSecret = "production", "SBX_9", "HIP-9", "en", true
	if got != want {
		t.Errorf("migrated:\n got %+v\nwant %+v", got, want)
	}
	// The upgraded file was saved back in the current layout.
	var doc map[string]any
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["version"] != float64(CurrentVersion) || doc["environment"] != "production" || doc["hipId"] != "HIP-9" {
		t.Errorf("file not upgraded: %s", data)
	}
	if _, ok := doc["env"]; ok {
		t.Errorf("old key kept: %s", data)
	}
}

func TestMigrationNewKeyWins(t *testing.T) {
	doc := map[string]json.RawMessage{"env": json.RawMessage(`"production"`), "environment": json.RawMessage(`"sandbox"`)}
	if err := migrate(doc, 0); err != nil {
		t.Fatal(err)
	}
	if string(doc["environment"]) != `"sandbox"` || doc["env"] != nil || string(doc["version"]) != "2" {
		t.Errorf("got %v", doc)
	}
}

// A version 1 file becomes v3 for sandbox and production (ABDM's systems,
// now on v3) and v2 for custom addresses (v2 bases, kept as they are), and
// nothing else changes.
func TestMigrationFromVersion1ChoosesTheGeneration(t *testing.T) {
	for _, tc := range []struct {
		env, urls, want string
	}{
		{"sandbox", "", "v3"},
		{"production", "", "v3"},
		{"custom", `,"gatewayUrl":"https://gw.example.in/gateway","healthIdUrl":"https://hid.example.in/api"`, "v2"},
		{"CUSTOM", `,"gatewayUrl":"http://127.0.0.1:8090/gateway","healthIdUrl":"http://127.0.0.1:8090/api"`, "v2"},
	} {
		s, path := newTestStore(t)
		v1 := `{"version":1,"environment":"` + tc.env + `"` + tc.urls + `,"clientId":"SBX_1","hipId":"HIP-1","language":"hi","proxyUrl":"http://proxy.local:3128","rememberSecret":true}`
		writeFile(t, path, v1)
		got, w, err := s.Load()
		if err != nil || w != nil {
			t.Fatalf("%s: Load: %v, %v", tc.env, w, err)
		}
		if string(got.APIVersion) != tc.want || got.Generation() != abdm.Generation(tc.want) {
			t.Errorf("%s: API version %q, want %q", tc.env, got.APIVersion, tc.want)
		}
		if got.ClientID != "SBX_1" || got.HIPID != "HIP-1" || got.Language != "hi" || !got.RememberSecret ||
			got.ProxyURL != "http://proxy.local:3128" || got.Environment != strings.ToLower(tc.env) {
			t.Errorf("%s: lost a setting: %+v", tc.env, got)
		}
		if tc.urls != "" && (got.GatewayURL == "" || got.HealthIDURL == "") {
			t.Errorf("%s: lost the addresses: %+v", tc.env, got)
		}
		data, _ := os.ReadFile(path)
		if !strings.Contains(string(data), `"apiVersion": "`+tc.want+`"`) || !strings.Contains(string(data), `"version": 2`) {
			t.Errorf("%s: file not upgraded: %s", tc.env, data)
		}
	}
}

func TestMigrationTableIsComplete(t *testing.T) {
	if len(migrations) != CurrentVersion {
		t.Fatalf("%d migration steps for version %d", len(migrations), CurrentVersion)
	}
	for i, m := range migrations {
		if m.from != i || m.apply == nil || m.what == "" {
			t.Errorf("step %d: %+v", i, m)
		}
	}
}

// TestUnusableFilesStop: a file that cannot say which ABDM system to use is
// an *UnusableError naming the file (and the field, when one is at fault),
// and it stays in place, unchanged: nothing falls back to the sandbox.
func TestUnusableFilesStop(t *testing.T) {
	cases := map[string]struct{ content, field string }{
		"not json":        {`{"version":1,"environment":`, ""},
		"empty":           {``, ""},
		"null":            {`null`, ""},
		"array":           {`[1,2]`, ""},
		"wrong type":      {`{"version":1,"environment":"sandbox","clientId":5}`, ""},
		"invalid value":   {`{"version":1,"environment":"staging"}`, "Environment"},
		"bad generation":  {`{"version":2,"environment":"production","apiVersion":"v9"}`, "API generation"},
		"bad version":     {`{"version":"one"}`, ""},
		"negative":        {`{"version":-1}`, ""},
		"newer":           {`{"version":99,"environment":"sandbox","newThing":true}`, ""},
		"invalid v0 http": {`{"env":"custom","gatewayUrl":"http://x.in","healthIdUrl":"https://y.in"}`, "Gateway URL"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, path := newTestStore(t)
			writeFile(t, path, tc.content)
			got, w, err := s.Load()
			var ue *UnusableError
			if !errors.As(err, &ue) || ue.Path != path || ue.Field != tc.field {
				t.Fatalf("Load: %+v, %v, %v; want an UnusableError for field %q", got, w, err, tc.field)
			}
			if w != nil || got != (Settings{}) {
				t.Errorf("Load returned settings %+v and warning %+v with the error", got, w)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "nothing was contacted") {
				t.Errorf("message %q", err)
			}
			if data, err := os.ReadFile(path); err != nil || string(data) != tc.content {
				t.Errorf("the file changed: %q, %v", data, err)
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("the folder holds %d entries, want the file alone", len(entries))
			}
		})
	}
}

// TestOtherInvalidValuesAreRepaired: a file whose invalid values do not name
// the system keeps its system; those values go back to their defaults, and
// the file is kept whole beside as settings.json.corrupt-<time>.
func TestOtherInvalidValuesAreRepaired(t *testing.T) {
	s, path := newTestStore(t)
	content := `{"version":2,"environment":"production","apiVersion":"v3","clientId":"FAC_1","language":"fr","proxyUrl":"ftp://x"}`
	writeFile(t, path, content)
	got, w, err := s.Load()
	if err != nil || w == nil {
		t.Fatalf("Load: %v, %+v", err, w)
	}
	if got.Environment != "production" || got.ClientID != "FAC_1" || got.Language != "" || got.ProxyURL != "" {
		t.Errorf("repaired settings %+v", got)
	}
	if !strings.Contains(w.Message, "Language") || !strings.Contains(w.Message, "Proxy") || !strings.Contains(w.Message, "(production)") {
		t.Errorf("message %q", w.Message)
	}
	if data, err := os.ReadFile(w.SetAside); err != nil || string(data) != content {
		t.Errorf("kept copy %q, %v", data, err)
	}
}

// TestSaveKeepsAnUnusableFile: saving over a file that could not be used
// sets it aside first, so that IT can still read it.
func TestSaveKeepsAnUnusableFile(t *testing.T) {
	s, path := newTestStore(t)
	for i, content := range []string{"first", "second", "third"} {
		writeFile(t, path, content)
		if _, _, err := s.Load(); err == nil {
			t.Fatalf("round %d: %q loaded", i, content)
		}
		if err := s.Save(Defaults()); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
	base := path + ".corrupt-20261126T073500Z"
	for name, want := range map[string]string{base: "first", base + "-2": "second", base + "-3": "third"} {
		if data, _ := os.ReadFile(name); string(data) != want {
			t.Errorf("%s = %q, want %q", filepath.Base(name), data, want)
		}
	}
	if got, w, err := s.Load(); err != nil || w != nil || got != Defaults() {
		t.Errorf("after Save: %+v, %+v, %v", got, w, err)
	}
}

func TestUnreadableFileStops(t *testing.T) {
	s, path := newTestStore(t)
	// A folder in place of the file cannot be read as a file by anyone, root included.
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	var ue *UnusableError
	if _, _, err := s.Load(); !errors.As(err, &ue) {
		t.Fatalf("Load: %v, want an UnusableError", err)
	}
}

func TestStaleTempFilesRemoved(t *testing.T) {
	s, path := newTestStore(t)
	if err := s.Save(Defaults()); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	old := filepath.Join(dir, ".settings.json.tmp-111")
	fresh := filepath.Join(dir, ".settings.json.tmp-222")
	writeFile(t, old, "x")
	writeFile(t, fresh, "y")
	hour := s.now().Add(-time.Hour)
	if err := os.Chtimes(old, hour, hour); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(fresh, s.now(), s.now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Load(); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, ".settings.json.tmp-222", "settings.json")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// assertOnly checks that dir holds exactly the named entries.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

// TestLoadTightensAReadableFile: a settings file others could read is made
// private when it is read, even by a command that never saves it.
func TestLoadTightensAReadableFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes: Unix only")
	}
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := NewStore(path).Save(Defaults()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := NewStore(path).Load(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after Load, want 0600", fi.Mode().Perm())
	}
}
