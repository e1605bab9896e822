package settings

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"abha-deactivate/storage/atomicfile"
)

// Environment switches that turn this test binary into the crash child.
const (
	crashChildEnv = "ABHA_SETTINGS_CRASH_CHILD" // path of the settings file
	crashSeedEnv  = "ABHA_SETTINGS_CRASH_SEED"  // replay a run: the seed it printed
	crashReady    = "crash-child-ready"
)

// crashValues are the three settings the file may legally hold during the test.
func crashValues() (initial, a, b Settings) {
	initial = Defaults()
	initial.ClientID = "INITIAL"
	a = sample()
	a.ClientID = "VALUE_A"
	b = Defaults()
	b.Environment, b.ClientID, b.HIPID, b.Language = "production", "VALUE_B", strings.Repeat("B", 150), "en"
	return initial, a, b
}

// TestCrashChild is not a test on its own: run by TestSaveSurvivesKill, it
// saves two settings values in a tight loop until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("run by TestSaveSurvivesKill")
	}
	_, a, b := crashValues()
	s := NewStore(path)
	for i := 0; ; i++ {
		v := a
		if i%2 == 1 {
			v = b
		}
		if err := s.Save(v); err != nil {
			fmt.Println("save failed:", err)
			os.Exit(3)
		}
		if i == 0 {
			fmt.Println(crashReady)
		}
	}
}

// TestSaveSurvivesKill kills a process that is busy saving settings at random
// moments and checks that the file always loads as one whole value.
func TestSaveSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 30 processes")
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(crashSeedEnv); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("%s: %v", crashSeedEnv, err)
		}
	}
	t.Logf("seed %d (replay with %s=%d)", seed, crashSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	initial, a, b := crashValues()
	if err := NewStore(path).Save(initial); err != nil {
		t.Fatal(err)
	}
	initial.Version, a.Version, b.Version = CurrentVersion, CurrentVersion, CurrentVersion

	const rounds = 30
	seen := map[string]int{}
	start := time.Now()
	for round := 1; round <= rounds; round++ {
		delay := time.Duration(rng.IntN(20_000)) * time.Microsecond
		runAndKill(t, path, delay)

		got, w, err := NewStore(path).Load()
		if err != nil || w != nil {
			t.Fatalf("round %d (killed %v after ready): Load: warning %v, error %v", round, delay, w, err)
		}
		switch got {
		case initial:
			seen["initial"]++
		case a:
			seen["A"]++
		case b:
			seen["B"]++
		default:
			t.Fatalf("round %d: file holds neither value: %+v", round, got)
		}
	}
	entries, _ := os.ReadDir(dir)
	var temps int
	for _, e := range entries {
		if strings.Contains(e.Name(), ".corrupt-") {
			t.Errorf("a settings file was set aside: %s", e.Name())
		}
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix(path)) {
			temps++
		}
	}
	t.Logf("%d kills in %v: loaded %v; %d temporary files left by killed saves (removed by Load after %v)",
		rounds, time.Since(start).Round(time.Millisecond), seen, temps, staleAfter)
}

// runAndKill starts the crash child, waits until it has saved once, lets it
// run for delay and kills it (SIGKILL on Unix).
func runAndKill(t *testing.T, path string, delay time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line)
	}()
	select {
	case line := <-ready:
		if line != crashReady {
			t.Fatalf("child said %q", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("child did not start saving")
	}
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	_ = cmd.Wait()
}
