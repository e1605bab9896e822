# shellcheck shell=bash
# Running the app's Windows build under Wine, for scripts/test-windows.sh and
# scripts/test-windows-msi.sh. Debian 12's Wine 8.0 lacks ProcessPrng, which
# every Go 1.22+ Windows program needs before main: the stand-in DLL built
# here from scripts/windows/bcryptprimitives.c provides it (test only; never
# shipped).
#
#   . scripts/lib/wine.sh
#   wine_build_standin DIR    builds DIR/bcryptprimitives.dll (mingw-w64)
#   wine_new_prefix DIR DLL   a fresh 64-bit prefix in DIR with the DLL in
#                             system32; exports WINEPREFIX and the variables below
#   wine_use_prefix DIR       exports them for an existing prefix (one made by
#                             wine_new_prefix in a background job, say)
#   wine_stop                 ends the prefix's wineserver and its processes
#   wine_wait PID DONE        waits for a run, ending it if Wine stalls after the
#                             program finished (sets WINE_STATUS, WINE_STALLED)
#
# Variables it exports: WINEPREFIX, WINEARCH=win64, WINEDEBUG=-all, and
# WINEDLLOVERRIDES (the stand-in as native; winemenubuilder off, so Wine never
# touches the host's menus; mscoree and mshtml off, so wineboot asks for no
# Mono or Gecko download).

# wine_build_standin DIR: DIR/bcryptprimitives.dll from the source in the repository.
wine_build_standin() {
	local dir=$1 root
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	mkdir -p "$dir"
	x86_64-w64-mingw32-gcc -shared -O2 -Wall -Werror -o "$dir/bcryptprimitives.dll" \
		"$root/scripts/windows/bcryptprimitives.c" -ladvapi32
	# Read the whole export table first: grep -q on a pipe can end objdump early (SIGPIPE),
	# which fails the check under pipefail.
	local exports
	exports=$(x86_64-w64-mingw32-objdump -p "$dir/bcryptprimitives.dll")
	grep -q '\] ProcessPrng$' <<<"$exports" || {
		echo "wine: the stand-in DLL does not export ProcessPrng" >&2
		return 1
	}
}

# wine_new_prefix DIR DLL: a new Wine prefix in DIR (which must not exist or be empty),
# ready to run Go programs. About 20-40 s. wineboot runs with HOME=DIR/unix-home, so
# the profile's Desktop, Documents, Downloads... links point there, not into the
# host user's home.
wine_new_prefix() {
	local dir=$1 dll=$2
	wine_use_prefix "$dir"
	mkdir -p "$dir/unix-home"
	HOME="$dir/unix-home" wineboot -i >"$dir.wineboot.log" 2>&1 || {
		echo "wine: wineboot failed for $dir:" >&2
		tail -n 20 "$dir.wineboot.log" >&2
		return 1
	}
	wineserver -w
	[[ -d "$dir/drive_c/windows/system32" ]] || {
		echo "wine: $dir has no drive_c/windows/system32 after wineboot" >&2
		return 1
	}
	cp "$dll" "$dir/drive_c/windows/system32/bcryptprimitives.dll"
}

# wine_use_prefix DIR: WINEPREFIX=DIR and the variables every run in it needs.
wine_use_prefix() {
	export WINEPREFIX=$1 WINEARCH=win64 WINEDEBUG=-all
	export WINEDLLOVERRIDES="bcryptprimitives=n;winemenubuilder.exe=d;mscoree=d;mshtml=d"
}

# wine_stop: ends the current prefix's wineserver (and so every program in it).
wine_stop() {
	[[ -n "${WINEPREFIX:-}" ]] || return 0
	wineserver -k 2>/dev/null || true
	wineserver -w 2>/dev/null || true
}

# wine_wait PID DONE: waits for PID, a background run of a Windows program
# under Wine (or a timeout(1) around one), and sets WINE_STATUS to its exit
# status. DONE is a command that succeeds once the program has said that it
# finished its work (the last line of its log, a test binary's final PASS):
# from then on the process has WINE_EXIT_GRACE seconds (default 15) to end.
# Wine's process teardown sometimes stalls on a loaded machine: the program
# has called ExitProcess and every thread waits on wineserver (about 1 run
# in 100 under a load of 20; never seen with a Linux build). A run that
# finished and then stalled is ended (SIGTERM to PID; a timeout(1) passes it
# on, then SIGKILL): WINE_STALLED=1, and the caller takes the outcome from
# what the program said, not from WINE_STATUS. A run that never says it
# finished is waited for as long as it runs.
wine_wait() {
	local pid=$1 done=$2 since=""
	WINE_STALLED=0
	while kill -0 "$pid" 2>/dev/null; do
		if [[ -z "$since" ]]; then
			"$done" && since=$SECONDS
		elif ((SECONDS - since >= ${WINE_EXIT_GRACE:-15})); then
			WINE_STALLED=1
			kill -TERM "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
	WINE_STATUS=0
	wait "$pid" || WINE_STATUS=$?
}
