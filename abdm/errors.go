package abdm

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// Kind is what a front end can do about an error.
type Kind int

// The kinds of error a front end acts on. Their plain-language message and
// next action come from Kind.Message and Kind.NextAction.
const (
	KindUnknown            Kind = iota // anything not listed below; shown with ABDM's code and message
	KindWrongOTP                       // the OTP did not match; attempts may remain
	KindOTPExpired                     // the OTP is older than its validity
	KindTxnInvalid                     // the OTP transaction is unknown or finished
	KindRateLimited                    // too many OTP requests; wait RetryAfter
	KindTooManyAttempts                // too many wrong OTPs; try much later
	KindNoLinkedMobile                 // no mobile linked to the Aadhaar
	KindAccountInactive                // the ABHA is deactivated or disabled
	KindNotFound                       // no ABHA has this number or address
	KindGatewayCredentials             // the facility's client ID or secret was refused
	KindForbidden                      // the facility's client may not use this API
	KindPatientToken                   // the patient's X-Token is expired or invalid
	KindServiceUnavailable             // ABDM is down or answered with a server error
	KindBadReply                       // ABDM's reply could not be understood
	KindNetwork                        // no connection, DNS failure, timeout, proxy failure
	KindTLS                            // certificate or TLS handshake failure
	KindProxy                          // the proxy could not be reached or refused the connection
	KindOutcomeUnknown                 // deactivate was sent but its result never arrived
	KindInvalidInput                   // the request was refused for its content (HIS-400 and the like)
	KindClock                          // ABDM refused the request's time stamp (v3 ABDM-1016, ABDM-2402)
	KindMethodNotAllowed               // this sign-in or OTP method is not allowed for the ABHA (ABDM-1118, ABDM-1119)
	KindAadhaarService                 // the Aadhaar service (UIDAI) failed behind ABDM (ABDM-1204)
	KindBenefitLinked                  // the ABHA is linked to a government benefit and cannot be deactivated (ABDM-1228)
	KindClientDefect                   // ABDM refused what this app sent as malformed (ABDM-1107): a defect to report
)

var kindNames = map[Kind]string{
	KindUnknown:            "unknown",
	KindWrongOTP:           "wrong-otp",
	KindOTPExpired:         "otp-expired",
	KindTxnInvalid:         "transaction-invalid",
	KindRateLimited:        "rate-limited",
	KindTooManyAttempts:    "too-many-attempts",
	KindNoLinkedMobile:     "no-linked-mobile",
	KindAccountInactive:    "account-inactive",
	KindNotFound:           "not-found",
	KindGatewayCredentials: "gateway-credentials",
	KindForbidden:          "forbidden",
	KindPatientToken:       "patient-token",
	KindServiceUnavailable: "service-unavailable",
	KindBadReply:           "bad-reply",
	KindNetwork:            "network",
	KindTLS:                "tls",
	KindProxy:              "proxy",
	KindOutcomeUnknown:     "outcome-unknown",
	KindInvalidInput:       "invalid-input",
	KindClock:              "clock",
	KindMethodNotAllowed:   "method-not-allowed",
	KindAadhaarService:     "aadhaar-service",
	KindBenefitLinked:      "benefit-linked",
	KindClientDefect:       "client-defect",
}

// String is a stable, machine-readable name such as "wrong-otp".
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// MarshalText lets a Kind appear by name in JSON output.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

type advice struct{ message, next string }

// The English text doubles as the translation key of the wizard.
var kindAdvice = map[Kind]advice{
	KindUnknown: {"ABDM refused the request.",
		"Note the code shown and try again. If it happens again, contact your IT support."},
	KindWrongOTP: {"The OTP does not match.",
		"Ask the patient to read the OTP again and re-enter it."},
	KindOTPExpired: {"The OTP has expired.",
		"Request a new OTP and enter the new one."},
	KindTxnInvalid: {"This OTP can no longer be used.",
		"Request a new OTP."},
	KindRateLimited: {"Too many OTP requests for this patient.",
		"Wait for the time shown, then request a new OTP."},
	KindTooManyAttempts: {"Too many wrong OTP attempts.",
		"Stop for now. The patient can try again later (usually after 30 minutes or more)."},
	KindNoLinkedMobile: {"No mobile number is linked to this patient's Aadhaar, so the OTP cannot be sent.",
		"The patient can link a mobile number to their Aadhaar (at an Aadhaar centre) and then try again, or deactivate the ABHA themselves in the ABHA app."},
	KindAccountInactive: {"This ABHA is not active (already deactivated or disabled).",
		"Check the ABHA with the patient. If they want to use it again, reactivate it (Reactivate an ABHA)."},
	KindNotFound: {"No ABHA was found for this number or address.",
		"Check the ABHA number or address with the patient (it is on their ABHA card) and try again."},
	KindGatewayCredentials: {"ABDM did not accept this facility's client ID or client secret.",
		"Check the client ID and client secret, then connect again. Do not retry many times: ABDM locks the client after repeated failures."},
	KindForbidden: {"This facility's ABDM client is not allowed to use this service.",
		"Ask your IT team to check the client's roles with ABDM."},
	KindPatientToken: {"The patient's sign-in has expired or is not valid.",
		"The patient must sign in again to get a new token."},
	KindServiceUnavailable: {"The ABDM service is not available right now.",
		"Wait a few minutes and try again."},
	KindBadReply: {"ABDM sent a reply this tool could not read.",
		"Try again. If it keeps happening, contact your IT support."},
	KindNetwork: {"Could not reach ABDM.",
		"Check the internet connection (and proxy settings, if your facility uses one), then try again."},
	KindTLS: {"The secure connection to ABDM could not be verified.",
		"Check the computer's date and time. If your facility inspects web traffic, ask IT to add its certificate under Settings > Extra CA certificates."},
	KindProxy: {"The proxy server did not let the connection through to ABDM.",
		"Check the proxy address in Settings (or the computer's proxy settings) and whether the proxy needs a sign-in. Ask IT if unsure."},
	KindOutcomeUnknown: {"The deactivation request was sent, but no answer came back. It may or may not have been done.",
		"Do not send it again. Use Check status to find out whether the ABHA is now deactivated."},
	KindInvalidInput: {"ABDM refused the request as incomplete or invalid.",
		"Check what was entered and try again."},
	KindClock: {"ABDM refused the time stamp of the request.",
		"Check this computer's date, time and time zone (set them to update automatically), then try again."},
	KindMethodNotAllowed: {"This way of sending the OTP is not allowed for this ABHA.",
		"Choose the other way (the mobile linked to the Aadhaar, or the mobile linked to the ABHA) and try again."},
	KindAadhaarService: {"The Aadhaar service (UIDAI) did not complete the request.",
		"Try again in a few minutes, or send the OTP to the mobile linked to the ABHA instead."},
	KindBenefitLinked: {"This ABHA is linked to a government benefit programme, so ABDM does not allow it to be deactivated.",
		"Nothing to retry here. The patient can ask the benefit programme or NHA's helpline (1800-11-4477) about it."},
	KindClientDefect: {"ABDM refused the request this app sent as malformed.",
		"This is a defect in the app: note the code shown and report it to your IT support."},
}

