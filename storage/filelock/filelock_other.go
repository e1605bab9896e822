//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package filelock

import "os"

// Lock does nothing on systems without flock or LockFileEx.
func Lock(*os.File, bool) error { return nil }

// Unlock does nothing on systems without flock or LockFileEx.
func Unlock(*os.File) error { return nil }

// TryLock does nothing on systems without flock or LockFileEx.
func TryLock(*os.File) error { return nil }
