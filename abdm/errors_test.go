package abdm

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/wire"
)

func TestParseErrorBodyRealShapes(t *testing.T) {
	cases := []struct {
		name, body, code, msg string
	}{
		{"healthid details first", `{"code":"HIS-422","message":"Unable to process the current request due to incorrect data entered.","details":[{"message":"Please enter a valid OTP. Entered OTP is either expired or incorrect.","code":"HIS-2022","attribute":null}]}`,
			"HIS-2022", "Please enter a valid OTP. Entered OTP is either expired or incorrect."},
		{"healthid detail with attribute", `{"code":"HIS-400","message":"Bad request","details":[{"code":"HIS-1026","message":"Transaction not found","attribute":{"key":"txnId","value":"x"}}]}`,
			"HIS-1026", "Transaction not found"},
		{"healthid detail without code falls back to outer", `{"code":"HIS-500","message":"Downstream down","details":[{"message":"x"}]}`,
			"HIS-500", "Downstream down"},
		{"healthid detail without message takes outer", `{"code":"HIS-422","message":"outer","details":[{"code":"HIS-3005"}]}`,
			"HIS-3005", "outer"},
		{"gateway token", `{"code":"900901","message":"Invalid Credentials","description":"Access failure for API: /api/v2, version: v2 status: (900901) - Invalid Credentials."}`,
			"900901", "Invalid Credentials"},
		{"gateway numeric code", `{"code":900908,"message":"Resource forbidden"}`, "900908", "Resource forbidden"},
		{"session error trailing colon", `{"error":{"code":"ABDM-9999: ","message":"Invalid client credentials"}}`,
			"ABDM-9999", "Invalid client credentials"},
		{"empty body", ``, "", ""},
		{"whitespace body", " \n ", "", ""},
		{"html proxy page", `<html><body>502 Bad Gateway</body></html>`, "", ""},
		{"truncated json", `{"code":"HIS-4`, "", ""},
		{"message only", `{"message":"Something"}`, "", "Something"},
		{"json array", `[1,2]`, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, msg := ParseErrorBody([]byte(c.body))
			if code != c.code || msg != c.msg {
				t.Fatalf("got (%q, %q), want (%q, %q)", code, msg, c.code, c.msg)
			}
		})
	}
}

func TestEveryDesignCodeIsMapped(t *testing.T) {
	want := map[string]Kind{
		"HIS-2022": KindWrongOTP, "HIS-1013": KindWrongOTP,
		"HIS-1056": KindOTPExpired,
		"HIS-1026": KindTxnInvalid, "HIS-1012": KindTxnInvalid,
		"HIS-1023": KindRateLimited, "HIS-2017": KindRateLimited,
		"HIS-1039": KindTooManyAttempts, "HIS-1041": KindTooManyAttempts,
		"HIS-3005": KindNoLinkedMobile,
		"HIS-1007": KindAccountInactive, "HIS-1008": KindNotFound,
		"900901": KindGatewayCredentials, "900908": KindForbidden,
	}
	for code, kind := range want {
		for _, status := range []int{400, 401, 403, 422} {
			if got := classify(status, code, false, true); got != kind {
				t.Errorf("classify(%d, %s) = %v, want %v", status, code, got, kind)
			}
		}
	}
	for k := KindUnknown; k <= KindInvalidInput; k++ {
		if k.Message() == "" || k.NextAction() == "" || strings.HasPrefix(k.String(), "kind(") {
			t.Errorf("kind %d lacks a name, message or next action", k)
		}
	}
}

