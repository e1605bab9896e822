package auditforward

import (
	"bytes"
	"testing"
)

// FuzzCollectorLine: reading a collector's line never panics, and a line
// sent by Message reads back as exactly the trail line, whatever the
// record's text and the computer's name hold ('"', '\', ']', spaces,
// control characters).
func FuzzCollectorLine(f *testing.F) {
	f.Add([]byte(`{"id":"r1","time":"2026-12-03T10:00:00Z","event":"intent","otherText":"a ] \" \\ b"}`), "desk")
	f.Add([]byte(`{"id":"x]\"\\","event":"out come"}`), "host name")
	f.Add([]byte(`not json [abha@32473 id="x"] {`), "")
	f.Add([]byte(`<85>1 - h abha-deactivate 1 - [a b="\]"] {}`), "h")
	f.Fuzz(func(t *testing.T, line []byte, host string) {
		_, _ = collectorLine(line) // any bytes: no panic
		if bytes.ContainsAny(line, "\n") || bytes.HasSuffix(line, []byte{'\r'}) || bytes.HasPrefix(line, bom) {
			return // not a trail line as the trail holds it
		}
		msg := Message(line, Origin{Host: host, PID: 1})
		got, err := collectorLine(msg)
		if err != nil || !bytes.Equal(got, line) {
			t.Fatalf("line %q\nmessage %q\nread back %q, %v", line, msg, got, err)
		}
	})
}
