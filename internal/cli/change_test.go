package cli

import (
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// demoPhone is the stderr of an in-process demo run: it keeps what is
// written and, on each demo SMS, types the answers that answer gives for
// its OTP into the run's stdin.
type demoPhone struct {
	mu     sync.Mutex
	buf    strings.Builder
	stdin  *io.PipeWriter
	answer func(otp string) []string
}

var demoOTP = regexp.MustCompile(`\[demo phone\] SMS to \S+: (\d{6}) is your OTP`)

func (p *demoPhone) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	if m := demoOTP.FindSubmatch(b); m != nil {
		lines := p.answer(string(m[1]))
		go func() {
			for _, l := range lines {
				_, _ = io.WriteString(p.stdin, l+"\n")
			}
		}()
	}
	return len(b), nil
}

func (p *demoPhone) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// demoRun runs args in this process against the built-in simulator, typing
// first (if any) at once and then answer's lines for each OTP.
func demoRun(t *testing.T, first []string, answer func(otp string) []string, args ...string) (int, result, string) {
	t.Helper()
	in, stdin := io.Pipe()
	phone := &demoPhone{stdin: stdin, answer: answer}
	go func() {
		for _, l := range first {
			_, _ = io.WriteString(stdin, l+"\n")
		}
	}()
	t.Cleanup(func() { stdin.Close() })
	inProcessEnv(t)
	// The simulator makes its 4096-bit key on the first call: on a busy
	// machine that takes longer than the default time limit of a call.
	args = append(args, "--timeout", "3m")
	var out strings.Builder
	code := Run(args, Stdio{In: in, Out: &out, Err: phone, Getenv: func(string) string { return "" }}, Build{Version: "test"})
	var res result
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s\nstderr:\n%s", err, out.String(), phone.String())
	}
	return code, res, phone.String()
}

// The skeleton runs a deactivation through: the reasons checked, the
// patient found, an OTP typed wrongly formed and then right, the report.
func TestChangeDemoDeactivation(t *testing.T) {
	code, res, errOut := demoRun(t, nil, func(otp string) []string { return []string{"12", otp} },
		"deactivate", "--demo", "--reasons", "101", "--yes", "--json")
	if code != exitOK || res.Outcome != "deactivated" || res.Action != "deactivate" || res.TxnID == "" ||
		len(res.Reasons) != 1 || res.Reasons[0] != "101" || res.Environment != "demo" {
		t.Fatalf("exit %d, %+v\n%s", code, res, errOut)
	}
	for _, want := range []string{"Patient:      Asha Verma", "Reasons:\n  - The patient does not want to use ABHA for now\n",
		"OTP sent to the mobile linked to the patient's Aadhaar (", "The OTP is 6 digits",
		"Deactivating... done."} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// The same skeleton filled in by reactivate: no patient token, the OTP to
// the ABHA's mobile by default.
func TestChangeDemoReactivation(t *testing.T) {
	code, res, errOut := demoRun(t, nil, func(otp string) []string { return []string{otp} },
		"reactivate", "--demo", "--yes", "--json")
	if code != exitOK || res.Outcome != "reactivated" || res.Action != "reactivate" || res.TxnID == "" {
		t.Fatalf("exit %d, %+v\n%s", code, res, errOut)
	}
	for _, want := range []string{"Reactivating this ABHA means", "Reactivation OTP sent to the mobile linked to the ABHA (",
		"Reactivating... done."} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// Anything but YES at the confirmation ends the run before an OTP is sent.
func TestChangeCancelledBeforeTheOTP(t *testing.T) {
	for _, args := range [][]string{
		{"deactivate", "--demo", "--reasons", "101", "--json"},
		{"reactivate", "--demo", "--json"},
	} {
		code, res, errOut := demoRun(t, []string{"no"}, func(string) []string { return nil }, args...)
		if code != exitFailure || res.Outcome != "cancelled" || res.TxnID != "" || strings.Contains(errOut, "[demo phone] SMS") {
			t.Errorf("%v: exit %d, %+v\n%s", args, code, res, errOut)
		}
	}
}

// A reactivation of an ABHA that v2 finds active ends before the
// confirmation, with its status.
func TestChangeReactivateActiveABHA(t *testing.T) {
	code, res, errOut := demoRun(t, nil, func(string) []string { return nil },
		"reactivate", "--demo", "--api", "v2", "--abha-number", asha, "--json")
	if code != exitOK || res.Outcome != "active" || res.Patient == nil || strings.Contains(errOut, "Type YES") {
		t.Fatalf("exit %d, %+v\n%s", code, res, errOut)
	}
}

// Reasons the catalogue does not know are refused once the session is
// open, before anything is sent.
func TestChangeUnknownReason(t *testing.T) {
	code, res, errOut := demoRun(t, nil, func(string) []string { return nil },
		"deactivate", "--demo", "--reasons", "999", "--yes", "--json")
	if code != exitUsage || res.Outcome != "usage" || strings.Contains(errOut, "Connecting") {
		t.Fatalf("exit %d, %+v\n%s", code, res, errOut)
	}
}

// The reasons are shown by their labels, never by their codes: "others"
// is "Another reason" with the note typed.
func TestChangeReasonsByLabel(t *testing.T) {
	_, _, errOut := demoRun(t, nil, func(otp string) []string { return []string{otp} },
		"deactivate", "--demo", "--reasons", "101,others", "--other-reason", "moving abroad", "--yes", "--json")
	reasons := errOut[strings.Index(errOut, "Reasons:"):]
	reasons = reasons[:strings.Index(reasons, "\n  - Another reason: moving abroad\n")+1]
	if !strings.Contains(reasons, "  - The patient does not want to use ABHA for now\n") ||
		strings.Contains(reasons, "101") || strings.Contains(reasons, "others") {
		t.Errorf("reasons shown as:\n%s\nall stderr:\n%s", reasons, errOut)
	}
}
