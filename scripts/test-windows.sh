#!/usr/bin/env bash
# The Windows lane of `make test`: the app's release builds for Windows (the
# GUI .exe and the console .exe that scripts/package.sh makes) run under Wine
# on a private Xvfb, each part in a fresh Wine prefix with the stand-in
# bcryptprimitives.dll built from scripts/windows/bcryptprimitives.c (Debian
# 12's Wine 8.0 lacks ProcessPrng, which Go 1.22+ programs need; see
# scripts/lib/wine.sh).
#
# Usage: scripts/test-windows.sh DIST_DIR LINUX_BIN
#   DIST_DIR   holds abha-deactivate-VERSION-windows-amd64.exe (GUI) and
#              abha-deactivate-cli-VERSION-windows-amd64.exe (console)
#   LINUX_BIN  the Linux build, whose `sandbox` command is the ABDM simulator
#              on a free 127.0.0.1 port
#
# Parts (PARTS="cli keyring policy audit gui-demo gui-custom", the default, runs all):
#   cli         the console build's terminal flow against the simulator: v3
#               deactivation signed in by Aadhaar OTP, a malformed and a wrong
#               OTP then the right one, status, reactivation, v2 deactivation,
#               and the exit codes 0-5 with their --json output
#   keyring     the client secret saved in Wine's Windows Credential Manager
#               (--remember-secret, seen with `wine reg query`), read back by a run
#               given no secret nor flags (its addresses and client ID from
#               %AppData%\abha-deactivate\settings.json), deleted by forget-secret,
#               then missing (exit 2); and no trace of the secret in any file of
#               the prefix (UTF-8 or UTF-16LE)
#   policy      the facility's policy in HKLM\Software\Policies\abha-deactivate:
#               shown by `settings --json` as set by the facility, a contradicting
#               flag refused (exit 2), a REG_DWORD value refused as damaged (exit 2)
#   audit       the audit trail in %LocalAppData%\abha-deactivate: two Windows
#               processes append at once (a deactivation and a reactivation,
#               their OTPs given at the same moment, ROUNDS times), then
#               `audit verify` (exit 0), `audit --csv` (one row a record) and a
#               damaged copy (exit 6)
#   gui-demo    the GUI build driven by keyboard in demo mode (scripts/xvfb-e2e.sh):
#               screenshots/windows-demo-NN-step.png
#   gui-custom  the GUI build as a new user typing the simulator's addresses
#               (scripts/xvfb-e2e-custom.sh, with a reactivation):
#               screenshots/windows-custom-NN-step.png; then the secret it
#               remembered must be in the Credential Manager and nowhere in the prefix
#
# It prints "PASS part: check" or "FAIL part: check (why)" a check, each part's
# time, then "N passed, N failed" and the lane's time; it exits 1 if a check
# failed. Every tool is required (a missing one fails the run, nothing is skipped).
# Every process it starts (simulator, Xvfb, Wine programs and wineservers) is
# stopped and every prefix removed on any exit.
#
# Environment knobs:
#   PARTS         the parts to run (above)
#   ROUNDS        rounds of concurrent appends in the audit part (default 3)
#   RUN_TIMEOUT   seconds a console run may take (default 90)
#   STEP_TIMEOUT  seconds the GUI scripts wait for a step or the window (default 120;
#                 the first frame on a fresh prefix can take ~20 s)
#   KEEP_TMP=1    keep the prefixes and the runs' output, and print where
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/x11.sh
. "$ROOT/scripts/lib/x11.sh"
# shellcheck source=scripts/lib/wine.sh
. "$ROOT/scripts/lib/wine.sh"

