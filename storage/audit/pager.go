package audit

import (
	"container/heap"
	"context"
	"fmt"
	"os"
	"slices"
	"time"
)

// EntryFilter selects attempts. Zero fields select everything.
type EntryFilter struct {
	Since  time.Time // attempts whose Entry.Time is at or after this time
	Until  time.Time // attempts whose Entry.Time is before this time
	Status string    // only this Status: one of the Outcome constants or StatusNoOutcome
	Action string    // only this Action: ActionDeactivate or ActionReactivate
}

// Match reports whether f selects e.
func (f EntryFilter) Match(e Entry) bool {
	return (f.Since.IsZero() || !e.Time.Before(f.Since)) &&
		(f.Until.IsZero() || e.Time.Before(f.Until)) &&
		(f.Status == "" || e.Status == f.Status) &&
		(f.Action == "" || e.Action == f.Action)
}

// Pager gives the attempts of the audit trail page by page, newest first,
// reading the file backwards only as far as each page needs: for a history
// window over a trail of a million lines. Make one with Log.Pages.
//
// The entries are those of Summaries over Read (one per ID, the intent
// joined with its latest outcome), in the same order, for a trail as Append
// writes it: times that do not go backwards down the file and each attempt's
// outcomes after its intent. Outcomes met before their intent are held until
// it is found. One exception to the order: an attempt whose intent is not in
// the file (an orphan outcome: the intent line damaged or removed) is only
// known to be one at the start of the file, so orphans come after every
// other entry, newest first among themselves. In a trail that breaks the
// rules above (a clock set back, a file edited by hand) the order may
// differ near the break, but no attempt is lost or given twice: a record
// met after its attempt was returned is dropped.
//
// The pager sees the file as it was at the first Next; records appended
// later are not shown (make a new Pager). It keeps no file open between
// calls and takes the shared lock only while it reads a chunk, so appends
// never wait for a history window. It is not safe for concurrent use.
type Pager struct {
	log     *Log
	f       EntryFilter
	started bool
	eof     bool // the start of the file has been read
	done    bool
	size    int64
	fi      os.FileInfo
	rl      *reverseLines
	rd      *revDecoder // over rl
	stats   ReadStats
	reads   int     // calls of readLine, for the context checks
	err     error   // a failure to read: every later Next returns it
	held    []Entry // gathered by a Next that was cancelled, for the next one

	low     time.Time           // the earliest time among the records read
	open    map[string]*attempt // attempts with records read, not returned yet
	ready   attemptHeap         // those whose intent was read
	gone    map[string]struct{} // IDs returned or filtered out
	orphans []*attempt          // at the start of the file: the attempts left without an intent
}

// Pages returns a Pager over the attempts that match f.
func (l *Log) Pages(f EntryFilter) *Pager {
	return &Pager{log: l, f: f, open: map[string]*attempt{}, gone: map[string]struct{}{}}
}

// More reports whether Next may return more entries.
func (p *Pager) More() bool { return !p.done || len(p.held) > 0 }

// Stats counts the lines read so far and the damaged ones among them.
func (p *Pager) Stats() ReadStats { return p.stats }

// Next returns up to n more entries, newest first; fewer (maybe none) only
// when there are no more, after which More is false. A missing file has no
// entries. After the context is cancelled, Next may be called again and
// goes on where it stopped; after a failure to read the file, it returns
// that error again.
func (p *Pager) Next(ctx context.Context, n int) ([]Entry, error) {
	if n <= 0 {
		return nil, fmt.Errorf("audit: a page of %d entries", n)
	}
	if p.err != nil {
		return nil, p.err
	}
	held := p.held
	p.held = nil
	if len(held) > n {
		p.held = held[n:]
		return held[:n], nil
	}
	if p.done {
		return held, nil
	}
	out, err := p.next(ctx, n, held)
	if err != nil {
		if ctx.Err() == nil {
			p.err = err
		} else {
			p.held = out
		}
		return nil, err
	}
	return out, nil
}

// next adds up to n entries to out (what an earlier, cancelled call gathered).
func (p *Pager) next(ctx context.Context, n int, out []Entry) ([]Entry, error) {
	if len(out) == n {
		return out, nil
	}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("audit: %w", err)
	}
	file, err := p.reopen()
	if err != nil {
		return out, err
	}
	if file == nil { // no audit trail yet
		p.done = true
		return out, nil
	}
	defer file.Close()
	p.rl.r = sharedReader{file}
	out, err = p.fill(ctx, n, out)
	if err != nil {
		return out, err
	}
	if p.eof && p.ready.Len() == 0 && p.orphans != nil && len(p.orphans) == 0 {
		p.done = true
	}
	return out, nil
}

