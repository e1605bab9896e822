package audit

import (
	"context"
	"errors"
	"fmt"
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
	all := f.Since.IsZero() && f.Until.IsZero() && f.Outcome == ""
	// A cheap decode of the fields the filter needs first; the whole record
	// only for the lines that match. Batches are decoded on every core.
	rd := newRevDecoder(newReverseLines(sharedReader{file}, size, 64<<10), func(line []byte, d *decoded) {
		if d.rec, d.ok = decodeLine(line, !all); d.ok && f.match(d.rec) {
			d.keep = true
			if !all {
				d.rec, _ = parseLine(line)
			}
		}
	})
	sent := 0
	for {
		d, err := rd.next()
		if err != nil {
			return stats, fmt.Errorf("audit: reading %s: %w", l.path, err)
		}
		if d == nil {
			return stats, nil
		}
		stats.Lines++
		if stats.Lines%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return stats, fmt.Errorf("audit: %w", err)
			}
		}
		if !d.ok {
			stats.Skipped++
			continue
		}
		if !d.keep {
			continue
		}
		if err := fn(d.rec); err != nil {
			if errors.Is(err, ErrStop) {
				return stats, nil
			}
			return stats, err
		}
		if sent++; f.Limit > 0 && sent >= f.Limit {
			return stats, nil
		}
	}
}
