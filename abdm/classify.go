package abdm

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// This file decides an error's Kind: ABDM's error bodies parsed, their
// codes and statuses classified, and failures that left no reply.

// apiBody is every object-shaped error ABDM sends, decoded at once:
// HealthID {code, message, details[]}, gateway token {code, message,
// description}, v3 {code, message, timestamp}, and the session and v3
// {error:{code, message}}.
type apiBody struct {
	Code        json.RawMessage    `json:"code"`
	Message     string             `json:"message"`
	Description string             `json:"description"`
	Details     []wire.ErrorDetail `json:"details"`
	Error       *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"error"`
}

// ParseErrorBody extracts ABDM's code and message from an error reply body.
// It reads every shape of DESIGN.md and ABDM-V3.md section 6: the specific
// cause comes from details[0], then the outer code, then error.code; a
// top-level array gives its first entry; a field-keyed 400 such as
// {"txnId":"Invalid Transaction Id","timestamp":...} gives its message.
// Codes are trimmed to their leading code ("ABDM-9999: " becomes
// "ABDM-9999"). An empty or unreadable body gives empty strings.
func ParseErrorBody(body []byte) (code, message string) {
	code, message, _ = parseErrorBody(body)
	return code, message
}

// parseErrorBody is ParseErrorBody that also names the request field a
// field-keyed error is about.
func parseErrorBody(body []byte) (code, message, field string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		// One level only: ABDM's arrays hold objects. Unwrapping nested
		// arrays one by one would read the body again at each level
		// (quadratic in a hostile body's depth).
		var list []json.RawMessage
		if json.Unmarshal(trimmed, &list) != nil || len(list) == 0 {
			return "", "", ""
		}
		trimmed = bytes.TrimSpace(list[0])
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return "", "", ""
	}
	var b apiBody
	if json.Unmarshal(trimmed, &b) != nil {
		return "", "", ""
	}
	if len(b.Details) > 0 && strings.TrimSpace(b.Details[0].Code) != "" {
		code, message = b.Details[0].Code, b.Details[0].Message
		if message == "" {
			message = b.Message
		}
	} else if c := rawCode(b.Code); c != "" {
		code, message = c, b.Message
	} else if b.Error != nil {
		code, message = rawCode(b.Error.Code), b.Error.Message
	} else if b.Message != "" {
		message = b.Message
	} else {
		field, message = fieldMessage(trimmed)
	}
	return leadingCode(code), strings.TrimSpace(message), field
}

// fieldMessage reads a field-keyed error, {"<request field>":"<message>",
// "timestamp":...}: the first string member that is not bookkeeping, by
// name order so the choice is stable.
func fieldMessage(obj []byte) (field, message string) {
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return "", ""
	}
	names := make([]string, 0, len(m))
	for k := range m {
		switch strings.ToLower(k) {
		case "timestamp", "path", "status", "error", "code", "message", "description", "details":
			continue
		}
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		var v string
		if json.Unmarshal(m[k], &v) == nil && strings.TrimSpace(v) != "" {
			return k, v
		}
	}
	return "", ""
}

// leadingCode keeps the code at the start of s: "ABDM-9999: " and
// "ABDM-1017: Invalid txn" give "ABDM-9999" and "ABDM-1017"; a code of
// another form is only trimmed.
func leadingCode(s string) string {
	s = strings.TrimSpace(s)
	if m := codePattern.FindString(s); m != "" {
		return m
	}
	return strings.TrimRight(s, ": ")
}

// uidaiWrongOTP matches UIDAI's refusal of a wrong OTP as ABDM passes it on
// under ABDM-1204 (lower case): UIDAI's error 400, or words that say the OTP
// value is invalid. Other UIDAI errors are a failure of the Aadhaar service.
var uidaiWrongOTP = regexp.MustCompile(`uidai error code\s*:\s*400\b|invalid (aadhaar )?otp`)

// wrongOTPWords matches ABDM's words for a wrong OTP under its generic code
// ABDM-9999 (lower case).
var wrongOTPWords = regexp.MustCompile(`invalid (aadhaar )?otp|valid otp|(wrong|incorrect) otp|otp is (either )?(expired or )?incorrect`)

var codePattern = regexp.MustCompile(`^(?:[A-Z]{2,5}-\d+|\d{3,})`)

// rawCode reads a code that may be a JSON string or number.
func rawCode(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// codeKinds maps ABDM's specific codes to kinds.
var codeKinds = map[string]Kind{
	wire.CodeWrongOTP:                  KindWrongOTP,
	wire.CodeWrongOTPAlt:               KindWrongOTP,
	wire.CodeOTPExpired:                KindOTPExpired,
	wire.CodeTxnNotFound:               KindTxnInvalid,
	wire.CodeTxnFinished:               KindTxnInvalid,
	wire.CodeResendTooSoon:             KindRateLimited,
	wire.CodeTooManyOTPRequests:        KindRateLimited,
	wire.CodeTooManyAttempts:           KindTooManyAttempts,
	wire.CodeTooManyAttemptsAlt:        KindTooManyAttempts,
	wire.CodeNoLinkedMobile:            KindNoLinkedMobile,
	wire.CodeAccountDisabled:           KindAccountInactive,
	wire.CodeAccountNotFound:           KindNotFound,
	wire.CodeGatewayInvalidCredentials: KindGatewayCredentials,
	wire.CodeGatewayForbidden:          KindForbidden,

	wire.CodeV3BadTimestamp:        KindClock,
	wire.CodeV3ClockSkew:           KindClock,
	wire.CodeV3InvalidTxn:          KindTxnInvalid,
	wire.CodeV3TooManyRequests:     KindRateLimited,
	wire.CodeV3TooManyOTPs:         KindTooManyAttempts,
	wire.CodeV3BadScopes:           KindClientDefect,
	wire.CodeV3MethodNotAllowed:    KindMethodNotAllowed,
	wire.CodeV3MethodNotAllowedAlt: KindMethodNotAllowed,
	wire.CodeV3Deactivated:         KindAccountInactive,
	wire.CodeV3DeactivatedM2:       KindAccountInactive,
	wire.CodeV3InvalidXToken:       KindPatientToken,
	wire.CodeV3PersonToken:         KindPatientToken,
	wire.CodeV3UIDAIFailure:        KindAadhaarService,
	wire.CodeV3BenefitLinked:       KindBenefitLinked,
}

// retryAfterByCode is how long ABDM asks to wait after a rate-limit code.
var retryAfterByCode = map[string]time.Duration{
	wire.CodeResendTooSoon:      30 * time.Second,
	wire.CodeTooManyOTPRequests: 30 * time.Minute,
}

// retryAfterDefault is the wait assumed for a rate-limit code that names
// none, when ABDM sends no Retry-After header either.
var retryAfterDefault = map[string]time.Duration{
	wire.CodeV3TooManyRequests: 30 * time.Second,
}

// classifyMessage refines kind where ABDM's code is ambiguous and only its
// message tells: ABDM-1094 is "feature restricted" or "X-token expired";
// ABDM-1204 passes UIDAI's refusal of a wrong Aadhaar OTP ("UIDAI Error code
// : 400 : Invalid Aadhaar OTP value.") as well as UIDAI's real failures; and
// a 401 that names a token is about the patient's token.
func classifyMessage(kind Kind, code, message string) Kind {
	lower := strings.ToLower(message)
	patientToken := strings.Contains(lower, "x-token") || strings.Contains(lower, "t-token")
	switch {
	case code == wire.CodeV3FeatureOrToken && strings.Contains(lower, "token"):
		return KindPatientToken
	case code == wire.CodeV3FeatureOrToken:
		return KindFeatureRestricted
	case code == wire.CodeV3UIDAIFailure && uidaiWrongOTP.MatchString(lower):
		return KindWrongOTP
	case code == wire.CodeV3Generic && wrongOTPWords.MatchString(lower):
		return KindWrongOTP // the flat ABDM-9999 "Please enter a valid OTP..."
	case code == "" && patientToken && (kind == KindGatewayCredentials || kind == KindInvalidInput):
		return KindPatientToken
	}
	return kind
}

// fieldKind classifies a field-keyed refusal ({"txnId":"Invalid Transaction
// Id"}) by the field it names.
func fieldKind(field, message string) Kind {
	switch f := strings.ToLower(field); {
	case f == "txnid":
		return KindTxnInvalid
	case f == "otpvalue" || f == "otp":
		return KindWrongOTP
	case strings.Contains(strings.ToLower(message), "not found"):
		return KindNotFound
	}
	return KindInvalidInput
}

// statusKinds are the kinds of the statuses classify has no rule for.
var statusKinds = map[int]Kind{
	http.StatusUnauthorized:    KindGatewayCredentials,
	http.StatusForbidden:       KindForbidden,
	http.StatusTooManyRequests: KindRateLimited,
	http.StatusRequestTimeout:  KindServiceUnavailable,
}

// classify turns an HTTP error reply into a Kind. session says the call was
// to the gateway's session endpoint; xToken says it carried a patient token.
func classify(status int, code string, session, xToken bool) Kind {
	if k, ok := codeKinds[code]; ok {
		return k
	}
	switch {
	case status >= 300 && status < 400:
		return KindRedirect
	case session && status >= 400 && status < 500:
		return KindGatewayCredentials
	case status == http.StatusUnauthorized && xToken:
		return KindPatientToken
	case status >= 500:
		return KindServiceUnavailable
	case status == 400 || (status == 422 && (code == wire.CodeBadRequest || code == "")):
		return KindInvalidInput
	}
	if k, ok := statusKinds[status]; ok {
		return k
	}
	return KindUnknown
}

// replyError turns a non-2xx reply to cl into an *Error. ABDM's text is kept
// as sent: the client scrubs it of secrets.
func replyError(cl call, status int, header http.Header, body []byte) *Error {
	code, text, field := parseErrorBody(body)
	e := &Error{Op: cl.op, Status: status, Code: code, ABDMText: text,
		Kind: classifyMessage(classify(status, code, cl.session, cl.patient()), code, text)}
	if field != "" && code == "" && !cl.session && status < 500 {
		e.Kind = fieldKind(field, text) // {"txnId":"Invalid Transaction Id"}
	}
	if outcomeLost(cl, status, code) {
		e.Kind = KindOutcomeUnknown
	}
	if e.Kind == KindRateLimited {
		e.RetryAfter = retryAfter(code, header.Get("Retry-After"))
	}
	return e
}

// outcomeLost reports whether a reply leaves the outcome of cl unknown: a
// bare server or gateway error to an irreversible call after the request
// arrived (the service may have acted on it before failing), or a redirect
// or other reply that is neither an answer nor a refusal (something between
// the app and ABDM may have passed the request on).
func outcomeLost(cl call, status int, code string) bool {
	if !cl.irreversible {
		return false
	}
	if status < 200 || (status >= 300 && status < 400) {
		return true
	}
	return code == "" &&
		(status == http.StatusInternalServerError || status == http.StatusBadGateway || status == http.StatusGatewayTimeout)
}

// retryAfter reads the wait ABDM asks for: from the code, else the Retry-After header.
func retryAfter(code, header string) time.Duration {
	if d, ok := retryAfterByCode[code]; ok {
		return d
	}
	if secs, err := time.ParseDuration(strings.TrimSpace(header) + "s"); err == nil && secs > 0 {
		return secs
	}
	return retryAfterDefault[code]
}

// transportKind classifies an error that came instead of a reply.
func transportKind(err error) Kind {
	var (
		proxyErr *ProxyError
		opErr    *net.OpError
	)
	if errors.As(err, &proxyErr) || (errors.As(err, &opErr) && opErr.Op == "proxyconnect") {
		return KindProxy
	}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
		recErr     tls.RecordHeaderError
		alertErr   tls.AlertError
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr),
		errors.As(err, &invalidErr), errors.As(err, &recErr), errors.As(err, &alertErr):
		return KindTLS
	case strings.Contains(err.Error(), "tls: "), strings.Contains(err.Error(), "x509: "):
		return KindTLS
	}
	return KindNetwork
}
