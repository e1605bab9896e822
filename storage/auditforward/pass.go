package auditforward

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"
)

// pass is one Forward: the cursor, the open trail.
type pass struct {
	s   *Sender
	f   *os.File
	cur Cursor
	res Result
}

// run checks the cursor, then sends batch after batch until none is left
// or one fails.
func (p *pass) run(ctx context.Context) (Result, error) {
	fi, err := p.f.Stat()
	if err != nil {
		return p.res, fmt.Errorf("audit forwarding: reading the trail: %w", err)
	}
	size := fi.Size()
	if err := p.start(size); err != nil {
		return p.res, err
	}
	for p.cur.Offset < size {
		b, err := readBatch(ctx, p.f, p.cur.Offset, size, batchLines, batchBytes)
		if err != nil {
			return p.res, err
		}
		if b.end == p.cur.Offset {
			break // only a line still being written
		}
		if len(b.lines) > 0 {
			if err := p.s.send(ctx, b.lines); err != nil {
				return p.failed(ctx, size, err)
			}
		}
		p.cur.Offset, p.cur.Sent = b.end, p.cur.Sent+int64(len(b.lines))
		if b.lastHash != "" {
			p.cur.LastHash = b.lastHash
		}
		p.cur.Time, p.cur.Failed, p.cur.Error, p.cur.Collector = p.s.now().UTC(), time.Time{}, "", p.s.cfg.URL
		if err := saveCursor(p.s.trail, p.cur); err != nil {
			return p.res, err
		}
		p.res.Sent += len(b.lines)
	}
	n, err := countPending(ctx, p.f, p.cur.Offset, size)
	p.res.Pending = n
	return p.res, err
}

// start loads the cursor and checks it against the trail of the given size. One that does
// not match is kept aside (cursor file + ".mismatch-UNIXTIME") and
// forwarding starts again from the beginning of the trail: the collector
// may then hold some records twice, which `audit verify --against` names,
// but no record is skipped.
func (p *pass) start(size int64) error {
	cur, err := LoadCursor(p.s.trail)
	if err != nil {
		p.res.Reset = err.Error()
		cur = Cursor{}
	}
	if err := checkCursor(p.f, size, cur); err != nil {
		p.res.Reset = err.Error()
		aside := CursorPath(p.s.trail) + ".mismatch-" + strconv.FormatInt(p.s.now().Unix(), 10)
		if rerr := os.Rename(CursorPath(p.s.trail), aside); rerr != nil {
			return fmt.Errorf("audit forwarding: %s; keeping the old cursor aside failed: %w", err.Error(), rerr)
		}
		cur = Cursor{}
	}
	p.cur = cur
	return nil
}

// failed records a failed delivery in the cursor and counts what is pending.
func (p *pass) failed(ctx context.Context, size int64, sendErr error) (Result, error) {
	p.cur.Failed, p.cur.Error = p.s.now().UTC(), sendErr.Error()
	serr := saveCursor(p.s.trail, p.cur)
	n, cerr := countPending(ctx, p.f, p.cur.Offset, size)
	p.res.Pending = n
	return p.res, errors.Join(fmt.Errorf("%w: %w", ErrUnreachable, sendErr), serr, cerr)
}

// send delivers lines over one connection and waits for the collector to
// acknowledge them (see the package documentation).
func (s *Sender) send(ctx context.Context, lines [][]byte) error {
	conn, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := conn.SetWriteDeadline(s.now().Add(s.write)); err != nil {
		return fmt.Errorf("setting a time limit: %w", err)
	}
	w := bufio.NewWriterSize(conn, 32<<10)
	for _, line := range lines {
		if _, err := w.Write(Frame(Message(line, s.origin))); err != nil {
			return fmt.Errorf("sending to %s: %w", s.cfg.URL, err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("sending to %s: %w", s.cfg.URL, err)
	}
	return s.awaitClose(conn)
}

// closeWriter is a connection whose sending side can be closed alone.
type closeWriter interface {
	net.Conn
	CloseWrite() error
}

// awaitClose closes the sending side and waits for the collector's close:
// the acknowledgement.
func (s *Sender) awaitClose(conn closeWriter) error {
	if err := conn.CloseWrite(); err != nil {
		return fmt.Errorf("closing the connection to %s: %w", s.cfg.URL, err)
	}
	if err := conn.SetReadDeadline(s.now().Add(s.ack)); err != nil {
		return fmt.Errorf("setting a time limit: %w", err)
	}
	if _, err := io.Copy(io.Discard, conn); err != nil {
		return fmt.Errorf("%s did not confirm it received the records: %w", s.cfg.URL, err)
	}
	return nil
}

// connect dials the collector and, for tls://, completes the handshake.
func (s *Sender) connect(ctx context.Context) (closeWriter, error) {
	t, err := parseURL(s.cfg.URL)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, s.dial)
	defer cancel()
	nd := &net.Dialer{Timeout: s.dial}
	if !t.tls {
		c, err := nd.DialContext(dctx, "tcp", t.addr)
		if err != nil {
			return nil, fmt.Errorf("connecting to %s: %w", s.cfg.URL, err)
		}
		return c.(*net.TCPConn), nil
	}
	cfg, err := s.cfg.tlsConfig(t)
	if err != nil {
		return nil, err
	}
	c, err := (&tls.Dialer{NetDialer: nd, Config: cfg}).DialContext(dctx, "tcp", t.addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", s.cfg.URL, err)
	}
	return c.(*tls.Conn), nil
}