say() { printf 'test-windows: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
LANE_START=$(now_ms)

[[ $# -eq 2 ]] || { echo "usage: $0 DIST_DIR LINUX_BIN" >&2; exit 2; }
DIST_DIR=$(cd "$1" && pwd) || die "no folder $1"
LINUX_BIN=$2
[[ "$LINUX_BIN" == /* ]] || LINUX_BIN="$PWD/$LINUX_BIN"
PARTS=${PARTS:-cli keyring policy audit gui-demo gui-custom}
ROUNDS=${ROUNDS:-3}
RUN_TIMEOUT=${RUN_TIMEOUT:-90}
export STEP_TIMEOUT=${STEP_TIMEOUT:-120}
for p in $PARTS; do
	case "$p" in cli | keyring | policy | audit | gui-demo | gui-custom) ;; *) die "unknown part \"$p\" in PARTS" ;; esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number"

# ---------------------------------------------------------------- tools and programs
for tool in wine wineboot wineserver winepath x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objdump \
	Xvfb xdotool import identify compare python3 jq curl timeout mkfifo grep; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps.sh windows)"
done
[[ -x "$LINUX_BIN" ]] || die "no Linux build at $LINUX_BIN"
shopt -s nullglob
gui=() cli=()
for f in "$DIST_DIR"/abha-deactivate-*-windows-amd64.exe; do
	case "${f##*/}" in
	abha-deactivate-cli-*) cli+=("$f") ;;
	*) gui+=("$f") ;;
	esac
done
shopt -u nullglob
((${#gui[@]} == 1 && ${#cli[@]} == 1)) ||
	die "$DIST_DIR must hold one GUI and one console Windows build (scripts/package.sh windows), not ${#gui[@]} and ${#cli[@]}"
GUI_EXE=${gui[0]}
CLI_EXE=${cli[0]}
VERSION=${CLI_EXE##*/abha-deactivate-cli-}
VERSION=${VERSION%-windows-amd64.exe}
say "GUI build $GUI_EXE, console build $CLI_EXE (version $VERSION)"

# ---------------------------------------------------------------- state and cleanup
T=$(mktemp -d "${TMPDIR:-/tmp}/abha-test-windows.XXXXXX")
# Nothing of this lane in the real user's home (Wine, the simulator, Mesa).
mkdir -m 0700 "$T/home"
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share" XDG_CACHE_HOME="$T/home/.cache"
PREFIXES=() # every prefix made, for the cleanup
XVFB_PID="" DISPLAY_NUM=""
SBX_PID=""
declare -A RUN_PID=() RUN_FD=() RUN_CMD=() RUN_LOGMARK=()

cleanup() {
	local status=$? p name
	set +e
	for name in "${!RUN_PID[@]}"; do kill -TERM "${RUN_PID[$name]}" 2>/dev/null; done
	for p in "${PREFIXES[@]}"; do
		WINEPREFIX=$p wineserver -k 2>/dev/null
	done
	for name in "${!PREFIX_JOB[@]}"; do wait "${PREFIX_JOB[$name]}" 2>/dev/null; done
	for p in "${PREFIXES[@]}"; do
		WINEPREFIX=$p timeout 20 wineserver -w 2>/dev/null
	done
	for name in "${!RUN_PID[@]}"; do wait "${RUN_PID[$name]}" 2>/dev/null; done
	if [[ -n "$SBX_PID" ]]; then
		kill -INT "$SBX_PID" 2>/dev/null
		wait "$SBX_PID" 2>/dev/null
	fi
	if [[ -n "$XVFB_PID" ]]; then
		kill -TERM "$XVFB_PID" 2>/dev/null
		wait "$XVFB_PID" 2>/dev/null
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

# ---------------------------------------------------------------- results
PASSED=0 FAILED=0 PART=""
TIMES=()
WHY=()
R="" # the folder of the newest console run (out, err, code)

# want DESCRIPTION CMD...: runs CMD; if it fails, DESCRIPTION is a reason for the check to fail.
want() {
	local d=$1
	shift
	"$@" >/dev/null || WHY+=("$d")
}
# verdict NAME: PASS if no want failed since the last verdict, else FAIL with
# the reasons and the end of the newest run's output.
verdict() {
	if ((${#WHY[@]} == 0)); then
		PASSED=$((PASSED + 1))
		printf 'PASS %s: %s\n' "$PART" "$1"
	else
		FAILED=$((FAILED + 1))
		printf 'FAIL %s: %s (%s)\n' "$PART" "$1" "$(IFS=';'; echo "${WHY[*]}")"
		if [[ -n "$R" && -d "$R" ]]; then
			{
				echo "    --- ${R##*/}: exit $(cat "$R/code" 2>/dev/null), stdout:"
				tail -n 15 "$R/out" | hide_secret | sed 's/^/    /'
				echo "    --- stderr:"
				tail -n 15 "$R/err" | hide_secret | sed 's/^/    /'
			} >&2
		fi
	fi
	WHY=()
}

# ---------------------------------------------------------------- a display, the stand-in DLL
x11_start_xvfb 50 69 "$T/xvfb.log" || { cat "$T/xvfb.log" >&2; die "could not start Xvfb"; }
export DISPLAY=":$DISPLAY_NUM"
say "Xvfb on $DISPLAY for the console parts and wineboot"
wine_build_standin "$T/dll" || die "could not build the stand-in bcryptprimitives.dll"
DLL="$T/dll/bcryptprimitives.dll"

# prefix_start NAME: starts making a fresh prefix $T/NAME.wine with the stand-in
# (wine_new_prefix) in the background, so that the next part's prefix is made
# while this one runs.
declare -A PREFIX_JOB=() PREFIX_T0=()
prefix_start() {
	PREFIXES+=("$T/$1.wine")
	PREFIX_T0[$1]=$SECONDS
	(wine_new_prefix "$T/$1.wine" "$DLL") >"$T/$1.prefix.log" 2>&1 &
	PREFIX_JOB[$1]=$!
}
# new_prefix NAME: waits for NAME's prefix (started now if it was not) and makes
# it the current one (WINEPREFIX). Sets PDIR, a folder for the part's files, and
# PREFIX_WAIT, the seconds waited for it.
new_prefix() {
	local start=$SECONDS
	[[ -n "${PREFIX_JOB[$1]:-}" ]] || prefix_start "$1"
	wait "${PREFIX_JOB[$1]}" || { cat "$T/$1.prefix.log" >&2; die "could not make the Wine prefix for $1"; }
	unset "PREFIX_JOB[$1]"
	wine_use_prefix "$T/$1.wine"
	PDIR="$T/$1"
	mkdir -p "$PDIR/runs"
	PREFIX_WAIT=$((SECONDS - start))
	say "$1: fresh Wine prefix (made in the background in about $((SECONDS - PREFIX_T0[$1])) s; waited $PREFIX_WAIT s)"
}
# end_prefix: stops the current prefix's wineserver and removes it (unless KEEP_TMP=1).
end_prefix() {
	wine_stop
	[[ "${KEEP_TMP:-}" == 1 ]] || rm -rf "$WINEPREFIX"
}

# The folders of the prefix's user, as Windows names them (%AppData%, %LocalAppData%)
# and as Unix paths: set once from the first prefix; the same in every fresh prefix.
APPDATA_W="" LOCALAPPDATA_W="" APPDATA_REL="" LOCALAPPDATA_REL=""
user_folders() {
	[[ -n "$LOCALAPPDATA_W" ]] && return 0
	local line
	line=$(wine cmd /c 'echo %AppData%^|%LocalAppData%' 2>/dev/null | tr -d '\r')
	APPDATA_W=${line%%|*}
	LOCALAPPDATA_W=${line#*|}
	[[ "$APPDATA_W" == [A-Z]:\\* && "$LOCALAPPDATA_W" == [A-Z]:\\* ]] || die "Wine gave no %AppData% and %LocalAppData% (\"$line\")"
	# winepath answers through dosdevices/c:, a link to drive_c.
	local pfx
	pfx=$(realpath "$WINEPREFIX")
	APPDATA_REL=$(realpath -m "$(winepath -u "$APPDATA_W" 2>/dev/null)")
	LOCALAPPDATA_REL=$(realpath -m "$(winepath -u "$LOCALAPPDATA_W" 2>/dev/null)")
	APPDATA_REL=${APPDATA_REL#"$pfx"/}
	LOCALAPPDATA_REL=${LOCALAPPDATA_REL#"$pfx"/}
	[[ "$APPDATA_REL" == drive_c/* && "$LOCALAPPDATA_REL" == drive_c/* ]] || die "winepath gave no Unix paths in the prefix for $APPDATA_W and $LOCALAPPDATA_W"
	say "%AppData% is $APPDATA_W ($APPDATA_REL), %LocalAppData% is $LOCALAPPDATA_W ($LOCALAPPDATA_REL)"
}
# The README's places, as Unix paths in the current prefix.
app_config_dir() { printf '%s/%s/abha-deactivate' "$WINEPREFIX" "$APPDATA_REL"; }
app_data_dir() { printf '%s/%s/abha-deactivate' "$WINEPREFIX" "$LOCALAPPDATA_REL"; }

# ---------------------------------------------------------------- console runs
# wstart NAME [VAR=VALUE...] -- ARGS...: starts the console build with ARGS in the
# current prefix, in the background, as a new process: the variables given and
# LANG, nothing of ABDM's from this shell; stdin from a FIFO (wsend writes to it),
# stdout and stderr into $PDIR/runs/NAME/{out,err}. Sets R.
wstart() {
	local name=$1 fd
	shift
	local vars=()
	while [[ "$1" != -- ]]; do
		vars+=("$1")
		shift
	done
	shift
	R="$PDIR/runs/$name"
	mkdir -p "$R"
	mkfifo "$R/in"
	# The command whose "finished" line ends the run in the app's log (none for --version).
	RUN_CMD[$name]=wizard
	[[ "${1:-}" == [a-z]* ]] && RUN_CMD[$name]=$1
	user_folders # here, not in the subshells below: it sets the lane's variables once
	RUN_LOGMARK[$name]=$(app_log_lines)
	env -u ABDM_CLIENT_SECRET -u ABHA_X_TOKEN -u LC_ALL LANG=en_US.UTF-8 ${vars[@]+"${vars[@]}"} \
		timeout -k 5 "$RUN_TIMEOUT" wine "$CLI_EXE" "$@" <"$R/in" >"$R/out" 2>"$R/err" &
	RUN_PID[$name]=$!
	exec {fd}>"$R/in"
	RUN_FD[$name]=$fd
}
# wsend NAME LINE: types LINE into the run's stdin.
wsend() { printf '%s\n' "$2" >&"${RUN_FD[$1]}"; }
# wend NAME: closes the run's stdin and waits for it; sets R and CODE (also in R/code).
# A run whose program logged that it finished but which Wine did not end
# (wine_wait) takes CODE from that log line; a log line that disagrees with
# the process's exit status makes CODE say so, and every check of it fail.
wend() {
	local fd=${RUN_FD[$1]} logged
	exec {fd}>&-
	WEND_NAME=$1
	wine_wait "${RUN_PID[$1]}" run_finished
	CODE=$WINE_STATUS
	logged=$(finished_code "$1")
	if ((WINE_STALLED)); then
		CODE=$logged
		WINE_STALLS=$((WINE_STALLS + 1))
		say "$1: note: the program finished (exit $logged in its log), but Wine had not ended its process ${WINE_EXIT_GRACE:-15} s later: ended it"
	elif [[ -n "$logged" && "$logged" != "$CODE" ]]; then
		CODE="$CODE (the log says $logged)"
	fi
	unset "RUN_PID[$1]" "RUN_FD[$1]"
	R="$PDIR/runs/$1"
	echo "$CODE" >"$R/code"
	[[ "$CODE" != 124 ]] || say "$1: no end within ${RUN_TIMEOUT}s (killed)"
}
# The app's log in the current prefix (the README's place), its length, and
# the exit code of the "finished" line the run NAME wrote after its start.
app_log() { printf '%s/logs/abha-deactivate.log' "$(app_data_dir)"; }
app_log_lines() { local f; f=$(app_log); if [[ -f "$f" ]]; then wc -l <"$f" | tr -d ' '; else echo 0; fi; }
finished_code() {
	local f
	f=$(app_log)
	[[ -f "$f" ]] || return 0
	tail -n "+$((RUN_LOGMARK[$1] + 1))" "$f" |
		jq -R -r --arg c "${RUN_CMD[$1]}" 'fromjson? | select(.msg == "finished" and .command == $c) | .exitCode' | tail -n1
}
run_finished() { [[ -n "$(finished_code "$WEND_NAME")" ]]; }
WINE_STALLS=0
# wrun NAME [VAR=VALUE...] -- ARGS...: wstart, then wend at once (stdin empty).
wrun() {
	local name=$1
	wstart "$@"
	wend "$name"
}

# Checks of the newest run.
code_is() { [[ "$CODE" == "$1" ]]; }
json() { jq -er "$1" "$R/out" 2>/dev/null; }         # the value of a jq filter over stdout
json_is() { [[ "$(json "$1")" == "$2" ]]; }         # ... is VALUE
json_has() { jq -e "$1" "$R/out" >/dev/null 2>&1; } # ... is there (not null or false)
out_has() { grep -qF -- "$1" "$R/out"; }
err_has() { grep -qF -- "$1" "$R/err"; }
not_in_output() { ! grep -qF -- "$1" "$R/out" "$R/err"; }

# ---------------------------------------------------------------- the simulator (Linux build)
SBX_OUT="$T/sandbox.stdout" SBX_ERR="$T/sandbox.stderr"
SECRET=""
hide_secret() {
	if [[ -n "$SECRET" ]]; then sed "s/$SECRET/[client secret hidden]/g"; else cat; fi
}
start_sandbox() {
	[[ -n "$SBX_PID" ]] && return 0
	env -u LC_ALL HOME="$T/sandbox-home" LANG=en_US.UTF-8 DBUS_SESSION_BUS_ADDRESS="unix:path=$T/no-bus" \
		"$LINUX_BIN" sandbox --addr 127.0.0.1:0 --key-bits 2048 >"$SBX_OUT" 2>"$SBX_ERR" &
	SBX_PID=$!
	local deadline=$((SECONDS + 30))
	until grep -q '^Press Ctrl+C' "$SBX_ERR" && (($(grep -c '^x-token ' "$SBX_OUT") >= 5)); do
		kill -0 "$SBX_PID" 2>/dev/null || { cat "$SBX_ERR" >&2; die "the simulator exited at start"; }
		((SECONDS < deadline)) || die "the simulator did not start within 30 s"
		sleep 0.05
	done
	SBX_URL=$(sbx_value url)
	GW3=$(sbx_value gateway)
	HID3=$(sbx_value healthid)
	GW2=$(sbx_value gateway-v2)
	HID2=$(sbx_value healthid-v2)
	CLIENT_ID=$(sbx_value client-id)
	SECRET=$(sbx_value client-secret)
	HIP_ID=$(sbx_value hip-id)
	[[ "$SBX_URL" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "no simulator address (\"url: …\") in its output"
	[[ "$SECRET" =~ ^[A-Za-z0-9_-]+$ && -n "$CLIENT_ID" && -n "$HIP_ID" ]] || die "no credentials in the simulator's output"
	say "simulator (Linux build, pid $SBX_PID) on $SBX_URL"
}
sbx_value() { sed -n "s/^$1: //p" "$SBX_OUT" | head -n1; }
# sbx_token ABHA: a new patient token (X-Token) for ABHA from the simulator.
sbx_token() { sbx_admin POST tokens "{\"abhaNumber\":\"$1\"}" | jq -er .xToken; }
sbx_mark() { wc -l <"$SBX_OUT" | tr -d ' '; }
sbx_reset() { curl -fsS -X POST "$SBX_URL/_sandbox/reset" >/dev/null; }
sbx_admin() { curl -fsS -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "$SBX_URL/_sandbox/$2"; }
# sbx_count ROUTE: how many requests the simulator had on ROUTE.
sbx_count() { sbx_admin GET stats | jq -r --arg r "$1" '(.counts // .)[$r] // 0'; }
# sbx_otp MARK: the OTP of the first "otp TXN OTP" line after line MARK of the
# simulator's output (waits up to 60 s); empty if none.
sbx_otp() {
	local deadline=$((SECONDS + 60)) line
	while ((SECONDS < deadline)); do
		line=$(tail -n "+$(($1 + 1))" "$SBX_OUT" | grep -E -m1 '^otp [^ ]+ [0-9]{6}$' || true)
		[[ -n "$line" ]] && { printf '%s\n' "${line##* }"; return 0; }
		sleep 0.1
	done
	return 1
}
# demo_otp NAME: the OTP of the run's [demo phone] line (waits up to 90 s).
demo_otp() {
	local deadline=$((SECONDS + 90)) f="$PDIR/runs/$1/err" otp
	while ((SECONDS < deadline)); do
		otp=$(sed -nE 's/.*\[demo phone\] SMS to [^:]*: ([0-9]{6}) is your OTP.*/\1/p' "$f" | head -n1)
		[[ -n "$otp" ]] && { printf '%s\n' "$otp"; return 0; }
		kill -0 "${RUN_PID[$1]}" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
wrong_otp() { printf '%06d\n' $(((10#$1 + 111111) % 1000000)); }

# Connection flags of each generation, for runs against the simulator.
v3_flags() { printf '%s\n' --api v3 --gateway-url "$GW3" --healthid-url "$HID3" --client-id "$CLIENT_ID"; }
v2_flags() { printf '%s\n' --api v2 --gateway-url "$GW2" --healthid-url "$HID2" --client-id "$CLIENT_ID" --hip-id "$HIP_ID"; }

ASHA=91-5512-3456-7890 RAHUL=91-6623-4567-8901 MEENA=91-8845-6789-0123 SUNITA_MOBILE=9988776655

# ================================================================ parts
part_cli() {
	local m otp sign v3 v2 free_port token
	start_sandbox
	sbx_reset
	mapfile -t v3 < <(v3_flags)
	mapfile -t v2 < <(v2_flags)

	wrun version -- --version
	want "exit $CODE, want 0" code_is 0
	want "stdout is not \"abha-deactivate $VERSION…\"" out_has "abha-deactivate $VERSION"
	verdict "--version says abha-deactivate $VERSION"

	# v3, signed in by ABHA number with an Aadhaar OTP; the deactivation OTP
	# by Aadhaar, typed wrong twice (not six digits, then refused) before the right one.
	m=$(sbx_mark)
	wstart v3-deactivate ABDM_CLIENT_SECRET="$SECRET" -- deactivate "${v3[@]}" --abha-number "$ASHA" \
		--login-method aadhaar --otp-method aadhaar --reasons 101,others --other-reason "going abroad" --yes --json
	if sign=$(sbx_otp "$m"); then
		m=$(sbx_mark)
		wsend v3-deactivate "$sign"
		if otp=$(sbx_otp "$m"); then
			wsend v3-deactivate 12a
			wsend v3-deactivate "$(wrong_otp "$otp")"
			wsend v3-deactivate "$otp"
		else WHY+=("no deactivation OTP from the simulator"); fi
	else WHY+=("no sign-in OTP from the simulator"); fi
	wend v3-deactivate
	want "exit $CODE, want 0" code_is 0
	want "outcome is not deactivated" json_is .outcome deactivated
	want "exitCode in the JSON is not 0" json_is .exitCode 0
	want "patient is not Asha Verma, XX-XXXX-XXXX-7890" json_is '.patient.name + " " + .patient.abhaNumber' "Asha Verma XX-XXXX-XXXX-7890"
	want "gender/year of birth not Female 1988" json_is '.patient.gender + " " + .patient.yearOfBirth' "Female 1988"
	want "reasons are not 101,others" json_is '.reasons | join(",")' "101,others"
	want "no transaction ID" json_has .txnId
	want "no message that the OTP does not match" err_has "The OTP does not match (or has expired). 2 attempt(s) left."
	want "the full ABHA number is in the output" not_in_output "$ASHA"
	want "account/verify received $(sbx_count v3-account-verify) times, want 2" [ "$(sbx_count v3-account-verify)" = 2 ]
	verdict "v3 deactivation signed in by Aadhaar OTP, a malformed and a wrong OTP then the right one: exit 0, --json"

	wrun audit-csv -- audit --csv
	want "exit $CODE, want 0" code_is 0
	want "the CSV has no header" out_has "time,event,action,id,osUser,environment,api,"
	want "no deactivated row for XX-XXXX-XXXX-7890 with API v3 and the reason" \
		bash -c 'grep -F ",deactivate," "$1" | grep -F "deactivated" | grep -F "XX-XXXX-XXXX-7890" | grep -F ",v3," | grep -qF "going abroad"' _ "$R/out"
	want "no AADHAAR_OTP in the CSV" out_has AADHAAR_OTP
	verdict "audit --csv has the v3 deactivation"

	wrun status-deactivated ABDM_CLIENT_SECRET="$SECRET" -- status "${v3[@]}" --json --abha-number "$ASHA"
	want "exit $CODE, want 0" code_is 0
	want "outcome is not deactivated" json_is .outcome deactivated
	verdict "status --json says deactivated"

	m=$(sbx_mark)
	wstart v3-reactivate ABDM_CLIENT_SECRET="$SECRET" -- reactivate "${v3[@]}" --abha-number "$ASHA" --otp-method mobile --yes --json
	if otp=$(sbx_otp "$m"); then wsend v3-reactivate "$otp"; else WHY+=("no reactivation OTP from the simulator"); fi
	wend v3-reactivate
	want "exit $CODE, want 0" code_is 0
	want "outcome is not reactivated" json_is .outcome reactivated
	want "action is not reactivate" json_is .action reactivate
	want "patient is not Asha Verma" json_is .patient.name "Asha Verma"
	verdict "v3 reactivation by mobile OTP: exit 0, --json"

	# v2, the patient's token from the environment (as a HIP's app passes it).
	token=$(sbx_token "$RAHUL") || WHY+=("the simulator gave no patient token")
	m=$(sbx_mark)
	wstart v2-deactivate ABDM_CLIENT_SECRET="$SECRET" ABHA_X_TOKEN="$token" -- deactivate "${v2[@]}" \
		--reasons 101,others --other-reason "going abroad" --yes --json
	if otp=$(sbx_otp "$m"); then wsend v2-deactivate "$otp"; else WHY+=("no OTP from the simulator"); fi
	wend v2-deactivate
	want "exit $CODE, want 0" code_is 0
	want "outcome is not deactivated" json_is .outcome deactivated
	want "patient is not XX-XXXX-XXXX-8901" json_is .patient.abhaNumber XX-XXXX-XXXX-8901
	want "reasons are not 101,others" json_is '.reasons | join(",")' "101,others"
	want "no transaction ID" json_has .txnId
	want "v2 deactivate received $(sbx_count deactivate) times, want 1" [ "$(sbx_count deactivate)" = 1 ]
	verdict "v2 deactivation with the patient's token: exit 0, --json"

	# The other exit codes.
	wrun inactive ABDM_CLIENT_SECRET="$SECRET" -- deactivate "${v3[@]}" --abha-number "$MEENA" --reasons 101 --yes --json
	want "exit $CODE, want 3" code_is 3
	want "error kind is not account-inactive" json_is .error.kind account-inactive
	want "no hint to reactivate" bash -c 'jq -er .hint "$1" | grep -q reactivate' _ "$R/out"
	want "the full ABHA number is in the output" not_in_output "$MEENA"
	verdict "an account already deactivated: exit 3, account-inactive"

	wrun bad-secret ABDM_CLIENT_SECRET=not-the-secret -- deactivate "${v3[@]}" --abha-number "$ASHA" --reasons 101 --yes --json
	want "exit $CODE, want 3" code_is 3
	want "error kind is not gateway-credentials" json_is .error.kind gateway-credentials
	verdict "a refused client secret: exit 3, gateway-credentials"

	wrun usage ABDM_CLIENT_SECRET="$SECRET" -- deactivate "${v3[@]}" --abha-number "$ASHA" --yes --json
	want "exit $CODE, want 2" code_is 2
	want "outcome is not usage" json_is .outcome usage
	verdict "no --reasons: exit 2, usage"

	free_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	wrun unavailable ABDM_CLIENT_SECRET="$SECRET" -- deactivate --api v3 --gateway-url "http://127.0.0.1:$free_port/gateway" \
		--healthid-url "http://127.0.0.1:$free_port/abha" --client-id "$CLIENT_ID" --abha-number "$ASHA" --reasons 101 --yes --json
	want "exit $CODE, want 4" code_is 4
	want "outcome is not unavailable" json_is .outcome unavailable
	verdict "nothing listening at the gateway: exit 4, unavailable"

	# The deactivation is received and processed, but the answer is lost.
	# (A fresh simulator state: ABDM allows a new sign-in OTP only 30 s after the last.)
	sbx_reset
	sbx_admin POST faults '{"route":"v3-account-verify","fault":{"drop":true,"process":true}}' >/dev/null
	m=$(sbx_mark)
	wstart unknown ABDM_CLIENT_SECRET="$SECRET" -- deactivate "${v3[@]}" --abha-number "$ASHA" --reasons 101 --yes --json
	if sign=$(sbx_otp "$m"); then
		m=$(sbx_mark)
		wsend unknown "$sign"
		if otp=$(sbx_otp "$m"); then wsend unknown "$otp"; else WHY+=("no deactivation OTP"); fi
	else WHY+=("no sign-in OTP"); fi
	wend unknown
	sbx_admin DELETE faults >/dev/null
	want "exit $CODE, want 5" code_is 5
	want "outcome is not outcome-unknown" json_is .outcome outcome-unknown
	want "error kind is not outcome-unknown" json_is .error.kind outcome-unknown
	verdict "the deactivation's answer lost: exit 5, outcome-unknown"

	# Cancelled: stdin ends before the OTP is typed (demo mode).
	wrun cancelled -- deactivate --demo --reasons 101 --yes --json
	want "exit $CODE, want 1" code_is 1
	want "exitCode in the JSON is not 1" json_is .exitCode 1
	verdict "no OTP typed (stdin closed): exit 1"
}

part_keyring() {
	local m sign otp v3 regs
	start_sandbox
	sbx_reset
	mapfile -t v3 < <(v3_flags)
	local key='HKCU\Software\Wine\Credential Manager'

	m=$(sbx_mark)
	wstart remember ABDM_CLIENT_SECRET="$SECRET" -- deactivate "${v3[@]}" --abha-number "$ASHA" --reasons 101 --yes --json --remember-secret
	if sign=$(sbx_otp "$m"); then
		m=$(sbx_mark)
		wsend remember "$sign"
		if otp=$(sbx_otp "$m"); then wsend remember "$otp"; else WHY+=("no deactivation OTP"); fi
	else WHY+=("no sign-in OTP"); fi
	wend remember
	want "exit $CODE, want 0" code_is 0
	want "outcome is not deactivated" json_is .outcome deactivated
	regs=$(wine reg query "$key" /s 2>/dev/null | tr -d '\r' || true)
	want "no entry for abha-deactivate:$CLIENT_ID under $key" grep -qF "abha-deactivate:$CLIENT_ID" <<<"$regs"
	verdict "--remember-secret saves the secret in the Windows Credential Manager"

	# The next runs get no flags and no secret: the addresses and the client ID
	# from settings.json in %AppData%\abha-deactivate, the secret from the keyring.
	user_folders
	mkdir -p "$(app_config_dir)"
	jq -n --arg gw "$GW3" --arg hid "$HID3" --arg id "$CLIENT_ID" --arg hip "$HIP_ID" \
		'{version: 2, environment: "custom", apiVersion: "v3", gatewayUrl: $gw, healthIdUrl: $hid,
		  clientId: $id, hipId: $hip, language: "en", proxyUrl: "", caBundle: "", rememberSecret: true}' \
		>"$(app_config_dir)/settings.json"
	wrun read-back -- status --json --abha-number "$ASHA"
	want "exit $CODE, want 0" code_is 0
	want "outcome is not deactivated" json_is .outcome deactivated
	verdict "a run given no secret nor flags reads the secret back from the Credential Manager and the rest from %AppData%\abha-deactivate\settings.json"

	wrun forget -- forget-secret --client-id "$CLIENT_ID"
	want "exit $CODE, want 0" code_is 0
	want "stdout does not say it was deleted" out_has "The saved client secret for $CLIENT_ID was deleted from the system keyring."
	regs=$(wine reg query "$key" /s 2>/dev/null | tr -d '\r' || true)
	want "the entry is still under $key" bash -c '! grep -qF "$1" <<<"$2"' _ "abha-deactivate:$CLIENT_ID" "$regs"
	verdict "forget-secret deletes it from the Credential Manager"

	wrun none-left -- status --json --abha-number "$ASHA"
	want "exit $CODE, want 2" code_is 2
	want "no \"no client secret\" message" bash -c 'grep -qF "no client secret" "$1" "$2"' _ "$R/out" "$R/err"
	wrun forget-again -- forget-secret --client-id "$CLIENT_ID"
	want "forget-secret again: exit $CODE, want 0" code_is 0
	want "forget-secret again does not say none is saved" out_has "No client secret is saved for $CLIENT_ID."
	verdict "after forget-secret a run finds no secret (exit 2)"

	no_secret_in_prefix "$SECRET"
}

# part_policy: the facility's machine policy under HKLM\Software\Policies\abha-deactivate
# (what Group Policy or the MSI's properties write), read by the console build.
part_policy() {
	local key='HKLM\Software\Policies\abha-deactivate'
	want "reg add Environment failed" wine reg add "$key" /v Environment /t REG_SZ /d production /f
	want "reg add ClientID failed" wine reg add "$key" /v ClientID /t REG_SZ /d FACILITY_CLIENT /f
	wrun policy-show -- settings --json
	want "exit $CODE, want 0" code_is 0
	want "environment is not production" json_is .settings.environment production
	want "clientId is not the facility's" json_is .settings.clientId FACILITY_CLIENT
	want "setByFacility is not [environment, clientId]" json_is '.setByFacility | join(",")' environment,clientId
	verdict "settings shows the policy in HKLM\\Software\\Policies\\abha-deactivate as set by the facility"

	wrun policy-flag -- status --env sandbox --abha-number "$ASHA"
	want "exit $CODE, want 2" code_is 2
	want "stderr does not say the facility set it" err_has "set by your facility"
	verdict "a flag naming another system than the facility's policy is refused (exit 2)"

	want "reg add a REG_DWORD failed" wine reg add "$key" /v Environment /t REG_DWORD /d 1 /f
	wrun policy-damaged -- settings
	want "exit $CODE, want 2" code_is 2
	want "stderr does not say the facility's settings are damaged" err_has "damaged"
	verdict "a damaged policy value stops the run (exit 2): it never falls back to another system"
	want "reg delete failed" wine reg delete "$key" /f
}

# no_secret_in_prefix SECRET: after the prefix's wineserver has written the
# registry, no file of the prefix holds SECRET, in UTF-8 or UTF-16LE.
no_secret_in_prefix() {
	wine_stop
	local secret=$1 utf16 hits
	utf16=$(printf '%s' "$secret" | sed 's/./&\\x00/g')
	hits=$( {
		grep -rlaF -- "$secret" "$WINEPREFIX" || true
		grep -rlaP -- "$utf16" "$WINEPREFIX" || true
	} | sort -u)
	want "the secret is in: $(echo $hits)" [ -z "$hits" ]
	want "the search found no files" [ "$(find "$WINEPREFIX" -type f | wc -l)" -gt 100 ]
	verdict "no file of the prefix ($(find "$WINEPREFIX" -type f | wc -l) files, $(du -sm "$WINEPREFIX" | cut -f1) MB) holds the secret (UTF-8, UTF-16LE)"
}

part_audit() {
	local i a b oa ob audit_file n lines
	user_folders
	audit_file="$(app_data_dir)/audit.jsonl"
	for ((i = 1; i <= ROUNDS; i++)); do
		a="round$i-deactivate" b="round$i-reactivate"
		wstart "$a" -- deactivate --demo --reasons 104 --yes --json
		wstart "$b" -- reactivate --demo --otp-method mobile --yes --json
		oa=$(demo_otp "$a") || WHY+=("round $i: no OTP for the deactivation")
		ob=$(demo_otp "$b") || WHY+=("round $i: no OTP for the reactivation")
		# Both at once: each process then writes its intent and its outcome.
		wsend "$a" "${oa:-000000}" &
		wsend "$b" "${ob:-000000}"
		wait $!
		wend "$a"
		want "round $i: the deactivation exited $CODE" code_is 0
		want "round $i: the deactivation's outcome is not deactivated" json_is .outcome deactivated
		wend "$b"
		want "round $i: the reactivation exited $CODE" code_is 0
		want "round $i: the reactivation's outcome is not reactivated" json_is .outcome reactivated
	done
	verdict "$ROUNDS rounds of a deactivation and a reactivation run at once by two processes"

	n=$((ROUNDS * 4))
	want "no audit trail at $audit_file (%LocalAppData%\\abha-deactivate\\audit.jsonl)" [ -f "$audit_file" ]
	lines=$(wc -l <"$audit_file" 2>/dev/null || echo 0)
	want "the trail has $lines lines, want $n" [ "$lines" = "$n" ]
	want "a line of the trail is not one JSON object" jq -e -s "length == $n" "$audit_file"
	want "not $((n / 2)) intents, $ROUNDS deactivated and $ROUNDS reactivated" jq -e -s \
		"([.[] | select(.event == \"intent\")] | length) == $((n / 2)) and ([.[] | select(.outcome == \"deactivated\")] | length) == $ROUNDS and ([.[] | select(.outcome == \"reactivated\")] | length) == $ROUNDS" "$audit_file"
	verdict "the trail is in %LocalAppData%\\abha-deactivate ($LOCALAPPDATA_W), $n whole records"

	wrun verify -- audit verify
	want "exit $CODE, want 0" code_is 0
	want "stdout is not \"Audit trail intact: $n records (0 before the chain began) in $LOCALAPPDATA_W\\abha-deactivate\\audit.jsonl\"" \
		out_has "Audit trail intact: $n records (0 before the chain began) in $LOCALAPPDATA_W\\abha-deactivate\\audit.jsonl"
	wrun verify-json -- audit verify --json
	want "verify --json: exit $CODE" code_is 0
	want "verify --json does not say intact" json_is .intact true
	verdict "audit verify: one intact chain (exit 0)"

	wrun csv -- audit --csv
	want "exit $CODE, want 0" code_is 0
	want "the CSV has $(($(wc -l <"$R/out") - 1)) rows, want $n" [ "$(($(wc -l <"$R/out") - 1))" = "$n" ]
	want "the CSV has no header" out_has "time,event,action,id,osUser,environment,api,"
	verdict "audit --csv reads it: $n rows"

	wrun log-file -- --log-file
	want "--log-file: exit $CODE" code_is 0
	want "--log-file is not in %LocalAppData%\\abha-deactivate\\logs" out_has "$LOCALAPPDATA_W\\abha-deactivate\\logs\\"
	want "no log file in $(app_data_dir)/logs" bash -c 'ls "$1"/*.log >/dev/null 2>&1' _ "$(app_data_dir)/logs"
	verdict "the log is in %LocalAppData%\\abha-deactivate\\logs"

	# A damaged trail: line 3 of a copy edited; verify must say where (exit 6).
	sed -i '3s/"deactivate"/"deactivatf"/; 3s/"reactivate"/"reactivatf"/' "$audit_file"
	wrun verify-broken -- audit verify
	want "exit $CODE, want 6" code_is 6
	want "stdout does not say BROKEN at line 3" out_has "Audit trail BROKEN at line 3 of "
	verdict "a line edited: audit verify exit 6 at that line"
}

# gui SCRIPT NAME VAR=VALUE...: runs a keyboard script on the GUI build under
# Wine in the current prefix; its output indented on stderr.
gui() {
	local script=$1 name=$2
	shift 2
	{
		timeout -k 10 900 env APP_RUNNER=wine RUN_NAME="$name" "$@" "$ROOT/scripts/$script" "$GUI_EXE" 2>&1 &&
			echo 0 >"$PDIR/$name.rc" || echo $? >"$PDIR/$name.rc"
	} | sed 's/^/    /' >&2
	return "$(cat "$PDIR/$name.rc")"
}
count_shots() { find "$ROOT/screenshots" -maxdepth 1 -name "$1-[0-9][0-9]-*.png" ! -name '*-99-failure.png' | wc -l; }

part_gui_demo() {
	user_folders
	want "scripts/xvfb-e2e.sh failed" gui xvfb-e2e.sh windows-demo API=v3 APP_LANG=en AUDIT_FILE="$(app_data_dir)/audit.jsonl"
	want "$(count_shots windows-demo) screenshots, want 17" [ "$(count_shots windows-demo)" = 17 ]
	R=""
	verdict "GUI build, demo mode, by keyboard: Connect to a deactivation and a reactivation (screenshots/windows-demo-*.png)"
}

part_gui_custom() {
	local regs
	user_folders
	# The script's own simulator, with a secret this lane knows (to search for it).
	local gui_secret
	gui_secret=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
	want "scripts/xvfb-e2e-custom.sh failed" gui xvfb-e2e-custom.sh windows-custom SANDBOX_BIN="$LINUX_BIN" \
		SANDBOX_ARGS="--client-secret $gui_secret" SHORT_SCREEN= REACTIVATE=1 SECRET_KEPT=keyring \
		AUDIT_FILE="$(app_data_dir)/audit.jsonl"
	want "$(count_shots windows-custom) screenshots, want 18" [ "$(count_shots windows-custom)" = 18 ]
	R=""
	verdict "GUI build, addresses typed in, by keyboard: Connect to a deactivation and a reactivation (screenshots/windows-custom-*.png)"

	# The secret the wizard was told to remember, and its settings.
	regs=$(wine reg query 'HKCU\Software\Wine\Credential Manager' /s 2>/dev/null | tr -d '\r' || true)
	want "no entry for abha-deactivate under the Credential Manager" grep -qF "abha-deactivate:" <<<"$regs"
	verdict "the wizard kept the secret it was told to remember in the Credential Manager"
	no_secret_in_prefix "$gui_secret"
}

# ================================================================ run
read -r -a PART_LIST <<<"$PARTS"
for ((pi = 0; pi < ${#PART_LIST[@]}; pi++)); do
	part=${PART_LIST[pi]}
	PART=$part
	start=$(now_ms)
	say "---- $part"
	new_prefix "$part"
	((pi + 1 < ${#PART_LIST[@]})) && prefix_start "${PART_LIST[pi + 1]}"
	case "$part" in
	cli) part_cli ;;
	keyring) part_keyring ;;
	policy) part_policy ;;
	audit) part_audit ;;
	gui-demo) part_gui_demo ;;
	gui-custom) part_gui_custom ;;
	esac
	end_prefix
	ms=$(($(now_ms) - start))
	TIMES+=("$part $((ms / 1000)).$(((ms % 1000) / 100)) s")
	printf 'TIME %s: %d.%d s (%d s of it waiting for its fresh prefix)\n' "$part" $((ms / 1000)) $(((ms % 1000) / 100)) "$PREFIX_WAIT"
done

ms=$(($(now_ms) - LANE_START))
echo "test-windows: parts: $(IFS=,; echo "${TIMES[*]}" | sed 's/,/, /g')"
echo "test-windows: lane time $((ms / 1000)).$(((ms % 1000) / 100)) s"
echo "test-windows: console runs that Wine did not end after the program finished (ended by the lane): $WINE_STALLS"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
