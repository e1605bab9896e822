package safetext

import (
	"encoding/json"
	"strings"
	"testing"
)

type inner struct {
	Name  string
	Tags  []string
	Extra map[string]string
	Any   any
}

type outer struct {
	Name    string `json:"name"`
	Photo   string `json:"photo"`
	Inner   *inner `json:"inner"`
	List    []inner
	private string
}

func TestFieldsCleansEveryReachableString(t *testing.T) {
	evil := "Asha\x1b[2J\u202e"
	body := `{"name":"` + strings.ReplaceAll(evil, "\x1b", `\u001b`) + `","photo":"aGVsbG8=","inner":{"Name":"\u009b1m","Tags":["ok","\u200f"],"Extra":{"k":"\u2066x"},"Any":"\u0007"},"List":[{"Name":"\u001b]0;t\u0007"}]}`
	var v outer
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	v.private = "\x1b"
	Fields(&v)
	all := []string{v.Name, v.Inner.Name, v.Inner.Tags[1], v.Inner.Extra["k"], v.Inner.Any.(string), v.List[0].Name}
	for _, s := range all {
		for _, r := range s {
			if Unsafe(r) {
				t.Errorf("%q still holds %U", s, r)
			}
		}
	}
	if v.Name != `Asha\x1b[2J\u202e` || v.Photo != "aGVsbG8=" || v.Inner.Tags[0] != "ok" {
		t.Errorf("cleaned %+v", v)
	}
	if v.private != "\x1b" {
		t.Error("an unexported field was changed")
	}
	Fields(nil)
	Fields(v) // not a pointer: nothing happens, no panic
}
