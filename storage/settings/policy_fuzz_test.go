package settings

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzPolicyLoad feeds arbitrary bytes as the machine policy file through
// LoadPolicyFile.
//
// Properties, for every input:
//   - it never panics;
//   - a refused input gives a *PolicyError naming the file and no policy;
//   - an accepted one comes from that file, sets only non-empty values,
//     none of them a secret, and merged over the defaults passes Validate;
//   - written back as JSON (with the registry's value names), it loads
//     again to the same policy, and applying it twice changes nothing more.
//
// Seeds: testdata/fuzz/FuzzPolicyLoad and the f.Add calls below.
func FuzzPolicyLoad(f *testing.F) {
	for _, s := range []string{
		customPolicy(), `{}`, `{"environment":"production","clientId":"FAC_1","hipId":null}`,
		`{"clientSecret":"x"}`, `{"environment":"prod"}`, `{"clientId":1}`, `{"clientId":"A","clientid":"B"}`,
		`{"apiVersion":"v3","gatewayUrl":"http://127.0.0.1:8090","healthIdUrl":"http://[::1]:9/x"}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(fuzzDir(t), "settings.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := LoadPolicyFile(path, os.Getuid())
		if err != nil {
			var pe *PolicyError
			if !errors.As(err, &pe) || pe.Source != path || !p.IsZero() || p.Source != "" {
				t.Fatalf("refused with %v (%T), policy %+v", err, err, p)
			}
			return
		}
		if p.Source != path {
			t.Fatalf("Source %q", p.Source)
		}
		checkPolicyAccepted(t, p)
		again := reload(t, p)
		if !reflect.DeepEqual(again.values, p.values) {
			t.Fatalf("reloaded %v, first %v", again.values, p.values)
		}
	})
}

func checkPolicyAccepted(t *testing.T, p Policy) {
	t.Helper()
	for f, v := range p.values {
		if v == "" || looksSecret(string(f)) {
			t.Fatalf("field %s set to %q", f, v)
		}
	}
	merged := Defaults().WithPolicy(p)
	if err := merged.Validate(); err != nil {
		t.Fatalf("merged settings invalid: %v", err)
	}
	if twice := merged.WithPolicy(p); twice != merged {
		t.Fatalf("applying twice: %+v, once %+v", twice, merged)
	}
}

// reload writes p's values under their registry names and loads them again.
func reload(t *testing.T, p Policy) Policy {
	t.Helper()
	doc := map[string]string{}
	for f, v := range p.values {
		doc[f.RegistryName()] = v
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(fuzzDir(t), "settings.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := LoadPolicyFile(path, os.Getuid())
	if err != nil {
		t.Fatalf("reloading %s: %v", data, err)
	}
	return again
}
