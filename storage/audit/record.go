// Package audit keeps an append-only trail of deactivation and reactivation
// attempts as JSON lines: an "intent" record before the call that changes
// the ABHA and an "outcome" record after it, sharing one ID. It never stores a token, secret, OTP or
// full ABHA number: Record has no field for the first three and Append masks
// the ABHA number. Each record links to the line before it by a SHA-256 hash
// (chain.go), so that Verify can tell whether a line was edited, removed or
// reordered; Scan and Pages read a long trail backwards, newest first, in
// little memory.
package audit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"abha-deactivate/abdm"
	"abha-deactivate/internal/safetext"
)

// Events.
const (
	EventIntent  = "intent"
	EventOutcome = "outcome"
)

// Outcomes.
const (
	OutcomeDeactivated = "deactivated"
	OutcomeRejected    = "rejected"
	OutcomeUnknown     = "outcome-unknown"
	OutcomeCancelled   = "cancelled"
	// OutcomeNotSent: the request failed before it left this computer.
	OutcomeNotSent = "not-sent"
	// OutcomeNotDeactivated: after an unknown outcome, a status check found
	// the ABHA still active.
	OutcomeNotDeactivated = "not-deactivated"
	OutcomeReactivated    = "reactivated"
	// OutcomeNotReactivated: after an unknown outcome, a status check found
	// the ABHA still deactivated.
	OutcomeNotReactivated = "not-reactivated"
)

// Actions: what an attempt does to the ABHA. Records written before
// reactivation existed have none and mean ActionDeactivate.
const (
	ActionDeactivate = "deactivate"
	ActionReactivate = "reactivate"
)

// MaxOtherText is the longest free-text reason kept, in characters; longer
// text is cut. MaxMessage is the same for Message.
const (
	MaxOtherText = 500
	MaxMessage   = 500
)

// Reason is one deactivation reason as the user saw it.
type Reason struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Record is one line of the audit trail.
type Record struct {
	ID          string    `json:"id"`               // same on an intent and its outcome; see NewID
	Time        time.Time `json:"time"`             // UTC; Append fills it if zero
	Event       string    `json:"event"`            // EventIntent or EventOutcome
	Action      string    `json:"action,omitempty"` // ActionDeactivate or ActionReactivate; empty on old records (deactivate)
	API         string    `json:"api,omitempty"`    // the API generation used: v3 or v2
	OSUser      string    `json:"osUser"`
	Environment string    `json:"environment"`
	ClientID    string    `json:"clientId"`
	HIPID       string    `json:"hipId"`
	ABHANumber  string    `json:"abhaNumber"` // always masked by Append: XX-XXXX-XXXX-9012
	TxnID       string    `json:"txnId,omitempty"`
	Reasons     []Reason  `json:"reasons,omitempty"`
	OtherText   string    `json:"otherText,omitempty"` // at most MaxOtherText characters
	LoginMethod string    `json:"loginMethod,omitempty"`
	OTPMethod   string    `json:"otpMethod,omitempty"`
	Outcome     string    `json:"outcome,omitempty"` // one of the Outcome constants, on outcome records
	Code        string    `json:"code,omitempty"`    // ABDM's code on rejection
	Message     string    `json:"message,omitempty"` // short plain-language outcome text
	DurationMS  int64     `json:"durationMs,omitempty"`
	// Prev links the record to the line before it: the SHA-256 of that line
	// (see ChainStart and chain.go). Append sets it; records written before
	// the chain existed have none.
	Prev string `json:"prev,omitempty"`
}

