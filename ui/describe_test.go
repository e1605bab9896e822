package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"abha-deactivate/abdm"
)

// TestDescribeCancelled: a request stopped by staff is described in plain
// words (and may still bring an SMS), never as Go's "context canceled"; a
// lost reply to the irreversible call stays "outcome unknown".
func TestDescribeCancelled(t *testing.T) {
	title, detail := describe(fmt.Errorf("open gateway session: %w", context.Canceled))
	if !strings.HasPrefix(title, "Stopped.") || strings.Contains(title+detail, "context canceled") || !strings.Contains(detail, "SMS") {
		t.Errorf("cancelled: %q / %q", title, detail)
	}
	lost := &abdm.Error{Op: "deactivate", Kind: abdm.KindOutcomeUnknown, Err: context.Canceled}
	if title, _ := describe(lost); title != T(abdm.KindOutcomeUnknown.Message()) {
		t.Errorf("a lost reply described as %q", title)
	}
}
