package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// hashBlock is how much of the file one worker hashes and decodes at a time.
const hashBlock = 256 << 10

// hashJob is a block of whole lines and what the workers made of them.
type hashJob struct {
	buf   []byte // the memory of the block, kept to read into again
	data  []byte
	lines []seenLine // its non-blank lines, numbered within the block
	phys  int        // lines in the block, blank ones included
	// The block begins with the end of a line longer than MaxLine, whose
	// start was read (and dropped) in earlier blocks.
	longFirst bool
	err       error // reading the block failed
	done      chan struct{}
}

// hashLines reads r front to back in blocks, hashes and decodes the lines
// of each block on every core (newSeenLine), and calls fn with each
// non-blank line in file order, numbered from 1 (blank lines counted). It
// keeps a few blocks in memory at a time, and the longest line.
func hashLines(ctx context.Context, r io.Reader, fn func(*seenLine)) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	ordered := make(chan *hashJob, 2*workers)
	work := make(chan *hashJob, 2*workers)
	free := make(chan *hashJob, 3*workers+2) // blocks done with, to read into again
	wg.Go(func() { readBlocks(ctx, r, ordered, work, free) })
	for range workers {
		wg.Go(func() {
			var scratch lineScratch
			for job := range work {
				job.split(&scratch)
				close(job.done)
			}
		})
	}
	base := 0
	for job := range ordered {
		select {
		case <-job.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if job.err != nil {
			return job.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := range job.lines {
			job.lines[i].n += base
			fn(&job.lines[i])
		}
		base += job.phys
		select {
		case free <- job:
		default:
		}
	}
	return ctx.Err()
}

// readBlocks cuts r into blocks that end at a newline and sends each one to
// ordered (for the order) and work (for a worker). It reads into the blocks
// it gets back on free when there are some.
func readBlocks(ctx context.Context, r io.Reader, ordered, work chan<- *hashJob, free <-chan *hashJob) {
	defer close(ordered)
	defer close(work)
	send := func(job *hashJob) bool {
		select {
		case ordered <- job:
		case <-ctx.Done():
			return false
		}
		select {
		case work <- job:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var carry []byte  // the start of a line cut by the end of the last block
	skipping := false // in a line longer than MaxLine
	for {
		var job *hashJob
		select {
		case job = <-free:
		default:
			job = &hashJob{}
		}
		buf := job.buf
		if cap(buf) < len(carry)+hashBlock {
			buf = make([]byte, len(carry)+hashBlock)
		}
		buf = buf[:len(carry)+hashBlock]
		copy(buf, carry)
		n, err := io.ReadFull(r, buf[len(carry):])
		buf = buf[:len(carry)+n]
		*job = hashJob{buf: buf, lines: job.lines[:0], done: make(chan struct{}), longFirst: skipping}
		last := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !last {
			job.err = fmt.Errorf("reading: %w", err)
			close(job.done)
			send(job)
			return
		}
		job.data = buf
		if !last {
			i := bytes.LastIndexByte(buf, '\n')
			if i < 0 {
				// A line longer than a block, too long to be a record: its
				// bytes are dropped until its end.
				carry, skipping = carry[:0], true
				continue
			}
			job.data, carry, skipping = buf[:i+1], append(carry[:0], buf[i+1:]...), false
		}
		if !send(job) || last {
			return
		}
	}
}

// split cuts the block into lines and hashes and decodes the non-blank ones.
func (job *hashJob) split(scratch *lineScratch) {
	data := job.data
	for first := true; len(data) > 0 || (first && job.longFirst); first = false {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil // the last line of the file, without a newline
		}
		job.phys++
		switch {
		case (first && job.longFirst) || len(line) > MaxLine:
			job.lines = append(job.lines, seenLine{n: job.phys, long: true, hash: longHash})
		case !blank(line):
			job.lines = append(job.lines, newSeenLine(job.phys, line, scratch))
		}
	}
}
