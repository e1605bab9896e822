#!/usr/bin/env bash
# The Windows Installer package and the optional Authenticode signing, tested (make test-windows).
#
# Usage: [VERSION=V] scripts/test-windows-msi.sh DIST_DIR
#
# DIST_DIR holds what `make package-windows` writes: abha-deactivate-VERSION-windows-amd64.msi,
# abha-deactivate-VERSION-windows-amd64.exe and abha-deactivate-cli-VERSION-windows-amd64.exe.
#
#  1. msiinfo: per-machine (ALLUSERS=1), 64-bit, the UpgradeCode of the .wxs, the Start-menu
#     shortcut, the Apps & features icon, a condition on each policy component.
#  2. Signing: a throw-away self-signed code-signing certificate (openssl), both programs and
#     the MSI signed by scripts/sign.sh (PEM key with a password file, then PKCS#12), checked
#     with `osslsigncode verify`; a tampered file fails the check.
#  3. Under Wine, on a fresh prefix with the stand-in DLL (scripts/lib/wine.sh):
#     refused on Windows 7; silent install with ENVIRONMENT=production CLIENTID=... (files,
#     uninstall entry, shortcut, policy values, the installed console program's --version);
#     an invalid ENVIRONMENT refused; an upgrade by a second MSI of a higher version, built here
#     (one entry, new version, files updated, the policy kept); the older MSI refused over the
#     newer; silent removal (no program files, no uninstall entry, no policy values) that leaves
#     a user's files in %AppData% and %LocalAppData% alone; an install without properties writes
#     no policy values.
#
# Prints PASS or FAIL for each check and "N passed, N failed"; exits 1 on any failure. A
# missing tool fails the run. KEEP=1 keeps the work folder (logs, prefix).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=${1:-}
[[ -n "$DIST" && -d "$DIST" ]] || { echo "usage: $0 DIST_DIR" >&2; exit 2; }
DIST=$(cd "$DIST" && pwd)
# shellcheck source=lib/wine.sh
. "$ROOT/scripts/lib/wine.sh"

passed=0 failed=0
pass() { printf 'PASS  %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL  %s\n' "$*"; failed=$((failed + 1)); }
# check NAME COMMAND...: PASS if the command succeeds.
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
note() { printf '      %s\n' "$*"; }
finish() {
	wine_stop
	printf '%d passed, %d failed (%d s)\n' "$passed" "$failed" "$SECONDS"
	[[ "${KEEP:-}" == 1 ]] && echo "work folder kept: $W" || rm -rf "$W"
	[[ $failed -eq 0 ]]
	exit $?
}
abort() { fail "$*"; finish; }

for tool in wine wineserver winepath msiinfo msibuild wixl convert perl osslsigncode openssl x86_64-w64-mingw32-gcc; do
	command -v "$tool" >/dev/null 2>&1 || { echo "FAIL  $tool not found (scripts/install-deps.sh windows)"; exit 1; }
done

