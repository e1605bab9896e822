package cli

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestOSKeepsSecretsFromChildren: the secrets given in the environment are
// still read by the commands, but a program started afterwards does not get
// them.
func TestOSKeepsSecretsFromChildren(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("lists the child's environment with the Unix env program")
	}
	t.Setenv(envClientSecret, "child-secret-value")
	t.Setenv(envXToken, "child-token-value")
	std := OS()
	if std.Getenv(envClientSecret) != "child-secret-value" || std.Getenv(envXToken) != "child-token-value" {
		t.Fatal("the commands no longer see the secrets")
	}
	if _, ok := os.LookupEnv(envClientSecret); ok {
		t.Error("the client secret is still in the process environment")
	}
	out, err := exec.Command("env").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "child-secret-value") || strings.Contains(string(out), "child-token-value") {
		t.Errorf("a child process inherited a secret:\n%s", out)
	}
}
