package settings

import (
	"os"
	"path/filepath"
)

// absPath is an absolute path on the OS running the tests.
func absPath() string {
	return filepath.Join(os.TempDir(), "ca.pem")
}
