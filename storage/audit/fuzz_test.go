package audit

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// FuzzAuditRead reads arbitrary file content as the audit trail with the real
// (*Log).Read, then exports it with WriteCSV and summarises it.
//
// Properties, for every input:
//   - Read never panics and never fails: damaged lines are skipped;
//   - ReadStats.Lines counts the non-blank lines and Skipped those that are
//     not records (not a JSON object of a Record, or without an ID, a time or
//     a known event), so len(records) == Lines - Skipped;
//   - the records are the valid lines, newest first, later lines first among
//     equal times; each has an ID, a known event, a UTC time and an ABHA
//     number that is empty or masked to at most its last four digits;
//   - a Filter (since, outcome, limit) returns exactly the matching records
//     of the full read, in the same order;
//   - WriteCSV succeeds, and its output parses back (encoding/csv) as the
//     header plus one 17-cell row per record, in order, with no cell that a
//     spreadsheet would run as a formula;
//   - Summaries has one entry per distinct ID, newest first;
//   - Scan gives the records in reverse file order, and Pages gives each ID
//     of Summaries exactly once, for any page size;
//   - Verify never fails, counts the same lines as Read, and reports a file
//     intact exactly when no record after the first link is damaged,
//     unlinked or mislinked (checked against a simple forward pass).
//
// Seeds: testdata/fuzz/FuzzAuditRead and the f.Add calls below.
func FuzzAuditRead(f *testing.F) {
	intentLine := `{"id":"a1","time":"2026-11-26T07:35:00Z","event":"intent","osUser":"clinic","environment":"sandbox",` +
		`"clientId":"SBX_1","hipId":"IN27","abhaNumber":"XX-XXXX-XXXX-9012","txnId":"txn-1",` +
		`"reasons":[{"code":"101","label":"Privacy concerns"}],"loginMethod":"x-token","otpMethod":"AADHAAR_OTP"}`
	outcomeLine := `{"id":"a1","time":"2026-11-26T13:06:00+05:30","event":"outcome","abhaNumber":"91-1234-5678-9012",` +
		`"outcome":"rejected","code":"HIS-2022","message":"=Wrong OTP","durationMs":1234}`
	for _, s := range []string{
		intentLine + "\n" + outcomeLine + "\n",
		intentLine + "\nnot json\n\n  \n" + `{"id":"x"}` + "\n" + `[1,2]` + "\n" + outcomeLine[:40],
		outcomeLine + "\r\n" + intentLine + "\r\n",
		`{"id":"b","time":"0000-01-01T00:00:00Z","event":"outcome","outcome":"-1","otherText":"@SUM(A1)"}` + "\n",
		"", "\n", "null\n", `{"id":"c","time":"2026-11-26T07:35:00Z","event":"intent","id":""}`,
		intentLine + "\n" + outcomeLine[:len(outcomeLine)-1] + `,"prev":"` + LineHash([]byte(intentLine)) + `"}` + "\n",
		`{"id":"d","time":"2026-11-26T07:35:00Z","event":"intent","prev":"` + ChainStart + `"}` + "\r\n\n" +
			`{"id":"d","time":"2026-11-26T07:36:00Z","event":"outcome","outcome":"deactivated","prev":"` +
			LineHash([]byte(`{"id":"d","time":"2026-11-26T07:35:00Z","event":"intent","prev":"`+ChainStart+`"}`)) + `"}`,
	} {
		f.Add([]byte(s))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(fuzzDir(t), "audit.jsonl")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		l := Open(path)
		recs, stats, err := l.Read(ctx, Filter{})
		if err != nil {
			t.Fatalf("Read failed: %v", err)
		}

		want, lines := expectedRecords(data)
		if stats.Lines != lines || stats.Skipped != lines-len(want) || len(recs) != len(want) {
			t.Fatalf("stats %+v and %d records, want %d lines, %d skipped, %d records",
				stats, len(recs), lines, lines-len(want), len(want))
		}
		for i, r := range recs {
			w := want[i]
			if r.ID != w.ID || r.Event != w.Event || !r.Time.Equal(w.Time) {
				t.Fatalf("record %d is %s %s %v, want %s %s %v", i, r.ID, r.Event, r.Time, w.ID, w.Event, w.Time)
			}
			checkRecord(t, r, w)
		}

		checkFilter(t, l, recs)
		checkCSV(t, recs)
		checkSummaries(t, recs)
		checkScanAndPages(t, l, data, recs)
		checkVerify(t, l, data, stats)
	})
}

