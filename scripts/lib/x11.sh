# shellcheck shell=bash
# Helpers for scripts that run the app on a private Xvfb: sourced by
# scripts/lib/e2e.sh, and so by scripts/xvfb-e2e.sh,
# scripts/xvfb-e2e-custom.sh and scripts/test-package-linux.sh.

# x11_start_xvfb FIRST LAST LOG [SCREEN]: starts Xvfb with one screen of
# SCREEN (WIDTHxHEIGHTxDEPTH, default 1280x900x24) on the first free display
# from :FIRST to :LAST and waits until it answers. Sets XVFB_PID and
# DISPLAY_NUM; returns 1 if no display could be started.
# shellcheck disable=SC2034 # XVFB_PID and DISPLAY_NUM are for the caller
x11_start_xvfb() {
	local first=$1 last=$2 log=$3 screen=${4:-1280x900x24} n deadline
	for ((n = first; n <= last; n++)); do
		[[ -e "/tmp/.X11-unix/X$n" || -e "/tmp/.X$n-lock" ]] && continue
		Xvfb ":$n" -screen 0 "$screen" -nolisten tcp >"$log" 2>&1 &
		XVFB_PID=$!
		deadline=$((SECONDS + 10))
		while kill -0 "$XVFB_PID" 2>/dev/null && ((SECONDS < deadline)); do
			if [[ -S "/tmp/.X11-unix/X$n" ]] && DISPLAY=":$n" xdotool getdisplaygeometry >/dev/null 2>&1; then
				DISPLAY_NUM=$n
				return 0
			fi
			sleep 0.05
		done
		# Lost a race for this display, or Xvfb is broken: try the next one.
		kill -TERM "$XVFB_PID" 2>/dev/null || true
		wait "$XVFB_PID" 2>/dev/null || true
		XVFB_PID=""
	done
	return 1
}

# x11_stable_shot WID FILE PREV TIMEOUT: saves FILE once window WID shows a
# drawn frame (not one flat colour) that is the same in two captures 0.25 s
# apart. A frame that keeps changing (a countdown, a blinking cursor) is
# taken after about 3 s anyway. Returns 1 if the capture fails, 2 if the
# window stayed blank for TIMEOUT seconds, 3 if the frame was still changing.
x11_stable_shot() {
	local wid=$1 file=$2 prev=$3 timeout=$4 sd diff
	local deadline=$((SECONDS + timeout)) stable_by=$((SECONDS + 3))
	import -window "$wid" "$prev" || return 1
	while :; do
		sleep 0.25
		import -window "$wid" "$file" || return 1
		sd=$(identify -format '%[fx:standard_deviation]' "$file")
		if [[ "$sd" == 0 ]]; then
			((SECONDS < deadline)) || return 2
			stable_by=$((SECONDS + 3))
		else
			# Pixels that differ; ImageMagick 7 adds " (normalised)".
			diff=$(compare -metric AE "$prev" "$file" null: 2>&1 || true)
			[[ "${diff%% *}" == 0 ]] && return 0
			((SECONDS >= stable_by)) && return 3
		fi
		mv "$file" "$prev"
	done
}

# x11_close_window WID: asks the window to close as a window manager does
# (WM_DELETE_WINDOW), which goes through the app's close handler. Needs
# python3 and libX11; returns 1 without them.
x11_close_window() {
	command -v python3 >/dev/null 2>&1 || return 1
	python3 - "$1" <<'EOF'
import ctypes, ctypes.util, sys
x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]

class XClientMessageEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]

class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]

d = x.XOpenDisplay(None)
if not d:
    sys.exit("cannot open display")
win = int(sys.argv[1])
ev = XEvent()
ev.xclient.type = 33  # ClientMessage
ev.xclient.window = win
ev.xclient.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
ev.xclient.format = 32
ev.xclient.data[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
ev.xclient.data[1] = 0  # CurrentTime
if not x.XSendEvent(d, win, 0, 0, ctypes.byref(ev)):
    sys.exit("XSendEvent failed")
x.XFlush(d)
x.XCloseDisplay(d)
EOF
}
