package settings

import (
	"fmt"
	"sync"
)

// FieldLanguage names the language setting. It is not a policy field: only
// a run's flags (--lang) can fix it.
const FieldLanguage Field = "language"

// Given lists the settings o sets for this run, in PolicyFields order then
// the language; an address given implies the environment too.
func (o Overrides) Given() []Field {
	var out []Field
	for _, f := range PolicyFields {
		if o.field(f) != nil || (f == FieldEnvironment && (o.GatewayURL != nil || o.HealthIDURL != nil)) {
			out = append(out, f)
		}
	}
	if o.Language != nil {
		out = append(out, FieldLanguage)
	}
	return out
}

// Saver keeps the settings the wizard edits in the user's settings file,
// without the values that are not the user's own: the fields the facility's
// policy sets and those this run's flags set keep the values saved before.
// In a demo only the language and the appearance are saved: nothing about
// the ABDM system or its credentials comes from the demo's values.
type Saver struct {
	store  *Store
	policy Policy
	runSet []Field
	demo   bool
	file   *savedFile // shared with the Saver's Demo
}

// savedFile is what the settings file holds: the user's own settings, as
// last loaded or saved.
type savedFile struct {
	mu    sync.Mutex
	saved Settings
}

// NewSaver returns a Saver into store, whose file holds saved. runSet are
// the fields this run's flags set; demo saves only language and appearance.
func NewSaver(store *Store, pol Policy, saved Settings, runSet []Field, demo bool) *Saver {
	return &Saver{store: store, policy: pol, runSet: runSet, demo: demo, file: &savedFile{saved: saved}}
}

// Demo returns a Saver into the same file that saves only the language and
// the appearance, for a demo started from the wizard.
func (s *Saver) Demo() *Saver {
	d := *s
	d.demo = true
	return &d
}

// Save writes edited, less what is not the user's own, and returns what
// was written.
func (s *Saver) Save(edited Settings) (Settings, error) {
	s.file.mu.Lock()
	defer s.file.mu.Unlock()
	next := s.forSaving(edited, s.file.saved)
	if err := s.store.Save(next); err != nil {
		return s.file.saved, fmt.Errorf("save settings: %w", err)
	}
	s.file.saved = next
	return next, nil
}

// forSaving is edited with the values that are not the user's own put back.
func (s *Saver) forSaving(edited, saved Settings) Settings {
	next := saved
	if s.demo {
		next.Language, next.Appearance = edited.Language, edited.Appearance
	} else {
		next = s.policy.ForSaving(edited, saved)
	}
	for _, f := range s.runSet {
		next.put(f, saved.get(f))
	}
	return next
}
