package logs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

// syncBuffer is a bytes.Buffer safe for the concurrent test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type stringer struct{ v string }

func (s stringer) String() string { return "stringer " + s.v }

type nilStringer struct{ v string }

func (s *nilStringer) String() string { return s.v }

func setup(t *testing.T, level string) (*logrus.Logger, *syncBuffer, string, *Redactor) {
	t.Helper()
	var stderr syncBuffer
	file := filepath.Join(t.TempDir(), "logs", "abha-deactivate.log")
	red := NewRedactor()
	log, closeFn, err := Setup(Options{Level: level, File: file, Stderr: &stderr, Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := closeFn(); err != nil {
			t.Error(err)
		}
	})
	return log, &stderr, file, red
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNothingLeaksToEitherOutput(t *testing.T) {
	log, stderr, file, red := setup(t, "debug")
	const secret = "cl1ent-S3cret-value"
	const otp = "482913"
	const quoted = `p"w\d<&>`
	red.Add(secret, otp, quoted)

	log.Infof("connecting with secret %s", secret)
	log.WithField("secret_in_field", "x"+secret+"y").Info("field")
	log.WithError(fmt.Errorf("gateway said: bad secret %q: %w", secret, errors.New("401"))).Warn("error field")
	log.WithField("who", stringer{secret}).Info("stringer field")
	log.WithField("nilptr", (*nilStringer)(nil)).Info("nil stringer")
	log.WithField("bytes", []byte("otp="+otp)).Debug("bytes field")
	log.WithField("clientSecret", "not-registered-but-sensitive-key").Info("sensitive key")
	log.WithField("struct", struct{ Secret, Token string }{secret, jwt}).Info("struct field")
	log.WithField("quoted", quoted).Info("quoted " + quoted)
	log.Infof("header Authorization: Bearer %s and X-Token: Bearer %s", "opaque-gateway-token-123", jwt)
	log.Errorf("response body %s", `{"accessToken":"unregistered-token-abc","expiresIn":600}`)

	outputs := map[string]string{"stderr": stderr.String(), "file": readFile(t, file)}
	for name, out := range outputs {
		for _, leak := range []string{secret, otp, "not-registered-but-sensitive-key", jwt, "opaque-gateway-token-123",
			"unregistered-token-abc", `p\"w`, `p"w`, `\u003c&\u003e`} {
			if strings.Contains(out, leak) {
				t.Errorf("%s leaks %q:\n%s", name, leak, out)
			}
		}
		if n := strings.Count(out, Mask); n < 12 {
			t.Errorf("%s has only %d masks:\n%s", name, n, out)
		}
		if !strings.Contains(out, "nil stringer") || !strings.Contains(out, "nilptr") {
			t.Errorf("%s lost the nil Stringer entry:\n%s", name, out)
		}
	}
	// The file is JSON lines.
	sc := bufio.NewScanner(strings.NewReader(outputs["file"]))
	lines := 0
	for sc.Scan() {
		lines++
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("file line %d is not JSON: %v\n%s", lines, err, sc.Text())
		}
		if m["msg"] == nil || m["level"] == nil || m["time"] == nil {
			t.Errorf("line %d lacks msg/level/time: %v", lines, m)
		}
	}
	if lines != 11 {
		t.Errorf("%d file lines, want 11", lines)
	}
	// stderr is human text.
	if !strings.Contains(outputs["stderr"], `level=warning msg="error field" error="gateway said: bad secret \"[REDACTED]\": 401"`) {
		t.Errorf("stderr text:\n%s", outputs["stderr"])
	}
}

func TestLevels(t *testing.T) {
	cases := []struct {
		level                string
		stderrHas, stderrNot []string
		fileHas, fileNot     []string
	}{
		{"warn", []string{"W-msg", "E-msg"}, []string{"I-msg", "D-msg"}, []string{"I-msg", "W-msg", "E-msg"}, []string{"D-msg"}},
		{"", []string{"I-msg", "W-msg"}, []string{"D-msg"}, []string{"I-msg"}, []string{"D-msg"}},
		{"debug", []string{"D-msg", "I-msg"}, nil, []string{"D-msg", "I-msg"}, nil},
		{"ERROR", []string{"E-msg"}, []string{"W-msg"}, []string{"I-msg", "E-msg"}, []string{"D-msg"}},
	}
	for _, c := range cases {
		log, stderr, file, _ := setup(t, c.level)
		log.Debug("D-msg")
		log.Info("I-msg")
		log.Warn("W-msg")
		log.Error("E-msg")
		check := func(name, out string, has, not []string) {
			for _, s := range has {
				if !strings.Contains(out, s) {
					t.Errorf("level %q: %s lacks %s", c.level, name, s)
				}
			}
			for _, s := range not {
				if strings.Contains(out, s) {
					t.Errorf("level %q: %s has %s", c.level, name, s)
				}
			}
		}
		check("stderr", stderr.String(), c.stderrHas, c.stderrNot)
		check("file", readFile(t, file), c.fileHas, c.fileNot)
	}
	if _, _, err := Setup(Options{Level: "loud"}); err == nil {
		t.Error("unknown level accepted")
	}
}

