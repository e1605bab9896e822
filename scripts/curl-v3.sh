#!/usr/bin/env bash
# A v3 deactivation made by hand with curl against a running simulator
# (abha-deactivate sandbox), every ID and OTP encrypted by openssl as ABDM's
# v3 APIs require (RSA-OAEP, SHA-1, MGF1-SHA-1, standard base64): the gateway
# session, the public key, the patient's sign-in by ABHA number and Aadhaar
# OTP, the deactivation OTP and the deactivation.
#
# Usage: scripts/curl-v3.sh BASE_URL CLIENT_ID CLIENT_SECRET [ABHA_NUMBER]
#   BASE_URL is the simulator's root (its "url:" line), e.g. http://127.0.0.1:8090
#   ABHA_NUMBER defaults to the demo patient 91-5512-3456-7890 (Asha Verma)
# The OTPs are read from the simulator's outbox (admin endpoint), as the
# patient would read them from their phone. Needs curl, openssl, base64, sed.
set -euo pipefail
base=$1 client_id=$2 client_secret=$3 abha=${4:-91-5512-3456-7890}
gateway="$base/api/hiecm/gateway" service="$base/abha/api"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" | head -n1; }
# uuid: a random (version 4) UUID for REQUEST-ID.
uuid() {
	local h
	h=$(openssl rand -hex 16)
	printf '%s-%s-4%s-a%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"
}
# The headers of every v3 call: a fresh REQUEST-ID and the UTC time with milliseconds.
v3() { curl -sS --fail-with-body -H 'Accept: application/json' -H 'Content-Type: application/json' \
	-H "REQUEST-ID: $(uuid)" -H "TIMESTAMP: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$@"; }
# encrypt TEXT: RSA-OAEP-SHA1 with ABDM's key, base64 on one line.
encrypt() { printf '%s' "$1" | openssl pkeyutl -encrypt -pubin -inkey "$work/key.pem" \
	-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 | base64 -w0; }
# outbox_otp TXN: the OTP the simulator "sent" for a transaction.
outbox_otp() {
	local otp
	otp=$(curl -sS --fail-with-body "$base/_sandbox/outbox" | tr '{' '\n' | grep "\"$1\"" | json_field otp)
	[ -n "$otp" ] || { echo "no OTP for $1 in the outbox" >&2; exit 1; }
	printf '%s' "$otp"
}

# 1. Gateway session (200 or 202), with X-CM-ID and no Authorization.
session=$(v3 -X POST "$gateway/v3/sessions" -H 'X-CM-ID: sbx' \
	-d "{\"clientId\":\"$client_id\",\"clientSecret\":\"$client_secret\",\"grantType\":\"client_credentials\"}")
token=$(printf '%s' "$session" | json_field accessToken)
[ -n "$token" ] || { echo "no accessToken in the session reply" >&2; exit 1; }
echo "1. session: ok (expires in $(printf '%s' "$session" | sed -n 's/.*"expiresIn" *: *\([0-9]*\).*/\1/p') s)"
auth=(-H "Authorization: Bearer $token")

# 2. Public key: bare base64 DER in JSON; wrapped as PEM for openssl.
cert=$(v3 "${auth[@]}" "$service/v3/profile/public/certificate")
{
	echo '-----BEGIN PUBLIC KEY-----'
	printf '%s' "$cert" | json_field publicKey | fold -w 64
	echo
	echo '-----END PUBLIC KEY-----'
} >"$work/key.pem"
openssl pkey -pubin -in "$work/key.pem" -noout
echo "2. certificate: ok ($(openssl pkey -pubin -in "$work/key.pem" -text -noout | head -1), $(printf '%s' "$cert" | json_field encryptionAlgorithm))"

# 3. The patient signs in: a sign-in OTP to the Aadhaar-linked mobile for the
# ABHA number (with its dashes), then the OTP gives the X-token.
login_id=$(encrypt "$abha")
reply=$(v3 "${auth[@]}" -X POST "$service/v3/profile/login/request/otp" \
	-d "{\"scope\":[\"abha-login\",\"aadhaar-verify\"],\"loginHint\":\"abha-number\",\"loginId\":\"$login_id\",\"otpSystem\":\"aadhaar\"}")
txn=$(printf '%s' "$reply" | json_field txnId)
[ -n "$txn" ] || { echo "no txnId in the sign-in OTP reply: $reply" >&2; exit 1; }
echo "3a. login/request/otp: ok ($(printf '%s' "$reply" | json_field message))"
otp=$(encrypt "$(outbox_otp "$txn")")
reply=$(v3 "${auth[@]}" -X POST "$service/v3/profile/login/verify" \
	-d "{\"scope\":[\"abha-login\",\"aadhaar-verify\"],\"authData\":{\"authMethods\":[\"otp\"],\"otp\":{\"txnId\":\"$txn\",\"otpValue\":\"$otp\"}}}")
[ "$(printf '%s' "$reply" | json_field authResult)" = success ] || { echo "3b. login/verify: not success: $reply" >&2; exit 1; }
xtoken=$(printf '%s' "$reply" | json_field token)
echo "3b. login/verify: authResult success (X-token received)"

# 4. The deactivation OTP, with the X-token ("Bearer " is required).
reply=$(v3 "${auth[@]}" -H "X-token: Bearer $xtoken" -X POST "$service/v3/profile/account/request/otp" \
	-d "{\"scope\":[\"abha-profile\",\"de-activate\"],\"loginHint\":\"abha-number\",\"loginId\":\"$login_id\",\"otpSystem\":\"aadhaar\"}")
txn=$(printf '%s' "$reply" | json_field txnId)
[ -n "$txn" ] || { echo "no txnId in the deactivation OTP reply: $reply" >&2; exit 1; }
echo "4. account/request/otp: ok ($(printf '%s' "$reply" | json_field message))"

# 5. Deactivate: the OTP encrypted, the reasons as text (required).
otp=$(encrypt "$(outbox_otp "$txn")")
reply=$(v3 "${auth[@]}" -H "X-token: Bearer $xtoken" -X POST "$service/v3/profile/account/verify" \
	-d "{\"scope\":[\"abha-profile\",\"de-activate\"],\"authData\":{\"authMethods\":[\"otp\"],\"otp\":{\"txnId\":\"$txn\",\"otpValue\":\"$otp\"}},\"reasons\":[\"Requested by ABHA holder\"]}")
if [ "$(printf '%s' "$reply" | json_field authResult)" != success ]; then
	echo "5. account/verify: not success: $reply" >&2
	exit 1
fi
echo "5. account/verify: authResult success ($(printf '%s' "$reply" | json_field message))"
