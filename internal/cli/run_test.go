package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// inProcess runs Run with args in this process, its folders in a fresh
// temporary home, and returns the exit code, stdout and stderr.
func inProcess(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	inProcessEnv(t)
	return runInProcess(stdin, args...)
}

// runInProcess is inProcess in the folders already set up (inProcessEnv).
func runInProcess(stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errOut bytes.Buffer
	env := map[string]string{}
	code = Run(args, Stdio{In: stdin, Out: &out, Err: &errOut, Getenv: func(k string) string { return env[k] }},
		Build{Version: "1.2.3", Commit: "0123456789abcdef"})
	return code, out.String(), errOut.String()
}

// inProcessEnv points the app's folders at a fresh temporary home.
func inProcessEnv(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
}

func TestRunVersionAndHelp(t *testing.T) {
	for _, arg := range []string{"version", "--version", "-version"} {
		if code, out, _ := inProcess(t, nil, arg); code != exitOK || out != "abha-deactivate 1.2.3 (0123456789ab)\n" {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
	for _, arg := range []string{"help", "--help", "-help", "-h"} {
		if code, out, _ := inProcess(t, nil, arg); code != exitOK || out != usageText {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
}

func TestBuildNumber(t *testing.T) {
	cases := []struct {
		b    Build
		want string
	}{
		{Build{Version: "0.1.0", Commit: "abc"}, "0.1.0 (abc)"},
		{Build{Version: "0.1.0", Commit: "0123456789abcdef0123"}, "0.1.0 (0123456789ab)"},
	}
	for _, c := range cases {
		if got := c.b.Number(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.b, got, c.want)
		}
	}
	// Without a stamped commit, the one Go recorded (none in a test binary).
	if got := (Build{Version: "dev"}).Number(); got != "dev" && !strings.HasPrefix(got, "dev (") {
		t.Errorf("unstamped: %q", got)
	}
}

// Every command that takes flags says so in one JSON object (with --json)
// or on stderr, and exits 2, before anything is opened.
func TestRunUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"deactivate", "--demo", "--json"}, "--reasons is required"},
		{[]string{"deactivate", "--demo", "--json", "--reasons", "101", "--otp-method", "sms"}, "--otp-method must be aadhaar or mobile"},
		{[]string{"deactivate", "--demo", "--json", "--reasons", "101", "--lang", "fr"}, "--lang must be en or hi"},
		{[]string{"reactivate", "--json"}, "--abha-number is required"},
		{[]string{"reactivate", "--json", "--demo", "--mobile", "9876543210"}, "reactivate takes --abha-number only"},
		{[]string{"status", "--json", "--demo", "--mobile", "9876543210"}, "status takes --abha-number or a patient token"},
		{[]string{"status", "--json", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"deactivate", "--json", "--reasons", "101", "--abha-number", "91-5512-3456-7890", "--x-token-file", "t"}, "give one of --abha-number"},
		{[]string{"deactivate", "--json", "--reasons", "101", "--api", "v9"}, "v9"},
	}
	for _, c := range cases {
		code, out, _ := inProcess(t, nil, c.args...)
		var res result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v: stdout is not JSON: %v\n%s", c.args, err, out)
		}
		if code != exitUsage || res.Outcome != "usage" || res.Error == nil || !strings.Contains(res.Error.Message, c.want) {
			t.Errorf("%v: exit %d, %+v %+v; want usage with %q", c.args, code, res, res.Error, c.want)
		}
	}
	for _, args := range [][]string{{"sandbox", "--addr", "0.0.0.0:0"}, {"sandbox", "--key-bits", "1024"},
		{"audit", "--since", "yesterday"}, {"forget-secret"}, {"audit", "stray"}} {
		if code, _, errOut := inProcess(t, nil, args...); code != exitUsage || !strings.Contains(errOut, "Run with --help") {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
	}
}

// --help prints the command's flags and exits 0.
func TestRunCommandHelp(t *testing.T) {
	for _, cmd := range []string{"deactivate", "reactivate", "status", "sandbox", "audit", "forget-secret"} {
		code, _, errOut := inProcess(t, nil, cmd, "--help")
		if code != exitOK || !strings.HasPrefix(errOut, "Usage: abha-deactivate "+cmd+" [flags]") {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, errOut)
		}
	}
}

// The wizard and the commands share one definition of the flags that
// choose the ABDM: the same names, defaults and help.
func TestSiteFlagsShared(t *testing.T) {
	gui := flag.NewFlagSet("gui", flag.ContinueOnError)
	var g guiFlags
	g.register(gui)
	cmd := flag.NewFlagSet("cmd", flag.ContinueOnError)
	var c connFlags
	c.register(cmd)
	for _, name := range []string{"api", "gateway-url", "healthid-url", "log-level", "demo"} {
		a, b := gui.Lookup(name), cmd.Lookup(name)
		if a == nil || b == nil || a.Usage != b.Usage || a.DefValue != b.DefValue {
			t.Errorf("--%s differs: %+v / %+v", name, a, b)
		}
	}
}

func TestSiteFlagsOverrides(t *testing.T) {
	f := siteFlags{api: "v2", gatewayURL: "https://gw.example", healthIDURL: "https://hid.example"}
	var o settings.Overrides
	f.overrides(map[string]bool{"api": true}, &o)
	if o.APIVersion == nil || *o.APIVersion != "v2" || o.GatewayURL != nil || o.HealthIDURL != nil {
		t.Fatalf("only --api was given: %+v", o)
	}
	var all settings.Overrides
	f.overrides(map[string]bool{"api": true, "gateway-url": true, "healthid-url": true}, &all)
	if *all.GatewayURL != "https://gw.example" || *all.HealthIDURL != "https://hid.example" {
		t.Fatalf("%+v", all)
	}
}

// The demo shows the current APIs unless --api says otherwise; outside the
// demo the settings decide.
func TestDemoDefaults(t *testing.T) {
	cases := []struct {
		demo, apiGiven bool
		want           string
	}{
		{true, false, string(abdm.DefaultGeneration)},
		{true, true, "v2"},
		{false, false, "v2"},
	}
	for _, c := range cases {
		set := settings.Settings{APIVersion: "v2"}
		f := siteFlags{demo: c.demo}
		f.demoDefaults(&set, map[string]bool{"api": c.apiGiven})
		if string(set.APIVersion) != c.want {
			t.Errorf("demo %v, --api given %v: %q, want %q", c.demo, c.apiGiven, set.APIVersion, c.want)
		}
	}
}

func TestOTPWhere(t *testing.T) {
	if otpWhere(abdm.OTPMobile) != "the mobile linked to the ABHA" ||
		otpWhere(abdm.OTPAadhaar) != "the mobile linked to the patient's Aadhaar" {
		t.Fatal(otpWhere(abdm.OTPMobile), otpWhere(abdm.OTPAadhaar))
	}
}
