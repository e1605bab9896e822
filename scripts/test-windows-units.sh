#!/usr/bin/env bash
# Runs the storage packages' unit tests as Windows programs under Wine: each
# package's test binary is cross-compiled (GOOS=windows, no cgo) and run in a
# fresh Wine prefix of its own, with the ProcessPrng stand-in DLL that Go
# programs need on Debian's Wine 8.0 (scripts/lib/wine.sh). This is where
# the Windows-only code runs: the audit trail's LockFileEx lock (and the forwarder's), the
# Credential Manager, %AppData% paths and the HKLM machine policy (whose
# tests write HKLM\Software\Policies\abha-deactivate: never run them
# outside a throw-away prefix).
#
#   scripts/test-windows-units.sh [PACKAGE...]   (default: the five below)
#
# Needs go, wine (wine64), wineboot, wineserver and mingw-w64
# (scripts/install-deps.sh windows). No display is used. Prints each
# package's result and `N passed, N failed`; exits 1 if any failed. Set
# WINUNITS_LOGS=DIR to keep each package's full `-test.v` output there.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/wine.sh
. scripts/lib/wine.sh

started=$(date +%s)
for tool in go wine wineboot wineserver x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objdump; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "test-windows-units: $tool is missing (scripts/install-deps.sh windows)" >&2
		exit 1
	}
done

if [[ $# -gt 0 ]]; then
	packages=("$@")
else
	packages=(storage/settings storage/audit storage/auditforward storage/paths storage/secrets)
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-winunits.XXXXXX")
cleanup() {
	wine_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# No display: these tests draw nothing, and Wine must not reach the host's X server.
export DISPLAY= WAYLAND_DISPLAY=

# Without pipefail here: wine.sh checks the DLL with `objdump | grep -q`,
# and grep -q quitting early can end objdump with SIGPIPE.
set +o pipefail
wine_build_standin "$T/dll"
set -o pipefail
# Go 1.26's os.RemoveAll deletes with FileDispositionInformationEx and falls
# back to the older call only for the statuses a real Windows gives; Wine 8.0
# answers STATUS_NOT_IMPLEMENTED, so every t.TempDir clean-up would fail with
# "Invalid function". The test binaries are built with a copy of that one
# standard-library file that also falls back on that status (go build
# -overlay; the app itself is not built this way). A Go release whose file
# differs stops the run here rather than testing without the fix.
deleteat_overlay() {
	local dir=$1 src
	src="$(go env GOROOT)/src/internal/syscall/windows/at_windows.go"
	mkdir -p "$dir"
	awk '
		/^\t\tSTATUS_NOT_SUPPORTED: .*one of the flags$/ {
			sub(/STATUS_NOT_SUPPORTED:/, "STATUS_NOT_SUPPORTED,")
			print
			print "\t\tNTStatus(0xC0000002): // STATUS_NOT_IMPLEMENTED (Wine 8.0), added by scripts/test-windows-units.sh"
			patched++
			next
		}
		{ print }
		END { exit patched == 1 ? 0 : 1 }
	' "$src" >"$dir/at_windows.go" || {
		echo "test-windows-units: $src is not as expected: update deleteat_overlay" >&2
		return 1
	}
	printf '{"Replace":{"%s":"%s"}}\n' "$src" "$dir/at_windows.go" >"$dir/overlay.json"
}
deleteat_overlay "$T/overlay"

mkdir -p "$T/bin" "$T/logs"
# unit_said_result: the running test binary printed its last line (go test -v ends with PASS or FAIL).
unit_said_result() { [[ "$(tail -n1 "$UNIT_LOG" 2>/dev/null)" =~ ^(PASS|FAIL)$ ]]; }
for pkg in "${packages[@]}"; do
	name=${pkg//\//-}
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -overlay "$T/overlay/overlay.json" \
		-o "$T/bin/$name.test.exe" "./$pkg"
done
echo "test-windows-units: built ${#packages[@]} test binaries in $(($(date +%s) - started)) s"

passed=0 failed=0
for pkg in "${packages[@]}"; do
	name=${pkg//\//-} log="$T/logs/${pkg//\//-}.log" t0=$(date +%s)
	wine_new_prefix "$T/prefix-$name" "$T/dll/bcryptprimitives.dll"
	# Run from the package's folder, as go test does (testdata, fuzz seeds).
	(cd "$pkg" && exec timeout -k 10 20m wine "$T/bin/$name.test.exe" -test.v -test.count=1 -test.timeout=15m) >"$log" 2>&1 &
	UNIT_LOG=$log
	wine_wait $! unit_said_result
	status=$WINE_STATUS
	if ((WINE_STALLED)); then
		status=1
		[[ "$(tail -n1 "$log")" == PASS ]] && status=0
		echo "note  $pkg: the test binary printed its result, but Wine had not ended its process ${WINE_EXIT_GRACE:-15} s later: ended it"
	fi
	wine_stop
	rm -rf "$T/prefix-$name"
	if [[ -n ${WINUNITS_LOGS:-} ]]; then
		mkdir -p "$WINUNITS_LOGS" && cp "$log" "$WINUNITS_LOGS/"
	fi
	tests=$(grep -c '^=== RUN' "$log" || true)
	if [[ $status -eq 0 ]] && grep -q '^PASS$' "$log" && ! grep -q -- '--- FAIL' "$log"; then
		passed=$((passed + 1))
		echo "ok    $pkg (windows/amd64 under Wine, $tests tests and subtests, $(($(date +%s) - t0)) s)"
	else
		failed=$((failed + 1))
		echo "FAIL  $pkg (exit $status, $(($(date +%s) - t0)) s):"
		grep -E -- '--- FAIL|^panic|^fatal error|\.go:[0-9]+: ' "$log" | head -n 40 | sed 's/^/      /' || true
		tail -n 15 "$log" | sed 's/^/    | /'
	fi
done
echo "test-windows-units: $passed passed, $failed failed in $(($(date +%s) - started)) s"
[[ $failed -eq 0 ]]
