// Package testtools helps tests that need a program of the system, such as
// poppler-utils' pdftotext.
package testtools

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of the program name from Debian package pkg, or
// skips the test when it is missing; with ABHA_REQUIRE_TOOLS=1 (as make
// test-go sets) a missing program fails the test instead.
func Need(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " not found: install the Debian package " + pkg + " (scripts/install-deps.sh test)"
	if os.Getenv("ABHA_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
