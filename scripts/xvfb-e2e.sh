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
#   SCREEN        the screen, WIDTHxHEIGHT (default 1366x768; another size is
#                 added to the screenshots' names: v3-en-1024x768-01-connect.png)
#   MAX_OTHER_KEYS  most keys other than typed characters (Enter, Tab, Space)
#                 the demo deactivation may take, from Connect's first key to
#                 the result (default 7 with v3, 8 with v2, which has a search)
#   STEP_TIMEOUT  seconds to wait for each step, OTP or window (default 30)
#   KEYS_VIA      window (default: xdotool --window, XSendEvent) or focus (XTEST)
#   KEEP_TMP=1    keep the temporary HOME (logs, audit trail) and print its path
#   RUN_NAME      names the screenshots and the log instead of API-LANG
#   APP_RUNNER    starts the binary (e.g. "wine" for the Windows build; see scripts/lib/e2e.sh)
#   AUDIT_FILE    the app's audit trail, where the checks read it (default: under
#                 the temporary XDG_DATA_HOME; the Windows build keeps it in the
#                 Wine prefix's %LocalAppData%)
#
# Screenshots are named screenshots/API-LANG-NN-step.png (e.g. v3-en-01-connect.png),
# or RUN_NAME-NN-step.png.
#
# Keys are counted from Connect's first key to the result of the deactivation
# and printed (keystrokes_deactivation_demo: N, typed characters and other
# keys apart); the run fails if the other keys are more than MAX_OTHER_KEYS.
# Enter opens each confirmation and Enter again presses its default button
# (Deactivate, Reactivate): one dialog is shown, and none is left over the
# next screen; Escape on the reactivation's first goes back.
#
# The script relies on these lines on the app's stderr, not on pixel positions:
#   level=info msg="wizard step shown" step=connect|patient|otp|verify|result|reactivate
#   level=info msg="wizard event" event="patient found"|"patient signed in"|"confirm reactivation"|...
#   level=info msg="wizard dialog shown" title=...   level=info msg="wizard dialog closed" confirmed=true|false
#   level=info msg="wizard notice" kind=... step=... title=...
#   level=info msg="demo simulator started" url=...  (its /_sandbox/faults slows a call)
#   [demo phone] SMS to XXXXXX3210: 123456 is your OTP to deactivate your ABHA. ...
set -euo pipefail

# shellcheck source=scripts/lib/e2e.sh
. "$(dirname "$0")/lib/e2e.sh"

BIN=${1:-bin/abha-deactivate}
API=${API:-v3}
APP_LANG=${APP_LANG:-en}
case "$API/$APP_LANG" in
v3/en | v3/hi | v2/en | v2/hi) ;;
*) printf 'xvfb-e2e: API must be v3 or v2, APP_LANG en or hi\n' >&2; exit 2 ;;
esac
SCREEN=${SCREEN:-1366x768}
[[ "$SCREEN" =~ ^[0-9]+x[0-9]+$ ]] || { printf 'xvfb-e2e: SCREEN must be WIDTHxHEIGHT\n' >&2; exit 2; }
size_tag=""
[[ "$SCREEN" == 1366x768 ]] || size_tag="-$SCREEN"
RUN=${RUN_NAME:-$API-$APP_LANG$size_tag} # names the screenshots and the log of this run
if [[ "$API" == v3 ]]; then MAX_OTHER_KEYS=${MAX_OTHER_KEYS:-7}; else MAX_OTHER_KEYS=${MAX_OTHER_KEYS:-8}; fi
e2e_init xvfb-e2e
WINDOW_TITLE='ABHA ' # the start of the title in English (ABHA Deactivation) and Hindi
ABHA_NUMBER='91-5512-3456-7890' # the demo patient "Asha Verma"
ABHA_MASKED='XX-XXXX-XXXX-7890'
check_setup

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-xvfb-e2e.XXXXXX")
# The app's output, kept as screenshots/xvfb-e2e-RUN.log.
at_exit() {
	if [[ -f "$ERR" ]]; then
		mkdir -p "$SHOTS"
		cat "$ERR" "$OUT" >"$SHOTS/xvfb-e2e-$RUN.log" 2>/dev/null
	fi
}
e2e_traps

