package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzSettingsLoad feeds arbitrary bytes as the settings file through the
// real Store.Load (read, decode, migrate, validate, set aside, save back).
//
// Properties, for every input:
//   - Load never panics; it fails only with an *UnusableError (the file
//     cannot say which ABDM system to use), and then leaves the file as it
//     was, byte for byte, and nothing else in the folder;
//   - the settings it returns pass Validate and carry CurrentVersion;
//   - an input whose other values it refuses gives a Warning, and the file
//     is moved aside byte for byte, leaving no settings.json and no
//     temporary file;
//   - an input it accepts is a JSON object whose "version" is 0, 1 or null;
//     a current file is left untouched, an older one is saved back upgraded;
//   - the returned settings, saved and loaded again, come back identical and
//     without a warning.
//
// Seeds: testdata/fuzz/FuzzSettingsLoad and the f.Add calls below.
func FuzzSettingsLoad(f *testing.F) {
	for _, s := range []string{
		`{"version":1,"environment":"sandbox","clientId":"SBX_1","hipId":"IN27","language":"en"}`,
		`{"version":1,"environment":"custom","gatewayUrl":"http://127.0.0.1:8090/gateway","healthIdUrl":"https://hid.example.in/api"}`,
		`{"env":"production","clientId":"SBX_9","hip_id":"HIP-9","rememberSecret":true}`,
		`{"version":null,"env":"CUSTOM","environment":"Sandbox"}`,
		`{"version":2}`, `{"version":-1}`, `{"version":1.0}`, `null`, `[]`, ``, `{"version":1,"environment":`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 11, 26, 13, 5, 0, 0, time.FixedZone("IST", 5*3600+1800))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := fuzzDir(t)
		path := filepath.Join(dir, "settings.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s := NewStore(path)
		s.now = func() time.Time { return now }

		set, w, err := s.Load()
		if err != nil {
			checkUnusable(t, data, path, err)
			return
		}
		if err := set.Validate(); err != nil {
			t.Fatalf("Load returned invalid settings %+v: %v", set, err)
		}
		if set.Version != CurrentVersion {
			t.Fatalf("Load returned version %d", set.Version)
		}

		if w != nil {
			checkSetAside(t, data, path, w)
		} else {
			checkAccepted(t, data, path)
		}

		// Round trip: what Load returned is saved and loaded back unchanged.
		if err := s.Save(set); err != nil {
			t.Fatalf("Save of loaded settings %+v: %v", set, err)
		}
		saved, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		again, w2, err := NewStore(path).Load()
		if err != nil || w2 != nil {
			t.Fatalf("re-load of saved settings: %v, %+v\nfile: %s", err, w2, saved)
		}
		if again != set {
			t.Fatalf("round trip changed the settings:\n got %+v\nwant %+v", again, set)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, saved) {
			t.Fatalf("loading a current file rewrote it:\n%s\nbecame\n%s", saved, after)
		}
	})
}

// checkUnusable checks an input that cannot name the system: an
// *UnusableError, and the file untouched and alone in its folder.
func checkUnusable(t *testing.T, data []byte, path string, err error) {
	t.Helper()
	var ue *UnusableError
	if !errors.As(err, &ue) || ue.Path != path {
		t.Fatalf("Load failed with %v, not an UnusableError for the file", err)
	}
	if after, rerr := os.ReadFile(path); rerr != nil || !bytes.Equal(after, data) {
		t.Fatalf("an unusable file changed: %q, %v", after, rerr)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("folder holds %d entries after an unusable file, want 1", len(entries))
	}
}

// checkSetAside checks an input with invalid values other than the system's:
// a Warning, and the file moved aside intact.
func checkSetAside(t *testing.T, data []byte, path string, w *Warning) {
	t.Helper()
	if w.Message == "" || w.Reason == nil || w.SetAside == "" {
		t.Fatalf("incomplete warning %+v", w)
	}
	if filepath.Dir(w.SetAside) != filepath.Dir(path) ||
		!strings.HasPrefix(filepath.Base(w.SetAside), "settings.json.corrupt-") {
		t.Fatalf("set aside as %q", w.SetAside)
	}
	aside, err := os.ReadFile(w.SetAside)
	if err != nil {
		t.Fatalf("set-aside copy: %v", err)
	}
	if !bytes.Equal(aside, data) {
		t.Fatalf("set-aside copy differs from the file:\n%q\n%q", aside, data)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("refused file still in place (%v)", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries after setting aside, want 1", len(entries))
	}
}

// checkAccepted checks an accepted input against what any reader of the
// format can tell on its own: a JSON object with a known version.
func checkAccepted(t *testing.T, data []byte, path string) {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil || doc == nil {
		t.Fatalf("accepted a file that is not a JSON object: %q", data)
	}
	version := int64(0)
	if raw, ok := doc["version"]; ok && string(raw) != "null" {
		v, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || v < 0 || v > CurrentVersion {
			t.Fatalf("accepted a file of version %s", raw)
		}
		version = v
	}
	now, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("accepted file is gone: %v", err)
	}
	if version == CurrentVersion && !bytes.Equal(now, data) {
		t.Fatalf("a current file was rewritten on load")
	}
	if version < CurrentVersion {
		var up struct {
			Version *int `json:"version"`
		}
		if err := json.Unmarshal(now, &up); err != nil || up.Version == nil || *up.Version != CurrentVersion {
			t.Fatalf("an old file was not saved back upgraded: %s", now)
		}
	}
}

// fuzzDir returns an empty folder for one input, removed when it is done. It
// is on tmpfs (/dev/shm) when there is one: there the fsyncs of Save cost
// nothing, and fuzzing runs thousands of inputs a second instead of about a
// hundred on a disk.
func fuzzDir(t *testing.T) string {
	if dir, err := os.MkdirTemp("/dev/shm", "abha-settings-fuzz-"); err == nil {
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		return dir
	}
	return t.TempDir()
}
