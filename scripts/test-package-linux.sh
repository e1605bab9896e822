#!/usr/bin/env bash
# Checks the Linux tarball as a facility's IT staff would use it: unpacked into an empty
# folder and installed with its own Makefile into an empty prefix, then
#   1. abha-deactivate --version
#   2. the demo (--demo) opens on a private Xvfb display: screenshots/package-linux-demo.png
#   3. a first run with no settings (fresh HOME) and no network (its own network namespace
#      when unshare allows it), traced with strace when present: the wizard opens on Connect,
#      no ABDM call is logged and no Internet socket is connected:
#      screenshots/package-linux-first-run.png
# Each window is closed as a window manager would (WM_DELETE_WINDOW) and must exit with 0.
#
# Usage: scripts/test-package-linux.sh [dist/abha-deactivate-VERSION-linux-amd64.tar.xz]
#        (default: the newest such file in dist/; `make test-package` builds it if missing)
# Environment: EXPECT_VERSION (the version --version must print), STEP_TIMEOUT (default 30 s),
#              KEEP_TMP=1 (keep the temporary folder and print its path).
# Needs: Xvfb, xdotool, ImageMagick (scripts/install-deps.sh test), make, python3 to close
# the window (else SIGTERM) and to check the window icon; optional: strace, unshare
# (scripts/install-deps.sh package).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2012 # our own file names, newest first
TARBALL=${1:-$(ls -t "$ROOT"/dist/abha-deactivate-*-linux-amd64.tar.xz 2>/dev/null | head -n1 || true)}
STEP_TIMEOUT=${STEP_TIMEOUT:-30}
SHOTS="$ROOT/screenshots"
WINDOW_TITLE='ABHA Deactivation'
BAD_OUTPUT=('Error in Fyne call thread' 'panic:' 'DATA RACE' 'X Error of failed request')

