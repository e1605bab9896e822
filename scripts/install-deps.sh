#!/bin/sh
# Installs the Debian/Ubuntu packages a group needs, only those missing.
# Usage: scripts/install-deps.sh build|test|package|windows
# Groups:
#   build    cgo/GLFW headers to compile the Fyne app
#   test     build + Xvfb, xdotool, ImageMagick, a Secret Service, Devanagari font check tools,
#            poppler-utils (pdftotext, pdftoppm) to read the receipts back, rsyslog and
#            rsyslog-gnutls (a real syslog collector over TLS for audit forwarding)
#   package  build + the mingw-w64 cross compiler for Windows packages, xz and file for the
#            Linux tarball, dpkg-deb (dpkg) and objdump (binutils) for the .deb, strace for
#            the first-run check, wixl, msitools and ImageMagick (the icon) for the MSI,
#            osslsigncode for signing
#   windows  test + package + Wine (64-bit) to run the Windows build and its MSI; jq and
#            python3 for the Windows lane's checks
set -eu

build="gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev"
test_extra="xvfb xauth xdotool imagemagick gnome-keyring libsecret-tools dbus openssl curl procps poppler-utils rsyslog rsyslog-gnutls"
package_extra="gcc-mingw-w64-x86-64 xz-utils file dpkg tar binutils strace wixl msitools osslsigncode imagemagick"
windows_extra="wine wine64 jq python3"

case "${1:-build}" in
build) want="$build" ;;
test) want="$build $test_extra" ;;
package) want="$build $package_extra" ;;
windows) want="$build $test_extra $package_extra $windows_extra" ;;
*) echo "usage: $0 build|test|package|windows" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

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
