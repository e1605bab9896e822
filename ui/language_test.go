package ui

// Tests that keep the Hindi translation complete and well-formed. The key of
// a translation is the English text given to T, so the keys are collected
// from the source: the string literals passed to T in this package, plus the
// texts T receives at run time (error kinds, demo notes, audit summaries),
// read from the code that produces them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"abha-deactivate/abdm"
	"abha-deactivate/assets"
)

// trDynamicArgs are the non-literal arguments that T receives in this
// package, with where their values come from. A new one must be added here
// and its texts to trAllKeys, or the texts would go untranslated unnoticed.
var trDynamicArgs = map[string]string{
	"e.Kind.Message()":    "abdm.Kind.Message, for every kind",
	"e.Kind.NextAction()": "abdm.Kind.NextAction, for every kind",
	"p.Note":              "the demo patients' notes (demoNote in ../internal/cli/demo.go)",
	"e.Text":              "the audit trail's summaries (storage/audit/summary.go; messages from abdm/flow_status.go)",
}

// trFyneKeys are keys of Fyne's own translations (fyne.io/fyne/v2,
// lang/translations/base.en.json) that the app's windows show: Fyne looks
// them up with lang.L, so hi.json translates them too although no T call
// uses them. Keys the app also passes to T ("Cancel", "Copy", "File",
// "Save") are not listed.
var trFyneKeys = map[string]string{
	"OK":                "button of dialog.ShowInformation and dialog.ShowError",
	"Error":             "title of dialog.ShowError",
	"Yes":               "default buttons of dialog.NewConfirm",
	"No":                "default buttons of dialog.NewConfirm",
	"Cut":               "entry context menu",
	"Paste":             "entry context menu",
	"Select all":        "entry context menu",
	"Undo":              "entry context menu",
	"Redo":              "entry context menu",
	"Open":              "file dialog (CA bundle)",
	"Folder":            "file dialog",
	"New Folder":        "file dialog",
	"Create Folder":     "file dialog",
	"Enter filename":    "file dialog (CSV export)",
	"Show Hidden Files": "file dialog",
	"file.name":         "file dialog, new folder form (lang.X)",
	"file.parent":       "file dialog, parent folder (lang.X)",
}

// trSameInHindi are keys whose Hindi text is the English one: terms that stay
// in Latin letters, and layouts without words.
var trSameInHindi = map[string]bool{
	"{{.N}}. {{.Title}}":                       true,
	"{{.Name}}, ABHA {{.Number}} ({{.State}})": true,
	"Client ID": true,
	"HIP ID":    true,
}

// trKeptTerms must appear unchanged in the Hindi text when the key has them
// (DESIGN.md section 5: ABDM terms stay recognisable; addresses, names and
// code words stay as they are).
var trKeptTerms = []string{
	"ABHA", "ABDM", "OTP", "SMS", "X-Token", "X-HIP-ID", "HIP ID", "HealthID",
	"HTTPS_PROXY", "https", "http", "abha.abdm.gov.in", "--demo", "CSV", "PEM", "CA ",
	"/etc/ssl/facility-ca.pem", `"Bearer "`, "API", "MIT", "Noto Sans Devanagari",
	"SIL Open Font License 1.1", "Fyne", "BSD 3-Clause",
}

// trGlossary keeps the wording consistent: a key that has the English word
// (case-insensitive) has the Hindi one.
var trGlossary = []struct{ en, hi string }{
	{"deactivat", "निष्क्रिय"},
	{"reactivat", "फिर से सक्रिय"},
	{"aadhaar", "आधार"},
	{"client id", "Client ID"},
	{"client secret", "क्लाइंट सीक्रेट"},
	{"audit trail", "ऑडिट रिकॉर्ड"},
	{"keyring", "कीरिंग"},
	{"token", "टोकन"},
	{"patient", "मरीज\u093c"},
	{"settings", "सेटिंग्स"},
	{"history", "इतिहास"},
	{"sandbox", "सैंडबॉक्स"},
	{"production", "प्रोडक्शन"},
	{"simulator", "सिम्युलेटर"},
	{"status", "स्थिति"},
	{"reason", "कारण"},
}