say() { printf 'test-package: %s\n' "$*" >&2; }
# shellcheck source=scripts/lib/x11.sh
. "$(dirname "$0")/lib/x11.sh"
[[ -n "$TARBALL" && -f "$TARBALL" ]] || { say "no tarball (make package-linux)"; exit 1; }
case "$TARBALL" in /*) ;; *) TARBALL="$PWD/$TARBALL" ;; esac
for tool in Xvfb xdotool import identify compare make xz; do
	command -v "$tool" >/dev/null 2>&1 || { say "$tool is missing (scripts/install-deps.sh test)"; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-test-package.XXXXXX")
XVFB_PID=""
APP_PID=""
WID=""
RUN=""
ICON_SIZE=""
cleanup() {
	local status=$?
	set +e
	if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
		kill -TERM "$APP_PID"
		for _ in $(seq 30); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$APP_PID" 2>/dev/null
		wait "$APP_PID" 2>/dev/null
	fi
	if [[ -n "$XVFB_PID" ]] && kill -0 "$XVFB_PID" 2>/dev/null; then
		kill -TERM "$XVFB_PID"
		wait "$XVFB_PID" 2>/dev/null
	fi
	if [[ "${KEEP_TMP:-}" == 1 ]]; then say "kept $T"; else rm -rf "$T"; fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	say "FAIL: $*"
	if [[ -n "$WID" ]]; then
		mkdir -p "$SHOTS"
		import -window "$WID" "$SHOTS/package-linux-failure.png" 2>/dev/null && say "window at failure: $SHOTS/package-linux-failure.png"
	fi
	if [[ -n "$RUN" && -f "$RUN/stderr" ]]; then
		say "last lines of the app's output:"
		tail -n 25 "$RUN/stderr" "$RUN/stdout" >&2 || true
	fi
	exit 1
}

# ---------------------------------------------------------------- unpack and install
say "tarball: $TARBALL"
mkdir "$T/unpacked" "$T/prefix"
tar -C "$T/unpacked" -xJf "$TARBALL"
[[ -f "$T/unpacked/abha-deactivate/Makefile" ]] || fail "the tarball has no abha-deactivate/Makefile"
make -s -C "$T/unpacked/abha-deactivate" install PREFIX="$T/prefix" >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log" >&2; fail "make install PREFIX=... failed"; }
APP="$T/prefix/bin/abha-deactivate"
[[ -x "$APP" ]] || fail "no executable at PREFIX/bin/abha-deactivate after make install"
[[ "$(ls -A "$T/prefix/bin")" == abha-deactivate ]] || fail "PREFIX/bin has more than the binary: $(ls -A "$T/prefix/bin")"
DESKTOP=$(find "$T/prefix/share/applications" -name '*.desktop' | head -n1)
[[ -n "$DESKTOP" ]] || fail "no .desktop file installed"
grep -qx 'Name=ABHA Deactivation' "$DESKTOP" || fail "the .desktop file has no Name=ABHA Deactivation"
grep -qx 'Exec=abha-deactivate' "$DESKTOP" || fail "the .desktop file has no Exec=abha-deactivate"
ICON=$(sed -n 's/^Icon=//p' "$DESKTOP")
[[ -f "$T/prefix/share/pixmaps/$ICON.png" ]] || fail "no icon share/pixmaps/$ICON.png for Icon=$ICON"
say "installed: $(cd "$T/prefix" && find . -type f | sort | tr '\n' ' ')"

# ---------------------------------------------------------------- --version
VERSION_OUT=$(cd "$T" && "$APP" --version 2>"$T/version.stderr") || fail "--version exited with $?"
if [[ -s "$T/version.stderr" ]]; then
	say "note: --version also wrote to stderr (LANG=${LANG:-unset}): $(head -c 300 "$T/version.stderr" | tr '\n' ' ')"
fi
[[ "$VERSION_OUT" =~ ^abha-deactivate\ [0-9A-Za-z.+~-]+(\ \([0-9a-f]{7,40}\))?$ ]] || fail "--version printed \"$VERSION_OUT\""
if [[ -n "${EXPECT_VERSION:-}" && "$VERSION_OUT" != "abha-deactivate $EXPECT_VERSION"* ]]; then
	fail "--version printed \"$VERSION_OUT\", expected version $EXPECT_VERSION"
fi
say "--version: $VERSION_OUT"

# ---------------------------------------------------------------- Xvfb
XVFB_PID=""
x11_start_xvfb 80 89 "$T/xvfb.log" && export DISPLAY=":$DISPLAY_NUM"
[[ -n "$XVFB_PID" ]] || fail "could not start Xvfb on any display :80..:89"
say "Xvfb on $DISPLAY"

app_alive() { [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; }

# wait_line ERE WHAT: waits for a line of the app's stderr.
wait_line() {
	local deadline=$((SECONDS + STEP_TIMEOUT))
	until grep -qE -- "$1" "$RUN/stderr"; do
		app_alive || fail "the app exited while waiting for $2"
		((SECONDS < deadline)) || fail "no $2 within ${STEP_TIMEOUT}s"
		sleep 0.05
	done
}

# shot FILE: once the window shows a drawn frame (not one flat colour) that is the same in
# two captures 0.25 s apart.
shot() {
	local rc=0
	x11_stable_shot "$WID" "$1" "$RUN/prev.png" "$STEP_TIMEOUT" || rc=$?
	case $rc in
	1) fail "screenshot of window $WID" ;;
	2) fail "the window stayed blank for ${STEP_TIMEOUT}s" ;;
	esac
}

# close_window: WM_DELETE_WINDOW, as a window manager sends it (python3 and Xlib).
close_window() { x11_close_window "$WID"; }

# window_icon_size: WIDTHxHEIGHT of the first image in the window's _NET_WM_ICON, or "none".
window_icon_size() {
	python3 - "$WID" <<'EOF2'
import ctypes, ctypes.util, sys
x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
P = ctypes.POINTER
x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
                                 ctypes.c_int, ctypes.c_ulong, P(ctypes.c_ulong), P(ctypes.c_int), P(ctypes.c_ulong),
                                 P(ctypes.c_ulong), P(ctypes.c_void_p)]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]
d = x.XOpenDisplay(None)
if not d:
    sys.exit("cannot open display")
atom = x.XInternAtom(d, b"_NET_WM_ICON", 0)
typ, fmt, n, after, data = ctypes.c_ulong(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
x.XGetWindowProperty(d, int(sys.argv[1]), atom, 0, 2, 0, 0, ctypes.byref(typ), ctypes.byref(fmt),
                     ctypes.byref(n), ctypes.byref(after), ctypes.byref(data))
if n.value < 2:
    print("none")
else:
    v = ctypes.cast(data, P(ctypes.c_long))  # format 32 items are longs in Xlib
    print("%dx%d" % (v[0], v[1]))
x.XCloseDisplay(d)
EOF2
}

# Network isolation for the first run: a network namespace of its own (no interfaces up).
NETNS=()
if command -v unshare >/dev/null 2>&1; then
	if unshare -n true 2>/dev/null; then
		NETNS=(unshare -n)
	elif unshare -rn true 2>/dev/null; then
		NETNS=(unshare -rn)
	fi
fi
HAVE_STRACE=""
command -v strace >/dev/null 2>&1 && strace -f -qq -e trace=connect -e signal=none -o /dev/null true 2>/dev/null && HAVE_STRACE=1

# run_app NAME PNG WRAP... -- ARGS...: runs the installed binary with a fresh HOME (and XDG
# folders) from an empty folder, waits for the Connect step and the window, takes PNG,
# closes the window and checks the exit status and output. The run's files stay in $RUN.
run_app() {
	local name=$1 png=$2
	shift 2
	local wrap=()
	while [[ $1 != -- ]]; do wrap+=("$1"); shift; done
	shift
	RUN="$T/$name"
	mkdir -p "$RUN"
	mkdir -m 0700 "$RUN/home" "$RUN/config" "$RUN/data" "$RUN/cache" "$RUN/run" "$RUN/cwd"
	: >"$RUN/stderr"
	: >"$RUN/stdout"
	local trace=()
	[[ -n "$HAVE_STRACE" ]] && trace=(strace -f -qq -e trace=connect -e signal=none -o "$RUN/connect.trace")
	local t0=$SECONDS
	(cd "$RUN/cwd" && exec env -i PATH=/usr/bin:/bin DISPLAY="$DISPLAY" HOME="$RUN/home" \
		XDG_CONFIG_HOME="$RUN/config" XDG_DATA_HOME="$RUN/data" XDG_CACHE_HOME="$RUN/cache" \
		XDG_RUNTIME_DIR="$RUN/run" LANG=en_US.UTF-8 DBUS_SESSION_BUS_ADDRESS="unix:path=$RUN/no-such-bus" \
		${wrap[@]+"${wrap[@]}"} ${trace[@]+"${trace[@]}"} "$APP" "$@") >"$RUN/stdout" 2>"$RUN/stderr" &
	APP_PID=$!
	wait_line 'msg="wizard step shown".* step=connect( |$)' '"wizard step shown" step=connect line'
	local deadline=$((SECONDS + STEP_TIMEOUT))
	until WID=$(xdotool search --onlyvisible --name "^${WINDOW_TITLE}" 2>/dev/null | head -n1) && [[ -n "$WID" ]]; do
		app_alive || fail "the app exited before its window appeared"
		((SECONDS < deadline)) || fail "no window named \"$WINDOW_TITLE\" within ${STEP_TIMEOUT}s"
		sleep 0.05
	done
	sleep 0.4
	mkdir -p "$SHOTS"
	shot "$SHOTS/$png"
	# The window icon (the embedded one): GLFW puts it in _NET_WM_ICON (width, height, pixels).
	if command -v python3 >/dev/null 2>&1; then
		ICON_SIZE=$(window_icon_size) || fail "reading the window's _NET_WM_ICON"
		[[ "$ICON_SIZE" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || fail "the window has no icon (_NET_WM_ICON: $ICON_SIZE)"
	fi
	local how=WM_DELETE_WINDOW
	close_window || { how=SIGTERM; kill -TERM "$APP_PID"; }
	deadline=$((SECONDS + 10))
	while app_alive && ((SECONDS < deadline)); do sleep 0.1; done
	app_alive && fail "the app is still running 10s after $how"
	local status=0
	wait "$APP_PID" || status=$?
	APP_PID=""
	WID=""
	[[ "$how" == WM_DELETE_WINDOW && $status -ne 0 ]] && fail "the app exited with $status after its window was closed"
	local pat
	for pat in "${BAD_OUTPUT[@]}"; do
		grep -qF -- "$pat" "$RUN/stderr" "$RUN/stdout" && fail "the app's output has \"$pat\""
	done
	say "$name: window shown${ICON_SIZE:+ with a ${ICON_SIZE} icon}, screenshots/$png, closed by $how (exit $status) in $((SECONDS - t0)) s"
}

# inet_connects: the connect() calls to IPv4/IPv6 addresses in the trace, if any.
inet_connects() {
	[[ -f "$RUN/connect.trace" ]] || return 0
	grep -E 'connect\(.*sa_family=AF_INET6?' "$RUN/connect.trace" || true
}

# ---------------------------------------------------------------- the demo
run_app demo package-linux-demo.png -- --demo --log-level info
# The simulator runs inside the app: nothing but 127.0.0.1 may be connected.
other=$(inet_connects | grep -v 'inet_addr("127\.0\.0\.1")' || true)
[[ -z "$other" ]] || fail "the demo connected to a non-local address: $other"

# ---------------------------------------------------------------- first run, no network
run_app first-run package-linux-first-run.png ${NETNS[@]+"${NETNS[@]}"} -- --log-level debug
grep -q 'msg="ABDM call' "$RUN/stderr" && fail "the first run made an ABDM call: $(grep 'msg="ABDM call' "$RUN/stderr" | head -n3)"
inet=$(inet_connects)
[[ -z "$inet" ]] || fail "the first run connected an Internet socket: $inet"
[[ -e "$RUN/config/abha-deactivate/settings.json" ]] && say "note: the first run wrote settings before any input"
notes=()
if ((${#NETNS[@]})); then notes+=("own network namespace (${NETNS[*]})"); else notes+=("network NOT isolated (unshare unavailable)"); fi
if [[ -n "$HAVE_STRACE" ]]; then
	notes+=("strace: $(grep -c 'connect(' "$RUN/connect.trace" || true) connect() calls, none to an IP address")
else
	notes+=("strace not available: connect() calls not checked")
fi
say "first-run: no ABDM call in the debug log; $(IFS=';'; echo "${notes[*]}")"

echo "test-package: PASS ($VERSION_OUT)"
echo "  screenshots: screenshots/package-linux-demo.png screenshots/package-linux-first-run.png"
