#!/usr/bin/env bash
# End-to-end run of the real wizard binary as a new user at the desk would
# use it, with the keyboard only (xdotool) on a private Xvfb: no --demo, no
# address flags. The ABDM simulator runs as a second process
# (`abha-deactivate sandbox`), and the user types its addresses and
# credentials into Connect ("Custom addresses", API v3), finds an active
# patient by ABHA number, signs them in with the OTP the simulator "sent"
# (read from its output), sends the deactivation OTP, verifies, confirms and
# reaches the Result. One wrong OTP is typed at sign-in and one at Verify
# first, so that the error notice shows, then the right one. Every field is
# reached by Tab (once by Shift+Tab, back from the first field focused to
# the ABDM system choice), as the app's focus lines say, never by position;
# "Remember the secret" is ticked: with no keyring, the app warns that the
# secret is kept for the session only.
#
# Pass 1 (screen 1366x768) goes to the Result and checks the audit trail.
# Pass 2 (screen 1024x768, SHORT_SCREEN) goes through Connect and the Patient
# step only (another demo patient, the same simulator).
#
# Usage: scripts/xvfb-e2e-custom.sh [path/to/abha-deactivate]   (default bin/abha-deactivate)
#
# It builds nothing: `make test-gui` builds the binary first.
# A PNG of every step goes to screenshots/custom-en-NN-step.png (pass 2:
# custom-en-1024-NN-step.png); the output of the simulator and of the app
# (both passes) goes to screenshots/xvfb-e2e-custom.log, with the simulator's
# client secret blanked out. The script never prints the client secret.
#
# It fails, with the reason, the last lines of output and a screenshot
# (…-99-failure.png), when:
#   - a step, an event or an OTP does not show up in time;
#   - after a Tab, a Shift+Tab or a step change the newest line
#       level=info msg="wizard focus" step=STEP visible=true|false widget=NAME
#     is missing, or says visible=false (the focused field is out of sight;
#     widget=none, nothing focused, is not judged), or the field wanted is
#     not reached within MAX_TABS presses;
#   - after a wrong OTP the line
#       level=info msg="wizard notice" kind=error step=STEP visible=true|false
#     is missing or says visible=false, or the focus is not back in the OTP
#     field (the same for the keyring warning, kind=warning, on the Patient step);
#   - the window does not fit the screen at a step (xdotool's geometry of the
#     window against the screen's, and the screenshot's size against the
#     window's: a window cut by the screen's edge gives a smaller picture);
#   - the audit trail has no "deactivated" outcome for the patient (pass 1);
#   - the app's output has "Error in Fyne call thread", "panic:", "DATA RACE"
#     or an X error, or the app does not exit cleanly when its window is closed.
# Every process it starts (simulator, Xvfb, app) is stopped on any exit.
#
# Needs Xvfb, xdotool and ImageMagick (scripts/install-deps.sh test); python3
# (standard library) to close the window as a window manager would.
#
# Environment knobs:
#   SCREEN        screen of pass 1 (default 1366x768)
#   SHORT_SCREEN  screen of pass 2 (default 1024x768; "" skips pass 2)
#   STEP_TIMEOUT  seconds to wait for each step, line, OTP or window (default 30)
#   MAX_TABS      most Tab presses to reach a field (default 12)
#   KEYS_VIA      window (default: xdotool --window, XSendEvent) or focus (XTEST)
#   KEEP_TMP=1    keep the temporary HOMEs and outputs and print their path
#   RUN_NAME      names the screenshots (RUN_NAME-NN-step.png, pass 2
#                 RUN_NAME-1024-NN-step.png) and the log (xvfb-e2e-RUN_NAME.log)
#                 instead of custom-en
#   APP_RUNNER    starts the binary (e.g. "wine" for the Windows build; see scripts/lib/e2e.sh)
#   SANDBOX_BIN   the program whose `sandbox` command is the simulator (default:
#                 the app's binary; the Windows lane passes the Linux build)
#   SANDBOX_ARGS  more arguments for `sandbox`, split at spaces (e.g. --client-secret S,
#                 so that the caller knows the secret and can search for it afterwards)
#   AUDIT_FILE    the app's audit trail, where pass 1 checks it (default: under
#                 the temporary XDG_DATA_HOME)
#   SECRET_KEPT   where "Remember the secret" keeps it: session (default; no
#                 keyring, so the Patient step must warn) or keyring (a working
#                 keyring, as Wine's Credential Manager: no warning allowed)
#   REACTIVATE=1  pass 1 goes on from the Result: "Reactivate now", the
#                 reactivation OTP, the confirmation and the reactivation
#                 (screenshots NN 17-20), and the audit trail must record it
#
# The script relies on the app's stderr lines (not on pixel positions):
#   level=info msg="wizard step shown" step=connect|patient|otp|verify|result
#   level=info msg="wizard event" event="patient found"|"sign-in OTP sent"|"patient signed in"
#   level=info msg="wizard focus" ...   level=info msg="wizard notice" ...
# and on the simulator's stdout: "gateway: URL", "healthid: URL",
# "client-id: ID", "client-secret: S", "hip-id: ID", and "otp TXN OTP" for
# each OTP it sends.
set -euo pipefail

