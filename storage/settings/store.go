package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"abha-deactivate/storage/atomicfile"
	"abha-deactivate/storage/paths"
)

// Store reads and writes one settings file. It is safe for concurrent use
// within a process; between processes the last Save wins, whole.
type Store struct {
	path string
	now  func() time.Time
	mu   sync.Mutex
}

// NewStore returns a Store for the file at path (usually paths.Dirs.SettingsFile).
func NewStore(path string) *Store {
	return &Store{path: path, now: time.Now}
}

// Path is the settings file the Store uses.
func (s *Store) Path() string { return s.path }

// Warning tells the user, in plain words, that Load could not use the file
// as it was. The returned settings are still usable.
type Warning struct {
	Message  string // for the user
	SetAside string // where the unusable file was moved, if it was
	Reason   error  // technical cause, for the log
}

func (w *Warning) String() string { return w.Message }

// Load returns the saved settings, or Defaults when there is no file yet.
//
// A file that cannot say which ABDM system to use (unreadable, not a
// settings document of a known version, an invalid environment, API
// generation or address) is an *UnusableError, and the file is left as it
// is: nothing falls back to the sandbox. A file whose other values are
// invalid is set aside to settings.json.corrupt-<UTC time> and its settings
// are returned with those values back to their defaults, with a Warning. An
// older file is upgraded and saved back.
func (s *Store) Load() (Settings, *Warning, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	removeStaleTemps(s.path, s.now())

	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil, nil
	}
	if err != nil {
		return Settings{}, nil, &UnusableError{Path: s.path, Err: err}
	}
	tightenMode(s.path)
	set, fromVersion, err := decode(data)
	var inv *invalidError
	switch {
	case errors.As(err, &inv) && inv.systemField() == "":
		return s.repair(inv)
	case errors.As(err, &inv):
		return Settings{}, nil, &UnusableError{Path: s.path, Field: inv.systemField(), Err: inv}
	case err != nil:
		return Settings{}, nil, &UnusableError{Path: s.path, Err: err}
	}
	if fromVersion != CurrentVersion {
		if err := s.save(set); err != nil {
			return set, &Warning{
				Message: "Your settings were upgraded for this version of the app but could not be saved. They are in use for now.",
				Reason:  err,
			}, nil
		}
	}
	return set, nil, nil
}

var errTooNew = errors.New("written by a newer version of the app")

// decode parses a settings document of any known version and returns it
// upgraded and validated, with the version it was written in.
func decode(data []byte) (Settings, int, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return Settings{}, 0, fmt.Errorf("not valid JSON: %w", err)
	}
	if doc == nil {
		return Settings{}, 0, errors.New("not a JSON object")
	}
	v := 0
	if raw, ok := doc["version"]; ok {
		if err := json.Unmarshal(raw, &v); err != nil {
			return Settings{}, 0, fmt.Errorf("version is not a whole number: %w", err)
		}
	}
	switch {
	case v > CurrentVersion:
		return Settings{}, v, fmt.Errorf("%w (settings version %d, this app knows up to %d)", errTooNew, v, CurrentVersion)
	case v < 0:
		return Settings{}, v, fmt.Errorf("invalid settings version %d", v)
	}
	if err := migrate(doc, v); err != nil {
		return Settings{}, v, err
	}
	upgraded, err := json.Marshal(doc)
	if err != nil {
		return Settings{}, v, fmt.Errorf("re-encoding upgraded settings: %w", err)
	}
	set := Defaults()
	if err := json.Unmarshal(upgraded, &set); err != nil {
		return Settings{}, v, fmt.Errorf("unexpected value: %w", err)
	}
	set = set.normalize()
	if err := set.Validate(); err != nil {
		return Settings{}, v, &invalidError{set: set, fields: invalidFields(err)}
	}
	return set, v, nil
}

// Save validates set and writes it atomically: after a crash at any moment
// the file holds either the old or the new settings, never a mix.
func (s *Store) Save(set Settings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.save(set)
}

func (s *Store) save(set Settings) error {
	set.Version = CurrentVersion
	set = set.normalize()
	if err := set.Validate(); err != nil {
		return fmt.Errorf("settings not saved: %w", err)
	}
	data, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding settings: %w", err)
	}
	if err := paths.MkdirPrivate(filepath.Dir(s.path)); err != nil {
		return fmt.Errorf("saving settings: %w", err)
	}
	if old, err := os.ReadFile(s.path); err == nil {
		if _, _, derr := decode(old); derr != nil {
			// The file being replaced could not be used: keep it for IT.
			if _, err := moveAside(s.path, s.now()); err != nil {
				return fmt.Errorf("saving settings: the unusable file could not be set aside: %w", err)
			}
		}
	}
	if err := atomicfile.Write(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("saving settings: %w", err)
	}
	return nil
}

// tightenMode makes a settings file that others may read (an older version
// or another tool wrote it 0644) private again: it names the facility's
// client ID and addresses. Best effort: a file that is not the user's own
// stays as it is.
func tightenMode(path string) {
	if runtime.GOOS == "windows" {
		return // the user's profile folder is private there; modes mean little
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(path, fi.Mode().Perm()&0o700)
	}
}
