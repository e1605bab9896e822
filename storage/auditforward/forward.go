package auditforward

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/filelock"
)

// Limits of one pass.
const (
	DefaultDialTimeout  = 5 * time.Second  // TCP connect and TLS handshake
	DefaultWriteTimeout = 10 * time.Second // writing one batch
	DefaultAckTimeout   = 10 * time.Second // waiting for the collector's close
	batchLines          = 1000
	batchBytes          = 4 << 20
)

// ErrUnreachable wraps every failure to deliver: no connection, a refused
// or unverifiable certificate, a broken or unacknowledged connection.
var ErrUnreachable = errors.New("the audit collector could not be reached")

// errBusy: another process is forwarding the same trail now.
var errBusy = errors.New("another window or command is forwarding the audit trail now")

// Result says what one pass did.
type Result struct {
	Sent    int `json:"sent"`    // records acknowledged in this pass
	Pending int `json:"pending"` // records still waiting after it
	// Reset is why the cursor no longer matched the trail, when it did
	// not: the pass then sent the whole trail again.
	Reset string `json:"cursorReset,omitempty"`
	Busy  bool   `json:"busy,omitempty"` // another process was forwarding; nothing done
}

// Sender forwards one trail to one collector. Its methods may be called
// from several goroutines; passes run one at a time, across processes too.
type Sender struct {
	cfg    Config
	trail  string
	origin Origin
	dial   time.Duration
	write  time.Duration
	ack    time.Duration
	now    func() time.Time
	turn   chan struct{} // holds one token: one pass at a time in this process
}

// NewSender checks cfg and returns a Sender of the trail at trail.
func NewSender(trail string, cfg Config) (*Sender, error) {
	if !cfg.Enabled() {
		return nil, errors.New("audit forwarding: no collector configured")
	}
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("audit forwarding: %w", err)
	}
	host, _ := os.Hostname()
	return &Sender{cfg: cfg, trail: trail, origin: Origin{Host: host, PID: os.Getpid()},
		dial: DefaultDialTimeout, write: DefaultWriteTimeout, ack: DefaultAckTimeout, now: time.Now,
		turn: make(chan struct{}, 1)}, nil
}

// SetTimeouts changes the connect, write and acknowledgement limits.
func (s *Sender) SetTimeouts(dial, write, ack time.Duration) {
	s.dial, s.write, s.ack = dial, write, ack
}

// Trail is the trail's path.
func (s *Sender) Trail() string { return s.trail }

// Forward sends every whole record after the cursor, in batches, each
// acknowledged before the cursor moves past it. A failure to deliver
// wraps ErrUnreachable and leaves the records pending.
func (s *Sender) Forward(ctx context.Context) (Result, error) {
	select {
	case s.turn <- struct{}{}:
		defer func() { <-s.turn }()
	case <-ctx.Done():
		return Result{}, fmt.Errorf("audit forwarding: %w", ctx.Err())
	}
	f, err := audit.OpenTrail(s.trail)
	if errors.Is(err, fs.ErrNotExist) {
		return Result{}, nil
	}
	if err != nil {
		return Result{}, fmt.Errorf("audit forwarding: opening the trail: %w", err)
	}
	defer f.Close()
	unlock, err := s.lock()
	if errors.Is(err, errBusy) {
		st, serr := ReadStatus(ctx, s.trail)
		return Result{Busy: true, Pending: st.Pending}, serr
	}
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	p := &pass{s: s, f: f}
	return p.run(ctx)
}

// lock takes the trail's forwarding lock file.
func (s *Sender) lock() (func(), error) {
	lf, err := os.OpenFile(CursorPath(s.trail)+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit forwarding: %w", err)
	}
	if err := filelock.TryLock(lf); err != nil {
		lf.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return nil, errBusy
		}
		return nil, fmt.Errorf("audit forwarding: locking: %w", err)
	}
	return func() { lf.Close() }, nil
}
