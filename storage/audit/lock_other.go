//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package audit

import "os"

// lockFile does nothing on systems without flock or LockFileEx; appends
// from one process are still serialised by Log's mutex.
func lockFile(*os.File, bool) error { return nil }

func unlockFile(*os.File) error { return nil }

func tryLockFile(*os.File) error { return nil }
