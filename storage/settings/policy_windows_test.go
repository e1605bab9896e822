package settings

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/windows/registry"
)

const policySource = `HKLM\` + PolicyKey

// policyKey creates HKLM\PolicyKey for the test and deletes it afterwards.
// It refuses to touch a policy the computer already has: run the test as an
// administrator in a throw-away Wine prefix or virtual machine.
func policyKey(t *testing.T) registry.Key {
	t.Helper()
	if k, err := registry.OpenKey(registry.LOCAL_MACHINE, PolicyKey, registry.READ); err == nil {
		_ = k.Close()
		t.Fatalf("this computer already has a policy at %s: the test would overwrite it", policySource)
	}
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, PolicyKey, registry.ALL_ACCESS|registry.WOW64_64KEY)
	if err != nil {
		t.Fatalf("creating %s (needs an administrator): %v", policySource, err)
	}
	t.Cleanup(func() {
		_ = k.Close()
		if err := registry.DeleteKey(registry.LOCAL_MACHINE, PolicyKey); err != nil {
			t.Errorf("deleting %s: %v", policySource, err)
		}
	})
	return k
}

// setOnly leaves exactly the given values in k (a string is REG_SZ, a
// uint32 REG_DWORD, a []string REG_EXPAND_SZ of its first element).
func setOnly(t *testing.T, k registry.Key, values map[string]any) {
	t.Helper()
	names, err := k.ReadValueNames(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := k.DeleteValue(n); err != nil {
			t.Fatal(err)
		}
	}
	for n, v := range values {
		switch v := v.(type) {
		case string:
			err = k.SetStringValue(n, v)
		case uint32:
			err = k.SetDWordValue(n, v)
		case []string:
			err = k.SetExpandStringValue(n, v[0])
		}
		if err != nil {
			t.Fatalf("setting %s: %v", n, err)
		}
	}
}

func TestRegistryPolicy(t *testing.T) {
	ctx := context.Background()
	k := policyKey(t)
	setOnly(t, k, map[string]any{
		"Environment": "Custom", "APIVersion": "v3",
		"GatewayURL": "https://gw.facility.example", "HealthIDURL": "https://abha.facility.example",
		"ClientID": "FAC_1", "hipid": "IN2710", "ProxyURL": "http://proxy.facility.example:3128",
		"CABundle":        []string{`%SystemRoot%\facility.pem`},
		"AuditSyslogCert": `C:\client.pem`, "AuditSyslogKey": `C:\client.key`,
		"AuditSyslog": "tls://collector.facility.example:6514", "AuditSyslogCA": `C:\ca.pem`,
		"FacilityName": "City Clinic",
	})
	p, err := LoadPolicy(ctx)
	if err != nil {
		t.Fatalf("LoadPolicy: %v", err)
	}
	if p.Source != policySource || !reflect.DeepEqual(p.Locked(), PolicyFields) {
		t.Fatalf("Source %q, Locked %v", p.Source, p.Locked())
	}
	for f, want := range map[Field]string{FieldEnvironment: "custom", FieldHIPID: "IN2710", FieldClientID: "FAC_1"} {
		if v, _ := p.Value(f); v != want {
			t.Errorf("%s = %q, want %q", f, v, want)
		}
	}
	if v, _ := p.Value(FieldCABundle); !strings.HasSuffix(v, `\facility.pem`) || strings.Contains(v, "%") {
		t.Errorf("CABundle %q: REG_EXPAND_SZ not expanded", v)
	}

	setOnly(t, k, nil)
	if p, err := LoadPolicy(ctx); err != nil || !p.IsZero() || p.Source != policySource {
		t.Errorf("empty key: %+v, %v; want a policy that sets nothing", p, err)
	}
}

func TestRegistryPolicyDamaged(t *testing.T) {
	k := policyKey(t)
	for _, tc := range []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"REG_DWORD", map[string]any{"Environment": "production", "ClientID": uint32(7)}, `"ClientID" is a REG_DWORD value, not text`},
		{"secret", map[string]any{"ClientID": "FAC_1", "ClientSecret": "s3cr3t"}, `"ClientSecret" looks like a secret`},
		{"unknown name", map[string]any{"Enviroment": "production"}, `"Enviroment" is not a setting the facility can fix (these are: Environment, APIVersion`},
		{"default value", map[string]any{"": "production"}, `"(Default)" is not a setting`},
		{"invalid", map[string]any{"Environment": "prod"}, `unknown environment "prod"`},
		{"plain http", map[string]any{"APIVersion": "v3", "GatewayURL": "http://gw.example", "HealthIDURL": "https://abha.example"}, "only https"},
		{"one address", map[string]any{"APIVersion": "v3", "GatewayURL": "https://gw.example"}, "needs both GatewayURL and HealthIDURL"},
		{"oversize", map[string]any{"ClientID": strings.Repeat("A", MaxPolicySize)}, "larger than 64 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setOnly(t, k, tc.values)
			p, err := LoadPolicy(context.Background())
			checkDamaged(t, p, err, policySource, tc.want)
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("the error repeats the secret: %v", err)
			}
		})
	}
}

func TestRegistryPolicyAbsent(t *testing.T) {
	if k, err := registry.OpenKey(registry.LOCAL_MACHINE, PolicyKey, registry.READ); !errors.Is(err, registry.ErrNotExist) {
		if err == nil {
			_ = k.Close()
		}
		t.Fatalf("opening %s: %v; want no such key on this computer", policySource, err)
	}
	p, err := LoadPolicy(context.Background())
	if err != nil || !p.IsZero() || p.Source != "" {
		t.Errorf("no key: %+v, %v; want no policy", p, err)
	}
}
