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

# say, fail, the cleanup at exit, the window and its closing: scripts/lib/e2e.sh.
# shellcheck source=scripts/lib/e2e.sh
. "$(dirname "$0")/lib/e2e.sh"
RUN="" # the messages name no run: "test-package: ..."
e2e_init test-package # ROOT, SHOTS, STEP_TIMEOUT
# shellcheck disable=SC2012 # our own file names, newest first
TARBALL=${1:-$(ls -t "$ROOT"/dist/abha-deactivate-*-linux-amd64.tar.xz 2>/dev/null | head -n1 || true)}
WINDOW_TITLE='ABHA Deactivation'
FAIL_SHOT=package-linux-failure.png
[[ -n "$TARBALL" && -f "$TARBALL" ]] || { say "no tarball (make package-linux)"; exit 1; }
case "$TARBALL" in /*) ;; *) TARBALL="$PWD/$TARBALL" ;; esac
for tool in Xvfb xdotool import identify compare make xz; do
	command -v "$tool" >/dev/null 2>&1 || { say "$tool is missing (scripts/install-deps.sh test)"; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-test-package.XXXXXX")
DIR="" # the folder of the app's run under way (run_app)
ICON_SIZE=""
e2e_traps # the app and Xvfb are stopped and T removed on any exit

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
start_xvfb 80 89 "$T/xvfb.log"
say "Xvfb on $DISPLAY"

# shot_file FILE: once the window shows a drawn frame (not one flat colour) that is the same
# in two captures 0.25 s apart.
shot_file() {
	local rc=0
	x11_stable_shot "$WID" "$1" "$DIR/prev.png" "$STEP_TIMEOUT" || rc=$?
	case $rc in
	1) fail "screenshot of window $WID" ;;
	2) fail "the window stayed blank for ${STEP_TIMEOUT}s" ;;
	esac
}

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
# closes the window and checks the exit status and output. The run's files stay in $DIR.
run_app() {
	local name=$1 png=$2
	shift 2
	local wrap=()
	while [[ $1 != -- ]]; do wrap+=("$1"); shift; done
	shift
	DIR="$T/$name"
	ERR="$DIR/stderr"
	OUT="$DIR/stdout"
	mkdir -p "$DIR"
	mkdir -m 0700 "$DIR/home" "$DIR/config" "$DIR/data" "$DIR/cache" "$DIR/run" "$DIR/cwd"
	: >"$ERR"
	: >"$OUT"
	local trace=()
	[[ -n "$HAVE_STRACE" ]] && trace=(strace -f -qq -e trace=connect -e signal=none -o "$DIR/connect.trace")
	local t0=$SECONDS
	(cd "$DIR/cwd" && exec env -i PATH=/usr/bin:/bin DISPLAY="$DISPLAY" HOME="$DIR/home" \
		XDG_CONFIG_HOME="$DIR/config" XDG_DATA_HOME="$DIR/data" XDG_CACHE_HOME="$DIR/cache" \
		XDG_RUNTIME_DIR="$DIR/run" LANG=en_US.UTF-8 DBUS_SESSION_BUS_ADDRESS="unix:path=$DIR/no-such-bus" \
		${wrap[@]+"${wrap[@]}"} ${trace[@]+"${trace[@]}"} "$APP" "$@") >"$OUT" 2>"$ERR" &
	APP_PID=$!
	wait_for 0 "$(step_re connect)" '"wizard step shown" step=connect line' 0.05 >/dev/null
	find_window
	sleep 0.4
	mkdir -p "$SHOTS"
	shot_file "$SHOTS/$png"
	# The window icon (the embedded one): GLFW puts it in _NET_WM_ICON (width, height, pixels).
	if command -v python3 >/dev/null 2>&1; then
		ICON_SIZE=$(window_icon_size) || fail "reading the window's _NET_WM_ICON"
		[[ "$ICON_SIZE" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || fail "the window has no icon (_NET_WM_ICON: $ICON_SIZE)"
	fi
	close_and_wait
	WID=""
	check_output "$name"
	say "$name: window shown${ICON_SIZE:+ with a ${ICON_SIZE} icon}, screenshots/$png, closed by $CLOSED_BY (exit $APP_STATUS) in $((SECONDS - t0)) s"
}

# inet_connects: the connect() calls to IPv4/IPv6 addresses in the trace, if any.
inet_connects() {
	[[ -f "$DIR/connect.trace" ]] || return 0
	grep -E 'connect\(.*sa_family=AF_INET6?' "$DIR/connect.trace" || true
}

# ---------------------------------------------------------------- the demo
run_app demo package-linux-demo.png -- --demo --log-level info
# The simulator runs inside the app: nothing but 127.0.0.1 may be connected.
other=$(inet_connects | grep -v 'inet_addr("127\.0\.0\.1")' || true)
[[ -z "$other" ]] || fail "the demo connected to a non-local address: $other"

# ---------------------------------------------------------------- first run, no network
run_app first-run package-linux-first-run.png ${NETNS[@]+"${NETNS[@]}"} -- --log-level debug
grep -q 'msg="ABDM call' "$DIR/stderr" && fail "the first run made an ABDM call: $(grep 'msg="ABDM call' "$DIR/stderr" | head -n3)"
inet=$(inet_connects)
[[ -z "$inet" ]] || fail "the first run connected an Internet socket: $inet"
[[ -e "$DIR/config/abha-deactivate/settings.json" ]] && say "note: the first run wrote settings before any input"
notes=()
if ((${#NETNS[@]})); then notes+=("own network namespace (${NETNS[*]})"); else notes+=("network NOT isolated (unshare unavailable)"); fi
if [[ -n "$HAVE_STRACE" ]]; then
	notes+=("strace: $(grep -c 'connect(' "$DIR/connect.trace" || true) connect() calls, none to an IP address")
else
	notes+=("strace not available: connect() calls not checked")
fi
say "first-run: no ABDM call in the debug log; $(IFS=';'; echo "${notes[*]}")"

echo "test-package: PASS ($VERSION_OUT)"
echo "  screenshots: screenshots/package-linux-demo.png screenshots/package-linux-first-run.png"