# shellcheck source=scripts/lib/e2e.sh
. "$(dirname "$0")/lib/e2e.sh"

BIN=${1:-bin/abha-deactivate}
RUN_BASE=${RUN_NAME:-custom-en}
RUN=$RUN_BASE # names the screenshots of the pass under way
e2e_init xvfb-e2e-custom
MAX_TABS=${MAX_TABS:-12}
SCREEN=${SCREEN:-1366x768}
SHORT_SCREEN=${SHORT_SCREEN-1024x768}
for s in "$SCREEN" ${SHORT_SCREEN:+"$SHORT_SCREEN"}; do
	[[ "$s" =~ ^[0-9]+x[0-9]+$ ]] || { printf 'xvfb-e2e-custom: a screen is WIDTHxHEIGHT, not "%s"\n' "$s" >&2; exit 2; }
done
LOG="$SHOTS/xvfb-e2e-${RUN_NAME:-custom}.log"
WINDOW_TITLE='ABHA ' # the start of the title (ABHA Deactivation)
KEY_DELAY=40         # ms between keys
WAIT_INTERVAL=0.05
SECRET_KEPT=${SECRET_KEPT:-session}
REACTIVATE=${REACTIVATE:-0}
case "$SECRET_KEPT/$REACTIVATE" in
session/0 | session/1 | keyring/0 | keyring/1) ;;
*) printf 'xvfb-e2e-custom: SECRET_KEPT must be session or keyring, REACTIVATE 0 or 1\n' >&2; exit 2 ;;
esac

# The demo patients (see `abha-deactivate sandbox`): both active, with a
# mobile linked to their Aadhaar.
PATIENT_ABHA='91-5512-3456-7890'         # Asha Verma, deactivated in pass 1
PATIENT_MASKED='XX-XXXX-XXXX-7890'
PATIENT2_ABHA='91-6623-4567-8901'        # Rahul Mehta, signed in in pass 2

# The names the app gives the fields in its "wizard focus" lines (EREs).
W_ENV='connect\.env'           # the ABDM system Select
W_GATEWAY='connect\.gateway'
W_SERVICE='connect\.healthid'  # the ABHA service address
W_CLIENT_ID='connect\.client_id'
W_SECRET='connect\.secret'
W_REMEMBER='connect\.remember'
W_HIP_ID='connect\.hip_id'
W_ABHA='patient\.abha'
W_SIGNIN_OTP='patient\.signin_otp'
W_CONFIRM='patient\.confirm'
W_OTP='verify\.otp'
W_REASON='verify\.reason_101'
W_REACTIVATE_NOW='result\.reactivate_now'
W_REACT_OTP='reactivate\.otp'

check_setup
SANDBOX_BIN=${SANDBOX_BIN:-$BIN}
case "$SANDBOX_BIN" in
/*) ;;
*) SANDBOX_BIN="$PWD/$SANDBOX_BIN" ;;
esac
[[ -x "$SANDBOX_BIN" ]] || { say "no executable at $SANDBOX_BIN for the simulator"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-xvfb-custom.XXXXXX")
SBX_OUT="$T/sandbox.stdout"
SBX_ERR="$T/sandbox.stderr"
SBX_PID=""
SECRET="" # the simulator's client secret: typed into the app, never printed
P=""      # the directory of the pass under way, under $T (start_pass)
PASSES=() # the passes started, for the log
CHECK_ALSO=("$SBX_ERR")

# hide_secret: copies stdin to stdout with the client secret blanked out.
hide_secret() {
	if [[ "$SECRET" =~ ^[A-Za-z0-9_-]+$ ]]; then
		sed "s/$SECRET/[client secret hidden]/g"
	else
		sed 's/^client-secret: .*/client-secret: [hidden]/'
	fi
}
filter_output() { hide_secret; }