func TestClassifyByStatus(t *testing.T) {
	cases := []struct {
		status          int
		code            string
		session, xToken bool
		want            Kind
	}{
		{401, "", false, true, KindPatientToken},
		{401, "", false, false, KindGatewayCredentials},
		{401, "ABDM-9999", true, false, KindGatewayCredentials},
		{400, "ABDM-9999", true, false, KindGatewayCredentials},
		{500, "ABDM-9999", true, false, KindServiceUnavailable},
		{503, "", false, true, KindServiceUnavailable},
		{500, "HIS-500", false, true, KindServiceUnavailable},
		{502, "", false, false, KindServiceUnavailable},
		{429, "", false, true, KindRateLimited},
		{403, "", false, true, KindForbidden},
		{400, "HIS-400", false, true, KindInvalidInput},
		{422, "HIS-9876", false, true, KindUnknown},
		{404, "", false, true, KindUnknown},
	}
	for _, c := range cases {
		if got := classify(c.status, c.code, c.session, c.xToken); got != c.want {
			t.Errorf("classify(%d, %q, session=%v, xToken=%v) = %v, want %v", c.status, c.code, c.session, c.xToken, got, c.want)
		}
	}
}

func TestErrorTextAndHelpers(t *testing.T) {
	e := &Error{Op: "request OTP", Status: 422, Code: "HIS-1023", ABDMText: "wait", Kind: KindRateLimited, RetryAfter: 30 * time.Second}
	if got := e.Error(); got != "request OTP: HIS-1023 (HTTP 422): wait" {
		t.Fatalf("Error() = %q", got)
	}
	wrapped := fmt.Errorf("step: %w", e)
	if KindOf(wrapped) != KindRateLimited || !IsKind(wrapped, KindRateLimited) || KindOf(errors.New("x")) != KindUnknown {
		t.Fatal("KindOf/IsKind do not see through wrapping")
	}
	netErr := &Error{Op: "read patient profile", Kind: KindNetwork, Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	if !strings.Contains(netErr.Error(), "connection refused") {
		t.Fatalf("transport cause missing: %q", netErr.Error())
	}
	if got := (&Error{Op: "x", Kind: KindOutcomeUnknown}).Error(); !strings.Contains(got, "no answer came back") {
		t.Fatalf("kind message missing when nothing else is known: %q", got)
	}
	if retryAfter(wire.CodeTooManyOTPRequests, "") != 30*time.Minute || retryAfter("", "12") != 12*time.Second || retryAfter("", "soon") != 0 {
		t.Fatal("retryAfter")
	}
	if http.StatusText(e.Status) == "" {
		t.Fatal("status")
	}
}

func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"code":"HIS-422","message":"m","details":[{"code":"HIS-2022","message":"Invalid OTP"}]}`,
		`{"code":"900901","message":"Invalid Credentials","description":"d"}`,
		`{"error":{"code":"ABDM-9999: ","message":"x"}}`,
		``, `null`, `{"code":12}`, `{"details":[]}`, `{"error":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := ParseErrorBody(body)
		if strings.HasSuffix(code, ":") || strings.HasSuffix(code, " ") {
			t.Fatalf("code keeps a trailing separator: %q", code)
		}
		_ = classify(422, code, false, true)
		_ = msg
	})
}

func TestIsKindAmongSeveral(t *testing.T) {
	err := fmt.Errorf("step: %w", &Error{Op: "x", Status: 400, Kind: KindTxnInvalid})
	cases := []struct {
		err   error
		kinds []Kind
		want  bool
	}{
		{err, []Kind{KindOTPExpired, KindTxnInvalid}, true},
		{err, []Kind{KindTxnInvalid}, true},
		{err, []Kind{KindOTPExpired, KindWrongOTP}, false},
		{err, nil, false},
		{errors.New("plain"), []Kind{KindUnknown}, false},
		{nil, []Kind{KindUnknown}, false},
	}
	for _, c := range cases {
		if got := IsKind(c.err, c.kinds...); got != c.want {
			t.Errorf("IsKind(%v, %v) = %v, want %v", c.err, c.kinds, got, c.want)
		}
	}
	if statusOf(err) != 400 || statusOf(errors.New("plain")) != 0 {
		t.Errorf("statusOf: %d, %d", statusOf(err), statusOf(errors.New("plain")))
	}
}
