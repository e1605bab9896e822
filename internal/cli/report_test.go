package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

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

// The reporter of a staff command never shows Go's error text: a stopped
// request is "Stopped." (and may still bring the OTP when it was an OTP
// request), an error with no words of its own is an "Unexpected problem"
// with what to do, its details in the log only; an expired sign-in is said
// without ABDM's token words.
func TestReporterPlainWords(t *testing.T) {
	log, hook := logtest.NewNullLogger()
	run := func(err error) string {
		var out, errOut bytes.Buffer
		rep := &reporter{std: proc{Stdio: Stdio{Out: &out, Err: &errOut}}, staff: true, log: log}
		rep.fail(err)
		return errOut.String()
	}
	if got := run(fmt.Errorf("open gateway session: %w", context.Canceled)); got != "\nStopped.\n" {
		t.Errorf("stopped: %q", got)
	}
	otp := &abdm.StoppedError{Op: "request OTP", OTPSend: true, Err: context.Canceled}
	if got := run(otp); !strings.Contains(got, "ABDM may already have sent the OTP") || strings.Contains(got, "canceled") {
		t.Errorf("stopped OTP request: %q", got)
	}
	got := run(fmt.Errorf("write state: %w", errors.New("disk quota exceeded")))
	if !strings.Contains(got, "Unexpected problem.") || !strings.Contains(got, "What to do: ") || strings.Contains(got, "quota") {
		t.Errorf("unexpected: %q", got)
	}
	if e := hook.LastEntry(); e == nil || !strings.Contains(fmt.Sprint(e.Data[logrus.ErrorKey]), "disk quota exceeded") {
		t.Errorf("the details are not in the log: %+v", e)
	}
	if got := run(usagef("--reasons is required")); !strings.Contains(got, "--reasons is required") {
		t.Errorf("a usage error lost its words: %q", got)
	}
	expired := &abdm.Error{Op: "deactivate ABHA", Status: 401, Code: "ABDM-1094", ABDMText: "X-token expired", Kind: abdm.KindPatientToken}
	if got := run(expired); strings.Contains(strings.ToLower(got), "token") || !strings.Contains(got, "sign in again") {
		t.Errorf("expired sign-in: %q", got)
	}
	restricted := &abdm.Error{Op: "deactivate ABHA", Status: 403, Code: "ABDM-1094",
		ABDMText: "Access to this feature is restricted", Kind: abdm.KindFeatureRestricted}
	if got := run(restricted); !strings.Contains(got, "NHA has not enabled it for this facility's client ID") ||
		!strings.Contains(got, "not a wrong OTP or a network problem") {
		t.Errorf("feature restricted: %q", got)
	}
}
