package receipt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func timeParse(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }

func TestScrub(t *testing.T) {
	for in, want := range map[string]string{
		"91551234567890":                       "XX-XXXX-XXXX-7890",
		"ABHA 91-5512-3456-7890.":              "ABHA XX-XXXX-XXXX-7890.",
		"(91 5512 3456 7890)":                  "(XX-XXXX-XXXX-7890)",
		"नंबर91551234567890 है":                "नंबरXX-XXXX-XXXX-7890 है",
		"7c9e6679-7425-40de-944b-e07fc1f90ae7": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
		"abc-12-3456-7890-1234-x":              "abc-12-3456-7890-1234-x", // inside an identifier
		"9155123456789":                        "9155123456789",           // 13 digits
		"915512345678901":                      "915512345678901",         // 15 digits
		"IN2410000123":                         "IN2410000123",
		"2 December 2026":                      "2 December 2026",
	} {
		if got := scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPickLanguage(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		choice string
		env    func(string) string
		want   string
	}{
		{"hi", env("LANG", "en_US.UTF-8"), Hindi},
		{"en", env("LANG", "hi_IN.UTF-8"), English},
		{"", env("LANG", "hi_IN.UTF-8"), Hindi},
		{"", env("LC_MESSAGES", "hi_IN", "LANG", "en_US.UTF-8"), Hindi},
		{"", env("LC_ALL", "en_IN.UTF-8", "LANG", "hi_IN.UTF-8"), English},
		{"", env(), English},
		{"fr", env("LANG", "hi_IN"), Hindi},
	} {
		if got := PickLanguage(c.choice, c.env); got != c.want {
			t.Errorf("PickLanguage(%q) = %q, want %q", c.choice, got, c.want)
		}
	}
}

func TestSave(t *testing.T) {
	m := testMaker(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "receipt.pdf")
	if err := m.Save(context.Background(), path, sample(t, English)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 1000 || string(data[:5]) != "%PDF-" {
		t.Fatalf("%d bytes, %v", len(data), err)
	}
	// A failure leaves the file that was there, and no temporary file.
	bad := sample(t, English)
	bad.TxnID = ""
	if err := m.Save(context.Background(), path, bad); err == nil {
		t.Fatal("saved a receipt without a transaction ID")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Save(ctx, path, sample(t, English)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if err := m.Save(context.Background(), filepath.Join(dir, "missing", "r.pdf"), sample(t, English)); err == nil {
		t.Fatal("saved into a missing folder")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want only receipt.pdf", len(entries))
	}
	if again, _ := os.ReadFile(path); string(again) != string(data) {
		t.Error("a failed save changed the receipt already there")
	}
}