func TestStderrOnly(t *testing.T) {
	var stderr syncBuffer
	red := NewRedactor()
	red.Add("only-stderr-secret")
	log, closeFn, err := Setup(Options{Stderr: &stderr, Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("value only-stderr-secret")
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if got := stderr.String(); !strings.Contains(got, "value [REDACTED]") {
		t.Errorf("stderr: %q", got)
	}
	// A caller redirecting Out still gets redacted text.
	var out syncBuffer
	log.SetOutput(&out)
	log.Info("again only-stderr-secret")
	if strings.Contains(out.String(), "only-stderr-secret") || !strings.Contains(out.String(), Mask) {
		t.Errorf("redirected output: %q", out.String())
	}
}

func TestFileModesAndClose(t *testing.T) {
	log, _, file, _ := setup(t, "info")
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(filepath.Dir(file)); fi.Mode().Perm() != 0o700 {
			t.Errorf("folder mode %v", fi.Mode().Perm())
		}
	}
	log.Info("before close")
	_, closeFn, err := Setup(Options{File: file, Stderr: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	_ = closeFn()

	// Closing twice is fine; logging after close does not reopen the file.
	log2, closeFn2, err := Setup(Options{File: file, Stderr: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	log2.Info("one")
	if err := closeFn2(); err != nil {
		t.Fatal(err)
	}
	if err := closeFn2(); err != nil {
		t.Fatal(err)
	}
	size := len(readFile(t, file))
	log2.Info("after close")
	if len(readFile(t, file)) != size {
		t.Error("logging after close wrote to the file")
	}
}

func TestRotationConfig(t *testing.T) {
	dir := t.TempDir()
	lj, err := newFileWriter(Options{File: filepath.Join(dir, "a.log")})
	if err != nil {
		t.Fatal(err)
	}
	if lj.MaxSize != DefaultMaxSizeMB || lj.MaxBackups != DefaultMaxBackups || lj.MaxAge != DefaultMaxAgeDays || lj.Filename != filepath.Join(dir, "a.log") {
		t.Errorf("defaults not applied: %+v", lj)
	}
	lj, err = newFileWriter(Options{File: filepath.Join(dir, "b.log"), MaxSizeMB: 3, MaxBackups: 7, MaxAgeDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	if lj.MaxSize != 3 || lj.MaxBackups != 7 || lj.MaxAge != 2 {
		t.Errorf("options not applied: %+v", lj)
	}
}

func TestRotationHappens(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "rot.log")
	log, closeFn, err := Setup(Options{File: file, Stderr: &syncBuffer{}, Level: "error", MaxSizeMB: 1, MaxBackups: 1})
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 50_000)
	for range 50 { // about 2.5 MB: two rotations
		log.Info(line)
	}
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	// lumberjack removes old backups in the background.
	var backups []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		backups, _ = filepath.Glob(filepath.Join(dir, "rot-*.log"))
		if len(backups) <= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(backups) != 1 {
		t.Errorf("%d backups, want 1: %v", len(backups), backups)
	}
	for _, b := range append(backups, file) {
		if fi, err := os.Stat(b); err != nil || fi.Size() > 1<<20 {
			t.Errorf("%s: %v, %d bytes", b, err, fi.Size())
		} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", b, fi.Mode().Perm())
		}
	}
}

func TestConcurrentAddAndLog(t *testing.T) {
	log, stderr, file, red := setup(t, "info")
	const workers, each = 6, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				s := fmt.Sprintf("tok-%d-%04d-secret", w, i)
				red.Add(s)
				log.WithField("v", s).Infof("using %s", s)
			}
		})
	}
	wg.Wait()
	for name, out := range map[string]string{"stderr": stderr.String(), "file": readFile(t, file)} {
		if strings.Contains(out, "-secret") {
			t.Errorf("%s leaks a secret registered before its use", name)
		}
		if n := strings.Count(out, "\n"); n != workers*each {
			t.Errorf("%s has %d lines, want %d", name, n, workers*each)
		}
	}
}

func TestFilePath(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("HOME", tmp)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(tmp, "data"))
	got, err := FilePath("")
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" {
		if want := filepath.Join(tmp, "cache", "abha-deactivate", "logs", "abha-deactivate.log"); got != want {
			t.Errorf("default %q, want %q", got, want)
		}
	}
	got, err = FilePath("rel/x.log")
	if err != nil || !filepath.IsAbs(got) || !strings.HasSuffix(got, filepath.Join("rel", "x.log")) {
		t.Errorf("relative: %q, %v", got, err)
	}
}
