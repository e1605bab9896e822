#!/usr/bin/env bash
# Builds the install packages into dist/ (the Makefile's package-* targets call it).
#
# Usage: scripts/package.sh linux     dist/abha-deactivate-VERSION-linux-amd64.tar.xz and
#                                     dist/abha-deactivate_DEBVERSION_amd64.deb
#        scripts/package.sh windows   dist/abha-deactivate-VERSION-windows-amd64.exe (GUI),
#                                     dist/abha-deactivate-cli-VERSION-windows-amd64.exe (console) and
#                                     dist/abha-deactivate-VERSION-windows-amd64.msi (both, installed
#                                     per machine; packaging/windows/build-msi.sh)
#
# Environment (the Makefile sets them):
#   VERSION, COMMIT      stamped into the binary (main.version, main.commit)
#   SOURCE_DATE_EPOCH    timestamp for every file in the archives (default: the commit's time)
#   DIST                 output folder (default dist)
#   FYNE                 the fyne CLI (default: GOPATH/bin/fyne; installed if missing or another version)
#   DEB_MAINTAINER       Maintainer field of the .deb
#   MSI_VERSION          the MSI's ProductVersion, numeric a.b.c (default: FyneApp.toml's Version)
#   SIGN_CERT + SIGN_KEY, or SIGN_PKCS12; SIGN_PASS_FILE, SIGN_TIMESTAMP_URL
#                        Authenticode-sign the Windows programs and the MSI (scripts/sign.sh);
#                        unset (the default): nothing is signed
#
# The packages are built by `fyne package --release` (which adds -trimpath, -s -w and the
# "release" tag) in a private copy of the source tree, so that the files fyne writes into the
# source folder while it builds (fyne_metadata_init.go, fyne.syso, an updated FyneApp.toml) never
# appear in the working tree. The version ldflags and an empty build ID reach fyne's `go build`
# through GOFLAGS. Archives are written with fixed owners, order and timestamps, so two builds of
# one commit give the same bytes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TARGET=${1:-}
case "$TARGET" in
linux | windows) ;;
*) echo "usage: $0 linux|windows" >&2; exit 2 ;;
esac