# ---------------------------------------------------------------- keys counted
# keys and type_text of the library, counted while COUNTING=1.
COUNTING=0 KEYS_TYPED=0 KEYS_OTHER=0
keys() {
	((COUNTING)) && KEYS_OTHER=$((KEYS_OTHER + $#))
	xdo key "$@"
}
type_text() {
	((COUNTING)) && KEYS_TYPED=$((KEYS_TYPED + ${#1}))
	xdo type -- "$1"
}

# dialogs_since MARK: "SHOWN CLOSED", the confirmations shown and closed after MARK.
dialogs_since() {
	local lines
	lines=$(tail -n "+$(($1 + 1))" "$ERR")
	printf '%s %s\n' "$(grep -c 'msg="wizard dialog shown"' <<<"$lines" || true)" \
		"$(grep -c 'msg="wizard dialog closed"' <<<"$lines" || true)"
}

# dialogs MARK N WHAT: exactly N confirmations were shown after MARK, and
# all are closed (none left over the screen).
dialogs() {
	local shown closed
	read -r shown closed <<<"$(dialogs_since "$1")"
	[[ "$shown" == "$2" ]] || fail "$shown confirmations shown for $3, want $2"
	[[ "$closed" == "$2" ]] || fail "a confirmation of $3 is still open over the next screen"
	say "$2 confirmation(s) shown for $3, all closed"
}

# sim_fault JSON: adds a fault to the demo's simulator (its admin endpoint).
sim_fault() {
	curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$SIM_URL/_sandbox/faults" >/dev/null ||
		fail "the simulator did not take the fault $1"
}

# ---------------------------------------------------------------- Xvfb
start_xvfb 90 99 "$T/xvfb.log" "${SCREEN}x24"
say "Xvfb on $DISPLAY (pid $XVFB_PID, screen $SCREEN), temporary HOME $T"

# ---------------------------------------------------------------- the app
rm -f "$SHOTS/$RUN"-[0-9][0-9]-*.png "$SHOTS/xvfb-e2e-$RUN.log"
mkdir -p "$SHOTS"

# --log-level debug: the step lines are at info; the debug "ABDM call done"
# line tells when the patient lookup has answered (no step change there).
start_app "$T" --demo --api "$API" --lang "$APP_LANG" --log-level debug

wait_step 0 connect 0.02
CONNECT_MS=$(($(now_ms) - APP_START_MS))
SIM_URL=$(wait_for 0 'msg="demo simulator started"' "the demo simulator's address" | sed -E 's/.*url="?([^" ]+)"?.*/\1/')

find_window
focus_window
say "window $WID: $(window_geometry)"

# 1. Connect: the demo fills in the simulator's credentials; Return = Connect.
settle
shot 01-connect
COUNTING=1
m=$(mark)
keys Return
wait_step "$m" patient

# 2. Patient: the ABHA number field has the focus; type Asha Verma's (a demo
# patient). Return sends the sign-in OTP (Aadhaar OTP, the default) at once
# with v3, which has no search; v2 finds the ABHA first (a second Return).
settle
m=$(mark)
type_text "$ABHA_NUMBER"
settle
shot 02-patient
if [[ "$API" == v2 ]]; then
	keys Return
	wait_for "$m" 'msg="wizard event" event="patient found"' "the ABHA found (\"patient found\" event)" >/dev/null
	sleep 0.4
	m=$(mark)
fi
keys Return
login_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to sign in' "sign-in OTP on the demo phone")
wait_for "$m" 'msg="wizard event" event="sign-in OTP sent"' "the sign-in OTP field ready" >/dev/null
LOGIN_OTP=$(printf '%s\n' "$login_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')
LOGIN_AT=$SECONDS
say "sign-in OTP received: $LOGIN_OTP"
sleep 0.3
# The sixth digit signs the patient in: no Return.
m=$(mark)
type_text "$LOGIN_OTP"
wait_for "$m" 'msg="wizard event" event="patient signed in"' "patient signed in (\"patient signed in\" event)" >/dev/null
sleep 0.8 # the card is drawn; Enter on the confirmation counts only once it has been seen
shot 03-patient
# The confirmation under the card has the focus: Return ticks it and goes on.
m=$(mark)
keys Return
wait_step "$m" otp

# 3. Send OTP (to the Aadhaar-linked mobile, the default).
settle
shot 04-send-otp
m=$(mark)
keys Return
wait_step "$m" verify
otp_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to deactivate' "OTP on the demo phone")
OTP=$(printf '%s\n' "$otp_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')
say "OTP received: $OTP"

# 4. Verify and deactivate: the OTP field has the focus; its sixth digit
# moves the focus to the first reason (101), which Space ticks; Return asks
# for confirmation, whose default button the next Return presses.
settle
type_text "$OTP"
settle
shot 05-verify-focus-ring
keys space
settle
m=$(mark)
keys Return
wait_for "$m" 'msg="wizard dialog shown"' "the confirmation (\"wizard dialog shown\")" >/dev/null
sleep 0.5
shot 06-confirm-dialog
keys Return # the default button: Deactivate
wait_step "$m" result
COUNTING=0
dialogs "$m" 1 "the deactivation"
settle
shot 07-result
KEYS_ALL=$((KEYS_TYPED + KEYS_OTHER))
echo "keystrokes_deactivation_demo: $KEYS_ALL (typed $KEYS_TYPED, other $KEYS_OTHER)"
((KEYS_OTHER <= MAX_OTHER_KEYS)) || fail "the deactivation took $KEYS_OTHER keys besides the typed characters, more than $MAX_OTHER_KEYS"

# History from its shortcut, closed by Escape.
keys ctrl+h
sleep 1
shot 08-history
keys Escape
settle
shot 09-history-closed
diff_px=$(compare -metric AE "$SHOTS/$RUN-07-result.png" "$SHOTS/$RUN-09-history-closed.png" null: 2>&1 || true)
[[ "${diff_px%% *}" =~ ^[0-9]+$ ]] && ((${diff_px%% *} < 500)) || fail "History did not close on Escape ($diff_px pixels differ from the result)"
say "History opened by Ctrl+H and closed by Escape"

# 5. Reactivate now (a deactivation made by mistake at the desk): the first
# Tab reaches Copy (no invisible stop), with the focus ring around it; then
# Open receipt, Save receipt (PDF) and the button; Space. The ABHA number is
# filled in and has the focus.
keys Tab
settle
shot 10-result-first-tab
m=$(mark)
keys Tab Tab Tab space
wait_step "$m" reactivate
wait_for "$m" 'msg="wizard event" event="reactivation ready"' "the reactivation step ready" >/dev/null
settle
shot 11-reactivate
# Return = Send reactivation OTP (to the ABHA's mobile, the default); the OTP field gets the focus.
m=$(mark)
keys Return
react_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to reactivate' "reactivation OTP on the demo phone")
REACT_OTP=$(printf '%s\n' "$react_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')
say "reactivation OTP received: $REACT_OTP"
wait_for "$m" 'msg="wizard event" event="reactivation OTP sent"' "the OTP field ready" >/dev/null
type_text "$REACT_OTP"
settle
# Return asks; Escape goes back (the dialog closes); Return twice asks again
# and presses Reactivate.
m=$(mark)
keys Return
wait_for "$m" 'msg="wizard event" event="confirm reactivation"' "the reactivation's confirmation" >/dev/null
sleep 0.5
shot 12-confirm-reactivation
keys Escape
wait_for "$m" 'msg="wizard dialog closed" confirmed=false' "the confirmation closed by Escape" >/dev/null
dialogs "$m" 1 "Escape on the reactivation"
m=$(mark)
keys Return Return
wait_for "$m" 'msg="wizard event" event="?reactivated"?( |$)' "the reactivation done (\"reactivated\" event)" >/dev/null
dialogs "$m" 1 "Return twice on the reactivation"
settle
shot 13-reactivated

# 6. The patient can sign in again: Return = Next patient; Asha Verma's ABHA
# number in the focused field (empty, with no mark of the last number). ABDM
# allows a new sign-in OTP 30 s after the last one. The simulator is slowed
# for the next sign-in OTP: Escape stops the request, in plain words; then
# Return sends it and the sixth digit signs the patient in.
m=$(mark)
keys Return
wait_step "$m" patient
settle
shot 14-next-patient
type_text "$ABHA_NUMBER"
if [[ "$API" == v2 ]]; then
	m=$(mark)
	keys Return
	wait_for "$m" 'msg="wizard event" event="patient found"' "the ABHA found again" >/dev/null
	sleep 0.4
fi
wait_s=$((LOGIN_AT + 31 - SECONDS))
((wait_s > 0)) && { say "waiting ${wait_s}s for ABDM's resend gap"; sleep "$wait_s"; }
if [[ "$API" == v3 ]]; then route=v3-login-request-otp; else route=auth-init; fi
sim_fault "{\"route\":\"$route\",\"fault\":{\"latency\":\"20s\",\"times\":1}}"
m=$(mark)
keys Return
sleep 1.2
shot 15-request-running
keys Escape
notice=$(wait_for "$m" 'msg="wizard notice".* step=patient' "the patient step's notice after Escape")
say "notice after Escape: $notice"
title=$(printf '%s\n' "$notice" | sed -E 's/.* title="([^"]*)".*/\1/')
[[ "$title" != "$notice" && -n "$title" ]] || fail "the notice after Escape has no title: $notice"
[[ "$(printf '%s\n' "$notice" | sed -E 's/.* kind=([a-z]+).*/\1/')" == info ]] || fail "the notice after Escape is not an information: $notice"
if tail -n "+$((m + 1))" "$ERR" | grep -E 'msg="wizard notice' | grep -qiE 'context canceled|deadline exceeded|Post "|dial tcp|\*url\.Error'; then
	fail "the notice after Escape shows a Go error: $(tail -n "+$((m + 1))" "$ERR" | grep -E 'msg="wizard notice')"
fi
settle
shot 16-request-stopped
m=$(mark)
keys Return
login_line=$(wait_for "$m" '\[demo phone\] SMS to [^:]*: [0-9]{6} is your OTP to sign in' "the second sign-in OTP")
wait_for "$m" 'msg="wizard event" event="sign-in OTP sent"' "the sign-in OTP field ready" >/dev/null
sleep 0.3
type_text "$(printf '%s\n' "$login_line" | sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/')"
wait_for "$m" 'msg="wizard event" event="patient signed in"' "the patient signed in again" >/dev/null
sleep 0.6
shot 17-signed-in-again

# ---------------------------------------------------------------- checks
AUDIT=${AUDIT_FILE:-$T/data/abha-deactivate/audit.jsonl}
wait_deactivated "$AUDIT" "$ABHA_MASKED"
say "audit trail: outcome \"deactivated\" recorded for $ABHA_MASKED"
grep -q '"outcome":"reactivated"' "$AUDIT" || fail "no outcome record \"reactivated\" in $AUDIT"
grep -q "\"api\":\"$API\"" "$AUDIT" || fail "the audit trail does not record API $API"
say "audit trail: outcome \"reactivated\" recorded, API $API"

check_output "during the run"
close_app

# ---------------------------------------------------------------- summary
echo "xvfb-e2e ($RUN): PASS in $(($(now_ms) - START_MS)) ms"
echo "  steps reached: ${STEPS_SEEN[*]}"
echo "  start to connect step shown: ${CONNECT_MS} ms"
echo "  keystrokes_deactivation_demo: $KEYS_ALL (typed $KEYS_TYPED, other $KEYS_OTHER, at most $MAX_OTHER_KEYS)"
echo "  screenshots:"
printf '    %s\n' "${SHOT_LIST[@]#"$ROOT"/}"
echo "  app output: ${SHOTS#"$ROOT"/}/xvfb-e2e-$RUN.log"
