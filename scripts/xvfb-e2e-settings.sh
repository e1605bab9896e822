#!/usr/bin/env bash
# The real wizard binary on a private Xvfb, started as a new user would from
# a desktop icon (no --demo), for the screens of issue 23: Settings (which
# must scroll inside the window with Save and Cancel always in sight),
# Connect with Try the demo, History with Print receipt again, and the demo
# that Try the demo opens. Driven by the mouse (xdotool) at positions worked
# out from the window's size, and checked by the app's log lines.
#
# One pass per language and screen: en and hi (hi with --lang hi, so that
# Settings also shows a setting greyed out "Set for this run by --lang"),
# 1366x768 and 1024x768. In each pass, before the app opens, the headless
# command makes one demo deactivation (`deactivate --demo`), so that History
# has a completed change to print again. Then:
#   1. Connect at the first start, in the default window (920x690);
#   2. Settings in that 690-pixel-high window, then scrolled to its end;
#      Save (nothing changed) closes it;
#   3. the window made as large as the screen: Connect, Settings again;
#   4. History, its row chosen, Print receipt again (the receipt is saved in
#      the receipts folder: "receipt saved" event);
#   5. History closed, Try the demo: the demo's window (DEMO strip);
#   6. Leave the demo: the normal Connect again.
# Screenshots: screenshots/settings-LANG-SCREEN-NN-NAME.png; the app's output
# goes to screenshots/xvfb-e2e-settings-LANG-SCREEN.log.
#
# Usage: scripts/xvfb-e2e-settings.sh [path/to/abha-deactivate]  (default bin/abha-deactivate)
# It builds nothing: `make test-gui` builds the binary first.
#
# It fails, with the reason and a screenshot (…-99-failure.png), when an
# event or a step does not show up in time (the Settings dialog's Save, the
# History page, the receipt, the demo), when Settings' Save and Cancel are
# not inside the window (they are found by colour: Save is the one blue
# button of the dialog), or when the app's output has "panic:", "DATA RACE",
# "Error in Fyne call thread" or an X error. Every process it starts is
# stopped on any exit.
#
# Environment knobs: SCREENS (default "1366x768 1024x768"), LANGS (default
# "en hi"), STEP_TIMEOUT, KEEP_TMP=1 (see scripts/lib/e2e.sh).
set -euo pipefail

# shellcheck source=scripts/lib/e2e.sh
. "$(dirname "$0")/lib/e2e.sh"

BIN=${1:-bin/abha-deactivate}
SCREENS=${SCREENS:-1366x768 1024x768}
LANGS=${LANGS:-en hi}
RUN=""
e2e_init xvfb-e2e-settings
WINDOW_TITLE='ABHA '
KEYS_VIA=window
check_setup

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-xvfb-settings.XXXXXX")
at_exit() {
	if [[ -n "$RUN" && -f "$ERR" ]]; then
		mkdir -p "$SHOTS"
		cat "$ERR" "$OUT" >"$SHOTS/xvfb-e2e-$RUN.log" 2>/dev/null
	fi
}
e2e_traps
mkdir -p "$SHOTS"

# click X Y: moves the pointer to X,Y of the window, lets Fyne see the move
# (its menus and buttons take a click only where the pointer is known), and
# clicks.
click() {
	xdotool mousemove --window "$WID" "$1" "$2"
	sleep 0.2
	xdotool mousemove --window "$WID" "$(($1 + 1))" "$2"
	sleep 0.2
	xdotool click 1
}

