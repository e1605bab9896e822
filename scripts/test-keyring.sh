#!/bin/sh
# Runs the storage/secrets tests tagged `secretservice` against a real Secret
# Service: a throwaway gnome-keyring on a private D-Bus session bus, in a
# temporary HOME that is removed afterwards. Needs gnome-keyring,
# libsecret-tools and dbus (scripts/install-deps.sh test). Do not install
# dbus-x11: with it go-keyring auto-launches a bus and leaves daemons behind.
# Extra arguments go to `go test` (e.g. -run, -v).
set -eu
cd "$(dirname "$0")/.."

for tool in dbus-run-session gnome-keyring-daemon secret-tool go; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "test-keyring: $tool is missing (scripts/install-deps.sh test)" >&2
		exit 1
	}
done

# HOME changes below; keep Go's own caches and settings where they are.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH) GOENV=$(go env GOENV)
export GOCACHE GOMODCACHE GOPATH GOENV

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-keyring.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
mkdir -m 0700 "$T/run" "$T/config" "$T/data" "$T/cache"

# The inner script starts the keyring daemon in the foreground as a child it
# can stop, unlocks (creates) its login keyring with a throwaway password,
# waits until it owns org.freedesktop.secrets, runs the tests and stops it.
inner='
printf pass | gnome-keyring-daemon --foreground --unlock --components=secrets >"$HOME/daemon.log" 2>&1 &
daemon=$!
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$daemon" 2>/dev/null; then
		echo "test-keyring: gnome-keyring-daemon did not start:" >&2
		cat "$HOME/daemon.log" >&2
		kill "$daemon" 2>/dev/null
		exit 1
	fi
	sleep 0.1
done
status=0
CGO_ENABLED=1 go test -race -count=1 -tags secretservice "$@" ./storage/secrets/... || status=$?
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
exit $status
'

env HOME="$T" XDG_RUNTIME_DIR="$T/run" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" \
	XDG_CACHE_HOME="$T/cache" DBUS_SESSION_BUS_ADDRESS= \
	dbus-run-session -- sh -c "$inner" test-keyring "$@"
