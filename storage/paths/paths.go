// Package paths says where abha-deactivate keeps its files on each operating
// system: settings in the user's config folder, the audit trail in the user's
// data folder and logs in the usual place for logs.
package paths

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// AppName is the folder name used under each base directory.
const AppName = "abha-deactivate"

// Dirs are the three folders the app writes to.
type Dirs struct {
	Config string // settings.json, reasons.json
	Data   string // audit.jsonl
	Logs   string // abha-deactivate.log and its rotated copies
}

// Default returns the folders for the current user and operating system.
//
//	         Config                        Data                               Logs
//	Linux    $XDG_CONFIG_HOME or ~/.config $XDG_DATA_HOME or ~/.local/share   $XDG_CACHE_HOME or ~/.cache /logs
//	macOS    ~/Library/Application Support ~/Library/Application Support      ~/Library/Logs
//	Windows  %AppData%                     %LocalAppData%                     %LocalAppData% /logs
//
// each followed by /abha-deactivate.
func Default() (Dirs, error) {
	return resolve(runtime.GOOS, os.Getenv, os.UserHomeDir, os.UserConfigDir, os.UserCacheDir)
}

// resolve is Default with its inputs made explicit, so tests can cover every OS.
func resolve(goos string, getenv func(string) string, home, config, cache func() (string, error)) (Dirs, error) {
	cfg, err := config()
	if err != nil {
		return Dirs{}, fmt.Errorf("finding the settings folder: %w", err)
	}
	d := Dirs{Config: filepath.Join(cfg, AppName)}
	switch goos {
	case "windows":
		local := getenv("LocalAppData")
		if local == "" {
			return Dirs{}, errors.New("finding the data folder: %LocalAppData% is not set")
		}
		d.Data = filepath.Join(local, AppName)
		d.Logs = filepath.Join(local, AppName, "logs")
	case "darwin", "ios":
		h, err := home()
		if err != nil {
			return Dirs{}, fmt.Errorf("finding the home folder: %w", err)
		}
		d.Data = filepath.Join(h, "Library", "Application Support", AppName)
		d.Logs = filepath.Join(h, "Library", "Logs", AppName)
	default: // Linux and other Unix systems follow the XDG base directory spec.
		data := getenv("XDG_DATA_HOME")
		if data == "" || !filepath.IsAbs(data) {
			h, err := home()
			if err != nil {
				return Dirs{}, fmt.Errorf("finding the home folder: %w", err)
			}
			data = filepath.Join(h, ".local", "share")
		}
		d.Data = filepath.Join(data, AppName)
		c, err := cache()
		if err != nil {
			return Dirs{}, fmt.Errorf("finding the cache folder: %w", err)
		}
		d.Logs = filepath.Join(c, AppName, "logs")
	}
	return d, nil
}

// SettingsFile is Config/settings.json.
func (d Dirs) SettingsFile() string { return filepath.Join(d.Config, "settings.json") }

// ReasonsOverrideFile is Config/reasons.json, the user's own reason catalogue.
func (d Dirs) ReasonsOverrideFile() string { return filepath.Join(d.Config, "reasons.json") }

// AuditFile is Data/audit.jsonl.
func (d Dirs) AuditFile() string { return filepath.Join(d.Data, "audit.jsonl") }

// Receipts is the folder of the patients' receipts the wizard opens for printing.
func (d Dirs) Receipts() string { return filepath.Join(d.Data, "receipts") }

// LogFile is Logs/abha-deactivate.log.
func (d Dirs) LogFile() string { return filepath.Join(d.Logs, AppName+".log") }

// Ensure creates the three folders, readable only by the user (0700). On
// Unix an existing app folder with looser permissions is tightened to 0700.
func (d Dirs) Ensure() error {
	for _, dir := range []string{d.Config, d.Data, d.Logs} {
		if err := MkdirPrivate(dir); err != nil {
			return err
		}
		if runtime.GOOS == "windows" {
			continue
		}
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("checking folder %s: %w", dir, err)
		}
		if fi.Mode().Perm() != 0o700 {
			if err := os.Chmod(dir, 0o700); err != nil {
				return fmt.Errorf("restricting folder %s to its owner: %w", dir, err)
			}
		}
	}
	return nil
}

// MkdirPrivate creates dir and any missing parents with mode 0700. It leaves
// the permissions of folders that already exist alone, so it is safe on a
// folder the user chose (such as the parent of --log-file).
func MkdirPrivate(dir string) error {
	if dir == "" {
		return errors.New("creating folder: no folder given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating folder %s: %w", dir, err)
	}
	return nil
}
