#!/usr/bin/env bash
# End-to-end run of the real wizard binary in demo mode (built-in ABDM
# simulator, no network, no credentials) on a private Xvfb display, driven
# with the keyboard only (xdotool) to a successful deactivation, then
# "Reactivate now" to a successful reactivation.
#
# Usage: scripts/xvfb-e2e.sh [path/to/abha-deactivate]   (default bin/abha-deactivate)
#
# It builds nothing: `make test-gui` builds the binary first.
# A PNG of every step goes to screenshots/ (git-ignored), with the app's
# output as screenshots/xvfb-e2e.log. It fails if a step does not show up in
# time, if the audit trail has no "deactivated" outcome for the demo patient,
# or if the app's output has "Error in Fyne call thread", "panic:" or
# "DATA RACE" (or an X error).
#
# Needs Xvfb, xdotool and ImageMagick (scripts/install-deps.sh test).
# python3 (standard library only) is used, if present, to close the window as
# a window manager would (WM_DELETE_WINDOW); without it the app gets SIGTERM.
#
# Environment knobs:
#   API           the ABDM API generation: v3 (default) or v2
#   APP_LANG      the interface language: en (default) or hi
#   STEP_TIMEOUT  seconds to wait for each step, OTP or window (default 30)
#   KEYS_VIA      window (default: xdotool --window, XSendEvent) or focus (XTEST)
#   KEEP_TMP=1    keep the temporary HOME (logs, audit trail) and print its path
#
# Screenshots are named screenshots/API-LANG-NN-step.png (e.g. v3-en-01-connect.png).
#
# The script relies on these lines on the app's stderr, not on pixel positions:
#   level=info msg="wizard step shown" step=connect|patient|otp|verify|result|reactivate
#   level=info msg="wizard event" event="patient found"|"patient signed in"|"confirm reactivation"|...
#   [demo phone] SMS to XXXXXX3210: 123456 is your OTP to deactivate your ABHA. ...
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-bin/abha-deactivate}
STEP_TIMEOUT=${STEP_TIMEOUT:-30}
API=${API:-v3}
APP_LANG=${APP_LANG:-en}
case "$API/$APP_LANG" in
v3/en | v3/hi | v2/en | v2/hi) ;;
*) printf 'xvfb-e2e: API must be v3 or v2, APP_LANG en or hi\n' >&2; exit 2 ;;
esac
RUN="$API-$APP_LANG" # names the screenshots and the log of this run
KEYS_VIA=${KEYS_VIA:-window}
case "$KEYS_VIA" in
window | focus) ;;
*) printf 'xvfb-e2e: KEYS_VIA must be window or focus\n' >&2; exit 2 ;;
esac
SHOTS="$ROOT/screenshots"
WINDOW_TITLE='ABHA ' # the start of the title in English (ABHA Deactivation) and Hindi
ABHA_MASKED='XX-XXXX-XXXX-7890' # the demo patient "Asha Verma"
BAD_OUTPUT=('Error in Fyne call thread' 'panic:' 'DATA RACE' 'X Error of failed request')

say() { printf 'xvfb-e2e (%s): %s\n' "$RUN" "$*" >&2; }
# shellcheck source=scripts/lib/x11.sh
. "$(dirname "$0")/lib/x11.sh"

