package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"abha-deactivate/storage/filelock"
	"abha-deactivate/storage/paths"

	"github.com/sirupsen/logrus"
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

// CheckWritable reports whether an Append could write the trail now: its
// folder can be made and the file opened for appending (it is created,
// empty, if missing). A path that is not a regular file is refused.
func (l *Log) CheckWritable() error {
	if err := paths.MkdirPrivate(filepath.Dir(l.path)); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	f, err := openTrail(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE)
	if err != nil {
		return err
	}
	return f.Close()
}

// Path is the file the Log uses.
func (l *Log) Path() string { return l.path }

// Append writes r as one line: it fills Time (UTC) and OSUser if empty, masks
// the ABHA number, cleans free text, links the record to the line before it
// (Prev, see chain.go), then writes the line with a single write under an
// exclusive lock on the file and flushes it to disk, then writes the head
// file (chain.go). Finding the link reads only the head and a bounded tail
// of the file (about MaxLine bytes), so an append costs the same however
// long the trail or its last line is; the first append to a trail without
// a head also counts its lines once. A trail whose end no longer matches
// its head is still appended to (the desk is never blocked), with a warning
// in the log, and the record links so that Verify shows the change.
func (l *Log) Append(ctx context.Context, r Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	fillTime := r.Time.IsZero()
	r, err := prepare(r, l.now())
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	if err := paths.MkdirPrivate(filepath.Dir(l.path)); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	f, err := openTrail(l.path, os.O_RDWR|os.O_APPEND|os.O_CREATE)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := filelock.Lock(f, true); err != nil {
		return fmt.Errorf("audit: locking %s: %w", l.path, err)
	}
	defer func() { _ = filelock.Unlock(f) }()
	if err := ctx.Err(); err != nil { // the lock may have taken a while
		return fmt.Errorf("audit: %w", err)
	}
	return l.write(ctx, f, r, fillTime)
}

// write links r to the trail open in f (under its exclusive lock), writes
// it, flushes it and writes the head.
func (l *Log) write(ctx context.Context, f *os.File, r Record, fillTime bool) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("audit: reading %s: %w", l.path, err)
	}
	lk, err := appendLink(ctx, f, fi.Size(), l.path)
	if err != nil {
		return fmt.Errorf("audit: %s: %w", l.path, err)
	}
	if lk.warn != "" {
		logrus.Warn("audit: " + lk.warn)
	}
	r.Prev = lk.prev
	if fillTime {
		// Taken under the lock, so that times never go backwards down the file.
		r.Time = l.now().UTC()
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("audit: encoding record: %w", err)
	}
	if len(line) > MaxLine {
		return fmt.Errorf("audit: a record of %d bytes (at most %d)", len(line), MaxLine)
	}
	next := trailHead{Size: fi.Size() + int64(len(line)) + 1, Lines: lk.lines + 1, Hash: LineHash(line)}
	if lk.cutOff {
		// A cut-off last line (disk full, edited by hand) must not swallow this
		// record; the record links to it, and Verify reports it as damaged.
		line = append([]byte{'\n'}, line...)
		next.Size++
	}
	line = append(line, '\n')
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("audit: writing %s: %w", l.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("audit: flushing %s: %w", l.path, err)
	}
	if err := writeHead(l.path, next); err != nil {
		// The record is written: a head left behind is taken as lines appended after it.
		logrus.Warnf("audit: %s: %v", l.path, err)
	}
	return nil
}

// Filter selects records. Zero fields select everything.
type Filter struct {
	Since   time.Time // records at or after this time
	Until   time.Time // records before this time
	Outcome string    // only outcome records with this outcome
	Limit   int       // at most this many, if > 0: the newest by time for Read, the last lines for Scan
}

func (f Filter) match(r Record) bool {
	return (f.Since.IsZero() || !r.Time.Before(f.Since)) &&
		(f.Until.IsZero() || r.Time.Before(f.Until)) &&
		(f.Outcome == "" || r.Outcome == f.Outcome)
}

// ReadStats describes what Read, Scan or a Pager found in the file.
type ReadStats struct {
	Lines   int // non-empty lines read
	Skipped int // lines that were not valid records (damaged or edited by hand)
}

// Read returns the records that match f, newest first: sorted by time, and
// among equal times the later line first; Limit keeps the newest by time.
// It reads the whole file (through Scan) and holds the matching records in
// memory: for long trails prefer Scan or Pages. Damaged lines are skipped
// and counted rather than failing the whole read. A missing file reads as
// empty.
func (l *Log) Read(ctx context.Context, f Filter) ([]Record, ReadStats, error) {
	limit := f.Limit
	f.Limit = 0
	var recs []Record
	stats, err := l.Scan(ctx, f, func(r Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, stats, err
	}
	// Scan gives the later lines first; the stable sort keeps that among equal times.
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.After(recs[j].Time) })
	if limit > 0 && len(recs) > limit {
		recs = recs[:limit]
	}
	return recs, stats, nil
}
