package audit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 26, 7, 35, 0, 0, time.UTC)

func newLog(t *testing.T) *Log {
	t.Helper()
	l := Open(filepath.Join(t.TempDir(), "data", "audit.jsonl"))
	l.now = func() time.Time { return t0 }
	return l
}

func intent(id string) Record {
	return Record{
		ID: id, Event: EventIntent, Environment: "sandbox", ClientID: "SBX_1", HIPID: "IN27",
		ABHANumber: "91-1234-5678-9012", TxnID: "txn-1",
		Reasons:     []Reason{{"101", "Privacy concerns"}, {"others", "Other"}},
		OtherText:   "moving abroad",
		LoginMethod: "x-token", OTPMethod: "AADHAAR_OTP",
	}
}

// appendAll appends recs to l in order.
func appendAll(t *testing.T, l *Log, recs ...Record) {
	t.Helper()
	for _, r := range recs {
		if err := l.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func outcome(id, o string, at time.Time) Record {
	return Record{ID: id, Event: EventOutcome, Time: at, Environment: "sandbox", ClientID: "SBX_1", HIPID: "IN27",
		ABHANumber: "91-1234-5678-9012", TxnID: "txn-1", Outcome: o, DurationMS: 1234}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	in := intent("a1")
	if err := l.Append(ctx, in); err != nil {
		t.Fatal(err)
	}
	ist := time.FixedZone("IST", 19800)
	out := outcome("a1", OutcomeRejected, time.Date(2026, 11, 26, 13, 6, 0, 0, ist))
	out.Code, out.Message = "HIS-2022", "Wrong OTP"
	if err := l.Append(ctx, out); err != nil {
		t.Fatal(err)
	}
	recs, stats, err := l.Read(ctx, Filter{})
	if err != nil || stats != (ReadStats{Lines: 2}) {
		t.Fatalf("Read: %v %+v", err, stats)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	got := recs[0] // newest: the outcome at 07:36 UTC
	if got.Event != EventOutcome || got.Outcome != OutcomeRejected || got.Code != "HIS-2022" ||
		got.Message != "Wrong OTP" || got.DurationMS != 1234 || !got.Time.Equal(t0.Add(time.Minute)) || got.Time.Location() != time.UTC {
		t.Errorf("outcome %+v", got)
	}
	got = recs[1]
	if got.ID != "a1" || got.Event != EventIntent || !got.Time.Equal(t0) || got.OSUser == "" ||
		got.ABHANumber != "XX-XXXX-XXXX-9012" || got.TxnID != "txn-1" || got.OtherText != "moving abroad" ||
		len(got.Reasons) != 2 || got.Reasons[0] != (Reason{"101", "Privacy concerns"}) ||
		got.LoginMethod != "x-token" || got.OTPMethod != "AADHAAR_OTP" || got.Outcome != "" {
		t.Errorf("intent %+v", got)
	}
}

func TestFileModesAndLayout(t *testing.T) {
	l := newLog(t)
	if _, err := os.Stat(filepath.Dir(l.Path())); !os.IsNotExist(err) {
		t.Fatal("Open touched the disk")
	}
	if err := l.Append(context.Background(), intent("a1")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(l.Path())
	if bytes.Count(data, []byte("\n")) != 1 || !bytes.HasPrefix(data, []byte(`{"id":"a1","time":"2026-11-26T07:35:00Z","event":"intent"`)) {
		t.Errorf("line: %s", data)
	}
	if runtime.GOOS == "windows" {
		return
	}
	if fi, _ := os.Stat(l.Path()); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(l.Path())); fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v", fi.Mode().Perm())
	}
}

func TestNothingIdentifyingIsStored(t *testing.T) {
	l := newLog(t)
	r := intent("a1")
	r.ABHANumber = "91123456789012"
	r.OtherText = "patient 91-1234-5678-9012, aadhaar 2345 6789 0123\nsecond line\t" + strings.Repeat("x", 600)
	r.Message = strings.Repeat("m", 700)
	if err := l.Append(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(l.Path())
	for _, leak := range []string{"1234-5678", "12345678", "2345 6789", "\\n", "\\t"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("file contains %q: %s", leak, data)
		}
	}
	recs, _, _ := l.Read(context.Background(), Filter{})
	got := recs[0]
	if got.ABHANumber != "XX-XXXX-XXXX-9012" {
		t.Errorf("ABHA %q", got.ABHANumber)
	}
	if !strings.HasPrefix(got.OtherText, "patient XX-XXXX-XXXX-9012, aadhaar XXXX-XXXX-0123 second line ") {
		t.Errorf("other text %q", got.OtherText[:80])
	}
	if n := len([]rune(got.OtherText)); n != MaxOtherText {
		t.Errorf("other text has %d characters", n)
	}
	if n := len([]rune(got.Message)); n != MaxMessage {
		t.Errorf("message has %d characters", n)
	}
}

func TestMaskingIsIdempotentOnRead(t *testing.T) {
	l := newLog(t)
	// A hand-edited line with a full number is masked when read.
	line := `{"id":"x","time":"2026-11-26T07:35:00Z","event":"intent","abhaNumber":"91-1234-5678-9012"}` + "\n"
	writeRaw(t, l, line)
	recs, _, err := l.Read(context.Background(), Filter{})
	if err != nil || len(recs) != 1 || recs[0].ABHANumber != "XX-XXXX-XXXX-9012" {
		t.Fatalf("%v %+v", err, recs)
	}
}

func TestAppendRefusesBadRecords(t *testing.T) {
	l := newLog(t)
	ctx := context.Background()
	long := strings.Repeat("a", 65)
	bad := []Record{
		{Event: EventIntent},
		{ID: long, Event: EventIntent},
		{ID: "a", Event: "started"},
		{ID: "a", Event: EventIntent, Outcome: OutcomeDeactivated},
		{ID: "a", Event: EventOutcome},
		{ID: "a", Event: EventOutcome, Outcome: "done"},
	}
	for _, r := range bad {
		if err := l.Append(ctx, r); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Append(cancelled, intent("a")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := os.Stat(l.Path()); !os.IsNotExist(err) {
		t.Error("refused records created the file")
	}
}

func TestNewID(t *testing.T) {
	a, b := NewID(), NewID()
	if len(a) != 32 || a == b || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("NewID: %q %q", a, b)
	}
}

func TestReadFilterAndOrder(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	// Written out of time order on purpose.
	appendAll(t, l,
		outcome("c", OutcomeDeactivated, at(3)),
		outcome("a", OutcomeRejected, at(1)),
		outcome("d", OutcomeUnknown, at(4)),
		outcome("b", OutcomeDeactivated, at(2)),
		outcome("e", OutcomeCancelled, at(2)), // same time as b, written later
	)
	ids := func(f Filter) string {
		recs, _, err := l.Read(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, r := range recs {
			s = append(s, r.ID)
		}
		return strings.Join(s, ",")
	}
	cases := []struct {
		f    Filter
		want string
	}{
		{Filter{}, "d,c,e,b,a"},
		{Filter{Since: at(2)}, "d,c,e,b"},
		{Filter{Until: at(2)}, "a"},
		{Filter{Since: at(2), Until: at(4)}, "c,e,b"},
		{Filter{Outcome: OutcomeDeactivated}, "c,b"},
		{Filter{Outcome: OutcomeDeactivated, Since: at(3)}, "c"},
		{Filter{Limit: 2}, "d,c"},
		{Filter{Outcome: "nothing"}, ""},
	}
	for _, c := range cases {
		if got := ids(c.f); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.f, got, c.want)
		}
	}
}

func TestReadSkipsMalformedLines(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	if err := l.Append(ctx, intent("good1")); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, l, "not json\n\n   \n"+
		`{"id":"x"}`+"\n"+ // no time or event
		`{"id":"y","time":"2026-11-26T07:35:00Z","event":"other"}`+"\n"+
		`[1,2,3]`+"\n"+
		strings.Repeat("z", 200_000)+"\n")
	if err := l.Append(ctx, intent("good2")); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, l, `{"id":"partial","time":"2026-11`) // cut off, no newline
	recs, stats, err := l.Read(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].ID != "good2" || recs[1].ID != "good1" {
		t.Errorf("records %+v", recs)
	}
	if stats != (ReadStats{Lines: 8, Skipped: 6}) {
		t.Errorf("stats %+v", stats)
	}
	// Appending after a cut-off line still yields readable records.
	if err := l.Append(ctx, intent("good3")); err != nil {
		t.Fatal(err)
	}
	recs, stats, _ = l.Read(ctx, Filter{})
	if len(recs) != 3 || recs[0].ID != "good3" || stats != (ReadStats{Lines: 9, Skipped: 6}) {
		t.Errorf("after a cut-off line: %d records, %+v", len(recs), stats)
	}
}