// fill reads the file backwards until out holds n entries or no entry is
// left to come.
func (p *Pager) fill(ctx context.Context, n int, out []Entry) ([]Entry, error) {
	for len(out) < n {
		full, err := p.emitReady(&out, n)
		if err != nil || full {
			return out, err
		}
		if p.eof {
			return out, p.emitOrphans(&out, n)
		}
		if p.stats.Lines%256 == 0 && p.pastSince() {
			p.done = true
			return out, nil
		}
		if err := p.readLine(ctx); err != nil {
			return out, err
		}
	}
	return out, nil
}

// emitOrphans moves, once the start of the file is read, the attempts left
// without an intent into out until it holds n entries; done when none is left.
func (p *Pager) emitOrphans(out *[]Entry, n int) error {
	if p.orphans == nil {
		p.collectOrphans()
	}
	for len(p.orphans) > 0 && len(*out) < n {
		a := p.orphans[0]
		p.orphans = p.orphans[1:]
		e, ok, err := p.entry(a)
		if err != nil {
			return err
		}
		if ok {
			*out = append(*out, e)
		}
	}
	if len(p.orphans) == 0 {
		p.done = true
	}
	return nil
}

// reopen opens the file for one Next: the first time it takes the snapshot.
func (p *Pager) reopen() (*os.File, error) {
	if !p.started {
		p.started = true
		file, size, err := openSnapshot(p.log.path)
		if err != nil || file == nil {
			return nil, err
		}
		fi, err := file.Stat()
		if err != nil {
			file.Close()
			return nil, fmt.Errorf("audit: reading %s: %w", p.log.path, err)
		}
		p.fi, p.size = fi, size
		p.rl = newReverseLines(nil, size, 16<<10)
		p.rd = newRevDecoder(p.rl, func(line []byte, d *decoded) { d.rec, d.ok = decodeLine(line, true) })
		return file, nil
	}
	if p.fi == nil {
		return nil, nil
	}
	file, err := openTrail(p.log.path, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("audit: reading %s: %w", p.log.path, err)
	}
	if !os.SameFile(fi, p.fi) || fi.Size() < p.size {
		file.Close()
		return nil, fmt.Errorf("audit: %s was replaced or cut short while its history was open", p.log.path)
	}
	return file, nil
}

// emitReady moves the ready attempts that no record still unread can come
// before into out, and reports whether out is full. Unread records are
// earlier in the file, so (in a trail whose times never go backwards) no
// later than the earliest time read: an attempt that began after it is final.
func (p *Pager) emitReady(out *[]Entry, n int) (bool, error) {
	for p.ready.Len() > 0 && (p.eof || p.ready[0].time().After(p.low)) {
		a := heap.Pop(&p.ready).(*attempt)
		e, ok, err := p.entry(a)
		if err != nil {
			return false, err
		}
		if ok {
			*out = append(*out, e)
			if len(*out) == n {
				return true, nil
			}
		}
	}
	return false, nil
}

// pastSince reports whether nothing still to come can be at or after Since.
func (p *Pager) pastSince() bool {
	if p.f.Since.IsZero() || p.low.IsZero() || !p.low.Before(p.f.Since) {
		return false
	}
	if p.ready.Len() > 0 && !p.ready[0].time().Before(p.f.Since) {
		return false
	}
	for _, a := range p.open {
		if a.intent == nil && !a.outcome.time.Before(p.f.Since) {
			return false // it may be an orphan, shown at its outcome's time
		}
	}
	return true
}

// readLine reads the line before the last one read and adds its record.
func (p *Pager) readLine(ctx context.Context) error {
	if p.reads++; p.reads%1024 == 0 {
		if err := ctx.Err(); err != nil { // before a line is taken, so that none is lost
			return fmt.Errorf("audit: %w", err)
		}
	}
	d, err := p.rd.next()
	if err != nil {
		return fmt.Errorf("audit: reading %s: %w", p.log.path, err)
	}
	if d == nil {
		p.eof = true
		return nil
	}
	p.stats.Lines++
	r := d.rec
	if !d.ok {
		p.stats.Skipped++
		return nil
	}
	if p.low.IsZero() || r.Time.Before(p.low) {
		p.low = r.Time
	}
	if _, ok := p.gone[r.ID]; ok {
		return nil // a record out of place; its attempt has been returned
	}
	a := p.open[r.ID]
	if a == nil {
		a = &attempt{id: r.ID, idx: -1}
		p.open[r.ID] = a
	}
	a.add(r, d.off, d.n)
	switch {
	case a.idx >= 0:
		heap.Fix(&p.ready, a.idx)
	case a.intent != nil:
		heap.Push(&p.ready, a)
	}
	return nil
}

