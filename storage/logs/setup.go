package logs

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"gopkg.in/natefinch/lumberjack.v2"

	"abha-deactivate/storage/paths"
)

// Rotation defaults, used when an Options field is 0.
const (
	DefaultMaxSizeMB  = 10
	DefaultMaxBackups = 5
	DefaultMaxAgeDays = 30
)

// Options configure Setup.
type Options struct {
	Level      string    // "debug", "info" (default), "warn" or "error": the stderr level
	File       string    // log file; "" for none
	Stderr     io.Writer // nil for os.Stderr
	MaxSizeMB  int       // rotate the file at this size; 0 for DefaultMaxSizeMB
	MaxBackups int       // rotated files kept; 0 for DefaultMaxBackups
	MaxAgeDays int       // rotated files older than this are removed; 0 for DefaultMaxAgeDays
	Redactor   *Redactor // nil for Secrets
}

// Setup returns a logger that writes human-readable text to Stderr at Level
// and, if File is set, JSON lines to File at Info or Level, whichever is more
// verbose (so the file always has the story of a session, and debug detail
// when asked for). The file is rotated by size (lumberjack), created 0600 in
// a 0700 folder. Everything passes through the Redactor. Call close when
// done; later log calls are dropped from the file.
func Setup(o Options) (*logrus.Logger, func() error, error) {
	level, err := ParseLevel(o.Level)
	if err != nil {
		return nil, nil, err
	}
	red := o.Redactor
	if red == nil {
		red = Secrets
	}
	stderr := o.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	text := &RedactingFormatter{Redactor: red, Inner: &logrus.TextFormatter{
		DisableColors: true, FullTimestamp: true, TimestampFormat: "2006-01-02 15:04:05",
	}}

	log := logrus.New()
	// The logger's own output is unused: each destination is a hook with its
	// own level and format. The formatter still redacts in case a caller
	// points Out somewhere else.
	log.Out = io.Discard
	log.Formatter = text
	log.Level = level
	log.AddHook(&writerHook{w: stderr, format: text, levels: levelsUpTo(level)})

	closeFn := func() error { return nil }
	if o.File != "" {
		lj, err := newFileWriter(o)
		if err != nil {
			return nil, nil, err
		}
		fileLevel := max(level, logrus.InfoLevel)
		log.Level = max(log.Level, fileLevel)
		json := &RedactingFormatter{Redactor: red, Inner: &logrus.JSONFormatter{TimestampFormat: time.RFC3339Nano}}
		hook := &writerHook{w: lj, format: json, levels: levelsUpTo(fileLevel)}
		log.AddHook(hook)
		var once sync.Once
		closeFn = func() error {
			var err error
			once.Do(func() {
				hook.close()
				if cerr := lj.Close(); cerr != nil {
					err = fmt.Errorf("closing log file: %w", cerr)
				}
			})
			return err
		}
	}
	return log, closeFn, nil
}

// ParseLevel accepts debug, info, warn (warning) and error; "" is info.
func ParseLevel(s string) (logrus.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return logrus.InfoLevel, nil
	case "debug":
		return logrus.DebugLevel, nil
	case "info":
		return logrus.InfoLevel, nil
	case "warn", "warning":
		return logrus.WarnLevel, nil
	case "error":
		return logrus.ErrorLevel, nil
	}
	return 0, fmt.Errorf("unknown log level %q: use debug, info, warn or error", s)
}

// levelsUpTo returns the levels at least as severe as l.
func levelsUpTo(l logrus.Level) []logrus.Level {
	var out []logrus.Level
	for _, x := range logrus.AllLevels {
		if x <= l {
			out = append(out, x)
		}
	}
	return out
}

// newFileWriter prepares the folder and file and returns the rotating writer.
func newFileWriter(o Options) (*lumberjack.Logger, error) {
	path, err := FilePath(o.File)
	if err != nil {
		return nil, err
	}
	if err := paths.MkdirPrivate(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("log folder: %w", err)
	}
	// Create the file now (lumberjack would make its folder 0755 and only
	// report problems on the first write) and make sure only the user can read it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening log file: %w", err)
	}
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("restricting log file to its owner: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("opening log file: %w", err)
	}
	or := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	return &lumberjack.Logger{
		Filename:   path,
		MaxSize:    or(o.MaxSizeMB, DefaultMaxSizeMB),
		MaxBackups: or(o.MaxBackups, DefaultMaxBackups),
		MaxAge:     or(o.MaxAgeDays, DefaultMaxAgeDays),
	}, nil
}

// FilePath returns the absolute path of the log file: file if given (for
// --log-file), else the default under paths.Default().
func FilePath(file string) (string, error) {
	if file == "" {
		d, err := paths.Default()
		if err != nil {
			return "", fmt.Errorf("log file: %w", err)
		}
		return d.LogFile(), nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", fmt.Errorf("log file %s: %w", file, err)
	}
	return abs, nil
}

// writerHook formats entries of its levels and writes them to w, one at a time.
type writerHook struct {
	w      io.Writer
	format logrus.Formatter
	levels []logrus.Level

	mu       sync.Mutex
	closed   bool
	reported bool
}

func (h *writerHook) Levels() []logrus.Level { return h.levels }

// Fire never returns an error: logrus would skip the remaining hooks.
func (h *writerHook) Fire(e *logrus.Entry) error {
	b, err := h.format.Format(e)
	if err != nil {
		b = []byte(fmt.Sprintf("log entry could not be formatted: %v\n", err))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	if _, err := h.w.Write(b); err != nil && !h.reported {
		h.reported = true // say it once, not on every line
		fmt.Fprintf(os.Stderr, "abha-deactivate: writing the log failed: %v\n", err)
	}
	return nil
}

func (h *writerHook) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
}
