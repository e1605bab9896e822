package logs

import (
	"strings"
	"testing"
)

const jwt = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiI5MS0xMjM0In0.c2lnbmF0dXJlLXZhbHVl"

func TestRedact(t *testing.T) {
	r := NewRedactor()
	r.Add("cl1ent-S3cret", "482913", "abc", "", "abcdef", "abcd", `q"uo\te`)
	cases := []struct{ in, want string }{
		{"secret is cl1ent-S3cret.", "secret is [REDACTED]."},
		{"inside xxcl1ent-S3cretyy word", "inside xx[REDACTED]yy word"},
		{"otp 482913 sent", "otp [REDACTED] sent"},
		{"abc is too short to register", "abc is too short to register"},
		{"longest wins: abcdef", "longest wins: [REDACTED]"},
		{"shorter alone: abcd!", "shorter alone: [REDACTED]!"},
		{`raw q"uo\te and json q\"uo\\te`, `raw [REDACTED] and json [REDACTED]`},
		{"token " + jwt + " end", "token [REDACTED] end"},
		{"Authorization: Bearer dGhpc2lzYXRva2Vu==", "Authorization: Bearer [REDACTED]"},
		{"X-Token: bearer " + jwt, "X-Token: bearer [REDACTED]"},
		{"the bearer of news", "the bearer of news"},
		{"AUTHORIZATION: BEARER zyxwvutsrq", "AUTHORIZATION: BEARER [REDACTED]"},
		{`body {"accessToken":"opaque-123","expiresIn":600,"refreshToken": "r\"x"}`,
			`body {"accessToken":"[REDACTED]","expiresIn":600,"refreshToken": "[REDACTED]"}`},
		{`{"clientSecret":"s","otp":"ENCRYPTED=="}`, `{"clientSecret":"[REDACTED]","otp":"[REDACTED]"}`},
		{"nothing to hide", "nothing to hide"},
	}
	for _, c := range cases {
		if got := r.Redact(c.in); got != c.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestRedactorZeroAndNil(t *testing.T) {
	var zero Redactor
	if got := zero.Redact("Bearer abcdefghijkl"); got != "Bearer [REDACTED]" {
		t.Errorf("zero value: %q", got)
	}
	zero.Add("zzzz")
	if got := zero.Redact("zzzz"); got != Mask {
		t.Errorf("zero value after Add: %q", got)
	}
	var nilR *Redactor
	if got := nilR.Redact(jwt); got != Mask {
		t.Errorf("nil Redactor: %q", got)
	}
}

func TestAddIsIdempotent(t *testing.T) {
	r := NewRedactor()
	r.Add("same-secret")
	r.Add("same-secret")
	if n := strings.Count(strings.Join(r.secrets, "|"), "same-secret"); n != 1 {
		t.Errorf("registered %d times: %v", n, r.secrets)
	}
}