# With VERSION set (the Makefile's), that version's files; else the only ones in DIST_DIR.
shopt -s nullglob
v=${VERSION:-*}
msis=("$DIST"/abha-deactivate-$v-windows-amd64.msi)
clis=("$DIST"/abha-deactivate-cli-$v-windows-amd64.exe)
guis=()
for f in "$DIST"/abha-deactivate-$v-windows-amd64.exe; do [[ "$f" == */abha-deactivate-cli-* ]] || guis+=("$f"); done
shopt -u nullglob
[[ ${#msis[@]} -eq 1 && ${#guis[@]} -eq 1 && ${#clis[@]} -eq 1 ]] || {
	echo "FAIL  $DIST needs one abha-deactivate-$v-windows-amd64.msi, .exe and -cli-...exe (make package-windows; set VERSION if there are several)"
	exit 1
}
MSI=${msis[0]} GUI=${guis[0]} CLI=${clis[0]}
VERSION=${MSI##*/abha-deactivate-}
VERSION=${VERSION%-windows-amd64.msi}

W=$(mktemp -d "${TMPDIR:-/tmp}/abha-msi-test.XXXXXX")
trap 'wine_stop; [[ "${KEEP:-}" == 1 ]] || rm -rf "$W"' EXIT INT TERM

# ---------------------------------------------------------------- 1. the package's tables
prop() { msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }
UPGRADE_CODE=$(sed -n 's/.*UpgradeCode="\([0-9A-F-]*\)".*/\1/p' "$ROOT/packaging/windows/abha-deactivate.wxs")
MSI_VERSION=$(prop "$MSI" ProductVersion)
PRODUCT_CODE=$(prop "$MSI" ProductCode)
echo "msi: $MSI (ProductVersion $MSI_VERSION, ProductCode $PRODUCT_CODE)"
check "msiinfo: ALLUSERS=1 (per-machine install)" [ "$(prop "$MSI" ALLUSERS)" = 1 ]
check "msiinfo: UpgradeCode {$UPGRADE_CODE} as in the .wxs" [ "$(prop "$MSI" UpgradeCode)" = "{$UPGRADE_CODE}" ]
check "msiinfo: ProductVersion $MSI_VERSION is numeric a.b.c" grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$' <<<"$MSI_VERSION"
check "msiinfo: summary template x64;1033 (64-bit package)" grep -qxF 'Template: x64;1033' <(msiinfo suminfo "$MSI")
check "msiinfo: Shortcut table has \"ABHA Deactivation\" in ProgramMenuFolder, to the GUI program" \
	grep -qP '^StartMenuShortcut\tProgramMenuFolder\tABHA Deactivation\tGuiExe\t' <(msiinfo export "$MSI" Shortcut)
check "msiinfo: the program folder is \"ABHA Deactivation\" in ProgramFiles64Folder" \
	grep -qP '^INSTALLDIR\tProgramFiles64Folder\tABHA Deactivation\r?$' <(msiinfo export "$MSI" Directory)
check "msiinfo: ARPPRODUCTICON is in the Icon table" \
	bash -c 'cd "$3" && [ -n "$1" ] && msiinfo export "$2" Icon | grep -qP "^$1\t"' _ "$(prop "$MSI" ARPPRODUCTICON)" "$MSI" "$W"
check "msiinfo: Upgrade table detects older (upgrade) and newer (downgrade) versions" \
	bash -c 't=$(msiinfo export "$1" Upgrade); grep -q WIX_UPGRADE_DETECTED <<<"$t" && grep -q WIX_DOWNGRADE_DETECTED <<<"$t"' _ "$MSI"
conds=$(msiinfo export "$MSI" LaunchCondition | tr -d '\r')
check "msiinfo: launch condition \"A newer version of [ProductName] is already installed\" (no downgrade)" \
	grep -qP '^NOT WIX_DOWNGRADE_DETECTED\tA newer version of \[ProductName\] is already installed' <<<"$conds"
check "msiinfo: launch condition \"needs Windows 10 or newer\"" grep -qP ' WINDOWS10\)\t\[ProductName\] needs Windows 10 or newer' <<<"$conds"
check "msiinfo: launch conditions on ENVIRONMENT and APIVERSION values" \
	bash -c 'grep -q "ENVIRONMENT must be sandbox, production or custom" <<<"$1" && grep -q "APIVERSION must be v3 or v2" <<<"$1"' _ "$conds"
comps=$(msiinfo export "$MSI" Component | tr -d '\r')
ok=1
for pc in Environment:ENVIRONMENT APIVersion:APIVERSION GatewayURL:GATEWAYURL HealthIDURL:SERVICEURL \
	ClientID:CLIENTID HIPID:HIPID ProxyURL:PROXYURL CABundle:CABUNDLE AuditSyslog:AUDITSYSLOG \
	AuditSyslogCA:AUDITSYSLOGCA AuditSyslogCert:AUDITSYSLOGCERT AuditSyslogKey:AUDITSYSLOGKEY FacilityName:FACILITYNAME; do
	awk -F'\t' -v c="Policy${pc%%:*}" -v p="${pc#*:}" '$1 == c && $5 == p {f=1} END {exit !f}' <<<"$comps" || ok=0
done
check "msiinfo: each of the 13 policy components is conditional on its property" [ $ok = 1 ]

# ---------------------------------------------------------------- 2. signing
signing_test() {
	local d=$W/sign
	mkdir -p "$d"
	umask 077
	head -c 24 /dev/urandom | base64 >"$d/pass"
	openssl req -x509 -newkey rsa:3072 -sha256 -days 2 -subj "/CN=abha-deactivate throw-away test signer" \
		-addext "extendedKeyUsage=critical,codeSigning" -addext "keyUsage=critical,digitalSignature" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-keyout "$d/key.pem" -out "$d/cert.pem" -passout "file:$d/pass" >"$d/openssl.log" 2>&1 ||
		{ umask 022; fail "openssl made a self-signed code-signing certificate"; return; }
	# openssl reads -passin and -passout from one file as two lines: give it a second copy.
	cp "$d/pass" "$d/pass-out"
	openssl pkcs12 -export -in "$d/cert.pem" -inkey "$d/key.pem" -passin "file:$d/pass" \
		-passout "file:$d/pass-out" -out "$d/cert.pfx" >>"$d/openssl.log" 2>&1 ||
		{ umask 022; fail "openssl made a PKCS#12 file"; return; }
	umask 022
	cp "$GUI" "$d/gui.exe"; cp "$CLI" "$d/cli.exe"; cp "$MSI" "$d/pem.msi"; cp "$MSI" "$d/p12.msi"
	local out
	out=$(SIGN_CERT=$d/cert.pem SIGN_KEY=$d/key.pem SIGN_PASS_FILE=$d/pass \
		"$ROOT/scripts/sign.sh" "$d/gui.exe" "$d/cli.exe" "$d/pem.msi" 2>&1)
	check "sign.sh signs both programs and the MSI (PEM key, password file)" [ $? = 0 ]
	check "sign.sh prints neither the password nor the key" \
		bash -c '! grep -qF -- "$(cat "$1")" <<<"$2" && ! grep -q "PRIVATE KEY" <<<"$2"' _ "$d/pass" "$out"
	out=$(SIGN_PKCS12=$d/cert.pfx SIGN_PASS_FILE=$d/pass "$ROOT/scripts/sign.sh" "$d/p12.msi" 2>&1)
	check "sign.sh signs with a PKCS#12 file" [ $? = 0 ]
	local f
	for f in gui.exe cli.exe pem.msi p12.msi; do
		check "osslsigncode verify $f (-CAfile the throw-away certificate)" \
			bash -c 'osslsigncode verify -in "$1" -CAfile "$2" >"$1.verify" 2>&1' _ "$d/$f" "$d/cert.pem"
	done
	check "the signed MSI has a DigitalSignature stream" grep -q 'DigitalSignature$' <(msiinfo streams "$d/pem.msi")
	check "the signed programs still start (PE intact, checked under Wine below)" [ -s "$d/cli.exe" ]
	# A byte changed after signing: the check must fail.
	cp "$d/cli.exe" "$d/tampered.exe"
	printf 'X' | dd of="$d/tampered.exe" bs=1 seek=4096 conv=notrunc status=none
	check "osslsigncode verify fails on a program changed after signing" \
		bash -c '! osslsigncode verify -in "$1" -CAfile "$2" >/dev/null 2>&1' _ "$d/tampered.exe" "$d/cert.pem"
	check "sign.sh refuses SIGN_CERT without SIGN_KEY" \
		bash -c '! SIGN_CERT="$1" "$2" "$3" 2>/dev/null' _ "$d/cert.pem" "$ROOT/scripts/sign.sh" "$d/tampered.exe"
	SIGNED_CLI=$d/cli.exe
}
SIGNED_CLI=""
signing_test

# ---------------------------------------------------------------- 3. under Wine
wpath() { winepath -w "$1" 2>/dev/null; }
# msi_run NAME ARGS...: wine msiexec ARGS /qn /l*v LOG; sets RC; the log is $W/NAME.log.
msi_run() {
	local name=$1; shift
	# Bounded, so that a stalled install fails its check (exit 124) instead of holding up the lane.
	timeout -k 10 300 wine msiexec "$@" /qn /l*v "$(wpath "$W/$name.log")" >"$W/$name.out" 2>&1
	RC=$?
	timeout 60 wineserver -w || true
}
# refused NAME PROPERTY: the install NAME stopped at LaunchConditions (Wine's msiexec writes no
# condition's message into the log, so the log's properties say which one), with a non-zero exit
# (Wine returns 1603, "fatal error", as its low byte, 67), and PROPERTY is in the log.
refused() {
	[[ "$RC" != 0 ]] || return 1
	local log
	log=$(tr -d '\r\0' <"$W/$1.log")
	grep -qE 'LaunchConditions\. Return value [^1]' <<<"$log" && grep -qF -- "$2" <<<"$log"
}
refused_nothing_installed() { refused "$1" "$2" && [[ ! -e "$PF" ]]; }
UNINSTALL_KEY="HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
POLICY_KEY="HKLM\\Software\\Policies\\abha-deactivate"
# reg_value KEY NAME: the value's data, or nothing (64-bit view).
reg_value() {
	wine reg query "$1" /v "$2" /reg:64 2>/dev/null | tr -d '\r' |
		awk -v n="$2" '$1 == n && $2 ~ /^REG_/ {sub(/^[ \t]*[^ \t]+[ \t]+REG_[A-Z_]+[ \t]*/, ""); print; exit}'
}
# arp_entries: how many uninstall entries are named "ABHA Deactivation".
arp_entries() {
	wine reg query "$UNINSTALL_KEY" /s /reg:64 2>/dev/null | tr -d '\r' | grep -cE '^ +DisplayName +REG_SZ +ABHA Deactivation$'
}
same_file() { cmp -s "$1" "$2"; }

echo "wine: building the stand-in DLL and a fresh prefix"
# (wine_build_standin's objdump | grep -q pipe fails under pipefail when grep stops early.)
(set +o pipefail; wine_build_standin "$W/dll") >"$W/standin.log" 2>&1 || abort "the stand-in bcryptprimitives.dll builds (see $W/standin.log)"
t0=$SECONDS
wine_new_prefix "$W/prefix" "$W/dll/bcryptprimitives.dll" || abort "a fresh Wine prefix"
note "prefix ready in $((SECONDS - t0)) s"
PF="$W/prefix/drive_c/Program Files/ABHA Deactivation"
APPDATA_U=$(winepath -u "$(wine cmd /c 'echo %APPDATA%' 2>/dev/null | tr -d '\r')" 2>/dev/null)
LOCALAPPDATA_U=$(winepath -u "$(wine cmd /c 'echo %LOCALAPPDATA%' 2>/dev/null | tr -d '\r')" 2>/dev/null)
[[ -d "$APPDATA_U" && -d "$LOCALAPPDATA_U" ]] || abort "the prefix's %AppData% and %LocalAppData% exist"

# Windows 7 (Wine 8's default for a new prefix): the package refuses.
msi_run win7 /i "$(wpath "$MSI")"
check "refused on Windows 7 (exit $RC, at LaunchConditions with VersionNT64 = 601), nothing installed" \
	refused_nothing_installed win7 "VersionNT64 = 601"
wine winecfg -v win10 >/dev/null 2>&1
wineserver -w
check "the prefix now says Windows 10" [ "$(reg_value 'HKLM\Software\Microsoft\Windows NT\CurrentVersion' CurrentMajorVersionNumber)" = 0xa ]

# A user's own files, placed before anything is installed: no step may touch them.
mkdir -p "$APPDATA_U/abha-deactivate" "$LOCALAPPDATA_U/abha-deactivate"
printf '{"environment":"sandbox","note":"a user setting the MSI must keep"}\n' >"$APPDATA_U/abha-deactivate/settings.json"
printf 'audit line the MSI must keep\n' >"$LOCALAPPDATA_U/abha-deactivate/audit.jsonl"
user_sums=$(cd "$W/prefix/drive_c/users" && find . -path '*/abha-deactivate/*' -type f -exec sha256sum {} + | sort)

msi_run bad-env /i "$(wpath "$MSI")" ENVIRONMENT=staging
check "ENVIRONMENT=staging refused (exit $RC, at LaunchConditions), nothing installed" \
	refused_nothing_installed bad-env "ENVIRONMENT = staging"

CLIENT_ID=msi-test-client-01
COLLECTOR=tls://audit.hospital.example:6514
COLLECTOR_CA='C:\ProgramData\Facility\collector-ca.pem'
t0=$SECONDS
msi_run install /i "$(wpath "$MSI")" ENVIRONMENT=production CLIENTID="$CLIENT_ID" AUDITSYSLOG="$COLLECTOR" AUDITSYSLOGCA="$COLLECTOR_CA"
check "silent install with ENVIRONMENT=production CLIENTID=$CLIENT_ID AUDITSYSLOG=$COLLECTOR AUDITSYSLOGCA=… (exit $RC, $((SECONDS - t0)) s)" [ "$RC" = 0 ]
check "Program Files/ABHA Deactivation/abha-deactivate.exe is the GUI program from $DIST" same_file "$PF/abha-deactivate.exe" "$GUI"
check "Program Files/ABHA Deactivation/abha-deactivate-cli.exe is the console program from $DIST" same_file "$PF/abha-deactivate-cli.exe" "$CLI"
check "nothing else in the program folder" [ "$(find "$PF" -mindepth 1 | wc -l)" = 2 ]
check "uninstall entry $PRODUCT_CODE: DisplayName \"ABHA Deactivation\"" [ "$(reg_value "$UNINSTALL_KEY\\$PRODUCT_CODE" DisplayName)" = "ABHA Deactivation" ]
check "uninstall entry: DisplayVersion $MSI_VERSION" [ "$(reg_value "$UNINSTALL_KEY\\$PRODUCT_CODE" DisplayVersion)" = "$MSI_VERSION" ]
check "uninstall entry: Publisher \"The abha-deactivate authors\"" [ "$(reg_value "$UNINSTALL_KEY\\$PRODUCT_CODE" Publisher)" = "The abha-deactivate authors" ]
check "uninstall entry: UninstallString msiexec /X$PRODUCT_CODE" \
	grep -qiF "msiexec.exe /X$PRODUCT_CODE" <<<"$(reg_value "$UNINSTALL_KEY\\$PRODUCT_CODE" UninstallString)"
check "exactly one \"ABHA Deactivation\" uninstall entry" [ "$(arp_entries)" = 1 ]
# The Apps & features icon: Windows Installer keeps ARPPRODUCTICON as the product's ProductIcon.
icon_reg=$(wine reg query 'HKLM\Software\Classes\Installer\Products' /s /reg:64 2>/dev/null | tr -d '\r' |
	awk -v c="$PRODUCT_CODE" '$1 == "ProductIcon" && index($0, c) {sub(/^[ \t]*ProductIcon[ \t]+REG_SZ[ \t]+/, ""); print; exit}')
icon_file=$([[ -n "$icon_reg" ]] && winepath -u "$icon_reg" 2>/dev/null)
check "Apps & features icon: ProductIcon ${icon_reg:-missing} is an .ico file" \
	bash -c '[ -f "$1" ] && [ "$(head -c 4 "$1" | od -An -tx1 | tr -d " ")" = 00000100 ]' _ "$icon_file"
# Wine puts a per-machine package's shortcuts in the user's Start menu.
lnk=$(find "$W/prefix/drive_c" -path '*Start Menu/Programs/ABHA Deactivation.lnk' | head -n1)
check "Start-menu shortcut \"ABHA Deactivation.lnk\" (${lnk#"$W/prefix/"})" [ -n "$lnk" ]
check "policy: Environment = production" [ "$(reg_value "$POLICY_KEY" Environment)" = production ]
check "policy: ClientID = $CLIENT_ID" [ "$(reg_value "$POLICY_KEY" ClientID)" = "$CLIENT_ID" ]
check "policy: AuditSyslog = $COLLECTOR, AuditSyslogCA = $COLLECTOR_CA" \
	[ "$(reg_value "$POLICY_KEY" AuditSyslog)|$(reg_value "$POLICY_KEY" AuditSyslogCA)" = "$COLLECTOR|$COLLECTOR_CA" ]
check "policy: no value for a property not given (GatewayURL, APIVersion, AuditSyslogCert)" \
	[ -z "$(reg_value "$POLICY_KEY" GatewayURL)$(reg_value "$POLICY_KEY" APIVersion)$(reg_value "$POLICY_KEY" AuditSyslogCert)" ]
check "policy values are REG_SZ" grep -qE '^ +Environment +REG_SZ +production' <(wine reg query "$POLICY_KEY" /reg:64 2>/dev/null | tr -d '\r')
out=$(cd "$W" && LANG=en_US.UTF-8 timeout 120 wine "C:\\Program Files\\ABHA Deactivation\\abha-deactivate-cli.exe" --version 2>"$W/version.err" | tr -d '\r')
check "the installed console program: --version says \"abha-deactivate $VERSION\" (got \"$out\")" \
	grep -qE "^abha-deactivate $(sed 's/[.+]/\\&/g' <<<"$VERSION")( |$)" <<<"$out"
out=$(cd "$W" && LANG=en_US.UTF-8 timeout 120 wine "C:\\Program Files\\ABHA Deactivation\\abha-deactivate.exe" --version 2>>"$W/version.err" | tr -d '\r')
check "the installed GUI program starts: --version says \"abha-deactivate $VERSION\"" \
	grep -qE "^abha-deactivate $(sed 's/[.+]/\\&/g' <<<"$VERSION")( |$)" <<<"$out"
if [[ -n "$SIGNED_CLI" ]]; then
	out=$(LANG=en_US.UTF-8 timeout 120 wine "$(wpath "$SIGNED_CLI")" --version 2>/dev/null | tr -d '\r')
	check "the signed console program starts (--version)" grep -q "^abha-deactivate " <<<"$out"
fi

# The upgrade: the same programs with a marker appended (a PE overlay, so they still run) in an
# MSI one build number higher, built by the same script.
IFS=. read -r ma mi bu <<<"$MSI_VERSION"
NEW_VERSION="$ma.$mi.$((bu + 1))"
mkdir -p "$W/v2"
{ cat "$GUI"; printf 'abha-deactivate MSI upgrade test %s\n' "$NEW_VERSION"; } >"$W/v2/gui.exe"
{ cat "$CLI"; printf 'abha-deactivate MSI upgrade test %s\n' "$NEW_VERSION"; } >"$W/v2/cli.exe"
if MSI_VERSION=$NEW_VERSION "$ROOT/packaging/windows/build-msi.sh" "$W/v2/new.msi" "$W/v2/gui.exe" "$W/v2/cli.exe" >"$W/v2/build.log" 2>&1; then
	pass "an MSI of version $NEW_VERSION built for the upgrade"
else
	sed 's/^/      /' "$W/v2/build.log"
	abort "an MSI of version $NEW_VERSION built for the upgrade"
fi
NEW_CODE=$(prop "$W/v2/new.msi" ProductCode)
check "the new version has another ProductCode and the same UpgradeCode" \
	bash -c '[ "$1" != "$2" ] && [ "$3" = "{$4}" ]' _ "$NEW_CODE" "$PRODUCT_CODE" "$(prop "$W/v2/new.msi" UpgradeCode)" "$UPGRADE_CODE"
t0=$SECONDS
msi_run upgrade /i "$(wpath "$W/v2/new.msi")"
check "silent upgrade to $NEW_VERSION, no properties given (exit $RC, $((SECONDS - t0)) s)" [ "$RC" = 0 ]
check "exactly one \"ABHA Deactivation\" uninstall entry after the upgrade" [ "$(arp_entries)" = 1 ]
check "the old entry $PRODUCT_CODE is gone" [ -z "$(reg_value "$UNINSTALL_KEY\\$PRODUCT_CODE" DisplayName)" ]
check "the entry $NEW_CODE says DisplayVersion $NEW_VERSION" [ "$(reg_value "$UNINSTALL_KEY\\$NEW_CODE" DisplayVersion)" = "$NEW_VERSION" ]
check "the GUI program was replaced by the new one" same_file "$PF/abha-deactivate.exe" "$W/v2/gui.exe"
check "the console program was replaced by the new one" same_file "$PF/abha-deactivate-cli.exe" "$W/v2/cli.exe"
check "the upgrade kept the policy (Environment = production, ClientID = $CLIENT_ID)" \
	[ "$(reg_value "$POLICY_KEY" Environment) $(reg_value "$POLICY_KEY" ClientID)" = "production $CLIENT_ID" ]
out=$(LANG=en_US.UTF-8 timeout 120 wine "C:\\Program Files\\ABHA Deactivation\\abha-deactivate-cli.exe" --version 2>/dev/null | tr -d '\r')
check "the upgraded console program starts (--version)" grep -q "^abha-deactivate " <<<"$out"

msi_run downgrade /i "$(wpath "$MSI")"
check "the older MSI ($MSI_VERSION) refused over $NEW_VERSION (exit $RC, at LaunchConditions with WIX_DOWNGRADE_DETECTED = $NEW_CODE)" \
	refused downgrade "WIX_DOWNGRADE_DETECTED = $NEW_CODE"
check "after the refusal: still $NEW_VERSION, one entry, the new programs" \
	bash -c '[ "$1" = "$2" ] && [ "$3" = 1 ] && cmp -s "$4" "$5"' _ "$(reg_value "$UNINSTALL_KEY\\$NEW_CODE" DisplayVersion)" "$NEW_VERSION" "$(arp_entries)" "$PF/abha-deactivate-cli.exe" "$W/v2/cli.exe"

t0=$SECONDS
msi_run remove /x "$NEW_CODE"
check "silent removal msiexec /x $NEW_CODE /qn (exit $RC, $((SECONDS - t0)) s)" [ "$RC" = 0 ]
check "no program files left (Program Files/ABHA Deactivation gone or empty)" \
	bash -c '[ ! -e "$1" ] || [ -z "$(ls -A "$1")" ]' _ "$PF"
check "no \"ABHA Deactivation\" uninstall entry left" [ "$(arp_entries)" = 0 ]
check "no Start-menu shortcut left" [ -z "$(find "$W/prefix/drive_c" -path '*Start Menu/Programs/ABHA Deactivation.lnk')" ]
check "no policy values left" [ -z "$(reg_value "$POLICY_KEY" Environment)$(reg_value "$POLICY_KEY" ClientID)" ]
check "the user's files in %AppData% and %LocalAppData% are untouched" \
	[ "$(cd "$W/prefix/drive_c/users" && find . -path '*/abha-deactivate/*' -type f -exec sha256sum {} + | sort)" = "$user_sums" ]

msi_run plain /i "$(wpath "$MSI")"
check "install without properties (exit $RC)" [ "$RC" = 0 ]
check "no policy values written without properties (the upgrade's record is gone too)" \
	[ -z "$(wine reg query "$POLICY_KEY" /reg:64 2>/dev/null | tr -d '\r' | grep -E ' REG_')" ]
msi_run plain-remove /x "$(wpath "$MSI")"
check "removal by the MSI's path (msiexec /x FILE /qn, exit $RC)" \
	bash -c '[ "$1" = 0 ] && [ "$(ls -A "$2" 2>/dev/null)" = "" ]' _ "$RC" "$PF"

finish