// checkScanAndPages reads the file with Scan and Pages.
func checkScanAndPages(t *testing.T, l *Log, data []byte, recs []Record) {
	t.Helper()
	var scanned []string
	if _, err := l.Scan(context.Background(), Filter{}, func(r Record) error {
		scanned = append(scanned, r.ID+"@"+r.Time.String())
		return nil
	}); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	var want []string
	for _, line := range bytes.Split(data, []byte("\n")) {
		if r, ok := parseLine(line); ok && !blank(line) {
			want = append(want, r.ID+"@"+r.Time.String())
		}
	}
	slices.Reverse(want)
	if !slices.Equal(scanned, want) {
		t.Fatalf("Scan gave %q, want %q", scanned, want)
	}
	ids := map[string]bool{}
	for _, e := range Summaries(recs) {
		ids[e.ID] = true
	}
	for _, n := range []int{1, 2, 7} {
		seen := map[string]bool{}
		p := l.Pages(EntryFilter{})
		for p.More() {
			page, err := p.Next(context.Background(), n)
			if err != nil {
				t.Fatalf("Pages: %v", err)
			}
			for _, e := range page {
				if seen[e.ID] || !ids[e.ID] {
					t.Fatalf("Pages gave %q twice or unknown", e.ID)
				}
				seen[e.ID] = true
			}
		}
		if len(seen) != len(ids) {
			t.Fatalf("Pages gave %d IDs, Summaries %d", len(seen), len(ids))
		}
	}
}

// checkVerify verifies the file and checks the verdict with a plain pass.
func checkVerify(t *testing.T, l *Log, data []byte, stats ReadStats) {
	t.Helper()
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Lines != stats.Lines || rep.Legacy+rep.Chained > rep.Lines {
		t.Fatalf("Verify counted %+v, Read %+v", rep, stats)
	}
	intact, started, prev, prevOK := true, false, ChainStart, true
	for _, line := range bytes.Split(data, []byte("\n")) {
		if blank(line) {
			continue
		}
		r, ok := parseLine(line)
		switch {
		case !started && (!ok || r.Prev == ""):
		case !started:
			started = true
			intact = prevOK && r.Prev == prev
		default:
			intact = intact && ok && r.Prev == prev
		}
		prev, prevOK = LineHash(line), ok
	}
	if rep.Intact != intact || (rep.Break == nil) != intact {
		t.Fatalf("Verify says intact=%v (%+v), a plain pass %v", rep.Intact, rep.Break, intact)
	}
}

// expectedRecords decodes data line by line, as the format defines it, and
// returns the records in the order Read must give them, and the number of
// non-blank lines.
func expectedRecords(data []byte) ([]Record, int) {
	type numbered struct {
		r Record
		n int
	}
	var valid []numbered
	lines := 0
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		lines++
		var r Record
		if json.Unmarshal(line, &r) != nil || r.ID == "" || r.Time.IsZero() ||
			(r.Event != EventIntent && r.Event != EventOutcome) {
			continue
		}
		valid = append(valid, numbered{r, i})
	}
	sort.SliceStable(valid, func(i, j int) bool {
		if !valid[i].r.Time.Equal(valid[j].r.Time) {
			return valid[i].r.Time.After(valid[j].r.Time)
		}
		return valid[i].n > valid[j].n
	})
	out := make([]Record, len(valid))
	for i, v := range valid {
		out[i] = v.r
	}
	return out, lines
}

var maskedABHA = regexp.MustCompile(`^XX-XXXX-XXXX-([0-9]{4}|XXXX)$`)

// checkRecord checks one record Read returned against the line it came from.
func checkRecord(t *testing.T, r, line Record) {
	t.Helper()
	if r.Time.Location() != time.UTC {
		t.Fatalf("record %s: time %v is not in UTC", r.ID, r.Time)
	}
	if line.ABHANumber == "" {
		if r.ABHANumber != "" {
			t.Fatalf("record %s: ABHA number %q made up", r.ID, r.ABHANumber)
		}
	} else if !maskedABHA.MatchString(r.ABHANumber) {
		t.Fatalf("record %s: ABHA number %q is not masked (file has %q)", r.ID, r.ABHANumber, line.ABHANumber)
	}
	// Every other field is returned as the file has it.
	r.Time, r.ABHANumber = line.Time, line.ABHANumber
	if !sameRecord(r, line) {
		t.Fatalf("record changed on read:\n got %+v\nwant %+v", r, line)
	}
}

