package testtools

import (
	"os"
	"testing"
)

// NeedFile returns path when it exists, or skips the test when it does not;
// with ABHA_REQUIRE_TOOLS=1 (as make test-go sets) a missing file fails the
// test instead. hint says how to get it (e.g. "scripts/install-deps.sh test").
func NeedFile(t testing.TB, path, hint string) string {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	msg := path + " not found: " + hint
	if os.Getenv("ABHA_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
