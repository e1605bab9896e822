package sandbox_test

import (
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
)

func TestManualClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	c := sandbox.NewManualClock(start)
	c.Advance(time.Hour)
	if !c.Now().Equal(start.Add(time.Hour)) {
		t.Errorf("Now %v", c.Now())
	}
	c.Set(start)
	if !c.Now().Equal(start) {
		t.Errorf("after Set: %v", c.Now())
	}
}

func TestServerClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	c := sandbox.NewManualClock(start)
	sb := sandbox.New(sandbox.WithPrivateKey(testKey), sandbox.WithClock(c))
	sb.Advance(10 * time.Minute)
	c.Advance(time.Minute)
	if want := start.Add(11 * time.Minute); !sb.Now().Equal(want) {
		t.Errorf("Now %v, want %v", sb.Now(), want)
	}
	sb.Advance(-time.Hour) // ignored
	if want := start.Add(11 * time.Minute); !sb.Now().Equal(want) {
		t.Errorf("after a negative Advance: %v", sb.Now())
	}
	// With the default clock, the sandbox follows real time.
	real := sandbox.New(sandbox.WithPrivateKey(testKey))
	if d := time.Since(real.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("default clock is off by %v", d)
	}
}
