package auditforward

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"abha-deactivate/storage/audit"
)

func TestEscapeParam(t *testing.T) {
	for in, want := range map[string]string{
		"plain":    "plain",
		`a"b`:      `a\"b`,
		`a\b`:      `a\\b`,
		"a]b":      `a\]b`,
		`"\]`:      `\"\\\]`,
		"हिन्दी ]": `हिन्दी \]`,
	} {
		if got := EscapeParam(in); got != want {
			t.Errorf("EscapeParam(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFrameCountsOctets(t *testing.T) {
	msg := []byte("<85>1 - - abha-deactivate - - - {\"otherText\":\"हिन्दी\"}")
	got := Frame(msg)
	// 48 ASCII bytes and 6 Devanagari characters of 3 bytes each: 66 octets, 54 characters.
	want := append([]byte("66 "), msg...)
	if utf8.RuneCount(msg) != 54 || !bytes.Equal(got, want) {
		t.Fatalf("len %d, frame %q", len(msg), got)
	}
}

func TestMessageFields(t *testing.T) {
	line := []byte(`{"id":"a\"b]c","time":"2026-12-03T10:11:12.123456789Z","event":"outcome","abhaNumber":"XX-XXXX-XXXX-7890",` +
		`"outcome":"rejected","prev":"` + strings.Repeat("ab", 32) + `"}`)
	msg := string(Message(line, Origin{Host: "desk 1\x00é", PID: 4242}))
	want := `<84>1 2026-12-03T10:11:12.123456Z desk1 abha-deactivate 4242 outcome [abha@32473 id="a\"b\]c" event="outcome" prev="` +
		strings.Repeat("ab", 32) + `" hash="` + audit.LineHash(line) + `"] ` + string(line)
	if msg != want {
		t.Fatalf("got\n%s\nwant\n%s", msg, want)
	}
	got, err := collectorLine([]byte(msg))
	if err != nil || !bytes.Equal(got, line) {
		t.Fatalf("parsed back: %q %v", got, err)
	}
}

func TestMessageSeverityAndDamagedLines(t *testing.T) {
	for line, prefix := range map[string]string{
		`{"id":"x","time":"2026-12-03T10:00:00Z","event":"intent"}`:                              "<85>1 2026-12-03T10:00:00.000000Z h abha-deactivate 1 intent [abha@32473 id=\"x\"",
		`{"id":"x","time":"2026-12-03T10:00:00Z","event":"outcome","outcome":"deactivated"}`:     "<85>1 ",
		`{"id":"x","time":"2026-12-03T10:00:00Z","event":"outcome","outcome":"outcome-unknown"}`: "<84>1 ",
		`{"id":"x","time":"not a time"`:                                                          "<84>1 - h abha-deactivate 1 - [abha@32473 hash=",
	} {
		msg := string(Message([]byte(line), Origin{Host: "h", PID: 1}))
		if !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, "] "+line) {
			t.Errorf("%s\n-> %s", line, msg)
		}
	}
	if got := string(Message([]byte(`{}`), Origin{})); !strings.HasPrefix(got, "<85>1 - - abha-deactivate 0 - [abha@32473 hash=") {
		t.Errorf("empty origin: %s", got)
	}
}

func TestLineHashIgnoresCR(t *testing.T) {
	if audit.LineHash([]byte("a\rb\r")) != audit.LineHash([]byte("ab")) || audit.LineHash([]byte("ab")) == audit.LineHash([]byte("ba")) {
		t.Fatal("LineHash")
	}
}

func TestCollectorLineForms(t *testing.T) {
	rec := `{"id":"r1","event":"intent"}`
	for in, want := range map[string]string{
		rec:            rec,
		"\uFEFF" + rec: rec,
		rec + "\r":     rec,
		`<85>1 - h abha-deactivate 1 intent [abha@32473 id="r1"] ` + rec:                      rec,
		`<85>1 - h abha-deactivate 1 intent [abha@32473 id="r\]1 \"x"][other@1 a="b"] ` + rec: rec,
		"<85>1 - h abha-deactivate 1 intent - \uFEFF" + rec:                                   rec,
	} {
		got, err := collectorLine([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	if _, err := collectorLine([]byte(`<13>1 - h sshd 1 - - hello`)); err != errNotOurs {
		t.Errorf("another program: %v", err)
	}
	for _, bad := range []string{"hello", `<85>1 - h abha-deactivate 1 intent [abha@32473 id="r1" ` + rec, "<85>1 - h"} {
		if _, err := collectorLine([]byte(bad)); err == nil || err == errNotOurs {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}
