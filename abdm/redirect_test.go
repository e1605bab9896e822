package abdm

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
)

// TestRedirectAfterSignInIsNotAnOTPRefusal: a redirect on the sign-in's
// confirmation or on the profile read after it is reported as a redirect,
// never as a refused OTP, and no OTP attempt is counted.
func TestRedirectAfterSignInIsNotAnOTPRefusal(t *testing.T) {
	for _, call := range []string{callLoginDone, callProfile} {
		for _, status := range []int{301, 307} {
			t.Run(call+"/"+http3xx(status), func(t *testing.T) {
				e := newTestEnv(t, withGen(V3))
				e.connect()
				ctx := context.Background()
				if _, err := e.flow.LookUp(ctx, patientAsha); err != nil {
					t.Fatal(err)
				}
				if _, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP); err != nil {
					t.Fatal(err)
				}
				e.sim.SetFault(e.route(call), sandbox.Fault{Status: status, Body: `{"message":"moved"}`})
				_, err := e.flow.FinishSignIn(ctx, e.lastOTP())
				wantKind(t, err, KindRedirect)
				if IsOTPRefusal(err) {
					t.Errorf("a redirect counts as a refused OTP: %v", err)
				}
				if n := e.flow.State().SignIn.Attempts; n != 0 {
					t.Errorf("%d OTP attempts counted for a redirect", n)
				}
				if !strings.Contains(KindRedirect.Message(), "redirect") {
					t.Errorf("message %q does not say it was a redirect", KindRedirect.Message())
				}
			})
		}
	}
}

// TestRedirectOnDeactivateIsOutcomeUnknown: a redirect in answer to the
// irreversible call is not a refusal. The request may have been passed on,
// so the outcome is unknown, recorded so, and nothing is sent again.
func TestRedirectOnDeactivateIsOutcomeUnknown(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		j := &memJournal{}
		e := newTestEnv(t, withGen(gen), withJournal(j))
		e.connect()
		e.toOTPSent(patientAsha)
		e.sim.SetFault(e.route(callDeactivate), sandbox.Fault{Status: 307})
		_, err := e.flow.Deactivate(context.Background(), e.lastOTP(), []string{"101"}, "")
		wantKind(t, err, KindOutcomeUnknown)
		if got := j.statuses(); len(got) != 1 || got[0] != OutcomeUnknown {
			t.Errorf("journal outcomes %v, want [%s]", got, OutcomeUnknown)
		}
		if n := e.count(callDeactivate); n != 1 {
			t.Errorf("the irreversible call was sent %d times", n)
		}
		if st := e.flow.State().Step; st != StepOutcomeUnknown {
			t.Errorf("step %v, want %v", st, StepOutcomeUnknown)
		}
	})
}

func http3xx(status int) string { return map[int]string{301: "301", 307: "307"}[status] }

// depthBomb is a 20 KB error body of nested arrays.
func depthBomb() []byte { return bytes.Repeat([]byte("["), 10000) }

// TestParseDepthBomb: nested arrays give no code or message (only a top-level
// array of objects is read).
func TestParseDepthBomb(t *testing.T) {
	body := append(depthBomb(), bytes.Repeat([]byte("]"), 10000)...)
	if code, msg := ParseErrorBody(body); code != "" || msg != "" {
		t.Errorf("ParseErrorBody(bomb) = %q, %q", code, msg)
	}
	if code, msg := ParseErrorBody([]byte(`[{"code":"HIS-2022","message":"Wrong OTP"}]`)); code != "HIS-2022" || msg != "Wrong OTP" {
		t.Errorf("an array of one error gave %q, %q", code, msg)
	}
}

// BenchmarkParseDepthBomb reports how long classifying a 20 KB body of
// nested arrays takes against a flat error body padded to the same size, as
// parse_bomb_ratio (linear parsing keeps it near 1; it was about 5 s per
// bomb, thousands of times a flat body, when each level was read again).
func BenchmarkParseDepthBomb(b *testing.B) {
	bomb := append(depthBomb(), bytes.Repeat([]byte("]"), 10000)...)
	flat := []byte(`{"code":"HIS-2022","message":"` + strings.Repeat("x", len(bomb)-40) + `"}`)
	timeOf := func(body []byte) time.Duration {
		start := time.Now()
		for range b.N {
			ParseErrorBody(body)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	bombT, flatT := timeOf(bomb), timeOf(flat)
	b.ReportMetric(float64(bombT)/float64(flatT), "parse_bomb_ratio")
	b.ReportMetric(float64(bombT.Microseconds())/float64(b.N), "bomb_us/op")
}

// TestHostileCodeAndMessageAreEscaped: ABDM's code and message, whatever
// bytes a server puts in them, come out with controls, escapes and
// bidirectional characters escaped.
func TestHostileCodeAndMessageAreEscaped(t *testing.T) {
	e := newTestEnv(t, withGen(V3))
	e.connect()
	ctx := context.Background()
	if _, err := e.flow.LookUp(ctx, patientAsha); err != nil {
		t.Fatal(err)
	}
	body := `{"code":"X\u001b[2J\u009b31m","message":"evil\u001b]0;pwned\u0007 \u202eRLO \u200fRLM \u2066LRI"}`
	e.sim.SetFault(e.route(callLoginOTP), sandbox.Fault{Status: 400, Body: body})
	_, err := e.flow.StartSignIn(ctx, LoginAadhaarOTP)
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v", err)
	}
	for _, s := range []string{ae.Code, ae.ABDMText, err.Error()} {
		for _, r := range s {
			if r == 0x1b || r == 0x07 || r == 0x9b || r == 0x202e || r == 0x200f || r == 0x2066 {
				t.Errorf("%q holds %U raw", s, r)
			}
		}
	}
	if !strings.Contains(ae.Code, `\x1b`) || !strings.Contains(ae.ABDMText, `\u202e`) {
		t.Errorf("code %q, message %q: not shown escaped", ae.Code, ae.ABDMText)
	}
}
