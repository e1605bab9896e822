//go:build unix

package audit

import "syscall"

// nonBlock makes opening a FIFO return at once; it changes nothing for a
// regular file, whose reads and writes never block in that sense.
const nonBlock = syscall.O_NONBLOCK
