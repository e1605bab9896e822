package settings

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// facilityCA is a full path on every system (a leading / is not one on Windows).
var facilityCA = filepath.Join(os.TempDir(), "facility.pem")

// customPolicy sets every field, some in non-canonical form.
func customPolicy() string {
	doc, err := json.Marshal(map[string]string{
		"environment": "Custom", "apiVersion": "V2",
		"gatewayUrl": "https://gw.facility.example/gateway", "healthIdUrl": "https://hid.facility.example/api",
		"clientId": "FAC_1", "hipId": "IN2710", "proxyUrl": "http://proxy.facility.example:3128", "caBundle": facilityCA,
		"auditSyslog": "tls://collector.facility.example:6514", "auditSyslogCa": facilityCA,
		"auditSyslogCert": facilityCA, "auditSyslogKey": facilityCA,
		"facilityName": "City Clinic",
	})
	if err != nil {
		panic(err)
	}
	return string(doc)
}

// writePolicy writes data as settings.json in a fresh folder of its own.
func writePolicy(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadPolicy loads a policy file owned by the user running the tests.
func loadPolicy(t *testing.T, data string) (Policy, string, error) {
	t.Helper()
	path := writePolicy(t, data)
	p, err := LoadPolicyFile(path, os.Getuid())
	return p, path, err
}

func mustPolicy(t *testing.T, data string) Policy {
	t.Helper()
	p, _, err := loadPolicy(t, data)
	if err != nil {
		t.Fatalf("LoadPolicyFile(%s): %v", data, err)
	}
	return p
}

func TestPolicyFileAbsent(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "settings.json"), filepath.Join(dir, "no-folder", "settings.json")} {
		p, err := LoadPolicyFile(path, os.Getuid())
		if err != nil || !p.IsZero() || p.Source != "" || len(p.Locked()) != 0 {
			t.Errorf("%s: got %+v, %v; want no policy", path, p, err)
		}
	}
}

func TestPolicyFilePresent(t *testing.T) {
	p, path, err := loadPolicy(t, customPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != path || p.IsZero() {
		t.Fatalf("Source %q, IsZero %v", p.Source, p.IsZero())
	}
	want := map[Field]string{
		FieldEnvironment: "custom", FieldAPIVersion: "v2", // canonical form
		FieldGatewayURL: "https://gw.facility.example/gateway", FieldHealthIDURL: "https://hid.facility.example/api",
		FieldClientID: "FAC_1", FieldHIPID: "IN2710",
		FieldProxyURL: "http://proxy.facility.example:3128", FieldCABundle: facilityCA,
		FieldAuditSyslog: "tls://collector.facility.example:6514", FieldAuditSyslogCA: facilityCA,
		FieldFacilityName: "City Clinic",
	}
	for f, w := range want {
		if v, ok := p.Value(f); !ok || v != w {
			t.Errorf("Value(%s) = %q, %v; want %q", f, v, ok, w)
		}
	}
	if !reflect.DeepEqual(p.Locked(), PolicyFields) {
		t.Errorf("Locked = %v, want every field", p.Locked())
	}
}

func TestPolicyPartialLocksOnlyItsFields(t *testing.T) {
	// null and "" leave a field to the user, as a missing key does.
	p := mustPolicy(t, `{"environment":"production","clientId":"FAC_2","hipId":null,"proxyUrl":""}`)
	for _, f := range PolicyFields {
		want := f == FieldEnvironment || f == FieldClientID
		if p.Locks(f) != want {
			t.Errorf("Locks(%s) = %v, want %v", f, p.Locks(f), want)
		}
	}
	if _, ok := p.Value(FieldHIPID); ok {
		t.Error("null hipId is set")
	}
	// Addresses lock the environment they imply.
	p = mustPolicy(t, `{"apiVersion":"v3","gatewayUrl":"https://gw.example","healthIdUrl":"https://abha.example"}`)
	if !p.Locks(FieldEnvironment) || p.Locks(FieldClientID) {
		t.Errorf("Locked = %v", p.Locked())
	}
	if _, ok := p.Value(FieldEnvironment); ok {
		t.Error("the implied environment is reported as a value of the file")
	}
	// An empty object is a policy that fixes nothing.
	if p := mustPolicy(t, " {} \n"); !p.IsZero() || p.Source == "" {
		t.Errorf("{}: %+v", p)
	}
}

func TestPolicyFileDamaged(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"empty file", ``, "not a JSON object"},
		{"array", `[]`, "not a JSON object"},
		{"null", `null`, "not a JSON object"},
		{"cut off", `{"environment":"production"`, "not valid JSON"},
		{"trailing comma", `{"environment":"production",}`, "not valid JSON"},
		{"two objects", `{} {}`, "follows the closing }"},
		{"number", `{"clientId":42}`, `"clientId" is not text`},
		{"object", `{"environment":{"name":"production"}}`, `"environment" is not text`},
		{"unknown key", `{"environment":"production","enviroment":"sandbox"}`, `"enviroment" is not a setting the facility can fix`},
		{"user-only key", `{"language":"hi"}`, `"language" is not a setting`},
		{"twice", `{"clientId":"A","ClientID":"B"}`, `"ClientID" is given twice`},
		{"unknown environment", `{"environment":"prod"}`, `unknown environment "prod"`},
		{"unknown generation", `{"environment":"sandbox","apiVersion":"v4"}`, "API generation"},
		{"plain http", `{"apiVersion":"v3","gatewayUrl":"http://gw.example","healthIdUrl":"https://abha.example"}`, "only https"},
		{"one address", `{"apiVersion":"v3","gatewayUrl":"https://gw.example"}`, "needs both gatewayUrl and healthIdUrl"},
		{"custom without addresses", `{"environment":"custom"}`, "needs both"},
		{"addresses with sandbox", `{"environment":"sandbox","apiVersion":"v3","gatewayUrl":"https://gw.example","healthIdUrl":"https://abha.example"}`, "used only with custom"},
		{"addresses without generation", `{"gatewayUrl":"https://gw.example","healthIdUrl":"https://abha.example"}`, "need apiVersion too"},
		{"control character", `{"clientId":"FAC\n1"}`, "Client ID: must not contain line breaks"},
		{"relative CA bundle", `{"caBundle":"certs/facility.pem"}`, "not a full path"},
		{"bad proxy", `{"proxyUrl":"ftp://proxy.example"}`, "Proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, path, err := loadPolicy(t, tc.data)
			checkDamaged(t, p, err, path, tc.want)
		})
	}
}

