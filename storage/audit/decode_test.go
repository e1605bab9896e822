package audit

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzFastDecode checks the fast decoder against json.Unmarshal: whenever it
// decodes a line, json.Unmarshal must succeed and give the same Record; with
// headOnly, the same head fields.
func FuzzFastDecode(f *testing.F) {
	good := `{"id":"a1","time":"2026-11-26T07:35:00.123456789Z","event":"intent","action":"deactivate","api":"v3",` +
		`"osUser":"clinic","environment":"sandbox","clientId":"SBX_1","hipId":"IN27","abhaNumber":"XX-XXXX-XXXX-9012",` +
		`"txnId":"txn-1","reasons":[{"code":"101","label":"Privacy concerns"},{"code":"others","label":"Other"}],` +
		`"otherText":"moving \"abroad\" \u00e9\ud800","loginMethod":"x-token","otpMethod":"AADHAAR_OTP","prev":"` +
		strings.Repeat("0", 64) + `"}`
	for _, s := range []string{
		good, good + "\r", " \t" + good + " \n",
		`{"id":"a","time":"2026-11-26T13:06:00+05:30","event":"outcome","outcome":"rejected","code":"HIS-1","durationMs":-0}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"outcome","durationMs":1.5}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"outcome","durationMs":1e3}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"outcome","durationMs":9223372036854775808}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"outcome","durationMs":01}`,
		`{"id":"a","id":"b","time":"2026-11-26T13:06:00Z","event":"intent"}`,
		`{"ID":"a","time":"2026-11-26T13:06:00Z","event":"intent"}`,
		`{"id":"a","time":"2026-13-26T13:06:00Z","event":"intent"}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"intent","reasons":[]}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"intent","reasons":[{}]}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"intent","reasons":null}`,
		`{"id":"\xff\xfe","time":"2026-11-26T13:06:00Z","event":"intent"}`,
		`{"id":"a\tb","time":"2026-11-26T13:06:00Z","event":"intent"}`,
		`{"id":"a","time":"2026-11-26T13:06:00Z","event":"intent"} x`,
		`{}`, `{"id":"x"}`, `[1,2]`, `null`, `{"id":"a",}`, `{"id":"a\u12"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var want Record
		wantErr := json.Unmarshal(line, &want)
		for _, headOnly := range []bool{false, true} {
			var got Record
			if !fastDecode(line, &got, headOnly) {
				continue
			}
			if wantErr != nil {
				t.Fatalf("fast decode accepted %q, json.Unmarshal: %v", line, wantErr)
			}
			w := want
			if headOnly {
				w = Record{ID: want.ID, Time: want.Time, Event: want.Event, Action: want.Action, Outcome: want.Outcome,
					DurationMS: want.DurationMS}
			}
			if !reflect.DeepEqual(got, w) || got.Time.Location().String() != w.Time.Location().String() {
				t.Fatalf("headOnly=%v %q:\n got %#v\nwant %#v", headOnly, line, got, w)
			}
		}
		// decodeLine agrees with the definition of a record either way.
		r, ok := decodeLine(line, false)
		wantOK := wantErr == nil && want.ID != "" && !want.Time.IsZero() && (want.Event == EventIntent || want.Event == EventOutcome)
		if ok != wantOK {
			t.Fatalf("decodeLine(%q) = %v, want %v", line, ok, wantOK)
		}
		if h, hok := decodeLine(line, true); hok != ok || (ok && (h.ID != r.ID || !h.Time.Equal(r.Time))) {
			t.Fatalf("head %v %+v, full %v %+v", hok, h, ok, r)
		}
		id, prev, at, lok := decodeLink(line, new(Record))
		if lok != ok || (ok && (string(id) != r.ID || string(prev) != r.Prev || !at.Equal(r.Time))) {
			t.Fatalf("link %v %q %q %v, full %v %+v", lok, id, prev, at, ok, r)
		}
	})
}

func TestFastDecodeTakesAppendedLines(t *testing.T) {
	r := intent("a1")
	r.Time, r.OSUser, r.Prev = t0, "clinic", ChainStart
	r.OtherText = `said "no" <b>&`
	line, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got Record
	if !fastDecode(line, &got, false) {
		t.Fatalf("fast path refused %s", line)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("got %+v", got)
	}
}
