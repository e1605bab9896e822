package paths

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func fixed(s string) func() (string, error) { return func() (string, error) { return s, nil } }

func TestResolvePerOS(t *testing.T) {
	env := map[string]string{"LocalAppData": `C:\Users\a\AppData\Local`, "XDG_DATA_HOME": "/x/data"}
	getenv := func(k string) string { return env[k] }
	cases := []struct {
		goos, home, config, cache string
		want                      Dirs
	}{
		{"linux", "/home/a", "/x/config", "/x/cache", Dirs{
			Config: "/x/config/abha-deactivate",
			Data:   "/x/data/abha-deactivate",
			Logs:   "/x/cache/abha-deactivate/logs",
		}},
		{"darwin", "/Users/a", "/Users/a/Library/Application Support", "/Users/a/Library/Caches", Dirs{
			Config: "/Users/a/Library/Application Support/abha-deactivate",
			Data:   "/Users/a/Library/Application Support/abha-deactivate",
			Logs:   "/Users/a/Library/Logs/abha-deactivate",
		}},
		{"windows", `C:\Users\a`, `C:\Users\a\AppData\Roaming`, `C:\Users\a\AppData\Local`, Dirs{
			Config: filepath.Join(`C:\Users\a\AppData\Roaming`, "abha-deactivate"),
			Data:   filepath.Join(`C:\Users\a\AppData\Local`, "abha-deactivate"),
			Logs:   filepath.Join(`C:\Users\a\AppData\Local`, "abha-deactivate", "logs"),
		}},
	}
	for _, c := range cases {
		if runtime.GOOS == "windows" && c.goos != "windows" {
			// resolve joins with the host's path/filepath: Unix layouts are
			// checked where the tests run on Linux.
			continue
		}
		got, err := resolve(c.goos, getenv, fixed(c.home), fixed(c.config), fixed(c.cache))
		if err != nil {
			t.Fatalf("%s: %v", c.goos, err)
		}
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.goos, got, c.want)
		}
	}
}

func TestResolveLinuxDataFallsBackToHome(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths: checked by the Linux run (path/filepath here is Windows')")
	}
	for _, v := range []string{"", "relative/path"} {
		getenv := func(k string) string {
			if k == "XDG_DATA_HOME" {
				return v
			}
			return ""
		}
		got, err := resolve("linux", getenv, fixed("/home/a"), fixed("/c"), fixed("/k"))
		if err != nil {
			t.Fatal(err)
		}
		if want := "/home/a/.local/share/abha-deactivate"; got.Data != want {
			t.Errorf("XDG_DATA_HOME=%q: Data = %q, want %q", v, got.Data, want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	bad := func() (string, error) { return "", errors.New("boom") }
	if _, err := resolve("linux", os.Getenv, fixed("/h"), bad, fixed("/c")); err == nil {
		t.Error("config error not reported")
	}
	if _, err := resolve("windows", func(string) string { return "" }, fixed("/h"), fixed("/c"), fixed("/c")); err == nil {
		t.Error("missing LocalAppData not reported")
	}
}

func TestDefaultFollowsXDG(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG variables apply on Linux")
	}
	tmp := t.TempDir()
	t.Setenv("HOME", tmp)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "cfg"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(tmp, "data"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{
		d.SettingsFile():        filepath.Join(tmp, "cfg", "abha-deactivate", "settings.json"),
		d.ReasonsOverrideFile(): filepath.Join(tmp, "cfg", "abha-deactivate", "reasons.json"),
		d.AuditFile():           filepath.Join(tmp, "data", "abha-deactivate", "audit.jsonl"),
		d.LogFile():             filepath.Join(tmp, "cache", "abha-deactivate", "logs", "abha-deactivate.log"),
	}
	for got, want := range checks {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{d.Config, d.Data, d.Logs} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, want 0700", dir, fi.Mode().Perm())
		}
	}
}

func TestEnsureTightensAppFolders(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	tmp := t.TempDir()
	d := Dirs{Config: filepath.Join(tmp, "c"), Data: filepath.Join(tmp, "d"), Logs: filepath.Join(tmp, "l")}
	if err := os.Mkdir(d.Config, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(d.Config)
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestMkdirPrivateLeavesExistingAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	tmp := t.TempDir()
	shared := filepath.Join(tmp, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := MkdirPrivate(filepath.Join(shared, "new")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(shared); fi.Mode().Perm() != 0o755 {
		t.Errorf("existing folder changed to %v", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Join(shared, "new")); fi.Mode().Perm() != 0o700 {
		t.Errorf("new folder mode %v, want 0700", fi.Mode().Perm())
	}
	if err := MkdirPrivate(""); err == nil {
		t.Error("empty folder accepted")
	}
}
