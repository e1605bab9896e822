package fhir

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"abha-deactivate/storage/audit"
)

// chunkSize is how much of the trail a worker exports at a time (a
// variable for the tests, which make chunks small).
var chunkSize = 256 << 10

// Options are what Export exports.
type Options struct {
	Since time.Time // records at or after this time (zero: from the start)
	Until time.Time // records before this time (zero: to the end)
	Host  string    // the workstation's name; os.Hostname when empty
	// Workers is how many chunks are exported at once; 0 means GOMAXPROCS.
	Workers int
}

// Stats tell what Export read and wrote.
type Stats struct {
	Lines     int // non-blank lines read
	Skipped   int // damaged lines (not records), skipped
	Events    int // AuditEvents written
	NoOutcome int // of them, attempts whose intent has no outcome record
}

// Export writes to w one FHIR R4 AuditEvent a line (NDJSON) for each
// attempt of the trail in the period:
//
//   - one for each outcome record, in the order of the file (oldest first,
//     the order a collector wants); an attempt whose outcome was unknown and
//     later settled by a status check has two, both with its audit ID;
//   - then one for each intent without any outcome record (the app closed
//     during the call, or the call still running), as outcome unknown
//     (code 8, outcome detail "no-outcome"), oldest first: whether an intent
//     has an outcome is only known once the file has been read to its end.
//
// Intents are not exported on their own: an outcome record holds what its
// intent did. The file is read forward in chunks, exported on every core,
// and written in order; memory stays small however long the trail is. The
// trail is read as it was when Export began.
func Export(ctx context.Context, trail *audit.Log, opt Options, w io.Writer) (Stats, error) {
	if opt.Host == "" {
		opt.Host, _ = os.Hostname()
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	chunks, err := trail.Chunks()
	if err != nil {
		return Stats{}, fmt.Errorf("export the audit trail: %w", err)
	}
	defer chunks.Close()
	ex := &exporter{opt: opt, host: jsonText(opt.Host), chunks: chunks, bw: bufio.NewWriterSize(w, 64<<10),
		open: map[string]int64{}}
	if err := ex.run(ctx); err != nil {
		return ex.stats, err
	}
	if err := ex.noOutcomes(ctx); err != nil {
		return ex.stats, err
	}
	if err := ex.bw.Flush(); err != nil {
		return ex.stats, fmt.Errorf("write the AuditEvents: %w", err)
	}
	return ex.stats, nil
}

// exporter is one run of Export.
type exporter struct {
	opt    Options
	host   string // JSON-escaped
	chunks *audit.Chunks
	bw     *bufio.Writer
	open   map[string]int64 // intents in the period without an outcome so far: ID to line offset
	stats  Stats
}

// run exports the outcome records, chunk by chunk on opt.Workers workers,
// and writes them in order.
func (ex *exporter) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inFlight := 2 * ex.opt.Workers
	jobs := make(chan *job, inFlight)
	order := make(chan *job, inFlight)
	free := make(chan *result, inFlight+ex.opt.Workers+2) // results to reuse
	bufs := make(chan []byte, inFlight+ex.opt.Workers+2)  // input buffers to reuse
	readErr := make(chan error, 1)
	for range ex.opt.Workers {
		go func() {
			wk := &worker{since: ex.opt.Since, until: ex.opt.Until, host: ex.host}
			for j := range jobs {
				var r *result
				select {
				case r = <-free:
				default:
					r = new(result)
				}
				wk.run(j, r)
				j.done <- r
			}
		}()
	}
	go func() { readErr <- ex.read(ctx, jobs, order, bufs) }()
	var writeErr error
	for j := range order {
		r := <-j.done
		ex.take(r)
		if writeErr == nil {
			if _, writeErr = ex.bw.Write(r.out); writeErr != nil {
				cancel() // stop reading; the chunks in flight are still drained
			}
		}
		select {
		case bufs <- r.in:
		default:
		}
		select {
		case free <- r:
		default:
		}
	}
	if writeErr != nil {
		return fmt.Errorf("write the AuditEvents: %w", writeErr)
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("export the audit trail: %w", err)
	}
	return nil
}

// read sends the trail's chunks to the workers, and in the same order to
// the writer, until the end of the file or an error; then closes both.
func (ex *exporter) read(ctx context.Context, jobs, order chan<- *job, bufs <-chan []byte) error {
	defer close(order)
	defer close(jobs)
	for seq := 0; ; seq++ {
		var buf []byte
		select {
		case buf = <-bufs: // a chunk the writer is done with
		default:
		}
		if cap(buf) < chunkSize {
			buf = make([]byte, 0, chunkSize)
		}
		in, off, err := ex.chunks.Next(ctx, buf)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		j := &job{seq: seq, in: in, off: off, done: make(chan *result, 1)}
		select {
		case order <- j: // blocks while the writer is inFlight chunks behind
		case <-ctx.Done():
			return ctx.Err()
		}
		jobs <- j
	}
}

// take counts r and notes its intents and outcomes.
func (ex *exporter) take(r *result) {
	ex.stats.Lines += r.lines
	ex.stats.Skipped += r.skipped
	ex.stats.Events += r.events
	for _, id := range r.outcomes {
		delete(ex.open, id)
	}
	for _, p := range r.intents {
		ex.open[p.id] = p.off
	}
}

// noOutcomes writes the intents left without an outcome, oldest first.
func (ex *exporter) noOutcomes(ctx context.Context) error {
	offs := make([]int64, 0, len(ex.open))
	for _, off := range ex.open {
		offs = append(offs, off)
	}
	slices.Sort(offs)
	wk := &worker{host: ex.host}
	var line, out []byte
	for _, off := range offs {
		var err error
		if line, err = ex.chunks.LineAt(ctx, off, line); err != nil {
			return fmt.Errorf("export the audit trail: %w", err)
		}
		v := &wk.view
		if !v.Decode(line) {
			rec, ok := audit.ParseLine(line)
			if !ok {
				continue // read as an intent a moment ago: the file changed under the export
			}
			wk.scratch = viewOf(rec, v, wk.scratch)
		}
		out = appendEvent(out[:0], &event{v: v, outcome: []byte(NoOutcome), host: ex.host})
		if _, err := ex.bw.Write(out); err != nil {
			return fmt.Errorf("write the AuditEvents: %w", err)
		}
		ex.stats.Events++
		ex.stats.NoOutcome++
	}
	return nil
}
