package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// exportBlock is how much of the file one worker turns into CSV at a time.
const exportBlock = 1 << 20

// csvJob is a block of whole lines of the file and its CSV.
type csvJob struct {
	data  []byte // lines; empty for a line longer than MaxLine
	long  bool   // the block is one line longer than MaxLine, not read
	out   []byte
	ends  []int // scratch: where each line of data ends, after its newline
	stats ReadStats
	err   error
	done  chan struct{}
}

// exportCSV is ExportCSV without Limit: it reads the file backwards in
// blocks of whole lines, turns each block into CSV rows (its lines from last
// to first) on every core, and writes the blocks' rows in order. Memory is
// a few blocks per core.
func exportCSV(ctx context.Context, path string, w io.Writer, f Filter) (ReadStats, error) {
	var stats ReadStats
	file, size, err := openSnapshot(path)
	if err != nil {
		return stats, err
	}
	if _, err := io.WriteString(w, strings.Join(csvHeader, ",")+"\n"); err != nil {
		return stats, fmt.Errorf("writing CSV: %w", err)
	}
	if file == nil {
		return stats, nil
	}
	defer file.Close()
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel: the reader may be waiting to send
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	ordered, work := make(chan *csvJob, 2*workers), make(chan *csvJob, 2*workers)
	wg.Go(func() { readBlocksBackwards(ctx, sharedReader{file}, size, ordered, work) })
	for range workers {
		wg.Go(func() {
			var r View
			var scratch []byte
			for job := range work {
				scratch = job.rows(&r, f, scratch)
				close(job.done)
			}
		})
	}
	for job := range ordered {
		select {
		case <-job.done:
		case <-ctx.Done():
			return stats, ctx.Err()
		}
		if job.err != nil {
			return stats, fmt.Errorf("audit: reading %s: %w", path, job.err)
		}
		stats.Lines += job.stats.Lines
		stats.Skipped += job.stats.Skipped
		if _, err := w.Write(job.out); err != nil {
			return stats, fmt.Errorf("writing CSV: %w", err)
		}
		putBlock(job.data)
		putBlock(job.out)
	}
	return stats, ctx.Err()
}

// readBlocksBackwards cuts the first size bytes of r into blocks of whole
// lines, from the end, and sends each to ordered (for the order) and work
// (for a worker). A line longer than MaxLine is sent as a block of its own,
// marked long, without its bytes.
func readBlocksBackwards(ctx context.Context, r io.ReaderAt, size int64, ordered, work chan<- *csvJob) {
	defer close(ordered)
	defer close(work)
	send := func(job *csvJob) bool {
		for _, ch := range []chan<- *csvJob{ordered, work} {
			select {
			case ch <- job:
			case <-ctx.Done():
				return false
			}
		}
		return true
	}
	end := size       // the bytes from end on are sent
	skipping := false // the line that ends at end is longer than a block
	for end > 0 {
		start := max(0, end-exportBlock)
		buf, err := readBlock(r, start, end)
		if err != nil {
			job := &csvJob{err: err, done: make(chan struct{})}
			close(job.done)
			send(job)
			return
		}
		if skipping {
			i := bytes.LastIndexByte(buf, '\n')
			if i < 0 && start > 0 {
				end = start // still inside the long line
				continue
			}
			if !send(&csvJob{long: true, done: make(chan struct{})}) {
				return
			}
			skipping, end = false, start+int64(i+1)
			continue
		}
		cut := 0 // where the first whole line of buf starts
		if start > 0 {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 || i == len(buf)-1 {
				skipping, end = true, start // the line ending at end is longer than a block
				continue
			}
			cut = i + 1
		}
		if !send(&csvJob{data: buf[cut:], done: make(chan struct{})}) {
			return
		}
		end = start + int64(cut)
	}
}

// rows turns the job's lines, from the last to the first, into CSV rows of
// the records f selects, and counts them as Scan does.
func (job *csvJob) rows(r *View, f Filter, scratch []byte) []byte {
	if job.long {
		job.stats = ReadStats{Lines: 1, Skipped: 1}
		return scratch
	}
	all := f.Since.IsZero() && f.Until.IsZero() && f.Outcome == ""
	data, out := job.data, getBlock(len(job.data))[:0]
	// The lines, found front to back (IndexByte is much faster than
	// LastIndexByte), then taken back to front.
	ends := job.ends[:0]
	for i := 0; i < len(data); {
		k := bytes.IndexByte(data[i:], '\n')
		if k < 0 {
			k = len(data) - i // the last line of the file, without a newline
		}
		i += k + 1
		ends = append(ends, min(i, len(data)+1))
	}
	job.ends = ends
	for n := len(ends) - 1; n >= 0; n-- {
		from := 0
		if n > 0 {
			from = ends[n-1]
		}
		line := data[from : ends[n]-1]
		if blank(line) {
			continue
		}
		if out, scratch = job.row(out, line, r, f, all, scratch); job.err != nil {
			return scratch
		}
	}
	job.out = out
	return scratch
}

// row counts line and appends its CSV row to out if it is a record f selects.
func (job *csvJob) row(out, line []byte, r *View, f Filter, all bool, scratch []byte) ([]byte, []byte) {
	job.stats.Lines++
	switch {
	case len(line) > MaxLine:
		job.stats.Skipped++
	case r.Decode(line):
		if all || rawMatch(r, f) {
			out, scratch = appendCSVRow(out, r, line, scratch)
		}
	default:
		rec, ok := parseLine(line)
		if !ok {
			job.stats.Skipped++
			break
		}
		if f.match(rec) {
			b := bytes.NewBuffer(out)
			job.err = slowCSVRow(b, rec)
			out = b.Bytes()
		}
	}
	return out, scratch
}

// rawMatch is Filter.match for a line View.Decode took.
func rawMatch(r *View, f Filter) bool {
	if f.Outcome != "" && string(r.Outcome) != f.Outcome {
		return false
	}
	if f.Since.IsZero() && f.Until.IsZero() {
		return true
	}
	t := r.Time()
	return (f.Since.IsZero() || !t.Before(f.Since)) && (f.Until.IsZero() || t.Before(f.Until))
}

// readBlock reads the bytes [start, end) of r.
func readBlock(r io.ReaderAt, start, end int64) ([]byte, error) {
	buf := getBlock(int(end - start))
	if n, err := r.ReadAt(buf, start); n < len(buf) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // the file is shorter than when the read began
		}
		return nil, err
	}
	return buf, nil
}

// blocks are the buffers of exportCSV's blocks, used again.
var blocks sync.Pool

// getBlock returns a buffer of n bytes, from blocks when it has one.
func getBlock(n int) []byte {
	if b, ok := blocks.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]byte, n, max(n, exportBlock+exportBlock/2))
}

// putBlock gives b back to blocks.
func putBlock(b []byte) {
	if cap(b) >= exportBlock {
		blocks.Put(&b)
	}
}
