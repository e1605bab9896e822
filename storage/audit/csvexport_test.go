package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scanCSV is `audit --csv` as it was before ExportCSV: Scan, each record
// made Safe, through encoding/csv. ExportCSV must write the same bytes.
func scanCSV(t *testing.T, l *Log, f Filter) ([]byte, ReadStats) {
	t.Helper()
	var b bytes.Buffer
	cw := NewCSVWriter(&b)
	stats, err := l.Scan(context.Background(), f, func(r Record) error { return cw.Write(r.Safe()) })
	if err != nil {
		t.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), stats
}

// exportFilters are the filters the tests compare ExportCSV under.
var exportFilters = []Filter{
	{}, {Outcome: OutcomeRejected}, {Since: time.Date(2026, 11, 26, 7, 36, 0, 0, time.UTC)},
	{Until: time.Date(2026, 11, 26, 7, 36, 0, 0, time.UTC), Outcome: OutcomeDeactivated},
}

// checkExport compares ExportCSV with scanCSV on l under each filter.
func checkExport(t *testing.T, l *Log) {
	t.Helper()
	for _, f := range exportFilters {
		want, wantStats := scanCSV(t, l, f)
		var got bytes.Buffer
		stats, err := l.ExportCSV(context.Background(), &got, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if !bytes.Equal(got.Bytes(), want) || stats != wantStats {
			t.Fatalf("filter %+v: ExportCSV wrote (%+v)\n%s\nScan and CSVWriter (%+v)\n%s", f, stats, got.Bytes(), wantStats, want)
		}
	}
}

// TestExportCSVMatchesScan: the fast export writes exactly what Scan and
// CSVWriter write, for lines its own decoder takes and for those it leaves
// to decodeLine, in blocks small and large.
func TestExportCSVMatchesScan(t *testing.T) {
	l := newLog(t)
	appendAll(t, l, intent("a1"), outcome("a1", OutcomeDeactivated, t0.Add(time.Minute)))
	tricky := []string{
		`{"id":"b1","time":"2026-11-26T07:35:00.123456789Z","event":"intent","osUser":" lead,space","environment":"=cmd","clientId":"+1","hipId":"@x","abhaNumber":"XX-XXXX-XXXX-1234","reasons":[{"code":"101","label":"a, b"},{"code":"","label":" x "},{"code":"9","label":""}],"otherText":"-2","message":"say \"hi\""}`,
		`{"id":"b2","time":"2026-11-26T07:35:00Z","event":"outcome","outcome":"rejected","durationMs":-5,"code":"=1+2"}`,
		`{"id":"b3","time":"2026-11-26T13:06:00+05:30","event":"outcome","outcome":"rejected","abhaNumber":"91-1234-5678-9012"}`,
		`{"id":"b4","time":"2026-11-26T07:37:00Z","event":"intent","otherText":"हिंदी, text","abhaNumber":"XX-XXXX-XXXX-12"}`,
		`{"id":"b5","time":"2026-11-26T07:38:00Z","event":"intent","osUser":"tab\there","message":"\u202e"}` + "\r",
		`{"id":"b6","time":"0001-01-01T00:00:00Z","event":"intent"}`,
		`{"id":"b7","time":"2026-02-29T00:00:00Z","event":"intent"}`,
		`{"id":"b8","time":"2024-02-29T23:59:59.5Z","event":"outcome","outcome":"deactivated","durationMs":0,"action":"reactivate"}`,
		`{"id":"b9","time":"2026-11-26T07:35:00Z","event":"intent","ID":"x"}`,
		`{"id":"c1","time":"2026-11-26T07:35:00Z","event":"intent","reasons":[{"code":"1","label":"1"},{"code":"2","label":"2"},{"code":"3","label":"3"},{"code":"4","label":"4"},{"code":"5","label":"5"},{"code":"6","label":"6"},{"code":"7","label":"7"},{"code":"8","label":"8"},{"code":"9","label":"9"}]}`,
		`{"id":"c2","time":"2026-11-26T07:35:00Z","event":"intent","durationMs":007}`,
		`{"id":"c3","time":"2026-11-26T07:35:00Z","event":"other"}`,
		` {"id":"c4","time":"2026-11-26T07:35:00Z","event":"intent"} `,
		`{"id":"c5","time":"2026-11-26T07:35:00Z","event":"intent","txnId":"\\."}`,
		`{"id":"","time":"2026-11-26T07:35:00Z","event":"intent"}`,
		"", "   ", "not json", strings.Repeat("z", MaxLine+1),
	}
	writeRaw(t, l, strings.Join(tricky, "\n")+"\n")
	appendAll(t, l, intent("a2"))
	writeRaw(t, l, `{"id":"cut","time":"2026-11`) // cut off, no newline
	checkExport(t, l)

	// A long trail, crossing many blocks, with a line longer than a block.
	l = newLog(t)
	var b bytes.Buffer
	for i := range 8000 {
		r, err := prepare(intent(NewID()), t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		line, _ := json.Marshal(r)
		b.Write(append(line, '\n'))
		if i == 4000 {
			b.WriteString(strings.Repeat("y", 3*exportBlock) + "\n")
		}
	}
	writeRaw(t, l, b.String())
	checkExport(t, l)
}

// TestExportCSVEmpty: a missing or empty trail gives the header alone.
func TestExportCSVEmpty(t *testing.T) {
	l := Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	checkExport(t, l)
	if err := os.WriteFile(l.Path(), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	checkExport(t, l)
}

// FuzzExportCSV: for any file, ExportCSV writes what Scan and CSVWriter write.
func FuzzExportCSV(f *testing.F) {
	f.Add([]byte(`{"id":"a","time":"2026-11-26T07:35:00Z","event":"intent","osUser":" x","reasons":[{"code":"1","label":"a,b"}]}` + "\n"))
	f.Add([]byte(`{"id":"a","time":"2026-11-26T07:35:00.5Z","event":"outcome","outcome":"rejected","durationMs":-1}` + "\r\n\n"))
	f.Add([]byte(`{"id":"a","time":"2026-11-26T07:35:00Z","event":"intent","abhaNumber":"XX-XXXX-XXXX-0000","message":"=1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(fuzzDir(t), "audit.jsonl")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		checkExport(t, Open(path))
	})
}

// TestViewStr: every byte outside 0x20-0x7e, and the backslash, at any
// place of a string, makes View.str refuse it; a quote ends it.
func TestViewStr(t *testing.T) {
	var v View
	for n := range 40 {
		line := append(append([]byte{'"'}, bytes.Repeat([]byte{'a'}, n)...), '"', '}')
		if s, end, ok := v.str(line, 0); !ok || len(s) != n || end != n+2 {
			t.Fatalf("%d letters: %q %d %v", n, s, end, ok)
		}
		for at := 1; at <= n; at++ {
			for c := range 256 {
				line[at] = byte(c)
				s, _, ok := v.str(line, 0)
				want := c >= 0x20 && c < 0x7f && c != '\\'
				if ok != want || (ok && c == '"' && len(s) != at-1) || (ok && c != '"' && len(s) != n) {
					t.Fatalf("byte %#x at %d of %d: %q %v", c, at, n, s, ok)
				}
			}
			line[at] = 'a'
		}
	}
}

// slowCanonicalTime is canonicalTime written plainly, byte by byte.
func slowCanonicalTime(t []byte) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(t) < 20 || len(t) == 21 || len(t) > 30 || t[len(t)-1] != 'Z' || (len(t) > 20 && t[19] != '.') {
		return false
	}
	for k, c := range t[:len(t)-1] {
		want := byte('d')
		switch {
		case k < len(shape):
			want = shape[k]
		case k == len(shape):
			continue // the '.' of the fraction
		}
		if digit := c >= '0' && c <= '9'; (want == 'd') != digit || (!digit && c != want) {
			return false
		}
	}
	year, month, day := num(t[0:4]), num(t[5:7]), num(t[8:10])
	return year > 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(time.Month(month), year) &&
		num(t[11:13]) < 24 && num(t[14:16]) < 60 && num(t[17:19]) < 60
}

// TestCanonicalTimeAsPlainly: canonicalTime (words at a time) agrees with
// slowCanonicalTime on times with any one byte changed.
func TestCanonicalTimeAsPlainly(t *testing.T) {
	for _, s := range []string{"2026-11-26T07:35:00Z", "2026-11-26T07:35:00.1Z", "2024-02-29T23:59:59.123456789Z",
		"1999-12-31T23:59:59.12345Z"} {
		b := []byte(s)
		for at := range b {
			for c := range 256 {
				orig := b[at]
				b[at] = byte(c)
				if got, want := canonicalTime(b), slowCanonicalTime(b); got != want {
					t.Fatalf("%q: %v, plainly %v", b, got, want)
				}
				b[at] = orig
			}
		}
		for n := range len(b) {
			if got, want := canonicalTime(b[:n]), slowCanonicalTime(b[:n]); got != want {
				t.Fatalf("%q: %v, plainly %v", b[:n], got, want)
			}
		}
	}
}

// TestCanonicalTime: the times View.Decode takes are the ones json.Marshal
// writes of a valid UTC time; time.Time.UnmarshalJSON reads each of them
// as rawTime does.
func TestCanonicalTime(t *testing.T) {
	for s, want := range map[string]bool{
		"2026-11-26T07:35:00Z": true, "2026-11-26T07:35:00.123456789Z": true, "2024-02-29T23:59:59.5Z": true,
		"2026-02-29T00:00:00Z": false, "2026-11-26T07:35:00.Z": false, "2026-11-26T07:35:00.1234567890Z": false,
		"2026-11-26T24:00:00Z": false, "2026-11-26T07:60:00Z": false, "2026-11-26T07:35:60Z": false,
		"2026-13-01T00:00:00Z": false, "2026-00-01T00:00:00Z": false, "2026-11-00T00:00:00Z": false,
		"2026-11-26T07:35:00+05:30": false, "2026-11-26 07:35:00Z": false, "0001-01-01T00:00:00Z": false,
		"2026-11-26T07:35:0aZ": false, "2026-11-26T07:35:00.1a2Z": false, "2026-04-31T00:00:00Z": false,
	} {
		if got := canonicalTime([]byte(s)); got != want {
			t.Errorf("%s: %v", s, got)
			continue
		}
		if want {
			var tm time.Time
			if err := tm.UnmarshalJSON([]byte(`"` + s + `"`)); err != nil || !tm.Equal(rawTime([]byte(s))) {
				t.Errorf("%s: %v, %v, rawTime %v", s, err, tm, rawTime([]byte(s)))
			}
		}
	}
}

// TestRawLineTakesAppendsLines: the lines Append writes, reasons and all,
// are taken by View.Decode (not left to decodeLine), with their fields.
func TestViewTakesAppendedLines(t *testing.T) {
	l := newLog(t)
	o := outcome("a1", OutcomeRejected, t0)
	o.Code, o.Message = "HIS-1", "Wrong OTP, try again"
	appendAll(t, l, intent("a1"), o)
	for i, line := range fileLines(t, l) {
		var r View
		line = bytes.TrimSuffix(line, []byte("\n"))
		if !r.Decode(line) || string(r.ID) != "a1" || len(r.Prev) != 64 || r.commaFreeIn(line) != (i == 0) {
			t.Errorf("line %d not taken: %+v\n%s", i+1, r, line)
		}
		if i == 0 && (len(r.Reasons) != 2 || string(r.Reasons[1].Code) != "others" || string(r.Reasons[1].Label) != "Other") {
			t.Errorf("reasons %q", r.Reasons)
		}
		if i == 1 && (r.DurationMS != 1234 || string(r.Message) != "Wrong OTP, try again") {
			t.Errorf("outcome %d %q", r.DurationMS, r.Message)
		}
	}
}

// failingWriter fails once more than n bytes were written.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, os.ErrClosed
	}
	return len(p), nil
}

// TestExportCSVWriteFails: a writer that fails (a closed pipe) ends the
// export with its error at once, on a trail of many blocks, and ctx
// cancelled ends it too.
func TestExportCSVWriteFails(t *testing.T) {
	l := newLog(t)
	var b bytes.Buffer
	for i := range 20000 {
		r, _ := prepare(intent(NewID()), t0.Add(time.Duration(i)*time.Second))
		line, _ := json.Marshal(r)
		b.Write(append(line, '\n'))
	}
	writeRaw(t, l, b.String())
	for _, n := range []int{0, 100, exportBlock} {
		done := make(chan error, 1)
		go func() { _, err := l.ExportCSV(context.Background(), &failingWriter{n: n}, Filter{}); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, os.ErrClosed) {
				t.Errorf("after %d bytes: %v", n, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("after %d bytes: still running", n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.ExportCSV(ctx, io.Discard, Filter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestBlank: blank agrees with bytes.TrimSpace whatever the first byte.
func TestBlank(t *testing.T) {
	for c := range 256 {
		for _, rest := range []string{"", " ", "x", "\u00a0", "\u2028"} {
			line := append([]byte{byte(c)}, rest...)
			if want := len(bytes.TrimSpace(line)) == 0; blank(line) != want {
				t.Errorf("%q: %v", line, !want)
			}
		}
	}
	for _, s := range []string{"", "\u00a0\u0085 \t", "\u3000x"} {
		if want := len(bytes.TrimSpace([]byte(s))) == 0; blank([]byte(s)) != want {
			t.Errorf("%q: %v", s, !want)
		}
	}
}
