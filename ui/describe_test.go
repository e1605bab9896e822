package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"abha-deactivate/abdm"
)

// TestDescribeCancelled: a request stopped by staff is described in plain
// words, never as Go's "context canceled": an OTP request that reached ABDM
// may still bring the OTP, anything else is plainly stopped; a lost reply to
// the irreversible call stays "outcome unknown".
func TestDescribeCancelled(t *testing.T) {
	title, detail := describe(fmt.Errorf("open gateway session: %w", context.Canceled))
	if title != T("Stopped.") || detail != "" {
		t.Errorf("cancelled: %q / %q", title, detail)
	}
	otp := fmt.Errorf("send: %w", &abdm.StoppedError{Op: "request OTP", OTPSend: true, Err: context.Canceled})
	title, detail = describe(otp)
	if !strings.HasPrefix(title, "Stopped.") || !strings.Contains(title, "wait for it before sending again") ||
		strings.Contains(title+detail, "context canceled") {
		t.Errorf("cancelled OTP request: %q / %q", title, detail)
	}
	lost := &abdm.Error{Op: "deactivate", Kind: abdm.KindOutcomeUnknown, Err: context.Canceled}
	if title, _ := describe(lost); title != T(abdm.KindOutcomeUnknown.Message()) {
		t.Errorf("a lost reply described as %q", title)
	}
}

// TestDescribeUnexpected: an error with no words of its own is an
// "Unexpected problem" with what to do next; Go's text is not shown.
func TestDescribeUnexpected(t *testing.T) {
	err := fmt.Errorf("open settings: %w", errors.New("unexpected EOF at byte 12"))
	title, detail := describe(err)
	if title != T("Unexpected problem.") || !strings.Contains(detail, T("What to do: ")) ||
		strings.Contains(title+detail, "EOF") || !unexpected(err) {
		t.Errorf("unexpected error: %q / %q", title, detail)
	}
	if unexpected(abdm.ErrBusy) || unexpected(context.Canceled) || unexpected(&abdm.Error{Kind: abdm.KindNetwork}) {
		t.Error("an error with words of its own counted as unexpected")
	}
}

// TestDescribeSignInExpired: an expired sign-in is said without "token",
// whatever ABDM's own words, in English and in Hindi; ABDM-1094 "feature
// restricted" names NHA.
func TestDescribeSignInExpired(t *testing.T) {
	for _, body := range []string{`{"code":"ABDM-1094","message":"X-token expired"}`, `{"message":"X-token expired"}`} {
		code, msg := abdm.ParseErrorBody([]byte(body))
		e := &abdm.Error{Op: "deactivate ABHA", Status: 401, Code: code, ABDMText: msg, Kind: abdm.KindPatientToken}
		title, detail := describe(e)
		if strings.Contains(strings.ToLower(title+detail), "token") {
			t.Errorf("expired sign-in says token: %q / %q", title, detail)
		}
	}
	hi, err := TranslationKeys(LangHindi)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range []string{abdm.KindPatientToken.Message(), abdm.KindPatientToken.NextAction()} {
		if h := hi[en]; h == "" || strings.Contains(h, "टोकन") || strings.Contains(strings.ToLower(h), "token") {
			t.Errorf("Hindi of %q: %q", en, h)
		}
	}
	e := &abdm.Error{Op: "deactivate ABHA", Status: 403, Code: "ABDM-1094", ABDMText: "Access to this feature is restricted",
		Kind: abdm.KindFeatureRestricted}
	if title, detail := describe(e); !strings.Contains(title+detail, "NHA") || !strings.Contains(hi[title], "NHA") {
		t.Errorf("feature restricted: %q / %q (Hindi %q)", title, detail, hi[title])
	}
}

// TestUnexpectedProblemDetailsInTheLog: the wizard logs the details of an
// unexpected problem and of a failed receipt or keyring call, and shows
// none of Go's text.
func TestUnexpectedProblemDetailsInTheLog(t *testing.T) {
	log, hook := logtest.NewNullLogger()
	e := newUIEnv(t, func(o *Options) { o.Log = log })
	err := fmt.Errorf("write receipt: %w", errors.New("no space left on device"))
	e.act(func() {
		title, detail := e.wiz.describe(err)
		shown := e.wiz.problemDetail(err)
		if strings.Contains(title+detail+shown, "no space") || !strings.Contains(shown, T("What to do: ")) {
			t.Errorf("shown: %q / %q / %q", title, detail, shown)
		}
	})
	n := 0
	for _, entry := range hook.AllEntries() {
		if strings.Contains(fmt.Sprint(entry.Data[logrus.ErrorKey]), "no space left on device") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("the details were logged %d times, want 2", n)
	}
}