# Resolve the binary before anything changes directory.
case "$BIN" in
/*) ;;
*) BIN="$PWD/$BIN" ;;
esac
if [[ ! -x "$BIN" ]]; then
	say "no executable at $BIN (build it first: go build -o bin/abha-deactivate .)"
	exit 1
fi
for tool in Xvfb xdotool import identify compare; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		say "$tool is missing (scripts/install-deps.sh test)"
		exit 1
	fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-xvfb-e2e.XXXXXX")
ERR="$T/app.stderr"
OUT="$T/app.stdout"
XVFB_PID=""
APP_PID=""
WID=""
DISPLAY_NUM=""

cleanup() {
	local status=$?
	set +e
	if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
		kill -TERM "$APP_PID" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$APP_PID" 2>/dev/null
		wait "$APP_PID" 2>/dev/null
	fi
	if [[ -n "$XVFB_PID" ]] && kill -0 "$XVFB_PID" 2>/dev/null; then
		kill -TERM "$XVFB_PID" 2>/dev/null
		wait "$XVFB_PID" 2>/dev/null
	fi
	if [[ -f "$ERR" ]]; then
		mkdir -p "$SHOTS"
		cat "$ERR" "$OUT" >"$SHOTS/xvfb-e2e-$RUN.log" 2>/dev/null
	fi
	if [[ "${KEEP_TMP:-}" == 1 ]]; then
		say "kept $T"
	else
		rm -rf "$T"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }
START_MS=$(now_ms)

# fail MESSAGE: says what went wrong, keeps a picture of the window and shows
# the end of the app's output.
fail() {
	say "FAIL: $*"
	if [[ -n "$WID" ]]; then
		mkdir -p "$SHOTS"
		import -window "$WID" "$SHOTS/$RUN-99-failure.png" 2>/dev/null && say "window at failure: $SHOTS/$RUN-99-failure.png"
	fi
	if [[ -f "$ERR" ]]; then
		say "last lines of the app's output:"
		tail -n 25 "$ERR" "$OUT" >&2 || true
	fi
	exit 1
}

app_alive() { [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; }

# mark prints how many complete lines stderr has now; wait_for looks only
# after such a mark, so an earlier line never satisfies a later wait.
mark() { wc -l <"$ERR" | tr -d ' '; }

# wait_for MARK ERE WHAT [INTERVAL]: polls stderr after line MARK for a line
# matching ERE, for up to STEP_TIMEOUT seconds; prints the matching line.
wait_for() {
	local from=$1 re=$2 what=$3 interval=${4:-0.1}
	local deadline=$((SECONDS + STEP_TIMEOUT)) line
	while :; do
		line=$(tail -n "+$((from + 1))" "$ERR" | grep -E -m1 -- "$re" || true)
		if [[ -n "$line" ]]; then
			printf '%s\n' "$line"
			return 0
		fi
		app_alive || fail "the app exited while waiting for $what"
		((SECONDS < deadline)) || fail "no $what within ${STEP_TIMEOUT}s"
		sleep "$interval"
	done
}

step_re() { printf 'msg="wizard step shown".* step=%s( |$)' "$1"; }

STEPS_SEEN=()
# wait_step MARK NAME [INTERVAL]
wait_step() {
	wait_for "$1" "$(step_re "$2")" "\"wizard step shown\" step=$2 line" "${3:-0.1}" >/dev/null
	STEPS_SEEN+=("$2")
	say "step shown: $2"
}

# Frames are drawn shortly after the state changes; give them a moment.
settle() { sleep 0.4; }

# shot NAME: saves screenshots/NAME.png once the window shows a drawn frame
# (not one flat colour, as before the first frame on a slow machine) that is
# the same in two captures 0.25 s apart (so not halfway through a redraw).
# A frame that keeps changing (a countdown, a blinking cursor) is taken after
# about 3 s anyway.
SHOT_LIST=()
shot() {
	local file="$SHOTS/$RUN-$1.png" rc=0
	x11_stable_shot "$WID" "$file" "$T/shot-prev.png" "$STEP_TIMEOUT" || rc=$?
	case $rc in
	1) fail "screenshot of window $WID" ;;
	2) fail "the window stayed blank for ${STEP_TIMEOUT}s ($1)" ;;
	3) say "note: $1.png taken while the window was still changing" ;;
	esac
	SHOT_LIST+=("$file")
}

# KEYS_VIA=window (default): keys go to the window with XSendEvent
# (xdotool --window), which GLFW accepts and which does not depend on the
# focus. KEYS_VIA=focus: XTEST, as from a real keyboard, to the focused window.
# Either way the window gets the input focus first (no window manager here).
KEY_DELAY=60 # ms between keys
# xdo CMD ARGS...: xdotool key or type, to the window as KEYS_VIA says.
xdo() {
	local cmd=$1
	shift
	if [[ "$KEYS_VIA" == window ]]; then
		xdotool "$cmd" --window "$WID" --delay "$KEY_DELAY" "$@"
	else
		xdotool "$cmd" --delay "$KEY_DELAY" "$@"
	fi
}
keys() { xdo key "$@"; }
type_text() { xdo type -- "$1"; }

# ---------------------------------------------------------------- Xvfb
start_xvfb() {
	x11_start_xvfb 90 99 "$T/xvfb.log" && return 0
	cat "$T/xvfb.log" >&2 2>/dev/null || true
	fail "could not start Xvfb on any display :90..:99"
}

start_xvfb
export DISPLAY=":$DISPLAY_NUM"
say "Xvfb on $DISPLAY (pid $XVFB_PID), temporary HOME $T"

# ---------------------------------------------------------------- the app
mkdir -m 0700 "$T/home" "$T/config" "$T/data" "$T/cache" "$T/run"
rm -f "$SHOTS/$RUN"-[0-9][0-9]-*.png "$SHOTS/xvfb-e2e-$RUN.log"
mkdir -p "$SHOTS"
: >"$ERR"
: >"$OUT"

# --log-level debug: the step lines are at info; the debug "ABDM call done"
# line tells when the patient lookup has answered (no step change there).
APP_START_MS=$(now_ms)
env -u LC_ALL HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" \
	XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run" LANG=en_US.UTF-8 \
	DBUS_SESSION_BUS_ADDRESS="unix:path=$T/no-such-bus" \
	"$BIN" --demo --api "$API" --lang "$APP_LANG" --log-level debug >"$OUT" 2>"$ERR" &
APP_PID=$!

wait_step 0 connect 0.02
CONNECT_MS=$(($(now_ms) - APP_START_MS))

deadline=$((SECONDS + STEP_TIMEOUT))
until WID=$(xdotool search --onlyvisible --name "^${WINDOW_TITLE}" 2>/dev/null | head -n1) && [[ -n "$WID" ]]; do
	app_alive || fail "the app exited before its window appeared"
	((SECONDS < deadline)) || fail "no window named \"$WINDOW_TITLE\" within ${STEP_TIMEOUT}s"
	sleep 0.05
done
timeout 5 xdotool windowfocus --sync "$WID" || say "note: could not confirm the input focus (keys go to the window directly)"
say "window $WID: $(xdotool getwindowgeometry "$WID" | sed -n 's/^ *Geometry: //p')"

# 1. Connect: the demo fills in the simulator's credentials; Return = Connect.
settle
shot 01-connect
m=$(mark)
keys Return
wait_step "$m" patient

# 2. Patient: open the demo patient list, take the first (Asha Verma), which
# fills in her ABHA number and focuses it; Return = Find patient (a search).
settle
m=$(mark)
keys Tab space
sleep 0.2 # the list is a pop-up; let it open
keys Down Return
sleep 0.2
keys Return
wait_for "$m" 'msg="wizard event" event="patient found"' "the ABHA found (\"patient found\" event)" >/dev/null
sleep 0.4 # the found ABHA is put on screen after the call returns
shot 02-patient-found
# Return = Send sign-in OTP (Aadhaar OTP, the default); the OTP field gets the focus.
m=$(mark)
keys Return
login_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to sign in' "sign-in OTP on the demo phone")
LOGIN_OTP=$(printf '%s\n' "$login_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')
LOGIN_AT=$SECONDS
say "sign-in OTP received: $LOGIN_OTP"
sleep 0.4
type_text "$LOGIN_OTP"
settle
shot 03-sign-in-otp
m=$(mark)
keys Return
wait_for "$m" 'msg="wizard event" event="patient signed in"' "patient signed in (\"patient signed in\" event)" >/dev/null
sleep 0.6 # the patient card is put on screen after the call returns
shot 04-patient
# The confirmation box under the card has the focus: tick it.
keys space
settle
shot 05-patient-confirmed
m=$(mark)
keys Return
wait_step "$m" otp

# 3. Send OTP (to the Aadhaar-linked mobile, the default).
settle
shot 06-send-otp
m=$(mark)
keys Return
wait_step "$m" verify
otp_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to deactivate' "OTP on the demo phone")
OTP=$(printf '%s\n' "$otp_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')
say "OTP received: $OTP"

# 4. Verify and deactivate: the OTP field has the focus; type it, Tab to the
# first reason (101) and tick it, Return asks for confirmation.
settle
type_text "$OTP"
keys Tab space
settle
shot 07-verify
keys Return
sleep 0.6 # the confirmation dialog has no log line
shot 08-confirm-dialog
m=$(mark)
keys Tab Tab space
wait_step "$m" result
settle
shot 09-result

# 5. Reactivate now (a deactivation made by mistake at the desk): Tab past
# the transaction ID (selectable) and Copy to the button, Space; the ABHA
# number is filled in and has the focus.
m=$(mark)
keys Tab Tab Tab space
wait_step "$m" reactivate
wait_for "$m" 'msg="wizard event" event="reactivation ready"' "the reactivation step ready" >/dev/null
settle
shot 10-reactivate
# Return = Send reactivation OTP (to the ABHA's mobile, the default); the OTP field gets the focus.
m=$(mark)
keys Return
react_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to reactivate' "reactivation OTP on the demo phone")
REACT_OTP=$(printf '%s\n' "$react_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')
say "reactivation OTP received: $REACT_OTP"
wait_for "$m" 'msg="wizard event" event="reactivation OTP sent"' "the OTP field ready" >/dev/null
type_text "$REACT_OTP"
settle
shot 11-reactivation-otp
m=$(mark)
keys Return
wait_for "$m" 'msg="wizard event" event="confirm reactivation"' "the reactivation's confirmation" >/dev/null
sleep 0.6
shot 12-confirm-reactivation
m=$(mark)
keys Tab Tab space
wait_for "$m" 'msg="wizard event" event="?reactivated"?( |$)' "the reactivation done (\"reactivated\" event)" >/dev/null
settle
shot 13-reactivated

# 6. The patient can sign in again: Return = Next patient; the demo patient
# list, Asha Verma, Find patient, Send sign-in OTP (ABDM allows a new sign-in
# OTP 30 s after the last one), Sign in.
m=$(mark)
keys Return
wait_step "$m" patient
settle
m=$(mark)
keys Tab space
sleep 0.2
keys Down Return
sleep 0.2
keys Return
wait_for "$m" 'msg="wizard event" event="patient found"' "the ABHA found again" >/dev/null
sleep 0.4
wait_s=$((LOGIN_AT + 31 - SECONDS))
((wait_s > 0)) && { say "waiting ${wait_s}s for ABDM's resend gap"; sleep "$wait_s"; }
m=$(mark)
keys Return
login_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to sign in' "the second sign-in OTP")
wait_for "$m" 'msg="wizard event" event="sign-in OTP sent"' "the sign-in OTP field ready" >/dev/null
type_text "$(printf '%s\n' "$login_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')"
m=$(mark)
keys Return
wait_for "$m" 'msg="wizard event" event="patient signed in"' "the patient signed in again" >/dev/null
sleep 0.6
shot 14-signed-in-again

# ---------------------------------------------------------------- checks
AUDIT="$T/data/abha-deactivate/audit.jsonl"
deadline=$((SECONDS + 10))
audit_ok() {
	[[ -f "$AUDIT" ]] && awk -v abha="\"abhaNumber\":\"$ABHA_MASKED\"" '
		index($0, "\"event\":\"outcome\"") && index($0, "\"outcome\":\"deactivated\"") && index($0, abha) { found = 1 }
		END { exit !found }' "$AUDIT"
}
until audit_ok; do
	if ((SECONDS >= deadline)); then
		[[ -f "$AUDIT" ]] && { say "audit trail:"; cat "$AUDIT" >&2; }
		fail "no outcome record \"deactivated\" for $ABHA_MASKED in $AUDIT"
	fi
	sleep 0.1
done
say "audit trail: outcome \"deactivated\" recorded for $ABHA_MASKED"
grep -q '"outcome":"reactivated"' "$AUDIT" || fail "no outcome record \"reactivated\" in $AUDIT"
grep -q "\"api\":\"$API\"" "$AUDIT" || fail "the audit trail does not record API $API"
say "audit trail: outcome \"reactivated\" recorded, API $API"

check_output() {
	local pat
	for pat in "${BAD_OUTPUT[@]}"; do
		if grep -qF -- "$pat" "$ERR" "$OUT"; then
			grep -nF -- "$pat" "$ERR" "$OUT" | head -n 5 >&2
			fail "the app's output has \"$pat\" ($1)"
		fi
	done
}
check_output "during the run"

# Close the window as a window manager would (WM_DELETE_WINDOW), which goes
# through the app's close handler; fall back to SIGTERM.
close_window() { x11_close_window "$WID"; }

how="WM_DELETE_WINDOW"
if ! close_window; then
	how="SIGTERM"
	kill -TERM "$APP_PID"
fi
deadline=$((SECONDS + 10))
while app_alive && ((SECONDS < deadline)); do sleep 0.1; done
if app_alive; then
	fail "the app is still running 10s after $how"
fi
app_status=0
wait "$APP_PID" || app_status=$?
APP_PID=""
if [[ "$how" == WM_DELETE_WINDOW && "$app_status" -ne 0 ]]; then
	fail "the app exited with status $app_status after its window was closed"
fi
say "app closed by $how, exit status $app_status"
check_output "at shutdown"

# ---------------------------------------------------------------- summary
echo "xvfb-e2e ($RUN): PASS in $(($(now_ms) - START_MS)) ms"
echo "  steps reached: ${STEPS_SEEN[*]}"
echo "  start to connect step shown: ${CONNECT_MS} ms"
echo "  screenshots:"
printf '    %s\n' "${SHOT_LIST[@]#"$ROOT"/}"
echo "  app output: ${SHOTS#"$ROOT"/}/xvfb-e2e-$RUN.log"
