#!/usr/bin/env bash
# End-to-end run of the real wizard binary, in demo mode, through an unknown
# outcome, on a private Xvfb, driven with the keyboard only (xdotool):
#   1. a deactivation whose reply the simulator loses (a fault posted to the
#      demo simulator's admin endpoint: the deactivation is done, its reply
#      dropped): the outcome-unknown screen names the patient;
#   2. Next patient (check later): the Patient step lists the attempt;
#   3. closing the window asks first (one unknown outcome); Quit;
#   4. the app starts again (the same HOME): the Connect step lists the
#      attempt from the audit trail, before any connection;
#   5. Connect, then History (Ctrl+H) lists it too; its Check status asks for
#      the full ABHA number (the trail keeps it masked), checks the status
#      and says what it found; History then shows the attempt settled, and
#      the audit trail has its outcome "settled by a status check".
# The second start has a new demo simulator, where the ABHA is active: the
# check settles the attempt as "not deactivated".
#
# Usage: scripts/xvfb-e2e-unknown.sh [path/to/abha-deactivate]   (default bin/abha-deactivate)
#
# It builds nothing: `make test-gui` builds the binary first. Each pass (see
# PASSES) writes screenshots/unknown-LANG-WIDTH-NN-step.png and the app's
# output as screenshots/xvfb-e2e-unknown-LANG-WIDTH.log. It fails when a
# step, an event or a focus does not come in time, when the audit trail
# lacks the records above, or when the app's output has "Error in Fyne call
# thread", "panic:", "DATA RACE" or an X error.
#
# Needs Xvfb, xdotool, ImageMagick, curl and python3 (to close the window as
# a window manager would).
#
# Environment knobs:
#   PASSES        LANG:SCREEN pairs (default "en:1366x768 hi:1366x768 en:1024x768 hi:1024x768")
#   STEP_TIMEOUT  seconds to wait for each step, line or window (default 30)
#   MAX_TABS      most Tab presses to reach a widget (default 15)
#   KEYS_VIA      window (default) or focus; see scripts/lib/e2e.sh
#   KEEP_TMP=1    keep the temporary HOMEs and print their path
set -euo pipefail

# shellcheck source=scripts/lib/e2e.sh
. "$(dirname "$0")/lib/e2e.sh"

