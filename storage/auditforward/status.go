package auditforward

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"abha-deactivate/storage/audit"
)

// Status is what the desk shows about forwarding.
type Status struct {
	Pending int       `json:"pending"`                // whole records not yet acknowledged
	Last    time.Time `json:"lastForwarded,omitzero"` // when a batch was last acknowledged
	Failed  time.Time `json:"lastFailed,omitzero"`    // when the last attempt failed, if after Last
	Error   string    `json:"error,omitempty"`        // why it failed
	// Mismatch: the cursor does not match the trail (the next pass sends
	// the whole trail again).
	Mismatch string `json:"mismatch,omitempty"`
}

// Stale reports whether records have waited too long: some are pending and
// nothing was acknowledged within limit (or ever).
func (s Status) Stale(now time.Time, limit time.Duration) bool {
	return s.Pending > 0 && (s.Last.IsZero() || now.Sub(s.Last) > limit)
}

// ReadStatus reads the cursor and counts the records after it.
func ReadStatus(ctx context.Context, trail string) (Status, error) {
	cur, err := LoadCursor(trail)
	if err != nil {
		return Status{}, err
	}
	st := Status{Last: cur.Time, Failed: cur.Failed, Error: cur.Error}
	f, err := audit.OpenTrail(trail)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("audit forwarding: opening the trail: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return st, fmt.Errorf("audit forwarding: reading the trail: %w", err)
	}
	from := cur.Offset
	if err := checkCursor(f, fi.Size(), cur); err != nil {
		st.Mismatch, from = err.Error(), 0
	}
	st.Pending, err = countPending(ctx, f, from, fi.Size())
	return st, err
}
