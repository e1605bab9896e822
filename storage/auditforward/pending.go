package auditforward

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"abha-deactivate/storage/audit"
)

// batch is whole trail lines read from an offset.
type batch struct {
	lines    [][]byte // the non-blank lines, without "\n"
	end      int64    // the offset just after the last line read (blank ones included)
	lastHash string   // audit.LineHash of the last line in lines, "" if none
}

// readBatch reads the whole lines of f from offset from up to size, at most
// maxLines non-blank lines and about maxBytes. A last line without "\n" (being
// written, or cut off) is left for later.
func readBatch(ctx context.Context, f io.ReaderAt, from, size int64, maxLines, maxBytes int) (batch, error) {
	b := batch{end: from}
	r := bufio.NewReaderSize(io.NewSectionReader(f, from, size-from), 64<<10)
	read := 0
	for len(b.lines) < maxLines && read < maxBytes {
		if err := ctx.Err(); err != nil {
			return b, fmt.Errorf("audit forwarding: %w", err)
		}
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return b, nil // nothing more, or a line not yet ended
		}
		if err != nil {
			return b, fmt.Errorf("audit forwarding: reading the trail: %w", err)
		}
		b.end += int64(len(line))
		read += len(line)
		line = line[:len(line)-1]
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		b.lines = append(b.lines, line)
		b.lastHash = audit.LineHash(line)
	}
	return b, nil
}

// countPending counts the whole non-blank lines of f between from and size.
func countPending(ctx context.Context, f io.ReaderAt, from, size int64) (int, error) {
	if from >= size {
		return 0, nil
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, from, size-from), 64<<10)
	n := 0
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A very long line: read on to its end.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = r.ReadSlice('\n')
			}
			if err == nil {
				n++
			}
		} else if err == nil && len(bytes.TrimSpace(line)) > 0 {
			n++
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("audit forwarding: reading the trail: %w", err)
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return n, fmt.Errorf("audit forwarding: %w", ctx.Err())
		}
	}
}
