package secrets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// errNoSessionBus is why the keyring is unavailable when no D-Bus session bus
// is known: the Secret Service is reached through that bus.
var errNoSessionBus = errors.New("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no bus socket in the runtime folder")

// checkBus reports errNoSessionBus unless a session bus is already known, the
// way go-keyring's D-Bus library looks for one before it falls back to
// starting `dbus-launch`. That fallback is never wanted: the program found on
// PATH would inherit this process's environment, and it leaves a bus daemon
// behind. With no bus the keyring is simply unavailable (the secret is then
// kept for this session only, as the README says).
func checkBus() error {
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return nil
	}
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = fmt.Sprintf("/run/user/%d", os.Getuid())
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	return errNoSessionBus
}
