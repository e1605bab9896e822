//go:build !unix

package audit

// nonBlock: Windows has no O_NONBLOCK; a named pipe there is not a path in
// the trail's folder, and Stat refuses other non-regular files first.
const nonBlock = 0
