#!/usr/bin/env bash
# Authenticode-signs Windows files (.exe, .msi) in place with osslsigncode. scripts/package.sh
# calls it when `make release` (or package-windows) is given a certificate; without one,
# nothing is signed.
#
# Usage: scripts/sign.sh FILE...
#
# Environment (one of the two key sources):
#   SIGN_CERT, SIGN_KEY      the certificate (chain) and its private key, PEM or DER
#   SIGN_PKCS12              a PKCS#12 (.pfx/.p12) file with both
#   SIGN_PASS_FILE           a file holding the key's password, if it has one (never an argument:
#                            a command line can be read by every user of the machine)
#   SIGN_TIMESTAMP_URL       an RFC 3161 time-stamp server (e.g. your CA's); with it, the
#                            signature stays valid after the certificate expires
#   SIGN_DESCRIPTION, SIGN_URL   shown by Windows in the signature details
#
# Nothing secret is printed. A signature carries the signing time, so a signed file differs
# from one signing run to the next; the unsigned build is the reproducible one.
set -euo pipefail

say() { printf 'sign: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[[ $# -ge 1 ]] || { echo "usage: $0 FILE..." >&2; exit 2; }
command -v osslsigncode >/dev/null 2>&1 || die "osslsigncode not found (scripts/install-deps.sh package)"

key_args=()
if [[ -n "${SIGN_PKCS12:-}" ]]; then
	[[ -z "${SIGN_CERT:-}${SIGN_KEY:-}" ]] || die "give SIGN_PKCS12 or SIGN_CERT and SIGN_KEY, not both"
	[[ -r "$SIGN_PKCS12" ]] || die "SIGN_PKCS12: cannot read $SIGN_PKCS12"
	key_args=(-pkcs12 "$SIGN_PKCS12")
elif [[ -n "${SIGN_CERT:-}" || -n "${SIGN_KEY:-}" ]]; then
	[[ -n "${SIGN_CERT:-}" && -n "${SIGN_KEY:-}" ]] || die "SIGN_CERT and SIGN_KEY go together"
	[[ -r "$SIGN_CERT" ]] || die "SIGN_CERT: cannot read $SIGN_CERT"
	[[ -r "$SIGN_KEY" ]] || die "SIGN_KEY: cannot read $SIGN_KEY"
	key_args=(-certs "$SIGN_CERT" -key "$SIGN_KEY")
else
	die "no key: set SIGN_CERT and SIGN_KEY, or SIGN_PKCS12"
fi
if [[ -n "${SIGN_PASS_FILE:-}" ]]; then
	[[ -r "$SIGN_PASS_FILE" ]] || die "SIGN_PASS_FILE: cannot read $SIGN_PASS_FILE"
	key_args+=(-readpass "$SIGN_PASS_FILE")
fi
ts_args=()
[[ -n "${SIGN_TIMESTAMP_URL:-}" ]] && ts_args=(-ts "$SIGN_TIMESTAMP_URL")

for f in "$@"; do
	[[ -s "$f" ]] || die "$f is missing or empty"
	rm -f "$f.signed"
	# osslsigncode's own messages name files and servers, never the password.
	if ! osslsigncode sign "${key_args[@]}" "${ts_args[@]}" -h sha256 \
		-n "${SIGN_DESCRIPTION:-ABHA Deactivation}" ${SIGN_URL:+-i "$SIGN_URL"} \
		-in "$f" -out "$f.signed" >"$f.sign.log" 2>&1; then
		sed 's/^/sign:   /' "$f.sign.log" >&2
		rm -f "$f.signed" "$f.sign.log"
		die "could not sign $f"
	fi
	rm -f "$f.sign.log"
	touch -r "$f" "$f.signed"
	mv "$f.signed" "$f"
	say "signed $f${SIGN_TIMESTAMP_URL:+ (time-stamped by $SIGN_TIMESTAMP_URL)}"
done
