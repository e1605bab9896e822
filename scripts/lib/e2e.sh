# shellcheck shell=bash
# The shared part of the scripts that run the app on a private Xvfb and
# watch its log: the keyboard-only end-to-end runs of the wizard,
# scripts/xvfb-e2e.sh (demo mode), scripts/xvfb-e2e-custom.sh (a separate
# simulator, typed addresses), scripts/xvfb-e2e-unknown.sh (an outcome lost
# and settled) and scripts/xvfb-e2e-settings.sh, and the package check
# scripts/test-package-linux.sh (which starts the installed app its own way
# and uses the messages, failure, cleanup, window and closing parts). It
# sources scripts/lib/x11.sh. Each script keeps its own steps, knobs, logs
# and summary.
#
# Use, in this order:
#   . scripts/lib/e2e.sh
#   RUN=...; e2e_init NAME    the defaults and the state below
#   check_setup               a keyboard run: exits 2 on a bad KEYS_VIA; BIN
#                             made absolute, exits 1 without it or a tool
#   T=$(mktemp -d ...); e2e_traps
#   start_xvfb ...; start_app DIR ARGS...; find_window; focus_window; the steps;
#   close_app.
#
# Variables the script sets:
#   RUN           names the run (or pass) under way: in every message (say)
#                 and in the screenshots, SHOTS/RUN-NAME.png; may be empty
#   BIN           the app's binary (check_setup makes it absolute)
#   T             the temporary folder; removed at exit unless KEEP_TMP=1.
#                 Set it before e2e_traps.
#   WINDOW_TITLE  the start of the app window's title (find_window)
#   KEY_DELAY     ms between keys (e2e_init: 60)
#   WAIT_INTERVAL seconds between polls of wait_in (e2e_init: 0.1)
#   CHECK_ALSO    more files that check_output searches (e2e_init: none);
#                 with some, its message says "the output" for "the app's output"
#   FAIL_SHOT     the failure picture's name in SHOTS (fail; default RUN-99-failure.png)
# From the environment (e2e_init and check_setup give the defaults):
#   STEP_TIMEOUT  seconds to wait for a step, a line or the window (30)
#   KEYS_VIA      window (xdotool --window, XSendEvent) or focus (XTEST) (window)
#   KEEP_TMP=1    keep T and print its path
#   APP_RUNNER    a program (with its arguments, split at spaces) that starts
#                 BIN, e.g. "wine" for a Windows build (scripts/test-windows.sh);
#                 empty (the default): BIN is run itself
# Set by the library:
#   ROOT, SHOTS   the repository and its screenshots/ folder (e2e_init)
#   START_MS      the time of e2e_init, in ms (now_ms)
#   XVFB_PID, DISPLAY_NUM, DISPLAY (start_xvfb); APP_PID, APP_START_MS, and
#   APP_DIR, ERR, OUT: the app's folder, stderr and stdout (start_app; launch_app
#   starts the app again in them);
#   WID, the app's window (find_window); STEPS_SEEN (wait_step), SHOT_LIST (shot);
#   CLOSED_BY, APP_STATUS (close_and_wait)
#
# Hooks: functions the script may define again after sourcing (here they do
# nothing; filter_output copies):
#   at_exit               in the EXIT trap, after the app and Xvfb are stopped
#                         and before T is removed: write logs, stop other processes
#   on_fail               in fail, after the app's last lines: show more
#   filter_output         a filter for the app's output that fail shows
#   while_waiting FILE WHAT  in each poll of wait_in, before the app is checked:
#                         fail if another process the run needs has gone
#   after_step MARK NAME  at the end of wait_step: more checks of the step
#   after_shot NAME FILE  at the end of shot: more checks of the screenshot

# shellcheck source=scripts/lib/x11.sh
. "$(dirname "${BASH_SOURCE[0]}")/x11.sh"

# The app's output must not have these (fixed strings): check_output.
BAD_OUTPUT=('Error in Fyne call thread' 'panic:' 'DATA RACE' 'X Error of failed request')

# The hooks (see above), for a script to define again.
at_exit() { :; }
on_fail() { :; }
filter_output() { cat; }
while_waiting() { :; }
after_step() { :; }
after_shot() { :; }

