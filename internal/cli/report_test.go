package cli

import (
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm"
)

// An ABDM error in text mode: ABDM's code and words in one bracket, the
// wait, what to do, the check after an unknown outcome, and the hint.
func TestABDMErrorText(t *testing.T) {
	cases := []struct {
		e     abdm.Error
		hint  string
		wants []string
		not   []string
	}{
		{e: abdm.Error{Kind: abdm.KindWrongOTP, Code: "HIS-1", ABDMText: "Invalid OTP"},
			wants: []string{" (ABDM code HIS-1: Invalid OTP)\n", "\nWhat to do: "}, not: []string{"Wait ", "To check:"}},
		{e: abdm.Error{Kind: abdm.KindWrongOTP, Code: "HIS-1"}, wants: []string{" (ABDM code HIS-1)\n"}},
		{e: abdm.Error{Kind: abdm.KindWrongOTP, ABDMText: "Invalid OTP"}, wants: []string{" (Invalid OTP)\n"}},
		{e: abdm.Error{Kind: abdm.KindRateLimited, RetryAfter: 30 * time.Second}, wants: []string{"\nWait 30s before trying again.\n"}},
		{e: abdm.Error{Kind: abdm.KindOutcomeUnknown}, hint: "Try this.",
			wants: []string{"To check: abha-deactivate status", "settings).\nTry this.\n"}},
	}
	for _, c := range cases {
		text := abdmErrorText(&c.e, c.hint)
		if !strings.HasPrefix(text, "\n"+c.e.Message()) {
			t.Errorf("%+v: %q does not start with the message", c.e, text)
		}
		for _, w := range c.wants {
			if !strings.Contains(text, w) {
				t.Errorf("%+v: %q lacks %q", c.e, text, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(text, n) {
				t.Errorf("%+v: %q has %q", c.e, text, n)
			}
		}
	}
}