// go-i18n reads a top-level key with one of these names (any case) as a
// field of a single message, and then rejects the whole file.
var trReservedKeys = []string{"id", "description", "hash", "leftdelim", "rightdelim",
	"zero", "one", "two", "few", "many", "other", "translation"}

// trOwnedElsewhere is true for the keys of another package's texts in the
// same files: the patient's receipt (receipt.*), whose keys are names, not
// English texts, and which receipt.TestTranslationFiles checks.
func trOwnedElsewhere(key string) bool { return strings.HasPrefix(key, "receipt.") }

var trPlaceholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// trConstString returns the value of a string literal or of a sum of them.
func trConstString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return trConstString(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok1 := trConstString(e.X)
		y, ok2 := trConstString(e.Y)
		return x + y, ok1 && ok2
	}
	return "", false
}

func trParse(t *testing.T, fset *token.FileSet, path string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return f
}

// trCall is one call of T in this package.
type trCall struct {
	pos    token.Position
	key    string // the literal key; "" when dynamic
	arg    string // the argument's source when it is not a literal
	fields []string
	data   bool // a second argument (the template data) is given
	known  bool // fields holds the data's keys (a map literal)
}

// trCalls lists the calls of T in the package's non-test files.
func trCalls(t *testing.T) []trCall {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var calls []trCall
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		ast.Inspect(trParse(t, fset, name), func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) == 0 {
				return true
			}
			if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "T" {
				return true
			}
			call := trCall{pos: fset.Position(c.Pos()), data: len(c.Args) > 1}
			if s, ok := trConstString(c.Args[0]); ok {
				call.key = s
			} else {
				call.arg = types.ExprString(c.Args[0])
			}
			if call.data {
				if m, ok := c.Args[1].(*ast.CompositeLit); ok {
					if _, isMap := m.Type.(*ast.MapType); isMap {
						call.known = true
						for _, el := range m.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if k, ok := trConstString(kv.Key); ok {
									call.fields = append(call.fields, k)
									continue
								}
							}
							call.known = false
						}
					}
				}
			}
			calls = append(calls, call)
			return true
		})
	}
	if len(calls) == 0 {
		t.Fatal("no calls of T found: is the test running in the ui folder?")
	}
	return calls
}

// trKindKeys returns every abdm.Kind's message and next action.
func trKindKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for k := abdm.KindUnknown; k <= abdm.KindKeyChanged; k++ {
		if k.Message() == "" || k.NextAction() == "" {
			t.Errorf("abdm kind %v has no message or next action", k)
		}
		keys = append(keys, k.Message(), k.NextAction())
	}
	if after := abdm.KindKeyChanged + 1; after.Message() != "" {
		t.Errorf("abdm has a kind after KindKeyChanged (%v): extend the loop in trKindKeys", after)
	}
	return keys
}

// trReturnedStrings returns the string literals that function fn returns.
func trReturnedStrings(f *ast.File, fn string) []string {
	var out []string
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != fn || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if r, ok := n.(*ast.ReturnStmt); ok {
				for _, e := range r.Results {
					if s, ok := trConstString(e); ok {
						out = append(out, s)
					}
				}
			}
			return true
		})
	}
	return out
}

// trFieldStrings returns the string literals given to a field named field:
// in composite literals (Field: "...") and assignments (x.Field = "...",
// also in tuple assignments).
func trFieldStrings(f *ast.File, field string) []string {
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && id.Name == field {
				if s, ok := trConstString(n.Value); ok {
					out = append(out, s)
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == field {
					if s, ok := trConstString(n.Rhs[i]); ok {
						out = append(out, s)
					}
				}
			}
		}
		return true
	})
	return out
}

