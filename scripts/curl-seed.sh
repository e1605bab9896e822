#!/usr/bin/env bash
# The seed's four calls, made with curl against a running simulator, with the
# OTP encrypted by openssl exactly as ABDM's documentation describes
# (RSA/ECB/PKCS1Padding, standard base64).
#
# Usage: scripts/curl-seed.sh BASE_URL CLIENT_ID CLIENT_SECRET HIP_ID X_TOKEN
#   BASE_URL is the simulator's root, e.g. http://127.0.0.1:8090
# The OTP is read from the simulator's outbox (admin endpoint), as the
# patient would read it from their phone.
set -euo pipefail
base=$1 client_id=$2 client_secret=$3 hip=$4 xtoken=$5
gateway="$base/gateway" healthid="$base/api"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }

# 1. Gateway session.
session=$(curl -sS --fail-with-body -X POST "$gateway/v0.5/sessions" \
	-H 'Accept: application/json' -H 'Content-Type: application/json' \
	-d "{\"clientId\":\"$client_id\",\"clientSecret\":\"$client_secret\",\"grantType\":\"client_credentials\"}")
token=$(printf '%s' "$session" | json_field accessToken)
[ -n "$token" ] || { echo "no accessToken in the session reply" >&2; exit 1; }
echo "1. session: ok"

# 2. Public key.
curl -sS --fail-with-body "$healthid/v1/auth/cert" \
	-H "Authorization: Bearer $token" -H "X-HIP-ID: $hip" >"$work/key.pem"
openssl pkey -pubin -in "$work/key.pem" -noout
echo "2. cert: ok ($(openssl pkey -pubin -in "$work/key.pem" -text -noout | head -1))"

# 3. OTP request.
otp_reply=$(curl -sS --fail-with-body -X POST "$healthid/v2/account/aadhaar/generateOTP" \
	-H 'Accept: application/json' -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $token" -H "X-HIP-ID: $hip" -H "X-Token: Bearer $xtoken" -d '{}')
txn=$(printf '%s' "$otp_reply" | json_field txnId)
[ -n "$txn" ] || { echo "no txnId in the OTP reply" >&2; exit 1; }
echo "3. generateOTP: ok (sent to $(printf '%s' "$otp_reply" | json_field mobileNumber))"

# The patient reads the OTP from their phone: here, the simulator's outbox.
otp=$(curl -sS --fail-with-body "$base/_sandbox/outbox" | tr '{' '\n' | grep "\"$txn\"" | json_field otp | tail -1)
[ -n "$otp" ] || { echo "no OTP for $txn in the outbox" >&2; exit 1; }

# 4. Deactivate, the OTP encrypted with openssl.
enc=$(printf '%s' "$otp" | openssl pkeyutl -encrypt -pubin -inkey "$work/key.pem" -pkeyopt rsa_padding_mode:pkcs1 | base64 -w0)
status=$(curl -sS -o "$work/deactivate.out" -w '%{http_code}' -X POST "$healthid/v2/account/profile/deactivate" \
	-H 'Accept: application/json' -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $token" -H "X-HIP-ID: $hip" -H "X-Token: Bearer $xtoken" \
	-d "{\"authMethod\":\"AADHAAR_OTP\",\"otp\":\"$enc\",\"reasons\":[\"104\",\"103\",\"102\",\"101\",\"others\"],\"txnId\":\"$txn\"}")
if [ "$status" != 204 ]; then
	echo "4. deactivate: HTTP $status: $(cat "$work/deactivate.out")" >&2
	exit 1
fi
echo "4. deactivate: 204 No Content"
