// Package logs sets up the app's logger (logrus): human-readable text on
// stderr and JSON lines in a rotating file, both passed through a Redactor so
// that a careless log call cannot leak a secret, token or OTP.
package logs

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Mask replaces every redacted value.
const Mask = "[REDACTED]"

// MinSecretLen is the shortest value Add registers (OTPs have 6 digits;
// shorter values would mask ordinary words and numbers).
const MinSecretLen = 4

// Secrets is the process-wide Redactor that Setup uses unless told
// otherwise. Register the client secret, access and refresh tokens, X-Token
// and each OTP with Secrets.Add as soon as they are known.
var Secrets = NewRedactor()

var (
	// A JWT: three base64url segments, the header starting {" = eyJ.
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	// "Bearer <token>" in headers or messages; the token is 8+ characters.
	bearerPattern = regexp.MustCompile(`\b([Bb][Ee][Aa][Rr][Ee][Rr])\s+[A-Za-z0-9\-._~+/]{8,}=*`)
	// "accessToken": "..." and similar keys in JSON bodies quoted in a message.
	jsonSecretPattern = regexp.MustCompile(`(?i)("(?:access_?token|refresh_?token|client_?secret|x-?token|otp|password|authorization)"\s*:\s*")(?:[^"\\]|\\.)*(")`)
	// Field names whose values are always masked, whatever they hold.
	sensitiveKey = regexp.MustCompile(`(?i)^(?:access_?token|refresh_?token|client_?secret|secret|x-?token|otp|password|authorization)$`)
)

// Redactor masks registered secret values and anything that looks like a
// bearer token or JWT. The zero value is ready to use; it is safe for
// concurrent use.
type Redactor struct {
	mu      sync.Mutex
	secrets []string                         // registered values and their escaped forms
	rep     atomic.Pointer[strings.Replacer] // nil until the first Add
}

// NewRedactor returns an empty Redactor.
func NewRedactor() *Redactor { return &Redactor{} }

// Add registers secret values to mask from now on. Values shorter than
// MinSecretLen are ignored. Their JSON- and Go-quoted forms are masked too,
// so a value with quotes or backslashes is caught after formatting.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if len(s) < MinSecretLen {
			continue
		}
		for _, form := range escapedForms(s) {
			if !slices.Contains(r.secrets, form) {
				r.secrets = append(r.secrets, form)
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	// Longest first, so that a secret containing another is masked whole.
	slices.SortStableFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, s := range r.secrets {
		pairs = append(pairs, s, Mask)
	}
	r.rep.Store(strings.NewReplacer(pairs...))
}

// escapedForms returns s as written raw, inside a JSON string and inside a
// Go-quoted string.
func escapedForms(s string) []string {
	forms := []string{s}
	if b, err := json.Marshal(s); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	q := strconv.Quote(s)
	forms = append(forms, q[1:len(q)-1])
	return slices.Compact(forms)
}

// Redact returns s with every registered secret, bearer token and JWT
// replaced by Mask.
func (r *Redactor) Redact(s string) string {
	if r != nil {
		if rep := r.rep.Load(); rep != nil {
			s = rep.Replace(s)
		}
	}
	if strings.Contains(s, "eyJ") {
		s = jwtPattern.ReplaceAllString(s, Mask)
	}
	if containsFold(s, "bearer") {
		s = bearerPattern.ReplaceAllString(s, "$1 "+Mask)
	}
	if strings.Contains(s, `"`) {
		s = jsonSecretPattern.ReplaceAllString(s, "${1}"+Mask+"${2}")
	}
	return s
}

// containsFold reports whether s contains the ASCII word sub in any case; a
// cheap test before running a regular expression over a long message.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if (s[i]|0x20) == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
