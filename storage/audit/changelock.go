package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/filelock"
	"abha-deactivate/storage/paths"
)

// ErrChangeInProgress is returned by Journal.Intent when another window or
// terminal on this computer is already deactivating or reactivating the
// same ABHA: nothing is sent for this one.
var ErrChangeInProgress = abdm.ErrAnotherChange

// ChangeLockWait is how long Intent waits for another window's change of
// the same ABHA to finish before it reports ErrChangeInProgress (which it
// does either way: the other change may have succeeded).
const ChangeLockWait = 3 * time.Second

// changeLocks holds, across processes, one lock file per ABHA being changed,
// in the folder "locks" beside the audit trail. A lock file is named by a
// hash of the ABHA number, so the folder tells nobody which ABHAs were
// changed. The operating system drops a lock when its process ends, so a
// crash never leaves an ABHA locked.
type changeLocks struct {
	dir  string
	wait time.Duration
	mu   sync.Mutex
	held map[string]*os.File // by attempt ID
}

func newChangeLocks(auditFile string, wait time.Duration) *changeLocks {
	return &changeLocks{dir: filepath.Join(filepath.Dir(auditFile), "locks"), wait: wait, held: map[string]*os.File{}}
}

// changeKey is the lock file's name for an ABHA number (its digits) or,
// when there is none, an ABHA address.
func changeKey(number, address string) string {
	key := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, number)
	if key == "" {
		key = "address:" + strings.ToLower(strings.TrimSpace(address))
	}
	sum := sha256.Sum256([]byte("abha-deactivate change lock\x00" + key))
	return hex.EncodeToString(sum[:16]) + ".lock"
}

// acquire takes the lock for the ABHA of attempt id, waiting up to c.wait.
func (c *changeLocks) acquire(ctx context.Context, id, number, address string) error {
	if err := paths.MkdirPrivate(c.dir); err != nil {
		return fmt.Errorf("audit: change lock: %w", err)
	}
	name := filepath.Join(c.dir, changeKey(number, address))
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit: change lock: %w", err)
	}
	if err = filelock.TryLock(f); err == nil {
		c.mu.Lock()
		c.held[id] = f
		c.mu.Unlock()
		return nil
	}
	// Another window is changing this ABHA now, and its change may well
	// succeed: this one sends nothing, even if the lock frees up. It waits a
	// little first, so that the other can finish before staff are told.
	deadline := time.Now().Add(c.wait)
	for errors.Is(err, filelock.ErrLocked) && time.Now().Before(deadline) {
		if perr := pause(ctx, 50*time.Millisecond); perr != nil {
			err = perr
			break
		}
		err = filelock.TryLock(f)
	}
	if err == nil {
		_ = filelock.Unlock(f)
		err = filelock.ErrLocked
	}
	f.Close()
	if errors.Is(err, filelock.ErrLocked) {
		return ErrChangeInProgress
	}
	return fmt.Errorf("audit: change lock: %w", err)
}

// release drops the lock of attempt id, if it holds one.
func (c *changeLocks) release(id string) {
	c.mu.Lock()
	f := c.held[id]
	delete(c.held, id)
	c.mu.Unlock()
	if f != nil {
		_ = filelock.Unlock(f)
		f.Close()
	}
}

// pause waits d, or less when ctx ends (its error is returned then).
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