// trDynamicKeys returns the texts T gets at run time, by origin.
func trDynamicKeys(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	dyn := map[string][]string{
		"abdm.Kind": trKindKeys(t),
		"demoNote in ../internal/cli/demo.go": trReturnedStrings(
			trParse(t, fset, filepath.Join("..", "internal", "cli", "demo.go")), "demoNote"),
	}
	summary := trParse(t, fset, filepath.Join("..", "storage", "audit", "summary.go"))
	dyn["storage/audit/summary.go"] = append(trReturnedStrings(summary, "describe"),
		trFieldStrings(summary, "Text")...)
	dyn["Outcome messages in abdm/flow_status.go"] = trFieldStrings(
		trParse(t, fset, filepath.Join("..", "abdm", "flow_status.go")), "Message")
	for origin, keys := range dyn {
		if len(keys) == 0 {
			t.Errorf("no texts found in %s: did the code move? Update trDynamicKeys", origin)
		}
	}
	return dyn
}

// trAllKeys maps every key of the interface to where it comes from.
func trAllKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	for _, c := range trCalls(t) {
		if c.key != "" {
			if _, ok := keys[c.key]; !ok {
				keys[c.key] = c.pos.String()
			}
		}
	}
	for origin, list := range trDynamicKeys(t) {
		for _, k := range list {
			if _, ok := keys[k]; !ok {
				keys[k] = origin
			}
		}
	}
	return keys
}

// trFile reads a translation file; TestTranslationFilesAreValid reports
// what trRead finds wrong with it.
func trFile(t *testing.T, language string) map[string]string {
	t.Helper()
	m, _ := trRead(t, language)
	return m
}

// trRead reads a translation file and lists its problems: it must be a
// flat JSON object of strings that go-i18n accepts.
func trRead(t *testing.T, language string) (map[string]string, []string) {
	t.Helper()
	name := "translations/" + language + ".json"
	data, err := assets.Translations.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s: not a JSON object (%v, %v)", name, tok, err)
	}
	m := map[string]string{}
	var problems []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		key := tok.(string) // object keys are always strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("%s: key %q: %v", name, key, err)
		}
		var value string
		if err := json.Unmarshal(raw, &value); err != nil {
			problems = append(problems, fmt.Sprintf("the value of %q is not a string: %s", key, raw))
		}
		if trOwnedElsewhere(key) {
			continue
		}
		if _, dup := m[key]; dup {
			problems = append(problems, fmt.Sprintf("key %q appears twice (the last one would win)", key))
		}
		if key == "" {
			problems = append(problems, "empty key")
		}
		if slices.Contains(trReservedKeys, strings.ToLower(key)) {
			problems = append(problems, fmt.Sprintf("go-i18n rejects a file with the key %q", key))
		}
		m[key] = value
	}
	if _, err := dec.Token(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := dec.Token(); err == nil {
		problems = append(problems, "data after the JSON object")
	}
	return m, problems
}

func trFields(s string) []string {
	var out []string
	for _, m := range trPlaceholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

func TestTranslationFilesAreValid(t *testing.T) {
	for _, language := range []string{LangEnglish, LangHindi} {
		m, problems := trRead(t, language)
		for _, p := range problems {
			t.Errorf("%s.json: %s", language, p)
		}
		got, err := TranslationKeys(language)
		maps.DeleteFunc(got, func(k, _ string) bool { return trOwnedElsewhere(k) })
		if err != nil {
			t.Errorf("TranslationKeys(%q): %v", language, err)
		} else if len(got) != len(m) {
			t.Errorf("TranslationKeys(%q) has %d keys, the file %d", language, len(got), len(m))
		}
	}
	if len(trFile(t, LangHindi)) == 0 {
		t.Error("hi.json is empty")
	}
	// English falls back to the key itself, so en.json may stay empty; any
	// entry it has must be a key in use.
	keys := trAllKeys(t)
	for k := range trFile(t, LangEnglish) {
		if _, ok := keys[k]; !ok && trFyneKeys[k] == "" {
			t.Errorf("en.json: %q is not a key of the interface", k)
		}
	}
}

func TestHindiCoversEveryKey(t *testing.T) {
	hi := trFile(t, LangHindi)
	keys := trAllKeys(t)
	t.Logf("%d keys of the interface, %d of Fyne's widgets; %d Hindi entries", len(keys), len(trFyneKeys), len(hi))
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		v, ok := hi[k]
		switch {
		case !ok:
			t.Errorf("hi.json has no translation for %q (%s)", k, keys[k])
		case strings.TrimSpace(v) == "":
			t.Errorf("hi.json: the translation of %q is empty", k)
		}
	}
	for k, why := range trFyneKeys {
		if _, used := keys[k]; used {
			t.Errorf("trFyneKeys: %q is passed to T, remove it from the list", k)
		}
		if strings.TrimSpace(hi[k]) == "" {
			t.Errorf("hi.json has no translation for Fyne's %q (%s)", k, why)
		}
	}
}

