#!/usr/bin/env bash
# Builds the Windows Installer package from the two Windows programs, with wixl (msitools).
# scripts/package.sh windows calls it; scripts/test-windows-msi.sh calls it for the upgrade test.
#
# Usage: packaging/windows/build-msi.sh OUT.msi GUI.exe CLI.exe
#
# Environment:
#   MSI_VERSION        ProductVersion, numeric a.b.c (default: FyneApp.toml's Version)
#   SOURCE_DATE_EPOCH  every timestamp in the package (default: the commit's time)
#
# Two runs with the same inputs give the same bytes. wixl alone does not: it stamps the
# summary's creation and save times with the clock, and the package code (the summary's
# revision number) is random. So: the files in the cabinet carry SOURCE_DATE_EPOCH; the
# ProductCode comes from the UpgradeCode and the version (a new version is a new product, the
# same version the same product); the package code comes from a hash of every input; and the
# summary's two times and the package code are set afterwards in place (patch-suminfo.pl).
#
# wixl has no Component/Condition: the policy components get their conditions here, with
# msibuild, from the table below (component -> property), and the policy properties are added
# to SecureCustomProperties so that a managed install passes them to the server side.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
say() { printf 'msi: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[[ $# -eq 3 ]] || { echo "usage: $0 OUT.msi GUI.exe CLI.exe" >&2; exit 2; }
OUT=$1 GUI=$2 CLI=$3
for f in "$GUI" "$CLI"; do [[ -s "$f" ]] || die "$f is missing or empty"; done
for tool in wixl msibuild msiinfo convert perl sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/install-deps.sh package: wixl, msitools, imagemagick)"
done

