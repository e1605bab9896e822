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
#   RUN_NAME      names the screenshots and the log instead of API-LANG
#   APP_RUNNER    starts the binary (e.g. "wine" for the Windows build; see scripts/lib/e2e.sh)
#   AUDIT_FILE    the app's audit trail, where the checks read it (default: under
#                 the temporary XDG_DATA_HOME; the Windows build keeps it in the
#                 Wine prefix's %LocalAppData%)
#
# Screenshots are named screenshots/API-LANG-NN-step.png (e.g. v3-en-01-connect.png),
# or RUN_NAME-NN-step.png.
#
# The script relies on these lines on the app's stderr, not on pixel positions:
#   level=info msg="wizard step shown" step=connect|patient|otp|verify|result|reactivate
#   level=info msg="wizard event" event="patient found"|"patient signed in"|"confirm reactivation"|...
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
RUN=${RUN_NAME:-$API-$APP_LANG} # names the screenshots and the log of this run
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

# ---------------------------------------------------------------- Xvfb
start_xvfb 90 99 "$T/xvfb.log"
say "Xvfb on $DISPLAY (pid $XVFB_PID), temporary HOME $T"

# ---------------------------------------------------------------- the app
rm -f "$SHOTS/$RUN"-[0-9][0-9]-*.png "$SHOTS/xvfb-e2e-$RUN.log"
mkdir -p "$SHOTS"

# --log-level debug: the step lines are at info; the debug "ABDM call done"
# line tells when the patient lookup has answered (no step change there).
start_app "$T" --demo --api "$API" --lang "$APP_LANG" --log-level debug

wait_step 0 connect 0.02
CONNECT_MS=$(($(now_ms) - APP_START_MS))

find_window
focus_window
say "window $WID: $(window_geometry)"

# 1. Connect: the demo fills in the simulator's credentials; Return = Connect.
settle
shot 01-connect
m=$(mark)
keys Return
wait_step "$m" patient

# 2. Patient: the ABHA number field has the focus; type Asha Verma's (a demo
# patient); Return = Find patient (a search).
settle
m=$(mark)
type_text "$ABHA_NUMBER"
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
# the transaction ID (selectable), Copy, Open receipt and Save receipt (PDF)
# to the button, Space; the ABHA number is filled in and has the focus.
m=$(mark)
keys Tab Tab Tab Tab Tab space
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

# 6. The patient can sign in again: Return = Next patient; Asha Verma's ABHA
# number in the focused field, Find patient, Send sign-in OTP (ABDM allows a
# new sign-in OTP 30 s after the last one), Sign in.
m=$(mark)
keys Return
wait_step "$m" patient
settle
m=$(mark)
type_text "$ABHA_NUMBER"
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
echo "  screenshots:"
printf '    %s\n' "${SHOT_LIST[@]#"$ROOT"/}"
echo "  app output: ${SHOTS#"$ROOT"/}/xvfb-e2e-$RUN.log"