func TestHindiHasNoStaleKeys(t *testing.T) {
	keys := trAllKeys(t)
	for k := range trFile(t, LangHindi) {
		if _, used := keys[k]; !used && trFyneKeys[k] == "" {
			t.Errorf("hi.json: %q is no longer used; remove it (or update its key if the English text changed)", k)
		}
	}
}

func TestTranslationPlaceholders(t *testing.T) {
	for _, language := range []string{LangEnglish, LangHindi} {
		for k, v := range trFile(t, language) {
			want, got := trFields(k), trFields(v)
			if !slices.Equal(want, got) {
				t.Errorf("%s.json: %q has fields %v, its translation %q has %v", language, k, want, v, got)
			}
			// Only plain {{.Field}} actions: no other template code.
			if n := strings.Count(v, "{{"); n != len(got) || strings.Count(v, "}}") != len(got) {
				t.Errorf("%s.json: the translation of %q has template code other than {{.Field}}: %q", language, k, v)
			}
			// Leading and trailing spaces matter where texts are joined ("What to do: " + …).
			if lead := func(s string) string { return s[:len(s)-len(strings.TrimLeft(s, " \n"))] }; lead(k) != lead(v) {
				t.Errorf("%s.json: %q and its translation %q start with different spaces", language, k, v)
			}
			if trail := func(s string) string { return s[len(strings.TrimRight(s, " \n")):] }; trail(k) != trail(v) {
				t.Errorf("%s.json: %q and its translation %q end with different spaces", language, k, v)
			}
			data := map[string]any{}
			for _, f := range want {
				data[f] = "x"
			}
			tmpl, err := template.New(k).Option("missingkey=error").Parse(v)
			if err == nil {
				err = tmpl.Execute(&bytes.Buffer{}, data)
			}
			if err != nil {
				t.Errorf("%s.json: the translation of %q is not a valid template: %v", language, k, err)
			}
		}
	}
}

// TestTCalls checks the calls of T themselves: no unknown dynamic key, and
// template data that fills exactly the key's fields.
func TestTCalls(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range trCalls(t) {
		if c.key == "" {
			if _, ok := trDynamicArgs[c.arg]; !ok {
				t.Errorf("%s: T(%s) has a key that is not a string literal; add its texts to trAllKeys and the argument to trDynamicArgs", c.pos, c.arg)
			}
			seen[c.arg] = true
			continue
		}
		fields := trFields(c.key)
		if strings.Count(c.key, "{{") != len(fields) {
			t.Errorf("%s: %q has template code other than {{.Field}}", c.pos, c.key)
		}
		switch {
		case len(fields) > 0 && !c.data:
			t.Errorf("%s: %q has fields %v but T gets no data", c.pos, c.key, fields)
		case c.known:
			given := slices.Clone(c.fields)
			sort.Strings(given)
			if !slices.Equal(slices.Compact(slices.Clone(fields)), given) {
				t.Errorf("%s: %q has fields %v, the data gives %v", c.pos, c.key, fields, given)
			}
		}
	}
	for arg, origin := range trDynamicArgs {
		if !seen[arg] {
			t.Errorf("trDynamicArgs: T(%s) (%s) is no longer called; remove it and its texts", arg, origin)
		}
	}
}

