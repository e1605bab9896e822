package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrStop, returned by a Scan callback, ends the scan early; Scan then
// returns no error.
var ErrStop = errors.New("audit: stop the scan")

// Scan calls fn with the records that match f, newest first in file order
// (the last line appended first), at most f.Limit of them if it is > 0. It
// reads the file backwards in chunks and keeps no records, so memory stays
// constant however long the trail is; only the matching lines are fully
// decoded. It stops early, with no error, when fn returns ErrStop; any other
// error from fn is returned as it is. The stats count the lines read until
// then. Damaged lines are skipped and counted; a missing file has no
// records. Records appended while Scan runs are not seen.
func (l *Log) Scan(ctx context.Context, f Filter, fn func(Record) error) (ReadStats, error) {
	var stats ReadStats
	file, size, err := openSnapshot(l.path)
	if err != nil || file == nil {
		return stats, err
	}
	defer file.Close()
	rd := scanDecoder(file, size, f)
	sent := 0
	for {
		d, err := rd.next()
		if err != nil {
			return stats, fmt.Errorf("audit: reading %s: %w", l.path, err)
		}
		if d == nil {
			return stats, nil
		}
		if err := stats.count(ctx, d); err != nil {
			return stats, err
		}
		if !d.keep {
			continue
		}
		if stop, err := deliver(fn, d.rec); stop || err != nil {
			return stats, err
		}
		if sent++; f.Limit > 0 && sent >= f.Limit {
			return stats, nil
		}
	}
}

// scanDecoder decodes, backwards and on every core, the lines of a file of
// the given size for Scan: first cheaply the fields the filter needs, then the
// whole record only for the lines that match, which it marks to keep.
func scanDecoder(file *os.File, size int64, f Filter) *revDecoder {
	all := f.Since.IsZero() && f.Until.IsZero() && f.Outcome == ""
	return newRevDecoder(newReverseLines(sharedReader{file}, size, 64<<10), func(line []byte, d *decoded) {
		if d.rec, d.ok = decodeLine(line, !all); d.ok && f.match(d.rec) {
			d.keep = true
			if !all {
				d.rec, _ = parseLine(line)
			}
		}
	})
}

// count counts a line Scan read, damaged or not, and checks ctx every 1024 lines.
func (s *ReadStats) count(ctx context.Context, d *decoded) error {
	s.Lines++
	if s.Lines%1024 == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	if !d.ok {
		s.Skipped++
	}
	return nil
}

// deliver calls fn with r for Scan; stop is true when fn asked to stop, with
// ErrStop (then err is nil) or with an error of its own.
func deliver(fn func(Record) error, r Record) (stop bool, err error) {
	if err = fn(r); errors.Is(err, ErrStop) {
		return true, nil
	}
	return err != nil, err
}