write_log() {
	local p
	mkdir -p "$SHOTS"
	{
		printf '===== simulator (abha-deactivate sandbox): stdout =====\n'
		cat "$SBX_OUT" 2>/dev/null
		printf '===== simulator: stderr =====\n'
		cat "$SBX_ERR" 2>/dev/null
		for p in "${PASSES[@]}"; do
			printf '===== app, pass %s: stderr =====\n' "$p"
			cat "$T/$p/app.stderr" 2>/dev/null
			printf '===== app, pass %s: stdout =====\n' "$p"
			cat "$T/$p/app.stdout" 2>/dev/null
		done
	} | hide_secret >"$LOG"
}

# at exit, after the app and Xvfb: the simulator, then the log.
at_exit() {
	stop_pid "$SBX_PID"
	SBX_PID=""
	write_log
}
e2e_traps

# fail shows the end of the simulator's output too.
on_fail() {
	if [[ -f "$SBX_OUT" ]]; then
		say "last lines of the simulator's output:"
		tail -n 8 "$SBX_OUT" "$SBX_ERR" 2>/dev/null | hide_secret >&2 || true
	fi
	say "all output: $LOG"
}

sandbox_alive() { [[ -n "$SBX_PID" ]] && kill -0 "$SBX_PID" 2>/dev/null; }
# Every wait fails as soon as the simulator has gone.
while_waiting() { sandbox_alive || fail "the simulator exited while waiting for $2"; }

# after wait_step MARK NAME: where is the focus (wait_focus)?
after_step() { wait_focus "$1" "step $2 shown" "$2"; }

# ---------------------------------------------------------------- focus checks
FOCUS_LINE=""
FOCUS_WIDGET=""
FOCUS_STEP=""
FOCUS_CHECKS=0
NOTICE_CHECKS=0
FIT_CHECKS=0
SHIFT_TABS=0
# wait_focus MARK WHAT [STEP]: waits for a "wizard focus" line (of STEP, if
# given) after MARK, lets the app settle (a step may move the focus again
# once shown), takes the newest such line and fails if it says
# visible=false. widget=none (nothing focused) has nothing to be visible.
wait_focus() {
	local from=$1 what=$2 step=${3:-} re='msg="wizard focus"' vis
	[[ -n "$step" ]] && re+=".* step=$step( |$)"
	wait_for "$from" "$re" "\"wizard focus\" line ($what)" >/dev/null
	sleep 0.3
	FOCUS_LINE=$(tail -n "+$((from + 1))" "$ERR" | grep -E -- "$re" | tail -n1)
	FOCUS_WIDGET=$(kv "$FOCUS_LINE" widget)
	FOCUS_STEP=$(kv "$FOCUS_LINE" step)
	vis=$(kv "$FOCUS_LINE" visible)
	FOCUS_CHECKS=$((FOCUS_CHECKS + 1))
	[[ -n "$FOCUS_WIDGET" ]] || fail "no widget= in the focus line ($what): $FOCUS_LINE"
	if [[ "$FOCUS_WIDGET" != none && "$vis" != true ]]; then
		say "focus line: $FOCUS_LINE"
		fail "the focused widget $FOCUS_WIDGET of step $FOCUS_STEP is not visible=true ($what)"
	fi
}

# tab KEY: presses Tab or shift+Tab and checks the focus line that follows.
tab() {
	local m
	m=$(mark)
	keys "$1"
	[[ "$1" == shift+Tab ]] && SHIFT_TABS=$((SHIFT_TABS + 1))
	wait_focus "$m" "after $1 from ${FOCUS_WIDGET:-?}"
}