BIN=${1:-bin/abha-deactivate}
PASSES=${PASSES:-"en:1366x768 hi:1366x768 en:1024x768 hi:1024x768"}
MAX_TABS=${MAX_TABS:-15}
RUN=""
e2e_init xvfb-e2e-unknown
WINDOW_TITLE='ABHA '
ABHA_NUMBER='91-5512-3456-7890' # the demo patient "Asha Verma"
ABHA_MASKED='XX-XXXX-XXXX-7890'
check_setup
command -v curl >/dev/null || { say "curl is missing"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-xvfb-unknown.XXXXXX")
at_exit() {
	if [[ -n "$RUN" && -f "$ERR" ]]; then
		mkdir -p "$SHOTS"
		cat "$T/$RUN/first.stderr" "$ERR" "$OUT" >"$SHOTS/xvfb-e2e-$RUN.log" 2>/dev/null
	fi
}
e2e_traps

# focus_to NAME: presses Tab until the "wizard focus" line names NAME.
focus_to() {
	local want=$1 n=0 m line widget=""
	while [[ "$widget" != "$want" ]]; do
		((n < MAX_TABS)) || fail "after $MAX_TABS presses of Tab the focus is on ${widget:-nothing}, not $want"
		m=$(mark)
		keys Tab
		wait_for "$m" 'msg="wizard focus"' "a focus line (looking for $want)" >/dev/null
		sleep 0.3
		line=$(tail -n "+$((m + 1))" "$ERR" | grep -E 'msg="wizard focus"' | tail -n1)
		widget=$(kv "$line" widget)
		n=$((n + 1))
	done
	[[ "$(kv "$line" visible)" == true ]] || fail "$want has the focus but is not visible: $line"
}

# otp_after MARK WHAT: the OTP of the newest demo phone SMS "to WHAT" after MARK.
otp_after() {
	wait_for "$1" "\\[demo phone\\] SMS to [^:]*: [0-9]{6} is your OTP to $2" "the OTP to $2 on the demo phone" |
		sed -E 's/.*: ([0-9]{6}) is your OTP.*/\1/'
}

# lose_deactivation LANG: from the Connect step to the outcome-unknown screen.
lose_deactivation() {
	local m url otp
	url=$(kv "$(wait_for 0 'msg="demo simulator started"' "the demo simulator's address")" url)
	m=$(mark)
	keys Return
	wait_step "$m" patient
	settle
	m=$(mark)
	type_text "$ABHA_NUMBER"
	settle
	# v3 has no search: Return sends the sign-in OTP at once.
	keys Return
	otp=$(otp_after "$m" "sign in")
	wait_event "$m" "sign-in OTP sent"
	sleep 0.3
	m=$(mark)
	type_text "$otp" # the sixth digit signs the patient in
	wait_event "$m" "patient signed in"
	sleep 0.8 # Enter on the confirmation counts only once the card has been seen
	# The confirmation under the card has the focus: Return ticks it and goes on.
	m=$(mark)
	keys Return
	wait_step "$m" otp
	settle
	m=$(mark)
	keys Return
	wait_step "$m" verify
	otp=$(otp_after "$m" "deactivate")
	settle
	type_text "$otp" # the sixth digit moves the focus to the first reason
	settle
	keys space
	settle
	# The deactivation is done by the simulator, its reply lost.
	curl -fsS -X POST "$url/_sandbox/faults" \
		-d '{"route":"v3-account-verify","fault":{"drop":true,"process":true,"times":1}}' >/dev/null ||
		fail "could not post the fault to the demo simulator at $url"
	m=$(mark)
	keys Return
	wait_for "$m" 'msg="wizard dialog shown"' "the confirmation (\"wizard dialog shown\")" >/dev/null
	sleep 0.5
	keys Return # the confirmation's default button: Deactivate
	wait_step "$m" result
	wait_event "$m" "outcome unknown"
}

# restart_app: starts the app again in the same folders (start_app makes them).
restart_app() {
	cp "$ERR" "$APP_DIR/first.stderr"
	launch_app
}

# quit_confirmed: closes the window; the app asks first; Quit; it exits 0.
quit_confirmed() {
	local m deadline status=0
	m=$(mark)
	x11_close_window "$WID" || fail "could not send WM_DELETE_WINDOW"
	wait_event "$m" "quit asked"
	sleep 0.6
	shot 03-quit-confirm
	keys Tab Tab
	# Space presses Quit: the window may be gone before xdotool sends the key's release.
	keys space 2>/dev/null || true
	deadline=$((SECONDS + 10))
	while app_alive && ((SECONDS < deadline)); do sleep 0.1; done
	app_alive && fail "the app is still running 10s after Quit"
	wait "$APP_PID" || status=$?
	APP_PID=""
	((status == 0)) || fail "the app exited with status $status after Quit"
	check_output "after Quit"
	say "closing asked first; Quit ended the app"
}

# check_from_history: History lists the attempt; Check status with the full
# ABHA number settles it.
check_from_history() {
	local m
	focus_to later.check.1 # a button has the focus: Ctrl+H reaches the window
	m=$(mark)
	keys ctrl+h
	wait_event "$m" "history page shown"
	sleep 0.6
	shot 05-history-list
	focus_to later.check.1
	m=$(mark)
	keys space
	wait_event "$m" "abha number asked"
	type_text "$ABHA_NUMBER"
	settle
	shot 06-abha-number
	m=$(mark)
	keys Return
	wait_event "$m" "unresolved settled"
	wait_event "$m" "history page shown"
	sleep 0.6
	shot 07-status-checked
	focus_to "dialog.button:$CLOSE_LABEL"
	keys space
	sleep 0.6
	shot 08-history-settled
}

# run_pass LANG SCREEN: the whole story in one language on one screen.
run_pass() {
	local lang=$1 screen=$2 m audit
	RUN="unknown-$lang-${screen%%x*}"
	CLOSE_LABEL=Close
	[[ "$lang" == hi ]] && CLOSE_LABEL="बंद करें"
	STEPS_SEEN=()
	mkdir -p "$T/$RUN" "$SHOTS"
	rm -f "$SHOTS/$RUN"-[0-9][0-9]-*.png "$SHOTS/xvfb-e2e-$RUN.log"
	start_xvfb 90 99 "$T/$RUN/xvfb.log" "${screen}x24"
	say "Xvfb $screen on $DISPLAY"
	start_app "$T/$RUN" --demo --api v3 --lang "$lang" --log-level debug
	wait_step 0 connect 0.02
	find_window
	focus_window
	lose_deactivation
	settle
	shot 01-outcome-unknown
	focus_to result.check_later
	m=$(mark)
	keys space
	wait_event "$m" "checked later"
	wait_step "$m" patient
	settle
	shot 02-patient-list
	quit_confirmed

	restart_app
	wait_step 0 connect 0.02
	wait_event 0 "unresolved listed"
	grep -qE 'msg="unresolved attempts listed".* count=1( |$)|count=1 .*msg="unresolved attempts listed"' "$ERR" ||
		fail "the restarted app does not list one unresolved attempt"
	find_window
	focus_window
	settle
	shot 04-startup-list
	m=$(mark)
	keys Return
	wait_step "$m" patient
	settle
	check_from_history

	audit="$T/$RUN/data/abha-deactivate/audit.jsonl"
	grep -q '"outcome":"outcome-unknown"' "$audit" || fail "no outcome-unknown record in $audit"
	grep '"outcome":"not-deactivated"' "$audit" | grep -q '"message":"settled by a status check' ||
		fail "no outcome settled by a status check in $audit"
	grep -q "\"abhaNumber\":\"$ABHA_MASKED\"" "$audit" || fail "the audit trail does not name $ABHA_MASKED"
	say "audit trail: outcome-unknown, then not-deactivated settled by a status check"
	check_output "during the run"
	close_app
	at_exit
	stop_app_xvfb
}

for pass in $PASSES; do
	run_pass "${pass%%:*}" "${pass#*:}"
done

echo "xvfb-e2e-unknown: PASS in $(($(now_ms) - START_MS)) ms (passes: $PASSES)"
echo "  screenshots:"
printf '    %s\n' "${SHOT_LIST[@]#"$ROOT"/}"
