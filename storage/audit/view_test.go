package audit_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

// sampleTrailLines returns the lines of a sample trail of n lines.
func sampleTrailLines(t testing.TB, n int) [][]byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := audittest.WriteSampleTrail(context.Background(), path, n); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

// recordOf is v as a Record, for comparing with ParseLine.
func recordOf(v *audit.View) audit.Record {
	r := audit.Record{ID: string(v.ID), Time: v.Time(), Event: string(v.Event), Action: string(v.Action), API: string(v.API),
		OSUser: string(v.OSUser), Environment: string(v.Environment), ClientID: string(v.ClientID), HIPID: string(v.HIPID),
		ABHANumber: string(v.ABHANumber), TxnID: string(v.TxnID), OtherText: string(v.OtherText),
		LoginMethod: string(v.LoginMethod), OTPMethod: string(v.OTPMethod), Outcome: string(v.Outcome), Code: string(v.Code),
		Message: string(v.Message), DurationMS: v.DurationMS, Prev: string(v.Prev)}
	for _, rs := range v.Reasons {
		r.Reasons = append(r.Reasons, audit.Reason{Code: string(rs.Code), Label: string(rs.Label)})
	}
	return r
}

// checkView checks that View.Decode of line, when it decodes, agrees with
// ParseLine; it reports whether it decoded.
func checkView(t *testing.T, line []byte) bool {
	t.Helper()
	var v audit.View
	if !v.Decode(line) {
		return false
	}
	want, ok := audit.ParseLine(line)
	if !ok {
		t.Fatalf("View decoded a line ParseLine refuses: %s", line)
	}
	got := recordOf(&v)
	if len(want.Reasons) == 0 {
		want.Reasons = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("View and ParseLine differ on %s:\n view  %+v\n parse %+v", line, got, want)
	}
	return true
}

func TestViewDecodesAppendedLines(t *testing.T) {
	lines := sampleTrailLines(t, 3000)
	for _, line := range lines {
		if !checkView(t, line) {
			t.Fatalf("View did not decode a sample line: %s", line)
		}
	}
}

func TestViewGivesUpOrAgrees(t *testing.T) {
	good := `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"outcome","outcome":"rejected","reasons":[{"code":"1","label":"x"}],"durationMs":12}`
	if !checkView(t, []byte(good)) {
		t.Fatal("View did not decode a plain line")
	}
	for name, line := range map[string]string{
		"escape":         `{"id":"a\u0031","time":"2026-01-02T03:04:05Z","event":"intent"}`,
		"non-ASCII":      `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent","osUser":"रवि"}`,
		"DEL":            "{\"id\":\"a1\",\"time\":\"2026-01-02T03:04:05Z\",\"event\":\"intent\",\"osUser\":\"a\x7f\"}",
		"unknown key":    `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent","extra":"1"}`,
		"duplicate key":  `{"id":"a1","id":"a2","time":"2026-01-02T03:04:05Z","event":"intent"}`,
		"cut off":        `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent"`,
		"bad time":       `{"id":"a1","time":"2026-13-02T03:04:05Z","event":"intent"}`,
		"no id":          `{"time":"2026-01-02T03:04:05Z","event":"intent"}`,
		"bad event":      `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"other"}`,
		"number id":      `{"id":1,"time":"2026-01-02T03:04:05Z","event":"intent"}`,
		"trailing":       `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent"} x`,
		"bad reasons":    `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent","reasons":[{"code":1}]}`,
		"fraction":       `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"outcome","outcome":"x","durationMs":1.5}`,
		"spaces":         ` { "id" : "a1" , "time" : "2026-01-02T03:04:05+05:30" , "event" : "intent" } `,
		"empty reasons":  `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent","reasons":[]}`,
		"empty reason":   `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent","reasons":[{}]}`,
		"unmasked":       `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent","abhaNumber":"91-1234-5678-9012"}`,
		"comma at end":   `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent",}`,
		"empty":          ``,
		"not an object":  `["id"]`,
		"control":        "{\"id\":\"a1\",\"time\":\"2026-01-02T03:04:05Z\",\"event\":\"intent\",\"osUser\":\"a\x01\"}",
		"reason garbage": `{"id":"a1","time":"2026-01-02T03:04:05Z","event":"intent","reasons":[{"code":"1"}x]}`,
	} {
		t.Run(name, func(t *testing.T) { checkView(t, []byte(line)) })
	}
}

// BenchmarkViewDecode decodes the lines of a sample trail.
func BenchmarkViewDecode(b *testing.B) {
	lines := sampleTrailLines(b, 20000)
	var v audit.View
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if !v.Decode(lines[i%len(lines)]) {
			b.Fatal("not decoded")
		}
	}
}

// FuzzViewDecode checks that View.Decode, when it decodes a line, agrees
// with ParseLine.
func FuzzViewDecode(f *testing.F) {
	for _, line := range sampleTrailLines(f, 40) {
		f.Add(line)
	}
	f.Add([]byte(`{"id":"a1","time":"2026-01-02T03:04:05Z","event":"outcome","outcome":"rejected","reasons":[{"code":"1","label":"x"}],"durationMs":12}`))
	f.Add([]byte(` { "id" : "a1" , "time" : "2026-01-02T03:04:05+05:30" , "event" : "intent" } `))
	f.Fuzz(func(t *testing.T, line []byte) { checkView(t, line) })
}
