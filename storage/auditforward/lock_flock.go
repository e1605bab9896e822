//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package auditforward

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive lock on f without waiting: errBusy if another
// process (or goroutine) holds it. The lock goes with the process.
func tryLock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case errors.Is(err, unix.EWOULDBLOCK):
			return errBusy
		case !errors.Is(err, unix.EINTR):
			return err
		}
	}
}
