package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/paths"
)

// Log is the audit trail in one JSON-lines file. Appends from several
// goroutines and several processes are serialised by an exclusive file lock,
// so lines never interleave.
type Log struct {
	path string
	now  func() time.Time
	mu   sync.Mutex
}

// Open returns the Log at path (usually paths.Dirs.AuditFile). Nothing is
// touched until the first Append, which creates the folder (0700) and file (0600).
func Open(path string) *Log {
	return &Log{path: path, now: time.Now}
}

// Path is the file the Log uses.
func (l *Log) Path() string { return l.path }

// Append writes r as one line: it fills Time (UTC) and OSUser if empty, masks
// the ABHA number, cleans free text, then writes the line with a single write
// under an exclusive lock on the file and flushes it to disk.
func (l *Log) Append(ctx context.Context, r Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	r, err := prepare(r, l.now())
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("audit: encoding record: %w", err)
	}
	line = append(line, '\n')

	l.mu.Lock()
	defer l.mu.Unlock()
	if err := paths.MkdirPrivate(filepath.Dir(l.path)); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit: opening %s: %w", l.path, err)
	}
	defer f.Close()
	if err := lockFile(f, true); err != nil {
		return fmt.Errorf("audit: locking %s: %w", l.path, err)
	}
	defer func() { _ = unlockFile(f) }()
	if !endsWithNewline(f) {
		// A cut-off last line (disk full, edited by hand) must not swallow this record.
		line = append([]byte{'\n'}, line...)
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("audit: writing %s: %w", l.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("audit: flushing %s: %w", l.path, err)
	}
	return nil
}

// endsWithNewline reports whether f is empty or its last byte is a newline.
func endsWithNewline(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return true
	}
	var b [1]byte
	if _, err := f.ReadAt(b[:], fi.Size()-1); err != nil {
		return true
	}
	return b[0] == '\n'
}

// Filter selects records. Zero fields select everything.
type Filter struct {
	Since   time.Time // records at or after this time
	Until   time.Time // records before this time
	Outcome string    // only outcome records with this outcome
	Limit   int       // at most this many (the newest), if > 0
}

func (f Filter) match(r Record) bool {
	return (f.Since.IsZero() || !r.Time.Before(f.Since)) &&
		(f.Until.IsZero() || r.Time.Before(f.Until)) &&
		(f.Outcome == "" || r.Outcome == f.Outcome)
}

// ReadStats describes what Read found in the file.
type ReadStats struct {
	Lines   int // non-empty lines
	Skipped int // lines that were not valid records (damaged or edited by hand)
}

// Read returns the records that match f, newest first. Damaged lines are
// skipped and counted rather than failing the whole read. A missing file
// reads as empty.
func (l *Log) Read(ctx context.Context, f Filter) ([]Record, ReadStats, error) {
	var stats ReadStats
	file, err := os.Open(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, stats, nil
	}
	if err != nil {
		return nil, stats, fmt.Errorf("audit: opening %s: %w", l.path, err)
	}
	defer file.Close()
	if err := lockFile(file, false); err != nil {
		return nil, stats, fmt.Errorf("audit: locking %s: %w", l.path, err)
	}
	defer func() { _ = unlockFile(file) }()

	var recs []Record
	br := bufio.NewReader(file)
	for {
		line, readErr := br.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return nil, stats, fmt.Errorf("audit: reading %s: %w", l.path, readErr)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			stats.Lines++
			if stats.Lines%1000 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, stats, fmt.Errorf("audit: %w", err)
				}
			}
			if r, ok := parseLine(line); !ok {
				stats.Skipped++
			} else if f.match(r) {
				recs = append(recs, r)
			}
		}
		if readErr != nil {
			break
		}
	}
	// Newest first; among equal times, later lines first.
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.After(recs[j].Time) })
	if f.Limit > 0 && len(recs) > f.Limit {
		recs = recs[:f.Limit]
	}
	return recs, stats, nil
}

// parseLine decodes one line and checks that it looks like a record.
func parseLine(line []byte) (Record, bool) {
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return r, false
	}
	if r.ID == "" || r.Time.IsZero() || (r.Event != EventIntent && r.Event != EventOutcome) {
		return r, false
	}
	r.Time = r.Time.UTC()
	if r.ABHANumber != "" {
		r.ABHANumber = abdm.MaskABHANumber(r.ABHANumber) // in case the file was edited by hand
	}
	return r, true
}
