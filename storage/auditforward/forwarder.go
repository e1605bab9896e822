package auditforward

import (
	"context"
	"errors"
	"time"
)

// Back-off between failed passes while the app runs.
const (
	MinRetry = 2 * time.Second
	MaxRetry = 5 * time.Minute
	// Settle is how long a pass waits after a kick, so that the records
	// of one patient (an intent, then its outcome) or of a busy minute go
	// in one connection and the pass does not compete with the appends.
	Settle = 300 * time.Millisecond
)

// Forwarder runs passes of a Sender in the background: Kick asks for one
// without waiting; kicks while a pass runs are folded into one more pass.
// After a failure it tries again with back-off, from MinRetry doubling up
// to MaxRetry.
type Forwarder struct {
	s      *Sender
	kick   chan struct{}
	report func(Result, error)
	cancel context.CancelFunc
	done   chan struct{}
	minB   time.Duration
	maxB   time.Duration
	settle time.Duration
}

// StartForwarder starts forwarding with s in a goroutine, a first pass at
// once (records left from earlier runs). report, if not nil, is called
// after each pass from that goroutine.
func StartForwarder(s *Sender, report func(Result, error)) *Forwarder {
	ctx, cancel := context.WithCancel(context.Background())
	f := &Forwarder{s: s, kick: make(chan struct{}, 1), report: report, cancel: cancel,
		done: make(chan struct{}), minB: MinRetry, maxB: MaxRetry, settle: Settle}
	f.Kick()
	go f.loop(ctx)
	return f
}

// Kick asks for a pass soon. It never blocks.
func (f *Forwarder) Kick() {
	select {
	case f.kick <- struct{}{}:
	default: // one is already asked for
	}
}

// Sender is the forwarder's sender.
func (f *Forwarder) Sender() *Sender { return f.s }

// Flush runs a pass now and waits for it, within ctx: for a command about
// to end. Records it cannot send stay pending.
func (f *Forwarder) Flush(ctx context.Context) (Result, error) {
	return f.s.Forward(ctx)
}

// Stop ends the background goroutine, interrupting a pass, and waits for it.
func (f *Forwarder) Stop() {
	f.cancel()
	<-f.done
}

// wait lets records settle after a kick; false when the forwarder stops.
func (f *Forwarder) wait(ctx context.Context) bool {
	t := time.NewTimer(f.settle)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		select { // kicks meanwhile are served by this pass
		case <-f.kick:
		default:
		}
		return true
	}
}

func (f *Forwarder) loop(ctx context.Context) {
	defer close(f.done)
	backoff := time.Duration(0)
	var retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.kick:
			if !f.wait(ctx) {
				return
			}
		case <-retry:
		}
		limit := f.s.dial + f.s.write + f.s.ack + 5*time.Second
		pctx, cancel := context.WithTimeout(ctx, limit)
		res, err := f.s.Forward(pctx)
		cancel()
		if f.report != nil && ctx.Err() == nil {
			f.report(res, err)
		}
		switch {
		case err != nil && ctx.Err() == nil:
			backoff = min(max(2*backoff, f.minB), f.maxB)
			retry = time.After(backoff)
		case res.Busy && res.Pending > 0:
			retry = time.After(f.minB) // another process is at it; look again
		case err == nil && res.Pending > 0:
			backoff = 0
			f.Kick() // a batch limit was reached, or more came meanwhile
		default:
			backoff, retry = 0, nil
		}
		if errors.Is(ctx.Err(), context.Canceled) {
			return
		}
	}
}
