// Package filelock takes advisory whole-file locks that other processes
// (and other open files of this one) respect: flock on Unix, LockFileEx on
// Windows. The operating system drops a lock when its file is closed or its
// process ends, so a crash never leaves a file locked. Where neither is
// available every call succeeds and locks nothing; callers then rely on
// their own in-process locks.
package filelock

import "errors"

// ErrLocked is TryLock's answer when another open file, in this process or
// another, holds a lock on the file.
var ErrLocked = errors.New("locked")