say() { printf 'package: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

GO=${GO:-go}
FYNE_VERSION=v1.7.4
FYNE=${FYNE:-$($GO env GOPATH)/bin/fyne}
DIST=${DIST:-dist}
case "$DIST" in /*) ;; *) DIST="$ROOT/$DIST" ;; esac
APP_VERSION=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
APP_ID=$(sed -n 's/^ID *= *"\(.*\)"/\1/p' FyneApp.toml)
APP_NAME=$(sed -n 's/^Name *= *"\(.*\)"/\1/p' FyneApp.toml)
WEBSITE=$(sed -n 's/^Website *= *"\(.*\)"/\1/p' FyneApp.toml)
VERSION=${VERSION:-$APP_VERSION}
COMMIT=${COMMIT:-}
DEB_MAINTAINER=${DEB_MAINTAINER:-The abha-deactivate authors <dev@abha-deactivate.invalid>}
EXE=abha-deactivate
[[ -n "$APP_VERSION" && -n "$APP_ID" && -n "$APP_NAME" ]] || die "FyneApp.toml needs Details.Version, ID and Name"
[[ "$VERSION" =~ ^[0-9A-Za-z.+~-]+$ ]] || die "VERSION \"$VERSION\" has characters a file name or GOFLAGS cannot take"
[[ -z "$COMMIT" || "$COMMIT" =~ ^[0-9a-f]+$ ]] || die "COMMIT \"$COMMIT\" is not a hex commit ID"
if [[ -z "${SOURCE_DATE_EPOCH:-}" ]]; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct HEAD 2>/dev/null || stat -c %Y FyneApp.toml)
fi
export SOURCE_DATE_EPOCH

# ---------------------------------------------------------------- the fyne CLI, pinned
if [[ "$("$FYNE" version 2>/dev/null || true)" != *"cli version: $FYNE_VERSION"* ]]; then
	say "installing fyne CLI $FYNE_VERSION into $(dirname "$FYNE")"
	GOBIN=$(dirname "$FYNE") $GO install "fyne.io/tools/cmd/fyne@$FYNE_VERSION"
fi

# ---------------------------------------------------------------- a private copy of the source
T=$(mktemp -d "${TMPDIR:-/tmp}/abha-package.XXXXXX")
trap 'rm -rf "$T"' EXIT
SRC="$T/src"
mkdir -p "$SRC"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked files and new files that are not ignored (so bin/, dist/ and the like stay out).
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [[ -e "$f" ]] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -C "$SRC" -xf -
else
	tar --exclude=./.git --exclude=./bin --exclude=./dist --exclude=./screenshots --exclude=./_warm \
		-cf - . | tar -C "$SRC" -xf -
fi

# fyne moves every -ldflags=... word of GOFLAGS into its own -ldflags (after which it adds
# -s -w, and -H=windowsgui for Windows); the other words stay in GOFLAGS.
GOFLAGS="${GOFLAGS:-} -buildvcs=false -ldflags=-X=main.version=$VERSION -ldflags=-buildid="
[[ -n "$COMMIT" ]] && GOFLAGS="$GOFLAGS -ldflags=-X=main.commit=$COMMIT"
export GOFLAGS
# APP_TAGS are the app's build tags (the Makefile passes no_emoji), given to fyne package --tags.

# normalise DIR: every file and folder under DIR gets a fixed mode (0755 for folders and bin/*,
# else 0644) and the archive timestamp.
normalise() {
	find "$1" -type d -exec chmod 0755 {} +
	find "$1" -type f -exec chmod 0644 {} +
	find "$1" -type f -path '*/bin/*' -exec chmod 0755 {} +
	find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

mkdir -p "$DIST"

# ---------------------------------------------------------------- Linux: tarball and .deb
package_linux() {
	local start=$SECONDS
	say "linux: fyne package -os linux --release (version $VERSION, commit ${COMMIT:-none})"
	(cd "$SRC" && CGO_ENABLED=1 "$FYNE" package -os linux --release ${APP_TAGS:+--tags "$APP_TAGS"}) || die "fyne package -os linux failed"
	local fyne_tar="$SRC/$APP_NAME.tar.xz"
	[[ -f "$fyne_tar" ]] || die "fyne package made no \"$APP_NAME.tar.xz\""

	# Unpack fyne's tarball (abha-deactivate/{Makefile,usr/local/...}), add the licences,
	# and pack it again with fixed order, owners and timestamps.
	local stage="$T/linux"
	mkdir -p "$stage"
	tar -C "$stage" -xJf "$fyne_tar"
	local top="$stage/$EXE"
	[[ -f "$top/Makefile" ]] || die "fyne's tarball has no $EXE/Makefile"
	local bin
	bin=$(find "$top/usr" -type f -path "*/bin/$EXE")
	[[ -n "$bin" ]] || die "fyne's tarball has no bin/$EXE"
	local got
	got=$(LANG=en_US.UTF-8 "$bin" --version)
	[[ "$got" == "abha-deactivate $VERSION"* ]] || die "the packaged binary says \"$got\", expected version $VERSION"
	cp LICENSE "$top/LICENSE"
	cp assets/fonts/OFL.txt "$top/LICENSE-NotoSansDevanagari-OFL.txt"
	cat >"$top/INSTALL.txt" <<EOF
$APP_NAME $VERSION${COMMIT:+ ($COMMIT)} for Linux (x86_64)

Install for all users (needs root):      sudo make install      (into /usr/local)
Install for yourself only:               make user-install      (into ~/.local)
Remove:                                  sudo make uninstall    (or: make user-uninstall)

Then start "$APP_NAME" from the applications menu, or run: $EXE
Try it without ABDM credentials:         $EXE --demo
More: $WEBSITE
EOF
	normalise "$stage"
	local tarball="$DIST/$EXE-$VERSION-linux-amd64.tar.xz"
	tar -C "$stage" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
		--mtime="@$SOURCE_DATE_EPOCH" -cf - "$EXE" | xz -T1 -6 -c >"$tarball.tmp"
	mv "$tarball.tmp" "$tarball"
	say "linux: $tarball"
	package_deb "$top" "$bin"
	say "linux: done in $((SECONDS - start)) s"
}