// Message is a short, plain-language description of the problem.
func (k Kind) Message() string { return kindAdvice[k].message }

// NextAction says what the user should do next.
func (k Kind) NextAction() string { return kindAdvice[k].next }

// Error is an error from an ABDM call. It never holds a secret: ABDM's
// message is cleaned of any secret the client knows before it is stored.
type Error struct {
	Op         string        // what was being done, e.g. "request OTP"
	Status     int           // HTTP status, 0 if no reply arrived
	Code       string        // ABDM's code, e.g. "HIS-2022" or "900901"
	ABDMText   string        // ABDM's own message, cleaned
	Kind       Kind          // what a front end can do about it
	RetryAfter time.Duration // for KindRateLimited: how long to wait, when known
	Err        error         // the underlying transport error, if any
}

// Error reports the operation, the ABDM code and status, and ABDM's message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	switch {
	case e.Code != "" && e.Status != 0:
		fmt.Fprintf(&b, "%s (HTTP %d)", e.Code, e.Status)
	case e.Code != "":
		b.WriteString(e.Code)
	case e.Status != 0:
		fmt.Fprintf(&b, "HTTP %d", e.Status)
	}
	if e.ABDMText != "" {
		if e.Code != "" || e.Status != 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.ABDMText)
	} else if e.Code == "" && e.Status == 0 {
		b.WriteString(e.Kind.Message())
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying transport error.
func (e *Error) Unwrap() error { return e.Err }

// Message is the plain-language description for the user.
func (e *Error) Message() string { return e.Kind.Message() }

// NextAction is what the user should do next.
func (e *Error) NextAction() string { return e.Kind.NextAction() }

// KindOf returns the Kind of err, KindUnknown if it is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

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
	if len(trimmed) == 0 {
		return "", "", ""
	}
	if trimmed[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(trimmed, &list) != nil || len(list) == 0 {
			return "", "", ""
		}
		return parseErrorBody(list[0])
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
// message tells: ABDM-1094 is "feature restricted" or "X-token expired", and
// a 401 that names a token is about the patient's token.
func classifyMessage(kind Kind, code, message string) Kind {
	lower := strings.ToLower(message)
	patientToken := strings.Contains(lower, "x-token") || strings.Contains(lower, "t-token")
	switch {
	case code == wire.CodeV3FeatureOrToken && strings.Contains(lower, "token"):
		return KindPatientToken
	case code == wire.CodeV3FeatureOrToken:
		return KindForbidden
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

// classify turns an HTTP error reply into a Kind. session says the call was
// to the gateway's session endpoint; xToken says it carried a patient token.
func classify(status int, code string, session, xToken bool) Kind {
	if k, ok := codeKinds[code]; ok {
		return k
	}
	switch {
	case session && status >= 400 && status < 500:
		return KindGatewayCredentials
	case status == 401 && xToken:
		return KindPatientToken
	case status == 401:
		return KindGatewayCredentials
	case status == 403:
		return KindForbidden
	case status == 429:
		return KindRateLimited
	case status == 408 || status == 502 || status == 503 || status == 504:
		return KindServiceUnavailable
	case status >= 500:
		return KindServiceUnavailable
	case status == 400 || (status == 422 && (code == wire.CodeBadRequest || code == "")):
		return KindInvalidInput
	}
	return KindUnknown
}

// ProxyError is a proxy's refusal of a CONNECT to ABDM (for example 407
// Proxy Authentication Required or 502 Bad Gateway).
type ProxyError struct {
	Status string
}

func (e *ProxyError) Error() string { return "the proxy answered " + e.Status }

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
