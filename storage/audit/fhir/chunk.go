package fhir

import (
	"bytes"
	"time"

	"abha-deactivate/storage/audit"
)

// A worker turns one chunk of whole lines into AuditEvents.

// job is a chunk of the trail to export.
type job struct {
	seq  int
	in   []byte // whole lines
	off  int64  // the file offset of in[0]
	done chan *result
}

// result is what a worker made of a job.
type result struct {
	seq      int
	in       []byte // the job's buffer, to reuse
	out      []byte // the AuditEvents of the chunk's outcome records, in order
	intents  []pending
	outcomes []string // IDs of outcomes whose intent is not earlier in the chunk
	lines    int
	skipped  int
	events   int
}

// pending is an intent, in the export's period, whose outcome is not in its chunk.
type pending struct {
	id  string
	off int64 // where its line starts in the file
}

// worker holds what one worker reuses from chunk to chunk.
type worker struct {
	since, until time.Time
	host         string
	view         audit.View
	scratch      []byte
	open         []openIntent // the chunk's intents without an outcome yet
	agents       agentCache
}

// openIntent is an intent of the current chunk, its ID a slice of the chunk.
type openIntent struct {
	id  []byte
	off int64
}

// inPeriod reports whether v's time is in the export's period.
func (w *worker) inPeriod(v *audit.View) bool {
	if w.since.IsZero() && w.until.IsZero() {
		return true
	}
	t := v.Time()
	return (w.since.IsZero() || !t.Before(w.since)) && (w.until.IsZero() || t.Before(w.until))
}

// run exports the chunk of j into r (whose out, intents and outcomes it reuses).
func (w *worker) run(j *job, r *result) {
	*r = result{seq: j.seq, in: j.in, out: r.out[:0], intents: r.intents[:0], outcomes: r.outcomes[:0]}
	if need := 4*len(j.in) + 16<<10; cap(r.out) < need {
		r.out = make([]byte, 0, need) // an AuditEvent is about three times its outcome and intent lines
	}
	w.open = w.open[:0]
	rest, off := j.in, j.off
	for len(rest) > 0 {
		line := rest
		next := len(rest)
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, next = rest[:i], i+1
		}
		w.line(line, off, r)
		rest, off = rest[next:], off+int64(next)
	}
	for _, o := range w.open {
		r.intents = append(r.intents, pending{id: string(o.id), off: o.off})
	}
}

// line exports one line, which starts at off.
func (w *worker) line(line []byte, off int64, r *result) {
	if len(bytes.TrimSpace(line)) == 0 {
		return // blank lines are not records, nor damage
	}
	r.lines++
	v := &w.view
	fast := v.Decode(line)
	if !fast {
		rec, ok := audit.ParseLine(line)
		if !ok {
			r.skipped++
			return
		}
		w.scratch = viewOf(rec, v, w.scratch)
	}
	if string(v.Event) == audit.EventIntent {
		if w.inPeriod(v) {
			id := v.ID
			if !fast {
				id = bytes.Clone(id) // the slow path's ID is in scratch, reused by the next line
			}
			w.open = append(w.open, openIntent{id: id, off: off})
		}
		return
	}
	w.settle(v.ID, r)
	if w.inPeriod(v) {
		r.out = appendEvent(r.out, &event{v: v, outcome: v.Outcome, host: w.host, agents: &w.agents})
		r.events++
	}
}

// settle marks the intent with this ID as having an outcome: in the chunk if
// it is there, else in the result for the intents of earlier chunks.
func (w *worker) settle(id []byte, r *result) {
	for i := len(w.open) - 1; i >= 0; i-- {
		if bytes.Equal(w.open[i].id, id) {
			w.open = append(w.open[:i], w.open[i+1:]...)
			return
		}
	}
	r.outcomes = append(r.outcomes, string(id))
}
