//go:build !unix

package settings

import "io/fs"

// checkPolicyOwner checks nothing here: on Windows the machine policy is in
// the registry (HKLM, which only administrators can change), not a file.
func checkPolicyOwner(fs.FileInfo, string, int) error { return nil }
