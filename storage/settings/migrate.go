package settings

import (
	"encoding/json"
	"fmt"
	"strings"
)

// migration upgrades a settings document from version from to from+1. It
// works on the raw JSON object so that old field names can be read.
type migration struct {
	from  int
	what  string
	apply func(doc map[string]json.RawMessage) error
}

// migrations lists every upgrade step in order: migrations[i].from == i.
// To change the schema, bump CurrentVersion and append a step.
var migrations = []migration{
	{from: 0, what: `rename "env" to "environment" and "hip_id" to "hipId"`,
		apply: renameKeys(map[string]string{"env": "environment", "hip_id": "hipId"})},
	{from: 1, what: `add "apiVersion": v2 for custom addresses, v3 otherwise`, apply: addAPIVersion},
}

// addAPIVersion gives a version 1 file the API generation it was meant for.
// Version 1 knew only v1/v2: custom addresses were v2 bases and stay v2
// (their URLs would be wrong for v3); sandbox and production named ABDM's
// systems, whose v2 hosts are superseded, and now mean the same systems on
// v3, the generation of every current NHA document.
func addAPIVersion(doc map[string]json.RawMessage) error {
	if _, ok := doc["apiVersion"]; ok {
		return nil
	}
	var env string
	if raw, ok := doc["environment"]; ok {
		if err := json.Unmarshal(raw, &env); err != nil {
			return fmt.Errorf("environment is not text: %w", err)
		}
	}
	gen := "v3"
	if strings.EqualFold(strings.TrimSpace(env), "custom") {
		gen = "v2"
	}
	doc["apiVersion"] = json.RawMessage(`"` + gen + `"`)
	return nil
}

// renameKeys moves old keys to new names; a value already under the new name wins.
func renameKeys(oldToNew map[string]string) func(map[string]json.RawMessage) error {
	return func(doc map[string]json.RawMessage) error {
		for old, nu := range oldToNew {
			v, ok := doc[old]
			if !ok {
				continue
			}
			if _, exists := doc[nu]; !exists {
				doc[nu] = v
			}
			delete(doc, old)
		}
		return nil
	}
}

// migrate upgrades doc in place from version v to CurrentVersion.
func migrate(doc map[string]json.RawMessage, v int) error {
	for _, m := range migrations[v:] {
		if err := m.apply(doc); err != nil {
			return fmt.Errorf("upgrading settings from version %d (%s): %w", m.from, m.what, err)
		}
	}
	doc["version"] = json.RawMessage(fmt.Sprint(CurrentVersion))
	return nil
}
