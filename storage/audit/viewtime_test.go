package audit

import (
	"math/rand/v2"
	"testing"
	"time"
)

// parseUTC must take only times time.Time.UnmarshalJSON takes, as the same
// instant.
func TestParseUTCAgreesWithUnmarshalJSON(t *testing.T) {
	cases := []string{"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.1Z", "2026-01-02T03:04:05.123456789Z",
		"2024-02-29T23:59:59Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-12-31T24:00:00Z",
		"2026-12-31T23:60:00Z", "2026-12-31T23:59:60Z", "2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z",
		"2026-01-00T00:00:00Z", "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05.1234567891Z", "2026-01-02t03:04:05Z",
		"2026-01-02T03:04:05+00:00", "2026-01-02T03:04:05", "0000-01-01T00:00:00Z", "1900-02-29T00:00:00Z",
		"2000-02-29T00:00:00Z", "2026-01-02T03:04:0xZ", "2026-01-02T03:04:05.12a4Z", "+026-01-02T03:04:05Z"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		ts := time.Unix(rng.Int64N(5e9), rng.Int64N(1e9)).UTC()
		cases = append(cases, ts.Format(time.RFC3339Nano), ts.Format(time.RFC3339))
	}
	for _, c := range cases {
		got, ok := parseUTC([]byte(c))
		var want time.Time
		err := want.UnmarshalJSON([]byte(`"` + c + `"`))
		if ok && (err != nil || !got.Equal(want) || got.Location() != time.UTC) {
			t.Fatalf("%s: parseUTC %v, UnmarshalJSON %v (%v)", c, got, want, err)
		}
		if !ok && err == nil && len(c) >= 20 && c[len(c)-1] == 'Z' && c[10] == 'T' && len(c) <= 30 {
			t.Fatalf("%s: parseUTC refused a time UnmarshalJSON takes", c)
		}
	}
}
