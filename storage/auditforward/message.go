package auditforward

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"abha-deactivate/storage/audit"
)

// Wire constants (see the package documentation).
const (
	AppName = "abha-deactivate"
	// SDID is the structured-data element's ID: abha@ and the
	// documentation PEN of RFC 5612.
	SDID = "abha@32473"
	// facilityAuthpriv is syslog facility 10, security/authorisation.
	facilityAuthpriv = 10
	severityWarning  = 4
	severityNotice   = 5
	nilValue         = "-"
)

// Origin is what every message from this computer shares.
type Origin struct {
	Host string // HOSTNAME; "-" when empty
	PID  int    // PROCID
}

// lineFields are the parts of a record the message header repeats.
type lineFields struct {
	ID      string    `json:"id"`
	Time    time.Time `json:"time"`
	Event   string    `json:"event"`
	Outcome string    `json:"outcome"`
	Prev    string    `json:"prev"`
}

// Message returns the RFC 5424 message for one trail line (without its "\n").
// A line that is not a record (damaged, edited) is still sent, with NIL
// time and event and severity warning, so the collector holds it too.
func Message(line []byte, o Origin) []byte {
	var f lineFields
	ok := json.Unmarshal(line, &f) == nil
	sev := severityNotice
	if !ok || warns(f.Outcome) {
		sev = severityWarning
	}
	var b bytes.Buffer
	b.Grow(len(line) + 256)
	b.WriteString("<" + strconv.Itoa(facilityAuthpriv*8+sev) + ">1 ")
	if ok && !f.Time.IsZero() {
		b.WriteString(f.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	} else {
		b.WriteString(nilValue)
	}
	b.WriteByte(' ')
	b.WriteString(headerField(o.Host, 255))
	b.WriteString(" " + AppName + " ")
	b.WriteString(headerField(strconv.Itoa(o.PID), 128))
	b.WriteByte(' ')
	b.WriteString(headerField(f.Event, 32))
	b.WriteString(" [" + SDID)
	for _, p := range [][2]string{{"id", f.ID}, {"event", f.Event}, {"prev", f.Prev}, {"hash", audit.LineHash(line)}} {
		if p[1] != "" {
			b.WriteString(" " + p[0] + `="` + EscapeParam(p[1]) + `"`)
		}
	}
	b.WriteString("] ")
	b.Write(line)
	return b.Bytes()
}

// warns reports whether an outcome deserves severity warning.
func warns(outcome string) bool {
	switch outcome {
	case "rejected", "outcome-unknown", "not-sent":
		return true
	}
	return false
}

// headerField makes s a valid header field: printable US-ASCII without
// spaces, at most max characters; "-" when nothing is left.
func headerField(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 33 || r > 126 {
			return -1
		}
		return r
	}, s)
	if len(s) > max {
		s = s[:max]
	}
	if s == "" {
		return nilValue
	}
	return s
}

// EscapeParam escapes a structured-data parameter value as RFC 5424
// section 6.3.3 requires: '"', '\' and ']' are preceded by '\'.
func EscapeParam(s string) string {
	if !strings.ContainsAny(s, "\"\\]") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '"' || r == '\\' || r == ']' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Frame is msg in RFC 5425 octet-counting framing: its length in bytes,
// a space, the message.
func Frame(msg []byte) []byte {
	n := strconv.Itoa(len(msg))
	out := make([]byte, 0, len(n)+1+len(msg))
	out = append(out, n...)
	out = append(out, ' ')
	return append(out, msg...)
}
