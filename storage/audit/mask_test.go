package audit

import (
	"context"
	"strings"
	"testing"
)

// TestFreeTextDigitsMaskedInEveryScript: a mobile number, and ID numbers
// typed in Devanagari, Bengali or Tamil digits, never reach the trail whole.
func TestFreeTextDigitsMaskedInEveryScript(t *testing.T) {
	l := newLog(t)
	r := intent("mask-1")
	r.OtherText = "call 98765 43210; ABHA ९१-५५१२-३४५६-७८९० / aadhaar ২৩৪৫ ৬৭৮৯ ০১২৩ / ௯௮௭௬௫௪௩௨௧௦; year 2026"
	appendAll(t, l, r)
	recs, _, err := l.Read(context.Background(), Filter{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("Read: %d records, %v", len(recs), err)
	}
	got := recs[0].OtherText
	for _, whole := range []string{"98765", "43210", "९१-५५१२", "३४५६", "২৩৪৫", "௯௮௭௬"} {
		if strings.Contains(got, whole) {
			t.Errorf("other text %q keeps %q", got, whole)
		}
	}
	for _, kept := range []string{"XXXXXX3210", "XXXXXXXXXX7890", "XXXXXXXX0123", "year 2026"} {
		if !strings.Contains(got, kept) {
			t.Errorf("other text %q lacks %q", got, kept)
		}
	}
}

// A Windows account DOMAIN\user is written user@DOMAIN: no backslash to
// escape in the JSON line.
func TestUserName(t *testing.T) {
	for in, want := range map[string]string{`CLINIC\front.desk`: "front.desk@CLINIC", "asha": "asha", `\x`: `\x`, `D\`: `D\`} {
		if got := userName(in); got != want {
			t.Errorf("userName(%q) = %q, want %q", in, got, want)
		}
	}
}