func isDevanagari(r rune) bool { return r >= 0x0900 && r <= 0x097F }

// TestHindiWording checks what can be checked without a reader: Devanagari
// script, kept terms, consistent words, Latin digits, and characters that
// the embedded font (or Fyne's own, for Latin) can draw.
func TestHindiWording(t *testing.T) {
	hi := trFile(t, LangHindi)
	extra := map[rune]bool{} // non-ASCII characters of the English texts
	for k := range hi {
		for _, r := range k {
			if r > unicode.MaxASCII {
				extra[r] = true
			}
		}
	}
	for k, v := range hi {
		if !strings.ContainsFunc(v, func(r rune) bool { return isDevanagari(r) && unicode.IsLetter(r) }) && !trSameInHindi[k] {
			t.Errorf("the translation of %q has no Hindi: %q", k, v)
		}
		if v == k && !trSameInHindi[k] {
			t.Errorf("the translation of %q is the English text", k)
		}
		for _, term := range trKeptTerms {
			if strings.Count(v, term) < strings.Count(k, term) {
				t.Errorf("the translation of %q should keep %q as it is: %q", k, term, v)
			}
		}
		for _, g := range trGlossary {
			if strings.Contains(strings.ToLower(k), g.en) && !strings.Contains(v, g.hi) {
				t.Errorf("the translation of %q should say %q for %q: %q", k, g.hi, g.en, v)
			}
		}
		for _, r := range v {
			switch {
			case r >= 0x0966 && r <= 0x096F:
				t.Errorf("the translation of %q has a Devanagari digit %q: digits stay Latin", k, r)
			case r >= 0x0958 && r <= 0x095F:
				// NFC spells these as consonant + nukta (U+093C), as reasons.json
				// does; mixing both would make equal words compare unequal.
				t.Errorf("the translation of %q has the precomposed letter %q: write consonant + U+093C", k, r)
			case isDevanagari(r), r >= 0x20 && r < unicode.MaxASCII, r == '\n', extra[r]:
			default:
				t.Errorf("the translation of %q has the character %q (%U), which the fonts may not draw", k, r, r)
			}
		}
	}
}

