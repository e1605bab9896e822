//go:build !linux

package secrets

// checkBus is a D-Bus matter on Linux only: Windows and macOS keep secrets in
// the system's own credential store.
func checkBus() error { return nil }
