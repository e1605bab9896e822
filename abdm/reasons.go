package abdm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Reason is one entry of the reason catalogue: a code sent to ABDM with its
// labels. The labels are this tool's wording, not ABDM's.
type Reason struct {
	Code     string `json:"code"`
	English  string `json:"en"`
	Hindi    string `json:"hi"`
	FreeText bool   `json:"freeText,omitempty"` // the user may add a note (kept locally, never sent)
}

// Label returns the label in lang ("hi" for Hindi, English otherwise).
func (r Reason) Label(lang string) string {
	if strings.HasPrefix(lang, "hi") && r.Hindi != "" {
		return r.Hindi
	}
	return r.English
}

// Catalogue is the ordered list of reasons a user can choose from.
type Catalogue struct {
	reasons []Reason
}

// ErrNoReason is returned when no reason was chosen.
var ErrNoReason = errors.New("choose at least one reason")

// ParseCatalogue reads a catalogue: {"reasons":[{"code","en","hi","freeText"}]}.
// Codes must be unique and non-empty, and every reason needs an English label.
func ParseCatalogue(data []byte) (Catalogue, error) {
	var doc struct {
		Reasons []Reason `json:"reasons"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return Catalogue{}, fmt.Errorf("read reason catalogue: %w", err)
	}
	seen := map[string]bool{}
	for i, r := range doc.Reasons {
		r.Code = strings.TrimSpace(r.Code)
		switch {
		case r.Code == "":
			return Catalogue{}, fmt.Errorf("reason catalogue: entry %d has no code", i+1)
		case seen[r.Code]:
			return Catalogue{}, fmt.Errorf("reason catalogue: code %q appears twice", r.Code)
		case strings.TrimSpace(r.English) == "":
			return Catalogue{}, fmt.Errorf("reason catalogue: code %q has no English label", r.Code)
		}
		seen[r.Code] = true
		doc.Reasons[i] = r
	}
	if len(doc.Reasons) == 0 {
		return Catalogue{}, errors.New("reason catalogue: no reasons")
	}
	return Catalogue{reasons: doc.Reasons}, nil
}

// Merge returns c with the reasons of o: a code in both takes o's labels, new
// codes are added at the end.
func (c Catalogue) Merge(o Catalogue) Catalogue {
	out := Catalogue{reasons: append([]Reason(nil), c.reasons...)}
	for _, r := range o.reasons {
		if i := out.index(r.Code); i >= 0 {
			out.reasons[i] = r
		} else {
			out.reasons = append(out.reasons, r)
		}
	}
	return out
}

// Reasons returns the reasons in display order.
func (c Catalogue) Reasons() []Reason { return append([]Reason(nil), c.reasons...) }

// Lookup finds a reason by code.
func (c Catalogue) Lookup(code string) (Reason, bool) {
	if i := c.index(code); i >= 0 {
		return c.reasons[i], true
	}
	return Reason{}, false
}

func (c Catalogue) index(code string) int {
	for i, r := range c.reasons {
		if r.Code == code {
			return i
		}
	}
	return -1
}

// Check returns codes trimmed and without duplicates, in the order given, or
// an error naming the first code that is not in the catalogue.
func (c Catalogue) Check(codes []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, code := range codes {
		code = strings.TrimSpace(code)
		if code == "" || seen[code] {
			continue
		}
		if _, ok := c.Lookup(code); !ok {
			return nil, fmt.Errorf("unknown reason code %q (known: %s)", code, strings.Join(c.codes(), ", "))
		}
		seen[code] = true
		out = append(out, code)
	}
	if len(out) == 0 {
		return nil, ErrNoReason
	}
	return out, nil
}

func (c Catalogue) codes() []string {
	out := make([]string, len(c.reasons))
	for i, r := range c.reasons {
		out[i] = r.Code
	}
	return out
}