# say MESSAGE: "NAME (RUN): MESSAGE" on stderr ("NAME: MESSAGE" with no RUN).
say() { printf '%s%s: %s\n' "$E2E_NAME" "${RUN:+ ($RUN)}" "$*" >&2; }

now_ms() { date +%s%3N; }

# e2e_init NAME: NAME starts every message (say). Sets the defaults above
# and empties the state.
# shellcheck disable=SC2034 # the state is for the scripts too
e2e_init() {
	E2E_NAME=$1
	STEP_TIMEOUT=${STEP_TIMEOUT:-30}
	ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	SHOTS="$ROOT/screenshots"
	KEY_DELAY=60
	WAIT_INTERVAL=0.1
	CHECK_ALSO=()
	FAIL_SHOT=""
	XVFB_PID="" DISPLAY_NUM="" APP_PID="" APP_START_MS="" APP_DIR="" ERR="" OUT="" WID=""
	STEPS_SEEN=()
	SHOT_LIST=()
	START_MS=$(now_ms)
}

# check_setup: for a keyboard run: exits 2 if KEYS_VIA is neither window nor
# focus (default window); makes BIN absolute (before anything changes
# directory); exits 1 if it is not executable (with APP_RUNNER: not a file,
# or the runner is missing) or Xvfb, xdotool or ImageMagick is missing.
check_setup() {
	KEYS_VIA=${KEYS_VIA:-window}
	case "$KEYS_VIA" in
	window | focus) ;;
	*) printf '%s: KEYS_VIA must be window or focus\n' "$E2E_NAME" >&2; exit 2 ;;
	esac
	case "$BIN" in
	/*) ;;
	*) BIN="$PWD/$BIN" ;;
	esac
	if [[ -n "${APP_RUNNER:-}" ]]; then
		if [[ ! -f "$BIN" ]]; then
			say "no program at $BIN for $APP_RUNNER"
			exit 1
		fi
	elif [[ ! -x "$BIN" ]]; then
		say "no executable at $BIN (build it first: go build -o bin/abha-deactivate .)"
		exit 1
	fi
	local tool
	for tool in Xvfb xdotool import identify compare ${APP_RUNNER:+${APP_RUNNER%% *}}; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			say "$tool is missing (scripts/install-deps.sh test)"
			exit 1
		fi
	done
}

# ---------------------------------------------------------------- processes
# stop_pid PID: SIGTERM, then SIGKILL after 3 s; reaps it. Nothing if PID is
# empty or gone; never fails (safe under set -e).
stop_pid() {
	local pid=$1
	[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
	# Reap it once it is gone (or a zombie), but never wait without bound: a
	# process under Wine can outlive SIGKILL while wineserver holds it.
	for _ in $(seq 50); do
		case "$(ps -o stat= -p "$pid" 2>/dev/null)" in "" | Z*) wait "$pid" 2>/dev/null || true; return 0 ;; esac
		sleep 0.1
	done
	say "note: process $pid did not end after SIGKILL; left behind"
}

# stop_app_xvfb: stops the app and Xvfb (stop_pid) and forgets them and the window.
stop_app_xvfb() {
	stop_pid "$APP_PID"
	APP_PID=""
	stop_pid "$XVFB_PID"
	XVFB_PID=""
	WID=""
}

# e2e_traps: on any exit, e2e_cleanup; SIGINT exits 130, SIGTERM 143.
e2e_traps() {
	trap e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# e2e_cleanup: the EXIT trap: stops the app and Xvfb, runs at_exit, removes
# T (or, with KEEP_TMP=1, says where it is) and exits with the status it came with.
e2e_cleanup() {
	local status=$?
	set +e
	stop_app_xvfb
	at_exit
	if [[ "${KEEP_TMP:-}" == 1 ]]; then
		say "kept $T"
	else
		rm -rf "$T"
	fi
	exit "$status"
}

# fail MESSAGE: says what went wrong, keeps a picture of the window
# (SHOTS/FAIL_SHOT, by default SHOTS/RUN-99-failure.png), shows the end of
# the app's output (through filter_output), runs on_fail and exits 1.
fail() {
	local png="$SHOTS/${FAIL_SHOT:-$RUN-99-failure.png}"
	say "FAIL: $*"
	if [[ -n "$WID" ]]; then
		mkdir -p "$SHOTS"
		import -window "$WID" "$png" 2>/dev/null && say "window at failure: $png"
	fi
	if [[ -n "$ERR" && -f "$ERR" ]]; then
		say "last lines of the app's output:"
		tail -n 25 "$ERR" "$OUT" 2>/dev/null | filter_output >&2 || true
	fi
	on_fail
	exit 1
}

app_alive() { [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; }

# start_xvfb FIRST LAST LOG [SCREEN]: x11_start_xvfb, or fail with its log;
# exports DISPLAY.
start_xvfb() {
	if ! x11_start_xvfb "$@"; then
		cat "$3" >&2 2>/dev/null || true
		fail "could not start Xvfb on any display :$1..:$2"
	fi
	export DISPLAY=":$DISPLAY_NUM"
}

# start_app DIR ARGS...: starts BIN ARGS in the background as a new user: a
# fresh HOME and XDG folders made in DIR (mode 0700), C locale settings
# dropped (LANG=en_US.UTF-8), and D-Bus pointing nowhere (so no keyring).
# Its stderr and stdout go to ERR=DIR/app.stderr and OUT=DIR/app.stdout.
# With APP_RUNNER, BIN is started by it (APP_PID is the runner's process).
# Sets APP_DIR, APP_PID and APP_START_MS.
start_app() {
	APP_DIR=$1
	shift
	APP_ARGS=("$@") # for find_window's one restart
	mkdir -m 0700 "$APP_DIR/home" "$APP_DIR/config" "$APP_DIR/data" "$APP_DIR/cache" "$APP_DIR/run"
	ERR="$APP_DIR/app.stderr"
	OUT="$APP_DIR/app.stdout"
	launch_app
}

# launch_app: starts BIN (with APP_RUNNER) with APP_ARGS in the folders
# start_app made, its output in ERR and OUT (emptied first). Sets APP_PID
# and APP_START_MS. start_app calls it; a script may call it again to start
# the app once more in the same folders.
# shellcheck disable=SC2034 # APP_START_MS is for the scripts
launch_app() {
	local runner=()
	[[ -n "${APP_RUNNER:-}" ]] && read -r -a runner <<<"$APP_RUNNER"
	: >"$ERR"
	: >"$OUT"
	APP_START_MS=$(now_ms)
	env -u LC_ALL HOME="$APP_DIR/home" XDG_CONFIG_HOME="$APP_DIR/config" XDG_DATA_HOME="$APP_DIR/data" \
		XDG_CACHE_HOME="$APP_DIR/cache" XDG_RUNTIME_DIR="$APP_DIR/run" LANG=en_US.UTF-8 \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$APP_DIR/no-such-bus" \
		${runner[@]+"${runner[@]}"} "$BIN" "${APP_ARGS[@]}" >"$OUT" 2>"$ERR" &
	APP_PID=$!
}

# find_window: waits up to STEP_TIMEOUT for a visible window whose title
# starts with WINDOW_TITLE and sets WID; fails if the app exits first. One
# exception: if the X server refused the app's connection ("Failed to open
# display", seen once on a loaded machine although Xvfb had just answered),
# the app is started once more, from scratch, and the run says so. Any other
# exit fails at once.
find_window() {
	local deadline=$((SECONDS + STEP_TIMEOUT))
	until WID=$(xdotool search --onlyvisible --name "^${WINDOW_TITLE}" 2>/dev/null | head -n1) && [[ -n "$WID" ]]; do
		if ! app_alive && [[ -z "${DISPLAY_RETRIED:-}" ]] && grep -q "Failed to open display" "$ERR" &&
			DISPLAY=$DISPLAY xdotool getdisplaygeometry >/dev/null 2>&1; then
			DISPLAY_RETRIED=1
			say "note: the X server refused the app's connection to $DISPLAY; starting the app once more"
			cp "$ERR" "$APP_DIR/app.stderr.refused"
			rm -rf "$APP_DIR/home" "$APP_DIR/config" "$APP_DIR/data" "$APP_DIR/cache" "$APP_DIR/run"
			start_app "$APP_DIR" "${APP_ARGS[@]}"
			continue
		fi
		app_alive || fail "the app exited before its window appeared"
		((SECONDS < deadline)) || fail "no window named \"$WINDOW_TITLE\" within ${STEP_TIMEOUT}s"
		sleep 0.05
	done
}

# focus_window: gives the window the input focus (there is no window manager).
focus_window() {
	timeout 5 xdotool windowfocus --sync "$WID" || say "note: could not confirm the input focus (keys go to the window directly)"
}

# window_geometry: WIDTHxHEIGHT of the window, as xdotool says it.
window_geometry() { xdotool getwindowgeometry "$WID" | sed -n 's/^ *Geometry: //p'; }

# close_and_wait: closes the window as a window manager would
# (WM_DELETE_WINDOW, x11_close_window), which goes through the app's close
# handler, or sends SIGTERM without python3; fails if the app is still
# running 10 s later or, after WM_DELETE_WINDOW, exits with a status other
# than 0. Sets CLOSED_BY (WM_DELETE_WINDOW or SIGTERM) and APP_STATUS.
close_and_wait() {
	local deadline
	CLOSED_BY="WM_DELETE_WINDOW"
	APP_STATUS=0
	if ! x11_close_window "$WID"; then
		CLOSED_BY="SIGTERM"
		kill -TERM "$APP_PID"
	fi
	deadline=$((SECONDS + 10))
	while app_alive && ((SECONDS < deadline)); do sleep 0.1; done
	if app_alive && [[ -n "${APP_RUNNER:-}" ]] && ! xdotool search --name "^${WINDOW_TITLE}" >/dev/null 2>&1; then
		# The window is gone, so the app handled the close; under Wine the
		# process's own exit sometimes stalls in wineserver (seen on a loaded
		# machine, also with the console build). Say so, and end the prefix.
		say "note: the window closed, but the process under $APP_RUNNER had not exited 10 s later: ending it (wineserver -k)"
		wineserver -k 2>/dev/null || true
		stop_pid "$APP_PID"
		APP_PID=""
		return 0
	fi
	app_alive && fail "the app is still running 10s after $CLOSED_BY"
	wait "$APP_PID" || APP_STATUS=$?
	APP_PID=""
	if [[ "$CLOSED_BY" == WM_DELETE_WINDOW && "$APP_STATUS" -ne 0 ]]; then
		fail "the app exited with status $APP_STATUS after its window was closed"
	fi
}

# close_app: close_and_wait, says how, then check_output.
close_app() {
	close_and_wait
	say "app closed by $CLOSED_BY, exit status $APP_STATUS"
	check_output "at shutdown"
}

# check_output WHEN: fails if ERR, OUT or a file of CHECK_ALSO has a line of
# BAD_OUTPUT (the first five such lines are shown).
check_output() {
	local pat who="the app's output" files=("$ERR" "$OUT" ${CHECK_ALSO[@]+"${CHECK_ALSO[@]}"})
	((${#files[@]} == 2)) || who="the output"
	for pat in "${BAD_OUTPUT[@]}"; do
		if grep -qF -- "$pat" "${files[@]}"; then
			grep -nF -- "$pat" "${files[@]}" | head -n 5 >&2
			fail "$who has \"$pat\" ($1)"
		fi
	done
}

# ---------------------------------------------------------------- waiting for lines
# lines FILE: how many complete lines FILE has now; mark: the same for ERR.
# The waits look only after such a mark, so an earlier line never satisfies
# a later wait.
lines() { wc -l <"$1" | tr -d ' '; }
mark() { lines "$ERR"; }

# wait_in FILE MARK ERE WHAT [INTERVAL]: polls FILE after line MARK for a line
# matching ERE, every INTERVAL (WAIT_INTERVAL) seconds for up to STEP_TIMEOUT
# seconds, and prints the matching line. Fails if the time is up, if
# while_waiting fails or, for FILE ERR, if the app has exited.
wait_in() {
	local file=$1 from=$2 re=$3 what=$4 interval=${5:-$WAIT_INTERVAL}
	local deadline=$((SECONDS + STEP_TIMEOUT)) line
	while :; do
		line=$(tail -n "+$((from + 1))" "$file" | grep -E -m1 -- "$re" || true)
		if [[ -n "$line" ]]; then
			printf '%s\n' "$line"
			return 0
		fi
		while_waiting "$file" "$what"
		if [[ "$file" == "$ERR" ]]; then
			app_alive || fail "the app exited while waiting for $what"
		fi
		((SECONDS < deadline)) || fail "no $what within ${STEP_TIMEOUT}s"
		sleep "$interval"
	done
}

# wait_for MARK ERE WHAT [INTERVAL]: wait_in the app's stderr.
wait_for() { wait_in "$ERR" "$@"; }

# kv LINE KEY: the value of KEY=value (or KEY="value") in a logfmt LINE.
kv() {
	local re="(^| )$2=(\"([^\"\\\\]|\\\\.)*\"|[^ ]*)"
	if [[ "$1" =~ $re ]]; then
		local v=${BASH_REMATCH[2]}
		v=${v#\"}
		printf '%s' "${v%\"}"
	fi
}

# step_re NAME: the ERE of the line level=info msg="wizard step shown" step=NAME.
step_re() { printf 'msg="wizard step shown".* step=%s( |$)' "$1"; }

# wait_step MARK NAME [INTERVAL]: waits for step NAME's line after MARK,
# adds NAME to STEPS_SEEN, says so and runs after_step MARK NAME.
wait_step() {
	wait_for "$1" "$(step_re "$2")" "\"wizard step shown\" step=$2 line" "${3:-$WAIT_INTERVAL}" >/dev/null
	STEPS_SEEN+=("$2")
	say "step shown: $2"
	after_step "$1" "$2"
}

# event_re NAME: the ERE of the line msg="wizard event" event=NAME.
event_re() { printf 'msg="wizard event" event="?%s"?( |$)' "$1"; }

# wait_event MARK NAME: waits for the line msg="wizard event" event=NAME after MARK.
wait_event() { wait_for "$1" "$(event_re "$2")" "\"wizard event\" event=\"$2\" line" >/dev/null; }

# ---------------------------------------------------------------- screen and keys
# settle: frames are drawn shortly after the state changes; give them a moment.
settle() { sleep 0.4; }

# shot NAME: saves SHOTS/RUN-NAME.png once the window shows a drawn frame
# (not one flat colour, as before the first frame on a slow machine) that is
# the same in two captures 0.25 s apart (x11_stable_shot); a frame that keeps
# changing (a countdown, a blinking cursor) is taken after about 3 s anyway.
# Adds the file to SHOT_LIST and runs after_shot NAME FILE.
shot() {
	local file="$SHOTS/$RUN-$1.png" rc=0
	x11_stable_shot "$WID" "$file" "$APP_DIR/shot-prev.png" "$STEP_TIMEOUT" || rc=$?
	case $rc in
	1) fail "screenshot of window $WID" ;;
	2) fail "the window stayed blank for ${STEP_TIMEOUT}s ($1)" ;;
	3) say "note: $1.png taken while the window was still changing" ;;
	esac
	SHOT_LIST+=("$file")
	after_shot "$1" "$file"
}

# xdo CMD ARGS...: xdotool key or type, KEY_DELAY ms between keys. With
# KEYS_VIA=window the keys go to the window WID with XSendEvent (xdotool
# --window), which GLFW accepts and which does not depend on the focus; with
# KEYS_VIA=focus, XTEST, as from a real keyboard, to the focused window.
xdo() {
	local cmd=$1
	shift
	if [[ "$KEYS_VIA" == window ]]; then
		xdotool "$cmd" --window "$WID" --delay "$KEY_DELAY" "$@"
	else
		xdotool "$cmd" --delay "$KEY_DELAY" "$@"
	fi
}
# keys KEY...: presses the keys (xdotool names: Return, Tab, shift+Tab, space).
keys() { xdo key "$@"; }
# type_text TEXT: types TEXT.
type_text() { xdo type -- "$1"; }

# ---------------------------------------------------------------- audit trail
# wait_deactivated AUDIT MASKED: waits up to 10 s for an outcome record
# "deactivated" of the ABHA number MASKED in the audit trail AUDIT (JSON
# lines); fails, showing the trail, if none comes.
wait_deactivated() {
	local audit=$1 masked=$2 deadline=$((SECONDS + 10))
	until [[ -f "$audit" ]] && awk -v abha="\"abhaNumber\":\"$masked\"" '
		index($0, "\"event\":\"outcome\"") && index($0, "\"outcome\":\"deactivated\"") && index($0, abha) { found = 1 }
		END { exit !found }' "$audit"; do
		if ((SECONDS >= deadline)); then
			[[ -f "$audit" ]] && { say "audit trail:"; cat "$audit" >&2; }
			fail "no outcome record \"deactivated\" for $masked in $audit"
		fi
		sleep 0.1
	done
}