// TestReasonsHaveHindiLabels checks the built-in reasons, which carry their
// own Hindi labels instead of going through T.
func TestReasonsHaveHindiLabels(t *testing.T) {
	cat, err := abdm.ParseCatalogue(assets.ReasonsJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cat.Reasons() {
		en, hi := r.Label(LangEnglish), r.Label(LangHindi)
		if hi == en || !strings.ContainsFunc(hi, isDevanagari) {
			t.Errorf("reason %s has no Hindi label: %q", r.Code, hi)
		}
		for _, term := range trKeptTerms {
			if strings.Contains(en, term) && !strings.Contains(hi, term) {
				t.Errorf("reason %s: the Hindi label should keep %q: %q", r.Code, term, hi)
			}
		}
		if strings.ContainsFunc(hi, func(r rune) bool { return r >= 0x0958 && r <= 0x095F || r >= 0x0966 && r <= 0x096F }) {
			t.Errorf("reason %s: precomposed nukta letter or Devanagari digit in %q", r.Code, hi)
		}
	}
}

// trChildEnv is set when the test binary runs as TestSetupLanguage's child.
const trChildEnv = "ABHA_TEST_SETUP_LANGUAGE"

// trChildResult is what the child reports.
type trChildResult struct {
	Lang  string            `json:"lang"`
	Err   string            `json:"err"`
	Texts map[string]string `json:"texts"`
}

const trChildMarker = "SETUP-LANGUAGE-RESULT "

// TestSetupLanguage runs SetupLanguage in child processes, since Fyne's
// language state is global to a process and set once: this process's T
// stays English for the other tests.
func TestSetupLanguage(t *testing.T) {
	if os.Getenv(trChildEnv) != "" {
		t.Skip("in the child")
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the children's system language is set through LANG, which this system does not read")
	}
	hi := trFile(t, LangHindi)
	step := func(tr map[string]string) string {
		s := "Step {{.N}} of {{.Of}}: {{.Title}}"
		if tr != nil {
			s = tr[s]
		}
		return strings.NewReplacer("{{.N}}", "2", "{{.Of}}", "4", "{{.Title}}", "X").Replace(s)
	}
	cases := []struct {
		name, locale, choice string
		want                 string // language SetupLanguage returns
		texts                map[string]string
	}{
		{"Hindi chosen on an English system", "en_US.UTF-8", LangHindi, LangHindi,
			map[string]string{"Connect": hi["Connect"], "step": step(hi), "Quit": hi["Quit"]}},
		{"Hindi system", "hi_IN.UTF-8", "", LangHindi,
			map[string]string{"Connect": hi["Connect"], "step": step(hi), "Quit": hi["Quit"]}},
		{"English chosen on a Hindi system", "hi_IN.UTF-8", LangEnglish, LangEnglish,
			map[string]string{"Connect": "Connect", "step": step(nil), "Quit": "Quit"}},
		{"English system", "en_US.UTF-8", "", LangEnglish,
			map[string]string{"Connect": "Connect", "step": step(nil), "Quit": "Quit"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSetupLanguageChild$", "-test.count=1")
			home := t.TempDir()
			cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
				for _, p := range []string{"LANG=", "LANGUAGE=", "LC_ALL=", "LC_MESSAGES=", trChildEnv + "="} {
					if strings.HasPrefix(kv, p) {
						return true
					}
				}
				return false
			}), "LANG="+c.locale, trChildEnv+"="+c.choice+",", "HOME="+home,
				"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			_, line, ok := bytes.Cut(out, []byte(trChildMarker))
			if !ok {
				t.Fatalf("child printed no result:\n%s", out)
			}
			line, _, _ = bytes.Cut(line, []byte("\n"))
			var res trChildResult
			if err := json.Unmarshal(line, &res); err != nil {
				t.Fatalf("child result %q: %v", line, err)
			}
			if res.Err != "" || res.Lang != c.want {
				if len(res.Err) > 300 {
					res.Err = res.Err[:300] + "…"
				}
				t.Errorf("SetupLanguage(%q) with LANG=%s = %q, %q; want %q, no error", c.choice, c.locale, res.Lang, res.Err, c.want)
			}
			for k, want := range c.texts {
				if got := res.Texts[k]; got != want {
					t.Errorf("%s: got %q, want %q", k, got, want)
				}
			}
			if got, want := res.Texts["missing"], "No such text 3"; got != want {
				t.Errorf("a text without translation: got %q, want %q", got, want)
			}
		})
	}
}

// TestSetupLanguageChild is TestSetupLanguage's child: it sets up the
// language given in trChildEnv and prints a few texts.
func TestSetupLanguageChild(t *testing.T) {
	v, ok := os.LookupEnv(trChildEnv)
	if !ok {
		t.Skip("run by TestSetupLanguage")
	}
	choice, _, _ := strings.Cut(v, ",")
	var res trChildResult
	got, err := SetupLanguage(choice)
	res.Lang = got
	if err != nil {
		res.Err = err.Error()
	}
	res.Texts = map[string]string{
		"Connect": T("Connect"),
		"step":    T("Step {{.N}} of {{.Of}}: {{.Title}}", map[string]any{"N": 2, "Of": 4, "Title": "X"}),
		"Quit":    lang.L("Quit"), // Fyne's own text, as its menu asks for it
		"missing": T("No such text {{.N}}", map[string]any{"N": 3}),
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(trChildMarker + string(b))
}