// checkDamaged checks that err is a *PolicyError for path saying want, and
// that no policy came with it.
func checkDamaged(t *testing.T, p Policy, err error, path, want string) {
	t.Helper()
	var pe *PolicyError
	if !errors.As(err, &pe) || !errors.Is(err, ErrPolicyDamaged) {
		t.Fatalf("got %+v, %v; want a *PolicyError", p, err)
	}
	if !p.IsZero() || p.Source != "" {
		t.Errorf("a damaged policy came with values: %+v", p)
	}
	if pe.Source != path || !strings.Contains(err.Error(), want) {
		t.Errorf("error %q (source %q); want %q from %s", err, pe.Source, want, path)
	}
	msg := pe.UserMessage()
	if !strings.HasPrefix(msg, "The facility's settings in "+path+" are damaged: ") ||
		!strings.HasSuffix(msg, ". Ask your IT team.") || strings.Contains(msg, "\n") {
		t.Errorf("UserMessage %q", msg)
	}
}

func TestPolicyRefusesSecrets(t *testing.T) {
	for _, data := range []string{
		`{"clientId":"FAC_1","clientSecret":"s3cr3t-VALUE"}`,
		`{"client_secret":{"value":"s3cr3t-VALUE"}}`,
		`{"environment":"sandbox","Password":"s3cr3t-VALUE"}`,
		`{"accessToken":"s3cr3t-VALUE"}`,
	} {
		p, path, err := loadPolicy(t, data)
		checkDamaged(t, p, err, path, "looks like a secret")
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("the error repeats the secret: %v", err)
		}
	}
}

func TestPolicyFileSizeCap(t *testing.T) {
	body := `{"clientId":"FAC_1"}`
	fits := body + strings.Repeat(" ", MaxPolicySize-len(body))
	if p := mustPolicy(t, fits); !p.Locks(FieldClientID) {
		t.Errorf("a %d-byte file: %+v", len(fits), p)
	}
	p, path, err := loadPolicy(t, fits+" ")
	checkDamaged(t, p, err, path, "larger than 64 KiB")
}

func TestPolicyFileUnreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "settings.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "settings.json")
	p, err := LoadPolicyFile(path, os.Getuid())
	checkDamaged(t, p, err, path, "not a plain file")
}

func TestLoadPolicyIsTheMachineFile(t *testing.T) {
	if _, err := LoadPolicy(canceled()); err == nil {
		t.Error("LoadPolicy with a cancelled context: no error")
	}
	got, gotErr := LoadPolicy(context.Background())
	want, wantErr := machinePolicy()
	if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
		t.Errorf("LoadPolicy = %+v, %v; want %+v, %v", got, gotErr, want, wantErr)
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