// Safe returns r with control, escape and bidirectional characters in its
// text shown escaped (safetext.Text), for display: records written by the
// app have none, but a trail edited by hand may, and `audit`, its CSV and
// History show what the file holds. Safe text is returned as it is.
func (r Record) Safe() Record {
	for _, p := range []*string{&r.ID, &r.Event, &r.Action, &r.API, &r.OSUser, &r.Environment, &r.ClientID, &r.HIPID,
		&r.ABHANumber, &r.TxnID, &r.OtherText, &r.LoginMethod, &r.OTPMethod, &r.Outcome, &r.Code, &r.Message} {
		*p = safetext.Text(*p)
	}
	if len(r.Reasons) > 0 {
		reasons := make([]Reason, len(r.Reasons))
		for i, rs := range r.Reasons {
			reasons[i] = Reason{Code: safetext.Text(rs.Code), Label: safetext.Text(rs.Label)}
		}
		r.Reasons = reasons
	}
	return r
}

// ActionOf is what r records: its Action, or ActionDeactivate for records
// written before reactivation existed.
func (r Record) ActionOf() string {
	if r.Action == "" {
		return ActionDeactivate
	}
	return r.Action
}

// NewID returns a random 128-bit hex ID for an intent and its outcome.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

var osUser = sync.OnceValue(func() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return userName(u.Username)
	}
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
})

// userName writes a Windows account DOMAIN\user as user@DOMAIN (the same
// account, as Windows also names it): a backslash would be escaped in the
// JSON line, which the bulk readers' fast decoder leaves to the slow path.
func userName(name string) string {
	if domain, user, ok := strings.Cut(name, `\`); ok && domain != "" && user != "" {
		return user + "@" + domain
	}
	return name
}

// prepare checks r and returns the copy that is written: times in UTC, user
// filled, ABHA number masked, free text cleaned and cut.
func prepare(r Record, now time.Time) (Record, error) {
	if r.ID == "" || len(r.ID) > 64 {
		return r, errors.New("audit record needs an ID of at most 64 characters (use audit.NewID)")
	}
	switch r.Action {
	case "", ActionDeactivate, ActionReactivate:
	default:
		return r, fmt.Errorf("unknown audit action %q", r.Action)
	}
	switch r.Event {
	case EventIntent:
		if r.Outcome != "" {
			return r, errors.New("an intent record cannot have an outcome")
		}
	case EventOutcome:
		if !knownOutcome(r.Outcome) {
			return r, fmt.Errorf("unknown outcome %q", r.Outcome)
		}
	default:
		return r, fmt.Errorf("unknown audit event %q", r.Event)
	}
	if r.Time.IsZero() {
		r.Time = now
	}
	r.Time = r.Time.UTC()
	if r.OSUser == "" {
		r.OSUser = osUser()
	}
	if r.ABHANumber != "" {
		r.ABHANumber = abdm.MaskABHANumber(r.ABHANumber)
	}
	r.Reasons = append([]Reason(nil), r.Reasons...)
	r.OtherText = cleanText(r.OtherText, MaxOtherText)
	r.Message = cleanText(r.Message, MaxMessage)
	return r, nil
}

func knownOutcome(o string) bool {
	switch o {
	case OutcomeDeactivated, OutcomeRejected, OutcomeUnknown, OutcomeCancelled, OutcomeNotSent, OutcomeNotDeactivated,
		OutcomeReactivated, OutcomeNotReactivated:
		return true
	}
	return false
}

var (
	// An ABHA number (14 digits, maybe grouped 2-4-4-4) or an Aadhaar
	// number (12 digits, maybe grouped 4-4-4) typed into free text.
	abhaInText    = regexp.MustCompile(`\b\d{2}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}\b`)
	aadhaarInText = regexp.MustCompile(`\b\d{4}[- ]?\d{4}[- ]?\d{4}\b`)
)

// cleanText masks ID and phone numbers (any run of 10 or more digits), turns control characters into spaces, trims
// and cuts s to max characters.
func cleanText(s string, max int) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = abhaInText.ReplaceAllStringFunc(s, abdm.MaskABHANumber)
	s = aadhaarInText.ReplaceAllStringFunc(s, func(m string) string { return "XXXX-XXXX-" + m[len(m)-4:] })
	// Then any other long run of digits, in any script: mobile numbers, and
	// ID numbers typed in Devanagari or other Indic digits.
	s = safetext.MaskDigitRuns(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}
