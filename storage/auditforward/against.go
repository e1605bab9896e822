package auditforward

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"abha-deactivate/storage/audit"
)

// Kinds of difference between the trail and a collector's copy.
const (
	DiffMissing    = "missing"    // in the trail, not at the collector
	DiffAdded      = "added"      // at the collector, not in the trail
	DiffChanged    = "changed"    // the same record (id and event) with other bytes
	DiffDuplicate  = "duplicate"  // the collector holds the record more than once
	DiffOrder      = "order"      // the collector holds the record out of the trail's order
	DiffUnreadable = "unreadable" // a line of the collector's file that is no record
)

// MaxDifferences caps the differences a report lists; Count has them all.
const MaxDifferences = 1000

// Difference is one record on which the two copies disagree.
type Difference struct {
	Kind          string `json:"kind"`
	ID            string `json:"id,omitempty"`
	Event         string `json:"event,omitempty"`
	TrailLine     int    `json:"trailLine,omitempty"`     // 1-based line in the trail
	CollectorLine int    `json:"collectorLine,omitempty"` // 1-based line in the collector's file
	TrailHash     string `json:"trailHash,omitempty"`
	CollectorHash string `json:"collectorHash,omitempty"`
	// Pending: a missing record not yet forwarded (after the cursor).
	Pending bool `json:"pending,omitempty"`
}

// AgainstReport is the comparison of the trail with a collector's copy.
type AgainstReport struct {
	Trail            string       `json:"trail"`
	Collector        string       `json:"collector"`
	TrailRecords     int          `json:"trailRecords"`
	CollectorRecords int          `json:"collectorRecords"`
	OtherMessages    int          `json:"otherMessages"` // syslog messages of other programs, ignored
	Agree            bool         `json:"agree"`
	Count            int          `json:"differences"`
	Differences      []Difference `json:"list,omitempty"`
}

// trailEntry is one trail line, by key.
type trailEntry struct {
	id, event, hash string
	line            int
	pending         bool
	seen            int // times the collector holds it
}

// Against compares the trail at trail with the collector's file at
// collector: each record is known by its id and event and compared by its
// line's hash (the bytes as stored).
func Against(ctx context.Context, trail, collector string) (AgainstReport, error) {
	rep := AgainstReport{Trail: trail, Collector: collector}
	entries, order, err := readTrail(ctx, trail)
	if err != nil {
		return rep, err
	}
	rep.TrailRecords = len(order)
	f, err := os.Open(collector)
	if err != nil {
		return rep, fmt.Errorf("audit verify: opening the collector's copy: %w", err)
	}
	defer f.Close()
	if err := rep.compare(ctx, f, entries); err != nil {
		return rep, err
	}
	for _, e := range order {
		if e.seen == 0 {
			rep.add(Difference{Kind: DiffMissing, ID: e.id, Event: e.event, TrailLine: e.line, TrailHash: e.hash, Pending: e.pending})
		}
	}
	rep.Agree = rep.Count == 0
	return rep, nil
}

func (rep *AgainstReport) add(d Difference) {
	rep.Count++
	if len(rep.Differences) < MaxDifferences {
		rep.Differences = append(rep.Differences, d)
	}
}

// compare reads the collector's file and matches its records to entries.
func (rep *AgainstReport) compare(ctx context.Context, r io.Reader, entries map[string][]*trailEntry) error {
	br := bufio.NewReaderSize(r, 64<<10)
	lastTrailLine := 0
	for n := 1; ; n++ {
		raw, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(raw)) > 0 {
			lastTrailLine = rep.match(bytes.TrimSuffix(raw, []byte{'\n'}), n, entries, lastTrailLine)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("audit verify: reading the collector's copy: %w", err)
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return fmt.Errorf("audit verify: %w", ctx.Err())
		}
	}
}

// match places one collector line and returns the trail line it matched
// (or last, if none), to check the order.
func (rep *AgainstReport) match(raw []byte, n int, entries map[string][]*trailEntry, last int) int {
	line, err := collectorLine(raw)
	if errors.Is(err, errNotOurs) {
		rep.OtherMessages++
		return last
	}
	if err != nil || len(bytes.TrimSpace(line)) == 0 {
		rep.add(Difference{Kind: DiffUnreadable, CollectorLine: n})
		return last
	}
	rep.CollectorRecords++
	key, id, event := recordKey(line)
	hash := audit.LineHash(line)
	d := Difference{ID: id, Event: event, CollectorLine: n, CollectorHash: hash}
	cands := entries[key]
	if len(cands) == 0 {
		d.Kind = DiffAdded
		rep.add(d)
		return last
	}
	e := pick(cands, hash)
	d.TrailLine, d.TrailHash = e.line, e.hash
	e.seen++
	switch {
	case e.hash != hash:
		d.Kind = DiffChanged
	case e.seen > 1:
		d.Kind = DiffDuplicate
	case e.line < last:
		d.Kind = DiffOrder
	default:
		return e.line
	}
	rep.add(d)
	return max(last, e.line)
}

// pick chooses the trail line a collector record with hash stands for:
// the first not yet seen with the same bytes, else the first with the same
// bytes, else the first not yet seen, else the first.
func pick(cands []*trailEntry, hash string) *trailEntry {
	var same, unseen *trailEntry
	for _, c := range cands {
		switch {
		case c.hash == hash && c.seen == 0:
			return c
		case c.hash == hash && same == nil:
			same = c
		case c.seen == 0 && unseen == nil:
			unseen = c
		}
	}
	switch {
	case same != nil:
		return same
	case unseen != nil:
		return unseen
	}
	return cands[0]
}

// recordKey is a line's id and event, or its hash when it is no record.
func recordKey(line []byte) (key, id, event string) {
	var f lineFields
	if json.Unmarshal(line, &f) != nil || f.ID == "" {
		return "hash:" + audit.LineHash(line), "", ""
	}
	return f.ID + "\x00" + f.Event, f.ID, f.Event
}

// readTrail reads the trail's non-blank lines by key, and in order.
func readTrail(ctx context.Context, path string) (map[string][]*trailEntry, []*trailEntry, error) {
	f, err := audit.OpenTrail(path)
	if err != nil {
		return nil, nil, fmt.Errorf("audit verify: opening the trail: %w", err)
	}
	defer f.Close()
	cur, _ := LoadCursor(path)
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("audit verify: reading the trail: %w", err)
	}
	if checkCursor(f, fi.Size(), cur) != nil {
		cur = Cursor{} // nothing is known to be forwarded
	}
	entries := map[string][]*trailEntry{}
	var order []*trailEntry
	br := bufio.NewReaderSize(f, 64<<10)
	var off int64
	for n := 1; ; n++ {
		raw, err := br.ReadBytes('\n')
		start := off
		off += int64(len(raw))
		if line := bytes.TrimSuffix(raw, []byte{'\n'}); len(bytes.TrimSpace(line)) > 0 {
			key, id, event := recordKey(line)
			e := &trailEntry{id: id, event: event, hash: audit.LineHash(line), line: n, pending: start >= cur.Offset}
			entries[key] = append(entries[key], e)
			order = append(order, e)
		}
		if errors.Is(err, io.EOF) {
			return entries, order, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("audit verify: reading the trail: %w", err)
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, nil, fmt.Errorf("audit verify: %w", ctx.Err())
		}
	}
}