// collectOrphans takes, at the start of the file, the attempts that never
// found their intent, in the order of Summaries.
func (p *Pager) collectOrphans() {
	p.orphans = []*attempt{}
	for _, a := range p.open {
		if a.intent == nil {
			p.orphans = append(p.orphans, a)
		}
	}
	slices.SortFunc(p.orphans, func(a, b *attempt) int {
		switch {
		case a.before(b):
			return -1
		case b.before(a):
			return 1
		}
		return 0
	})
}

// entry finishes a and returns its Entry if the filter selects it.
func (p *Pager) entry(a *attempt) (Entry, bool, error) {
	delete(p.open, a.id)
	p.gone[a.id] = struct{}{}
	e := Entry{ID: a.id, Time: a.time(), Action: a.action(), Status: StatusNoOutcome}
	if a.outcome != nil {
		e.Status = a.outcome.outcome
	}
	if !p.f.Match(e) { // on the fields decoded so far
		return Entry{}, false, nil
	}
	var err error
	if e.Intent, err = p.full(a.intent); err != nil {
		return Entry{}, false, err
	}
	if e.Outcome, err = p.full(a.outcome); err != nil {
		return Entry{}, false, err
	}
	e.finish()
	return e, true, nil
}

// full reads r's line again and decodes all of it.
func (p *Pager) full(r *rawRecord) (*Record, error) {
	if r == nil {
		return nil, nil
	}
	line := make([]byte, r.len)
	if _, err := p.rl.r.ReadAt(line, r.off); err != nil {
		return nil, fmt.Errorf("audit: reading %s: %w", p.log.path, err)
	}
	rec, ok := parseLine(line)
	if !ok || !rec.Time.Equal(r.time) || rec.Outcome != r.outcome {
		return nil, fmt.Errorf("audit: %s changed while its history was open", p.log.path)
	}
	return &rec, nil
}

// attempt gathers the records of one ID read so far.
type attempt struct {
	id              string
	intent, outcome *rawRecord // the earliest intent, the latest outcome
	maxTime         time.Time  // the latest record, by time then position:
	maxOff          int64      // Summaries' tie-break between attempts
	idx             int        // in the ready heap, or -1
}

// rawRecord is what the pager needs of a record, and where its line is, to
// decode it fully if it is shown.
type rawRecord struct {
	time            time.Time
	action, outcome string
	off             int64
	len             int
}

// add joins r (a line of n bytes at offset off) as Summaries does.
func (a *attempt) add(r Record, off int64, n int) {
	if a.maxTime.IsZero() || r.Time.After(a.maxTime) || (r.Time.Equal(a.maxTime) && off > a.maxOff) {
		a.maxTime, a.maxOff = r.Time, off
	}
	keep := func() *rawRecord {
		return &rawRecord{time: r.Time, action: r.Action, outcome: r.Outcome, off: off, len: n}
	}
	switch r.Event {
	case EventIntent:
		if a.intent == nil || r.Time.Before(a.intent.time) {
			a.intent = keep()
		}
	case EventOutcome:
		if a.outcome == nil || r.Time.After(a.outcome.time) {
			a.outcome = keep()
		}
	}
}

// time is the attempt's Entry.Time.
func (a *attempt) time() time.Time {
	if a.intent != nil {
		return a.intent.time
	}
	return a.outcome.time
}

// action is the attempt's Entry.Action.
func (a *attempt) action() string {
	r := a.intent
	if r == nil {
		r = a.outcome
	}
	if r.action == "" {
		return ActionDeactivate
	}
	return r.action
}

// before reports whether a comes before b in Summaries' order: newer
// first; among equal times, the one with the later latest record.
func (a *attempt) before(b *attempt) bool {
	if ta, tb := a.time(), b.time(); !ta.Equal(tb) {
		return ta.After(tb)
	}
	if !a.maxTime.Equal(b.maxTime) {
		return a.maxTime.After(b.maxTime)
	}
	return a.maxOff > b.maxOff
}

// attemptHeap orders the ready attempts, the first to return on top.
type attemptHeap []*attempt

func (h attemptHeap) Len() int           { return len(h) }
func (h attemptHeap) Less(i, j int) bool { return h[i].before(h[j]) }
func (h attemptHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *attemptHeap) Push(x any) {
	a := x.(*attempt)
	a.idx = len(*h)
	*h = append(*h, a)
}
func (h *attemptHeap) Pop() any {
	old := *h
	a := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	a.idx = -1
	return a
}