# focus_to ERE KEY: presses KEY (Tab or shift+Tab) until the focused widget
# is ERE, at most MAX_TABS times.
focus_to() {
	local re=$1 key=$2 n=0
	until [[ "$FOCUS_WIDGET" =~ ^($re)$ ]]; do
		((n < MAX_TABS)) || fail "after $MAX_TABS presses of $key the focus is on $FOCUS_WIDGET, not $re"
		tab "$key"
		n=$((n + 1))
	done
}

# expect_focus ERE WHAT: the newest focus line names ERE.
expect_focus() {
	[[ "$FOCUS_WIDGET" =~ ^($1)$ ]] || fail "the focus is on ${FOCUS_WIDGET:-nothing}, not $1 ($2): $FOCUS_LINE"
}

# expect_notice MARK STEP KIND: a "wizard notice" line of STEP and KIND after
# MARK that says visible=true.
expect_notice() {
	local line
	local n='msg="wizard notice".*'
	# logrus writes the fields in any order (today: sorted by name).
	line=$(wait_for "$1" "$n step=$2( .*)? kind=$3( |$)|$n kind=$3( .*)? step=$2( |$)" "\"wizard notice\" step=$2 kind=$3 line")
	NOTICE_CHECKS=$((NOTICE_CHECKS + 1))
	if [[ "$(kv "$line" visible)" != true ]]; then
		say "notice line: $line"
		fail "the $3 notice of step $2 is not visible=true"
	fi
	say "notice shown and visible: step=$2 kind=$3"
}

# ---------------------------------------------------------------- screen
# fits NAME FILE: the window lies inside the screen, and the screenshot FILE
# is as large as the window (X clips a capture at the screen's edge).
fits() {
	local X Y WIDTH HEIGHT SCREEN_W SCREEN_H size
	eval "$(xdotool getwindowgeometry --shell "$WID" | grep -E '^(X|Y|WIDTH|HEIGHT)=[0-9-]+$')"
	read -r SCREEN_W SCREEN_H < <(xdotool getdisplaygeometry)
	FIT_CHECKS=$((FIT_CHECKS + 1))
	if ((X < 0 || Y < 0 || X + WIDTH > SCREEN_W || Y + HEIGHT > SCREEN_H)); then
		fail "at $1 the window (${WIDTH}x${HEIGHT} at $X,$Y) does not fit the ${SCREEN_W}x${SCREEN_H} screen: its content is cut"
	fi
	size=$(identify -format '%wx%h' "$2")
	[[ "$size" == "${WIDTH}x${HEIGHT}" ]] || fail "at $1 the screenshot is $size, the window ${WIDTH}x${HEIGHT}: part of the window is off the screen"
}

# after each shot NAME FILE: the window fits the screen.
after_shot() { fits "$@"; }

