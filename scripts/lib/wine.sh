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