# package_deb TOP BIN: a .deb with /usr/bin, the desktop file and the icon, from the same
# binary as the tarball. Built with dpkg-deb alone (no debhelper); SOURCE_DATE_EPOCH sets
# the ar and tar timestamps.
package_deb() {
	local top=$1 bin=$2
	if ! command -v dpkg-deb >/dev/null 2>&1; then
		say "deb: dpkg-deb not found, no .deb built"
		return 0
	fi
	# Debian versions: 0.1.0, or 0.1.0+3.gabc1234.dirty after a tag (sorts after 0.1.0).
	local debver
	debver=$(printf '%s' "$VERSION" | sed -e 's/-/+/' -e 's/-/./g')
	local root="$T/deb"
	rm -rf "$root"
	install -D -m0755 "$bin" "$root/usr/bin/$EXE"
	local desktop
	desktop=$(find "$top/usr" -name "$APP_ID.desktop")
	install -D -m0644 "$desktop" "$root/usr/share/applications/$APP_ID.desktop"
	install -D -m0644 "$(find "$top/usr" -path "*/pixmaps/$APP_ID.png")" "$root/usr/share/pixmaps/$APP_ID.png"
	mkdir -p "$root/usr/share/doc/$EXE"
	{
		printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n'
		printf 'Upstream-Name: %s\nSource: %s\n\n' "$EXE" "$WEBSITE"
		printf 'Files: *\nLicense: MIT\n'
		sed -e 's/^$/./' -e 's/^/ /' LICENSE
		printf '\nFiles: assets/fonts/*\nCopyright: The Noto Project Authors\nLicense: OFL-1.1\n'
		sed -e 's/^$/./' -e 's/^/ /' assets/fonts/OFL.txt
	} >"$root/usr/share/doc/$EXE/copyright"

	# Depends: from the libraries the binary links against, by a fixed table (so the result
	# does not depend on what the build machine has installed); an unknown library stops here.
	# GLFW opens the other X11 libraries (Xcursor, Xi, Xinerama, Xrandr, Xxf86vm) with dlopen
	# and works without them, hence Recommends.
	local needed lib pkgs=() glibc
	needed=$(objdump -p "$bin" | awk '/NEEDED/ {print $2}')
	for lib in $needed; do
		case "$lib" in
		libc.so.6 | libm.so.6 | libdl.so.2 | libpthread.so.0 | librt.so.1 | libresolv.so.2) ;;
		libGL.so.1) pkgs+=(libgl1) ;;
		libX11.so.6) pkgs+=(libx11-6) ;;
		libXcursor.so.1) pkgs+=(libxcursor1) ;;
		libXrandr.so.2) pkgs+=(libxrandr2) ;;
		libXinerama.so.1) pkgs+=(libxinerama1) ;;
		libXi.so.6) pkgs+=(libxi6) ;;
		libXxf86vm.so.1) pkgs+=(libxxf86vm1) ;;
		*) die "deb: the binary needs $lib; add its Debian package to scripts/package.sh" ;;
		esac
	done
	glibc=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
	local depends="libc6 (>= ${glibc:-2.31})"
	for lib in $(printf '%s\n' "${pkgs[@]}" | sort -u); do depends="$depends, $lib"; done

	mkdir -p "$root/DEBIAN"
	cat >"$root/DEBIAN/control" <<EOF
Package: $EXE
Version: $debver
Architecture: amd64
Maintainer: $DEB_MAINTAINER
Installed-Size: $(du -sk --apparent-size "$root/usr" | cut -f1)
Depends: $depends
Recommends: libxcursor1, libxi6, libxinerama1, libxrandr2, libxxf86vm1
Suggests: gnome-keyring
Section: utils
Priority: optional
Homepage: $WEBSITE
Description: deactivate a patient's ABHA through ABDM, confirmed by an OTP
 $APP_NAME is a desktop app with which clinic and front-desk staff
 deactivate a patient's ABHA (Ayushman Bharat Health Account) through the
 official ABDM APIs. The patient confirms with an OTP sent to the mobile
 linked to their Aadhaar. Run "$EXE --demo" to try it against the
 built-in simulator.
 .
 Client secrets can be kept in the Secret Service (gnome-keyring, KWallet
 or KeePassXC); without one the secret is asked for at every start.
EOF
	(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
	normalise "$root"
	chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
	local deb="$DIST/${EXE}_${debver}_amd64.deb"
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb.tmp" >/dev/null
	mv "$deb.tmp" "$deb"
	say "deb: $deb"
}