func TestReadMissingFile(t *testing.T) {
	recs, stats, err := newLog(t).Read(context.Background(), Filter{})
	if err != nil || recs != nil || stats != (ReadStats{}) {
		t.Errorf("%v %v %+v", recs, err, stats)
	}
}

func TestWriteCSV(t *testing.T) {
	r := intent("a1")
	r.Time = t0
	r.OSUser = "clinic"
	r.ABHANumber = "XX-XXXX-XXXX-9012"
	r.OtherText = "=HYPERLINK(\"http://x\")"
	o := outcome("a1", OutcomeRejected, t0.Add(time.Minute))
	o.OSUser, o.ABHANumber, o.Code, o.Message = "clinic", "XX-XXXX-XXXX-9012", "HIS-2022", "Wrong OTP, try again"
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []Record{o, r}); err != nil {
		t.Fatal(err)
	}
	want := "time,event,action,id,osUser,environment,api,clientId,hipId,abhaNumber,txnId,reasons,otherText,loginMethod,otpMethod,outcome,code,message,durationMs\n" +
		"2026-11-26T07:36:00Z,outcome,deactivate,a1,clinic,sandbox,,SBX_1,IN27,XX-XXXX-XXXX-9012,txn-1,,,,,rejected,HIS-2022,\"Wrong OTP, try again\",1234\n" +
		"2026-11-26T07:35:00Z,intent,deactivate,a1,clinic,sandbox,,SBX_1,IN27,XX-XXXX-XXXX-9012,txn-1,101 Privacy concerns; others Other,\"'=HYPERLINK(\"\"http://x\"\")\",x-token,AADHAAR_OTP,,,,\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestSummaries(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	in := func(id string, m int) Record { r := intent(id); r.Time = at(m); return r }
	recs := []Record{
		outcome("done", OutcomeDeactivated, at(12)),
		in("open", 20),
		outcome("unknown-then-checked", OutcomeDeactivated, at(33)),
		outcome("unknown-then-checked", OutcomeUnknown, at(31)),
		in("unknown-then-checked", 30),
		in("done", 10),
		outcome("orphan", OutcomeCancelled, at(5)),
	}
	got := Summaries(recs)
	type row struct{ id, status, text string }
	want := []row{
		{"unknown-then-checked", OutcomeDeactivated, "ABHA deactivated"},
		{"open", StatusNoOutcome, "no outcome recorded (the app may have closed)"},
		{"done", OutcomeDeactivated, "ABHA deactivated"},
		{"orphan", OutcomeCancelled, "cancelled"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries: %+v", len(got), got)
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.id || g.Status != w.status || g.Text != w.text {
			t.Errorf("entry %d: %s %s %q, want %+v", i, g.ID, g.Status, g.Text, w)
		}
	}
	if got[0].Intent == nil || !got[0].Time.Equal(at(30)) || got[3].Intent != nil || !got[3].Time.Equal(at(5)) {
		t.Errorf("times/intents wrong: %+v", got)
	}
	recs[5].ClientID = "changed"
	if got[2].Intent.ClientID == "changed" {
		t.Error("entries alias the input slice")
	}
	if s := Summaries([]Record{{ID: "r", Event: EventOutcome, Outcome: OutcomeRejected, Code: "HIS-1"}}); s[0].Text != "ABDM refused the request (HIS-1)" {
		t.Errorf("rejected text %q", s[0].Text)
	}
}

func writeRaw(t *testing.T, l *Log, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(l.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(l.Path(), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}