WXS="$HERE/abha-deactivate.wxs"
toml() { sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" "$ROOT/FyneApp.toml"; }
VERSION=${MSI_VERSION:-$(toml Version)}
WEBSITE=$(toml Website)
# ProductVersion: major.minor.build, at most 255.255.65535 (Windows Installer ignores a fourth field).
[[ "$VERSION" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] ||
	die "the MSI version must be numeric a.b.c, not \"$VERSION\" (FyneApp.toml's Version, or MSI_VERSION)"
((BASH_REMATCH[1] <= 255 && BASH_REMATCH[2] <= 255 && BASH_REMATCH[3] <= 65535)) ||
	die "the MSI version $VERSION is out of range (at most 255.255.65535)"
if [[ -z "${SOURCE_DATE_EPOCH:-}" ]]; then
	SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct HEAD 2>/dev/null || stat -c %Y "$ROOT/FyneApp.toml")
fi
UPGRADE_CODE=$(sed -n 's/.*UpgradeCode="\([0-9A-F-]*\)".*/\1/p' "$WXS")
[[ "$UPGRADE_CODE" =~ ^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$ ]] || die "no UpgradeCode found in $WXS"

# Component -> the property whose presence installs it (HKLM\Software\Policies\abha-deactivate).
POLICY=(
	PolicyEnvironment:ENVIRONMENT
	PolicyAPIVersion:APIVERSION
	PolicyGatewayURL:GATEWAYURL
	PolicyHealthIDURL:SERVICEURL
	PolicyClientID:CLIENTID
	PolicyHIPID:HIPID
	PolicyProxyURL:PROXYURL
	PolicyCABundle:CABUNDLE
	PolicyFacilityName:FACILITYNAME
	PolicyAuditSyslog:AUDITSYSLOG
	PolicyAuditSyslogCA:AUDITSYSLOGCA
	PolicyAuditSyslogCert:AUDITSYSLOGCERT
	PolicyAuditSyslogKey:AUDITSYSLOGKEY
)

# guid TEXT: a GUID from the SHA-256 of TEXT (RFC 9562 version 8 and variant bits), upper case.
guid() {
	local h
	h=$(printf '%s' "$1" | sha256sum | cut -c1-32 | tr a-f A-F)
	printf '%s-%s-8%s-%X%s-%s' "${h:0:8}" "${h:8:4}" "${h:13:3}" $(((16#${h:16:1} & 3) | 8)) "${h:17:3}" "${h:20:12}"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/abha-msi.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The files as they go into the cabinet (its entries carry the files' times).
cp "$GUI" "$T/abha-deactivate.exe"
cp "$CLI" "$T/abha-deactivate-cli.exe"
# The Apps & features and shortcut icon, from the app's icon (no timestamps in an .ico).
convert "$ROOT/assets/icon.png" -define icon:auto-resize=256,64,48,32,24,16 "$T/icon.ico"
touch -d "@$SOURCE_DATE_EPOCH" "$T/abha-deactivate.exe" "$T/abha-deactivate-cli.exe" "$T/icon.ico"

PRODUCT_CODE=$(guid "abha-deactivate ProductCode $UPGRADE_CODE $VERSION")
PACKAGE_CODE=$(guid "abha-deactivate PackageCode $VERSION $SOURCE_DATE_EPOCH $(
	cd "$T" && sha256sum abha-deactivate.exe abha-deactivate-cli.exe icon.ico
) $(sha256sum "$WXS" "${BASH_SOURCE[0]}" "$HERE/patch-suminfo.pl" | cut -d' ' -f1)")
say "version $VERSION, ProductCode {$PRODUCT_CODE}, PackageCode {$PACKAGE_CODE}"

before=$(date +%s)
# wixl takes source paths relative to the current folder. Its "builder.vala:699: unimplemented"
# notice (printed for every package) is dropped.
(cd "$T" && wixl -a x64 \
	-D Version="$VERSION" -D ProductCode="$PRODUCT_CODE" -D Website="$WEBSITE" \
	-D GuiExe=abha-deactivate.exe -D CliExe=abha-deactivate-cli.exe -D IconFile=icon.ico \
	-o out.msi "$WXS") 2> >(grep -v 'builder.vala:699: unimplemented' >&2) ||
	die "wixl failed"
after=$(date +%s)

queries=()
secure="WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED"
for pair in "${POLICY[@]}"; do
	queries+=(-q "UPDATE \`Component\` SET \`Condition\` = '${pair#*:}' WHERE \`Component\` = '${pair%%:*}'")
	secure="$secure;${pair#*:}"
done
queries+=(-q "UPDATE \`Property\` SET \`Value\` = '$secure' WHERE \`Property\` = 'SecureCustomProperties'")
msibuild "$T/out.msi" "${queries[@]}" || die "msibuild could not set the policy conditions"

perl "$HERE/patch-suminfo.pl" "$T/out.msi" "$PACKAGE_CODE" "$before" "$after" "$SOURCE_DATE_EPOCH" ||
	die "could not set the package code and times in the summary"

# Check what the steps above promise.
got=$(msiinfo export "$T/out.msi" Component | tr -d '\r')
for pair in "${POLICY[@]}"; do
	grep -qP "^${pair%%:*}\t[^\t]*\t[^\t]*\t[0-9]+\t${pair#*:}\t" <<<"$got" ||
		die "component ${pair%%:*} has no condition ${pair#*:}"
done
# (Whole outputs in variables: `cmd | grep -q` can fail under pipefail when grep exits first.)
got=$(msiinfo suminfo "$T/out.msi")
grep -qF "Revision number (UUID): {$PACKAGE_CODE}" <<<"$got" || die "the package code was not set: $got"
got=$(msiinfo export "$T/out.msi" Property | tr -d '\r')
grep -qxF "ProductVersion	$VERSION" <<<"$got" || die "ProductVersion is not $VERSION: $(grep ProductVersion <<<"$got")"

mkdir -p "$(dirname "$OUT")"
touch -d "@$SOURCE_DATE_EPOCH" "$T/out.msi"
mv "$T/out.msi" "$OUT"
say "$OUT ($(stat -c %s "$OUT") bytes)"
