package audit

import (
	"errors"
	"io"
	"runtime"
	"sync"
)

// Batches of lines the reverse decoder reads at a time: small at first, so
// that a first page or a short Limit reads little, then larger.
const (
	firstBatch = 32
	maxBatch   = 2048
	// Batches at least this long are decoded on every core.
	parallelBatch = 256
)

// decoded is one non-blank line and what decode made of it.
type decoded struct {
	rec    Record
	ok     bool  // a valid record
	long   bool  // a line longer than MaxLine, not read (not ok)
	keep   bool  // for the caller's use (Scan: it matches, and rec is decoded fully)
	off    int64 // where the line starts in the file
	n      int   // its length, without the newline
	at, to int   // the line in revDecoder.buf
}

// revDecoder reads lines from the end of a file like reverseLines and
// decodes them in batches, a batch on every core at once.
type revDecoder struct {
	rl     *reverseLines
	decode func(line []byte, d *decoded) // must be safe to call from several goroutines
	batch  int
	buf    []byte // the lines of the batch
	out    []decoded
	i      int
	eof    bool
}

func newRevDecoder(rl *reverseLines, decode func(line []byte, d *decoded)) *revDecoder {
	return &revDecoder{rl: rl, decode: decode, batch: firstBatch}
}

// next returns the next non-blank line back from the end, decoded, or nil
// at the start of the file. It is valid until the next call.
func (rd *revDecoder) next() (*decoded, error) {
	if rd.i == len(rd.out) {
		if rd.eof {
			return nil, nil
		}
		if err := rd.fill(); err != nil {
			return nil, err
		}
		if len(rd.out) == 0 {
			return nil, nil
		}
	}
	d := &rd.out[rd.i]
	rd.i++
	return d, nil
}

// fill reads and decodes the next batch.
func (rd *revDecoder) fill() error {
	rd.buf, rd.out, rd.i = rd.buf[:0], rd.out[:0], 0
	for len(rd.out) < rd.batch {
		line, off, err := rd.rl.next()
		if errors.Is(err, io.EOF) {
			rd.eof = true
			break
		}
		if err != nil {
			return err
		}
		if rd.rl.long {
			rd.out = append(rd.out, decoded{off: off, long: true, at: len(rd.buf), to: len(rd.buf)})
			continue
		}
		if blank(line) {
			continue
		}
		at := len(rd.buf)
		rd.buf = append(rd.buf, line...)
		rd.out = append(rd.out, decoded{off: off, n: len(line), at: at, to: len(rd.buf)})
	}
	rd.batch = min(2*rd.batch, maxBatch)
	work := func(part []decoded) {
		for k := range part {
			if d := &part[k]; !d.long {
				rd.decode(rd.buf[d.at:d.to], d)
			}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(rd.out) < parallelBatch || workers == 1 {
		work(rd.out)
		return nil
	}
	var wg sync.WaitGroup
	size := (len(rd.out) + workers - 1) / workers
	for from := 0; from < len(rd.out); from += size {
		part := rd.out[from:min(from+size, len(rd.out))]
		wg.Go(func() { work(part) })
	}
	wg.Wait()
	return nil
}