# ---------------------------------------------------------------- Windows: a GUI .exe
package_windows() {
	local start=$SECONDS
	local cc=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
	command -v "$cc" >/dev/null 2>&1 || die "$cc not found (scripts/install-deps.sh package)"
	say "windows: fyne package -os windows --release (version $VERSION, commit ${COMMIT:-none})"
	# fyne builds a Windows package twice (once plain, once with the icon resource) and takes
	# the ldflags out of GOFLAGS at the first build, so the second would lose the version. A
	# placeholder --executable skips the first build; the only build writes over it.
	: >"$SRC/$EXE.exe"
	(cd "$SRC" && CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$cc" \
		"$FYNE" package -os windows --release ${APP_TAGS:+--tags "$APP_TAGS"} --executable "$EXE.exe") || die "fyne package -os windows failed"
	local exe="$SRC/$APP_NAME.exe"
	[[ -s "$exe" ]] || die "fyne package made no \"$APP_NAME.exe\""
	local kind
	kind=$(file -b "$exe")
	[[ "$kind" == "PE32+ executable (GUI) x86-64"* ]] || die "\"$APP_NAME.exe\" is \"$kind\", not a PE32+ GUI executable"
	# The version must be stamped. The binary cannot run here and -trimpath keeps -ldflags out
	# of its build settings, so look for the commit ID (stamped by the same GOFLAGS) in it.
	if [[ -n "$COMMIT" ]]; then
		grep -aqF "$COMMIT" "$exe" || die "the Windows binary does not carry commit $COMMIT: GOFLAGS did not reach its build"
	fi
	[[ -z "$($GO tool buildid "$exe" 2>/dev/null)" ]] || die "the Windows binary has a build ID"
	local out="$DIST/$EXE-$VERSION-windows-amd64.exe"
	cp "$exe" "$out.tmp"
	touch -d "@$SOURCE_DATE_EPOCH" "$out.tmp"
	mv "$out.tmp" "$out"
	say "windows: $out ($kind)"

	# A console build of the same program for IT staff's terminal commands (deactivate, audit,
	# status, sandbox): Windows does not wait for a GUI program or show its output in cmd.
	say "windows: console build for the terminal commands"
	local ldflags="-s -w -buildid= -X main.version=$VERSION"
	[[ -n "$COMMIT" ]] && ldflags="$ldflags -X main.commit=$COMMIT"
	(cd "$SRC" && rm -f fyne.syso && CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$cc" GOFLAGS=-buildvcs=false \
		"$GO" build -trimpath ${APP_TAGS:+-tags "$APP_TAGS"} -ldflags "$ldflags" -o "$T/cli.exe" .) || die "the console build failed"
	kind=$(file -b "$T/cli.exe")
	[[ "$kind" == "PE32+ executable (console) x86-64"* ]] || die "the console build is \"$kind\", not a PE32+ console executable"
	local cli="$DIST/$EXE-cli-$VERSION-windows-amd64.exe"
	cp "$T/cli.exe" "$cli.tmp"
	touch -d "@$SOURCE_DATE_EPOCH" "$cli.tmp"
	mv "$cli.tmp" "$cli"
	say "windows: $cli ($kind)"

	# Optional Authenticode signatures (make release SIGN_CERT=... SIGN_KEY=..., or
	# SIGN_PKCS12=...; see scripts/sign.sh): the programs before they go into the MSI, then
	# the MSI. Without a key nothing is signed.
	local sign=""
	[[ -n "${SIGN_CERT:-}${SIGN_KEY:-}${SIGN_PKCS12:-}" ]] && sign=1
	[[ -z "$sign" ]] || "$ROOT/scripts/sign.sh" "$out" "$cli" || die "signing the programs failed"

	# The Windows Installer package (per-machine, Start-menu shortcut, Apps & features entry,
	# policy values from properties): packaging/windows/build-msi.sh with wixl.
	local msi="$DIST/$EXE-$VERSION-windows-amd64.msi"
	"$ROOT/packaging/windows/build-msi.sh" "$msi" "$out" "$cli" || die "building the MSI failed"
	[[ -z "$sign" ]] || "$ROOT/scripts/sign.sh" "$msi" || die "signing the MSI failed"
	say "windows: $msi${sign:+ (signed)}, done in $((SECONDS - start)) s"
}

case "$TARGET" in
linux) package_linux ;;
windows) package_windows ;;
esac