# ---------------------------------------------------------------- the simulator
# Its OTPs are lines "otp TXN OTP" on its stdout.
otp_mark() { lines "$SBX_OUT"; }
# next_otp MARK WHAT: the OTP of the first "otp" line after MARK.
next_otp() {
	local line
	line=$(wait_in "$SBX_OUT" "$1" '^otp [^ ]+ [0-9]{6}$' "$2 in the simulator's output")
	printf '%s\n' "${line##* }"
}
# wrong_otp OTP: six digits that are not OTP.
wrong_otp() { printf '%06d\n' $(((10#$1 + 111111) % 1000000)); }

# sbx_value KEY: the value of the simulator's "KEY: value" line.
sbx_value() { sed -n "s/^$1: //p" "$SBX_OUT" | head -n1; }

start_sandbox() {
	: >"$SBX_OUT"
	: >"$SBX_ERR"
	# Port 0: the simulator picks a free loopback port and prints its addresses.
	local extra=()
	[[ -n "${SANDBOX_ARGS:-}" ]] && read -r -a extra <<<"$SANDBOX_ARGS"
	"$SANDBOX_BIN" sandbox --addr 127.0.0.1:0 ${extra[@]+"${extra[@]}"} >"$SBX_OUT" 2>"$SBX_ERR" &
	SBX_PID=$!
	local deadline=$((SECONDS + STEP_TIMEOUT))
	until grep -q '^Press Ctrl+C' "$SBX_ERR"; do
		sandbox_alive || { cat "$SBX_ERR" >&2; fail "the simulator exited at start"; }
		((SECONDS < deadline)) || fail "the simulator did not start within ${STEP_TIMEOUT}s"
		sleep 0.05
	done
	GATEWAY_URL=$(sbx_value gateway)
	SERVICE_URL=$(sbx_value healthid)
	CLIENT_ID=$(sbx_value client-id)
	SECRET=$(sbx_value client-secret)
	HIP_ID=$(sbx_value hip-id)
	[[ "$GATEWAY_URL" =~ ^http://127\.0\.0\.1:[0-9]+/ ]] || fail "no v3 gateway address (\"gateway: …\") in the simulator's output"
	[[ "$SERVICE_URL" =~ ^http://127\.0\.0\.1:[0-9]+/ ]] || fail "no v3 ABHA service address (\"healthid: …\") in the simulator's output"
	[[ -n "$CLIENT_ID" && -n "$HIP_ID" ]] || fail "no client ID or HIP ID in the simulator's output"
	[[ "$SECRET" =~ ^[A-Za-z0-9_-]+$ ]] || fail "no client secret (\"client-secret: …\") in the simulator's output"
	say "simulator (pid $SBX_PID): gateway $GATEWAY_URL, ABHA service $SERVICE_URL, client ID $CLIENT_ID, HIP ID $HIP_ID, a client secret of ${#SECRET} characters"
}

# ---------------------------------------------------------------- a pass
# start_pass NAME SCREEN: a private Xvfb of SCREEN and the app with a fresh
# HOME, as a new user; waits for its window and the Connect step.
start_pass() {
	RUN=$1
	local screen=$2
	P="$T/$RUN"
	((${#PASSES[@]} == 0)) || STEPS_SEEN+=("|")
	PASSES+=("$RUN")
	mkdir -m 0700 "$P"
	rm -f "$SHOTS/$RUN"-[0-9][0-9]-*.png
	mkdir -p "$SHOTS"
	start_xvfb 70 79 "$P/xvfb.log" "${screen}x24"
	say "Xvfb $screen on $DISPLAY (pid $XVFB_PID), temporary HOME $P/home"

	# No keyring: D-Bus points nowhere. --api v3 only; the addresses are typed.
	# --log-level debug: the step, event, focus and notice lines are at info.
	start_app "$P" --api v3 --log-level debug
	find_window
	focus_window
	wait_step 0 connect
	say "window $WID: $(window_geometry) on a $(xdotool getdisplaygeometry | tr ' ' x) screen"
}

# connect: fills Connect in by keyboard, as a new user, and connects.
connect() {
	settle
	shot 01-connect
	say "Connect: the focus starts on $FOCUS_WIDGET"
	# The ABDM system is the first choice on the form: go back to it.
	if [[ "$FOCUS_WIDGET" == none ]]; then
		tab Tab
	fi
	focus_to "$W_ENV" shift+Tab
	# Space opens the Select's pop-up; Down moves (the first Down lights
	# the first item), Return picks: Sandbox, Production, Custom addresses.
	keys space
	sleep 0.3
	keys Down Down Down
	settle
	shot 02-system-list
	local m
	m=$(mark)
	keys Return
	sleep 0.3
	# The pop-up gives the focus back to the Select.
	wait_focus "$m" "Custom addresses picked"
	expect_focus "$W_ENV" "after the pick"
	# The API generation stays v3 (the radio's first item). The custom
	# addresses are shown after it.
	focus_to "$W_GATEWAY" Tab
	type_text "$GATEWAY_URL"
	tab Tab
	expect_focus "$W_SERVICE" "Tab from the gateway address"
	# One step back and forth: Shift+Tab to the gateway address.
	tab shift+Tab
	expect_focus "$W_GATEWAY" "Shift+Tab from the ABHA service address"
	tab Tab
	type_text "$SERVICE_URL"
	focus_to "$W_CLIENT_ID" Tab
	type_text "$CLIENT_ID"
	tab Tab
	expect_focus "$W_SECRET" "Tab from the client ID"
	type_text "$SECRET"
	# Remember the secret: there is no keyring, so the app keeps it for
	# the session only and says so.
	tab Tab
	expect_focus "$W_REMEMBER" "Tab from the secret"
	keys space
	focus_to "$W_HIP_ID" Tab
	type_text "$HIP_ID"
	settle
	shot 03-connect-filled
	m=$(mark)
	keys Return
	wait_step "$m" patient
	if [[ "$SECRET_KEPT" == keyring ]]; then
		# A working keyring took the secret: no warning on the Patient step.
		sleep 0.5
		if tail -n "+$((m + 1))" "$ERR" | grep -qE 'msg="wizard notice".* kind=warning( |$)'; then
			tail -n "+$((m + 1))" "$ERR" | grep -E 'msg="wizard notice"' | hide_secret >&2
			fail "a warning was shown after Connect although the keyring should have kept the secret"
		fi
		say "the secret was given to the system keyring without a warning"
	else
		# "Remember" with no keyring: the Patient step says that the secret is
		# kept for this session only, in a warning that must be in sight.
		expect_notice "$m" patient warning
	fi
}

# find_patient ABHA: types the ABHA number and sends the sign-in OTP (v3
# has no search: Return sends it at once); sets LOGIN_OTP.
find_patient() {
	local m o
	focus_to "$W_ABHA" Tab
	type_text "$1"
	settle
	shot 04-patient
	# Return = Send sign-in OTP (to the Aadhaar-linked mobile, the default,
	# chosen under the field); the sign-in OTP field gets the focus.
	m=$(mark)
	o=$(otp_mark)
	keys Return
	LOGIN_OTP=$(next_otp "$o" "the sign-in OTP")
	wait_event "$m" "sign-in OTP sent"
	wait_focus "$m" "sign-in OTP sent" patient
	expect_focus "$W_SIGNIN_OTP" "sign-in OTP sent"
	say "sign-in OTP received from the simulator"
}

# sign_in OTP: types OTP into the focused sign-in OTP field: its sixth
# digit signs in.
sign_in() {
	local m
	m=$(mark)
	type_text "$1"
	wait_event "$m" "patient signed in"
	wait_focus "$m" "patient signed in" patient
	expect_focus "$W_CONFIRM" "patient signed in"
}

# confirm_dialog: in the confirmation dialog (which has the keys, as the
# focus lines "dialog.button:NAME" say), Tab to Go back, Tab to Deactivate, Space.
confirm_dialog() {
	tab Tab
	expect_focus 'dialog\.button:Go back' "Tab in the confirmation dialog"
	tab Tab
	expect_focus 'dialog\.button:Deactivate' "second Tab in the confirmation dialog"
	keys space
}

# ================================================================ run
start_sandbox

# ---------------------------------------------------------------- pass 1
PASS1_MS=$(now_ms)
start_pass "$RUN_BASE" "$SCREEN"
CONNECT_MS=$(($(now_ms) - APP_START_MS))
connect
settle

find_patient "$PATIENT_ABHA"
# A mistake at the desk: a wrong sign-in OTP first (its sixth digit sends it).
m=$(mark)
type_text "$(wrong_otp "$LOGIN_OTP")"
expect_notice "$m" patient error
wait_focus "$m" "wrong sign-in OTP" patient
expect_focus "$W_SIGNIN_OTP" "after the wrong sign-in OTP"
settle
shot 07-sign-in-otp-refused
sign_in "$LOGIN_OTP"
sleep 0.4 # the patient card is put on screen after the call returns
shot 08-patient-card
keys space # tick "Yes, this is the patient in front of me"
settle
shot 09-patient-confirmed
m=$(mark)
keys Return
wait_step "$m" otp

# Send OTP (to the Aadhaar-linked mobile, the default): Return = Send OTP.
settle
shot 10-send-otp
m=$(mark)
o=$(otp_mark)
keys Return
wait_step "$m" verify
OTP=$(next_otp "$o" "the deactivation OTP")
say "deactivation OTP received from the simulator"
expect_focus "$W_OTP" "verify step shown"

# Verify: a wrong OTP first (its sixth digit moves the focus to reason 101),
# reason 101, Return asks for confirmation; the dialog's second Tab reaches
# Deactivate, Space presses it.
settle
m=$(mark)
type_text "$(wrong_otp "$OTP")"
wait_focus "$m" "the sixth digit of the OTP" verify
expect_focus "$W_REASON" "the sixth digit of the OTP"
keys space
settle
shot 11-verify-wrong-otp
keys Return
sleep 0.6 # the confirmation dialog has no log line of its own
shot 12-confirm-dialog
m=$(mark)
confirm_dialog
expect_notice "$m" verify error
wait_focus "$m" "wrong deactivation OTP" verify
expect_focus "$W_OTP" "after the wrong deactivation OTP"
settle
shot 13-verify-otp-refused
type_text "$OTP"
settle
shot 14-verify
keys Return
sleep 0.6
shot 15-confirm-dialog
m=$(mark)
confirm_dialog
wait_step "$m" result
settle
shot 16-result

AUDIT=${AUDIT_FILE:-$P/data/abha-deactivate/audit.jsonl}
wait_deactivated "$AUDIT" "$PATIENT_MASKED"
grep -q '"api":"v3"' "$AUDIT" || fail "the audit trail does not record API v3"
say "audit trail: outcome \"deactivated\" recorded for $PATIENT_MASKED, API v3"

if [[ "$REACTIVATE" == 1 ]]; then
	# Reactivate now: from the Result's button (reached by Tab) to the
	# reactivation step, the ABHA number filled in; Return sends the
	# reactivation OTP, which the simulator prints.
	focus_to "$W_REACTIVATE_NOW" Tab
	m=$(mark)
	keys space
	wait_step "$m" reactivate
	wait_event "$m" "reactivation ready"
	settle
	shot 17-reactivate
	m=$(mark)
	o=$(otp_mark)
	keys Return
	REACT_OTP=$(next_otp "$o" "the reactivation OTP")
	wait_event "$m" "reactivation OTP sent"
	wait_focus "$m" "reactivation OTP sent" reactivate
	expect_focus "$W_REACT_OTP" "reactivation OTP sent"
	say "reactivation OTP received from the simulator"
	type_text "$REACT_OTP"
	settle
	shot 18-reactivation-otp
	m=$(mark)
	keys Return
	wait_event "$m" "confirm reactivation"
	sleep 0.6 # the confirmation dialog is drawn after the event
	shot 19-confirm-reactivation
	m=$(mark)
	tab Tab
	expect_focus 'dialog\.button:Go back' "Tab in the reactivation's confirmation"
	tab Tab
	expect_focus 'dialog\.button:Reactivate' "second Tab in the reactivation's confirmation"
	keys space
	wait_event "$m" "reactivated"
	settle
	shot 20-reactivated
	deadline=$((SECONDS + 10))
	until grep -q '"outcome":"reactivated"' "$AUDIT"; do
		((SECONDS < deadline)) || fail "no outcome record \"reactivated\" in $AUDIT"
		sleep 0.1
	done
	say "audit trail: outcome \"reactivated\" recorded for $PATIENT_MASKED"
fi
check_output "during the run"
close_app
stop_app_xvfb
PASS1_MS=$(($(now_ms) - PASS1_MS))

# ---------------------------------------------------------------- pass 2
PASS2_MS=0
if [[ -n "$SHORT_SCREEN" ]]; then
	PASS2_MS=$(now_ms)
	start_pass "$RUN_BASE-${SHORT_SCREEN%%x*}" "$SHORT_SCREEN"
	connect
	settle
	find_patient "$PATIENT2_ABHA"
	sign_in "$LOGIN_OTP"
	sleep 0.4
	shot 06-patient-card
	keys space
	settle
	shot 07-patient-confirmed
	check_output "during the run"
	close_app
	stop_app_xvfb
	PASS2_MS=$(($(now_ms) - PASS2_MS))
fi

# ---------------------------------------------------------------- summary
RUN=$RUN_BASE
echo "xvfb-e2e-custom: PASS in $(($(now_ms) - START_MS)) ms (pass $SCREEN: $PASS1_MS ms${SHORT_SCREEN:+, pass $SHORT_SCREEN: $PASS2_MS ms})"
echo "  steps reached: ${STEPS_SEEN[*]}$( ((${#PASSES[@]} > 1)) && echo ' (pass 1 | pass 2)')"
echo "  start to connect step shown (pass 1): ${CONNECT_MS} ms"
echo "  checks: $FOCUS_CHECKS focus lines visible ($SHIFT_TABS after Shift+Tab), $NOTICE_CHECKS notices visible, $FIT_CHECKS window-fits-screen"
echo "  screenshots:"
printf '    %s\n' "${SHOT_LIST[@]#"$ROOT"/}"
echo "  output of the simulator and the app: ${LOG#"$ROOT"/}"