# size: W and H, the window's size.
size() {
	local g
	g=$(window_geometry)
	W=${g%x*}
	H=${g#*x}
}

# dialog WIDTH HEIGHT: X0 Y0 DW DH of a dialog the app sizes WIDTHxHEIGHT at
# most, 40 pixels less than the window, centred (ui.Wizard.dialogSize).
dialog() {
	size
	DW=$(($1 < W - 40 ? $1 : W - 40))
	DH=$(($2 < H - 40 ? $2 : H - 40))
	X0=$(((W - DW) / 2))
	Y0=$(((H - DH) / 2))
}

# menu ITEM EVENT: opens File and picks its ITEM-th entry (1 Settings,
# 2 History), until the app logs EVENT ("settings shown", "history page
# shown"): on a loaded machine a click can come before Fyne has seen the
# pointer on the item.
menu() {
	local m try
	for try in 1 2 3; do
		m=$(mark)
		click 24 14
		sleep 0.5
		click 45 $((6 + 39 * $1))
		for _ in $(seq 1 50); do
			tail -n "+$((m + 1))" "$ERR" | grep -F "msg=\"wizard event\" event=\"$2\"" >/dev/null && return 0
			sleep 0.1
		done
		say "note: $2 not seen after try $try; the menu again"
		xdotool key --window "$WID" Escape
		sleep 0.5
	done
	fail "no \"$2\" event after three tries of the File menu"
}

# seed: one demo deactivation by the headless command, as the same user, so
# that History has a completed change. Its OTP is read from its output.
seed() {
	local fifo="$T/$RUN-seed.in" otp="" i
	rm -f "$T/seed.out" "$T/seed.err" # a pass's OTP, never the one before
	mkfifo "$fifo"
	env -u LC_ALL HOME="$APP_DIR/home" XDG_CONFIG_HOME="$APP_DIR/config" XDG_DATA_HOME="$APP_DIR/data" \
		XDG_CACHE_HOME="$APP_DIR/cache" XDG_RUNTIME_DIR="$APP_DIR/run" LANG=en_US.UTF-8 \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$APP_DIR/no-such-bus" \
		timeout 60 "$BIN" deactivate --demo --reasons 104 --yes <"$fifo" >"$T/seed.out" 2>"$T/seed.err" &
	local pid=$!
	exec 3>"$fifo"
	for ((i = 0; i < 10 * STEP_TIMEOUT; i++)); do
		otp=$(sed -nE 's/.*SMS to [^:]*: ([0-9]{6}) is your OTP.*/\1/p' "$T/seed.err" 2>/dev/null | head -n1 || true)
		[[ -n "$otp" ]] && break
		sleep 0.1
	done
	[[ -n "$otp" ]] || fail "no OTP from the demo deactivation: $(cat "$T/seed.err")"
	printf '%s\n' "$otp" >&3
	exec 3>&-
	wait "$pid" || fail "the demo deactivation failed: $(cat "$T/seed.out" "$T/seed.err")"
	rm -f "$fifo"
}

# buttons_inside FILE: Save, the dialog's blue (high importance) button,
# is drawn in the window's picture FILE inside the dialog, which is inside
# the window, in the 80 pixels at the dialog's bottom: under the scrolling
# form, not over its text. Only that band is searched: the form has blue
# too (a chosen radio button, the focus).
buttons_inside() {
	local file=$1 box x y w h band=80
	box=$(convert "$file" -crop "${DW}x${band}+${X0}+$((Y0 + DH - band))" +repage -fuzz 10% -fill black +opaque '#296FF6' \
		-fill white -opaque '#296FF6' -trim -format '%w %h %X %Y' info: 2>/dev/null || true)
	read -r w h x y <<<"$box"
	[[ -n "$box" && "$w" -gt 20 && "$h" -gt 10 ]] || fail "no blue Save button at the bottom of the dialog of $file ($box)"
	y=$((y + DH - band))
	((Y0 >= 0 && Y0 + DH <= H && y + h <= DH)) ||
		fail "Save is at y=$y (${w}x${h}) in a dialog at y=$Y0, ${DH} high, in a window ${H} high"
	say "Save at $((X0 + x)),$((Y0 + y)) (${w}x${h}), the dialog ${DW}x${DH} at $X0,$Y0, the window ${W}x${H}"
}

# pass LANG SCREEN: one run of the app (see the top of the file).
pass() {
	local lang=$1 screen=$2 m
	RUN="settings-$lang-$screen"
	FAIL_SHOT="$RUN-99-failure.png"
	rm -f "$SHOTS/$RUN"-*.png
	start_xvfb 80 89 "$T/xvfb-$RUN.log" "${screen}x24"
	mkdir -m 0700 "$T/$RUN"
	local args=(--log-level info)
	[[ "$lang" == hi ]] && args+=(--lang hi)
	start_app "$T/$RUN" "${args[@]}"
	wait_step 0 connect
	seed
	find_window
	focus_window
	settle
	shot 01-connect-first-start

	menu 1 "settings shown"
	sleep 0.5
	dialog 600 640
	shot 02-settings-690
	buttons_inside "$SHOTS/$RUN-02-settings-690.png"
	# The wheel over the scroll bar: over an entry, Fyne gives the wheel to
	# the entry's own scroller, and the form stops.
	xdotool mousemove --window "$WID" $((X0 + DW - 22)) $((Y0 + DH / 2))
	for _ in $(seq 1 20); do xdotool click 5; sleep 0.1; done
	settle
	shot 03-settings-690-scrolled
	buttons_inside "$SHOTS/$RUN-03-settings-690-scrolled.png"
	click $((X0 + DW - 40)) $((Y0 + DH - 43)) # Save
	sleep 1

	xdotool windowsize "$WID" "${screen%x*}" "${screen#*x}"
	sleep 1
	size
	say "window ${W}x${H}"
	shot 04-connect
	menu 1 "settings shown"
	sleep 0.5
	dialog 600 640
	shot 05-settings
	buttons_inside "$SHOTS/$RUN-05-settings.png"
	click $((X0 + DW - 40)) $((Y0 + DH - 43)) # Save
	sleep 1

	menu 2 "history page shown"
	dialog 980 600
	settle
	click $((X0 + 120)) $((Y0 + 192)) # the first row
	settle
	m=$(mark)
	click $((X0 + DW - 205)) $((Y0 + DH - 78)) # Print receipt again
	wait_for "$m" 'msg="wizard event" event="receipt saved"' "the receipt printed again" >/dev/null
	settle
	shot 06-history-reprinted
	find "$APP_DIR" -name 'abha-receipt-*.pdf' | grep -q . || fail "no receipt PDF saved"

	click $((X0 + DW / 2)) $((Y0 + DH - 38)) # Close
	sleep 0.6
	m=$(mark)
	click $((W - 50)) 98 # Try the demo
	wait_for "$m" 'msg="wizard event" event="demo started"' "the demo" >/dev/null
	sleep 1
	find_window
	settle
	shot 07-demo
	size
	m=$(mark)
	click $((W - 332)) 53 # Leave the demo, at the end of the DEMO strip (the demo phone takes 262 pixels)
	wait_for "$m" 'msg="wizard event" event="demo left"' "the demo left" >/dev/null
	sleep 1
	find_window
	settle
	shot 08-demo-left
	close_app
	stop_pid "$XVFB_PID"
	XVFB_PID=""
}

for lang in $LANGS; do
	for screen in $SCREENS; do
		pass "$lang" "$screen"
	done
done
say "done: ${#SHOT_LIST[@]} screenshots in $SHOTS"