func sameRecord(a, b Record) bool { return reflect.DeepEqual(a, b) }

// checkFilter reads again with a filter and compares with the full read.
func checkFilter(t *testing.T, l *Log, all []Record) {
	t.Helper()
	var f Filter
	if len(all) > 0 {
		f.Since = all[len(all)/2].Time
		f.Until = all[0].Time // the newest is excluded: Until is exclusive
		f.Limit = 1 + len(all)/3
	}
	if len(all)%2 == 1 {
		f.Outcome = all[0].Outcome
	}
	var want []Record
	for _, r := range all {
		if (f.Since.IsZero() || !r.Time.Before(f.Since)) && (f.Until.IsZero() || r.Time.Before(f.Until)) &&
			(f.Outcome == "" || r.Outcome == f.Outcome) {
			want = append(want, r)
		}
	}
	if f.Limit > 0 && len(want) > f.Limit {
		want = want[:f.Limit]
	}
	got, _, err := l.Read(context.Background(), f)
	if err != nil {
		t.Fatalf("filtered Read: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("filter %+v: %d records, want %d", f, len(got), len(want))
	}
	for i := range got {
		if !sameRecord(got[i], want[i]) || !got[i].Time.Equal(want[i].Time) {
			t.Fatalf("filter %+v: record %d is %+v, want %+v", f, i, got[i], want[i])
		}
	}
}

// checkCSV exports recs and parses the CSV back.
func checkCSV(t *testing.T, recs []Record) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, recs); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse back: %v\n%s", err, buf.Bytes())
	}
	if len(rows) != len(recs)+1 {
		t.Fatalf("%d CSV rows for %d records", len(rows), len(recs))
	}
	if strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("CSV header %q", rows[0])
	}
	crlf := strings.NewReplacer("\r\n", "\n") // encoding/csv reads CRLF inside a cell as LF
	for i, row := range rows[1:] {
		r := recs[i]
		if len(row) != len(csvHeader) {
			t.Fatalf("row %d has %d cells", i+1, len(row))
		}
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("row %d, %s: cell %q would run as a formula", i+1, csvHeader[j], cell)
			}
		}
		wantCells := map[int]string{
			0: r.Time.UTC().Format(time.RFC3339), 1: r.Event, 2: r.ActionOf(), 3: r.ID, 6: r.API, 9: r.ABHANumber,
			11: JoinReasons(r.Reasons), 12: r.OtherText, 17: r.Message,
		}
		for j, w := range wantCells {
			if w = crlf.Replace(defuseFormula(w)); row[j] != w {
				t.Fatalf("row %d, %s: %q, want %q", i+1, csvHeader[j], row[j], w)
			}
		}
	}
}

// checkSummaries joins the records into attempts.
func checkSummaries(t *testing.T, recs []Record) {
	t.Helper()
	ids := map[string]bool{}
	for _, r := range recs {
		ids[r.ID] = true
	}
	entries := Summaries(recs)
	if len(entries) != len(ids) {
		t.Fatalf("%d summaries for %d IDs", len(entries), len(ids))
	}
	for i, e := range entries {
		if !ids[e.ID] {
			t.Fatalf("summary %d: ID %q twice or unknown", i, e.ID)
		}
		delete(ids, e.ID)
		if e.Intent == nil && e.Outcome == nil {
			t.Fatalf("summary %d has neither intent nor outcome", i)
		}
		if i > 0 && e.Time.After(entries[i-1].Time) {
			t.Fatalf("summaries not newest first at %d", i)
		}
	}
}

// fuzzDir returns an empty folder for one input, removed when it is done; on
// tmpfs (/dev/shm) when there is one, to keep the disk out of the loop.
func fuzzDir(t *testing.T) string {
	if dir, err := os.MkdirTemp("/dev/shm", "abha-audit-fuzz-"); err == nil {
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		return dir
	}
	return t.TempDir()
}
