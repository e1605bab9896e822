package abdm

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// This file holds the kinds of error and the Error type. The advice shown
// for each kind is in advice.go; how a reply or a transport failure becomes
// a kind is in classify.go.

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
	KindRedirect                       // ABDM's address answered with a redirect (3xx); nothing was followed
	KindFeatureRestricted              // NHA has not enabled this feature for the facility's client ID (ABDM-1094)
	KindKeyChanged                     // refused again after ABDM's public key changed and the value was sent with the new one
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
	KindRedirect:           "redirect",
	KindFeatureRestricted:  "feature-restricted",
	KindKeyChanged:         "key-changed",
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

// IsKind reports whether err is an *Error of one of kinds.
func IsKind(err error, kinds ...Kind) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, k := range kinds {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// statusOf is the HTTP status of err's reply, 0 if err is not an *Error or
// no reply arrived.
func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// ProxyError is a proxy's refusal of a CONNECT to ABDM (for example 407
// Proxy Authentication Required or 502 Bad Gateway).
type ProxyError struct {
	Status string
}

// Error names the proxy's answer.
func (e *ProxyError) Error() string { return "the proxy answered " + e.Status }

// StoppedError is a call the user stopped (Cancel, Escape, Ctrl+C) before
// its reply came. It unwraps to context.Canceled (or the deadline's error).
type StoppedError struct {
	Op      string // what was being done, e.g. "request OTP"
	OTPSend bool   // the request to send an OTP had reached ABDM: the SMS may still come
	Err     error  // the context's error
}

// Error names the operation and the context's error, for logs.
func (e *StoppedError) Error() string { return e.Op + ": " + e.Err.Error() }

// Unwrap returns the context's error.
func (e *StoppedError) Unwrap() error { return e.Err }

// StoppedOTPSend reports whether err is a stopped request to send an OTP
// that had reached ABDM: ABDM may have sent the OTP all the same.
func StoppedOTPSend(err error) bool {
	var e *StoppedError
	return errors.As(err, &e) && e.OTPSend
}
