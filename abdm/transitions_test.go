package abdm

import (
	"errors"
	"strings"
	"testing"
)

// wantTransitions is the transition table written out by hand: one row per
// op, one column per step (in Step order), and in each cell the step the op
// leads to from that column's step, or "." where an action is refused and
// an answer leaves the step as it is.
const wantTransitions = `
                        disc  conn  pat   otp   deac  unkn  rotp  reac
connect                 conn  conn  pat   otp   deac  .     rotp  reac
identify-the-patient    .     pat   pat   pat   .     .     .     .
look-up-a-patient       .     conn  conn  conn  .     .     conn  .
send-the-sign-in-otp    .     conn  .     .     .     .     .     .
finish-the-sign-in      .     pat   .     .     .     .     .     .
choose-the-patients-abha .    pat   .     .     .     .     .     .
request-an-otp          .     .     otp   otp   .     .     .     .
deactivate              .     .     .     deac  .     .     .     .
send-the-reactivation-otp .   rotp  rotp  rotp  rotp  .     rotp  .
reactivate              .     .     .     .     .     .     reac  .
check-the-status        .     .     pat   otp   deac  unkn  .     reac
start-with-another-patient disc conn conn conn  conn  .     conn  conn
check-later             .     .     .     .     .     conn  .     .
check-an-earlier-attempt .    conn  pat   otp   deac  .     rotp  reac
otp-kept                .     .     otp   .     .     .     .     .
session-refused         disc  disc  disc  disc  disc  .     disc  disc
token-refused           .     conn  conn  conn  conn  .     conn  conn
otp-void                .     .     .     pat   .     .     conn  .
outcome-lost            .     .     .     unkn  .     .     unkn  .
deactivation-found      .     .     .     .     .     deac  .     .
deactivation-not-done   .     .     .     .     .     pat   .     .
reactivation-found      .     .     .     .     .     reac  .     .
reactivation-not-done   .     .     .     .     .     conn  .     .
`

// stepCodes are the column codes of wantTransitions, in Step order.
var stepCodes = []string{"disc", "conn", "pat", "otp", "deac", "unkn", "rotp", "reac"}

// allSteps lists every Step.
var allSteps = []Step{StepDisconnected, StepConnected, StepPatient, StepOTPSent, StepDeactivated,
	StepOutcomeUnknown, StepReactivationOTPSent, StepReactivated}

// parseWantTransitions reads wantTransitions into op -> from -> to, keyed
// by the op's row name.
func parseWantTransitions(t *testing.T) map[string]map[Step]Step {
	t.Helper()
	code := map[string]Step{}
	for i, c := range stepCodes {
		code[c] = allSteps[i]
	}
	out := map[string]map[Step]Step{}
	lines := strings.Split(strings.TrimSpace(wantTransitions), "\n")
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) != len(allSteps)+1 {
			t.Fatalf("row %q has %d cells, want %d", line, len(f)-1, len(allSteps))
		}
		row := map[Step]Step{}
		for i, cell := range f[1:] {
			if cell == "." {
				continue
			}
			to, ok := code[cell]
			if !ok {
				t.Fatalf("row %q: unknown step %q", f[0], cell)
			}
			row[allSteps[i]] = to
		}
		out[f[0]] = row
	}
	return out
}

// rowName is the op's name as a row of wantTransitions names it.
func rowName(o flowOp) string {
	return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(o.String(), " ", "-"), "'", ""))
}

func TestTransitionTableIsComplete(t *testing.T) {
	want := parseWantTransitions(t)
	if len(want) != int(numOps) {
		t.Fatalf("the expected table has %d rows, want one per op (%d)", len(want), numOps)
	}
	if len(allSteps) != len(stepNames) {
		t.Fatalf("allSteps lists %d steps, stepNames %d", len(allSteps), len(stepNames))
	}
	for o := flowOp(0); o < numOps; o++ {
		if _, ok := want[rowName(o)]; !ok {
			t.Errorf("no expected row for %q", rowName(o))
		}
	}
}

// TestTransitions tries every action at every step: begin either allows it,
// and the success leads to the expected step, or refuses it with the
// step's error.
func TestTransitions(t *testing.T) {
	want := parseWantTransitions(t)
	for o := flowOp(0); o < numActions; o++ {
		for _, at := range allSteps {
			next, ok := want[rowName(o)][at]
			f := &Flow{step: at}
			err := f.begin(o)
			switch {
			case ok && err != nil:
				t.Errorf("%s at %s: refused with %v, want allowed", o, at, err)
			case ok:
				if !f.busy {
					t.Errorf("%s at %s: allowed but not busy", o, at)
				}
				f.move(o)
				if f.step != next {
					t.Errorf("%s at %s: leads to %s, want %s", o, at, f.step, next)
				}
			default:
				checkRefusal(t, o, at, err)
				if f.busy || f.step != at {
					t.Errorf("%s at %s: refused but busy=%v, step %s", o, at, f.busy, f.step)
				}
			}
		}
	}
}

// checkRefusal checks that err is how step at refuses the action o.
func checkRefusal(t *testing.T, o flowOp, at Step, err error) {
	t.Helper()
	var stepErr *StepError
	switch {
	case o == opDeactivate && at == StepDeactivated:
		if !errors.Is(err, ErrAlreadyDeactivated) {
			t.Errorf("%s at %s: %v, want ErrAlreadyDeactivated", o, at, err)
		}
	case o == opReactivate && at == StepReactivated:
		if !errors.Is(err, ErrAlreadyReactivated) {
			t.Errorf("%s at %s: %v, want ErrAlreadyReactivated", o, at, err)
		}
	case !errors.As(err, &stepErr):
		t.Errorf("%s at %s: %v, want a StepError", o, at, err)
	case stepErr.At != at || stepErr.Action != o.String():
		t.Errorf("%s at %s: StepError{%q, %s}, want {%q, %s}", o, at, stepErr.Action, stepErr.At, o.String(), at)
	}
}

// TestAnswers applies every answer at every step: it leads to the expected
// step, or leaves the step where the table lists none.
func TestAnswers(t *testing.T) {
	want := parseWantTransitions(t)
	for o := numActions; o < numOps; o++ {
		for _, at := range allSteps {
			next, ok := want[rowName(o)][at]
			if !ok {
				next = at
			}
			f := &Flow{step: at}
			f.move(o)
			if f.step != next {
				t.Errorf("%s at %s: leads to %s, want %s", o, at, f.step, next)
			}
		}
	}
}

// TestBeginBusy refuses every action, at every step, while a call runs.
func TestBeginBusy(t *testing.T) {
	for o := flowOp(0); o < numActions; o++ {
		for _, at := range allSteps {
			f := &Flow{step: at, busy: true}
			if err := f.begin(o); !errors.Is(err, ErrBusy) {
				t.Errorf("%s at %s while busy: %v, want ErrBusy", o, at, err)
			}
		}
	}
}

// TestNextPatientFollowsTable checks that NextPatient, which does not go
// through begin, moves and refuses as the table says.
func TestNextPatientFollowsTable(t *testing.T) {
	want := parseWantTransitions(t)[rowName(opNextPatient)]
	for _, at := range allSteps {
		f := &Flow{step: at}
		err := f.NextPatient()
		next, ok := want[at]
		switch {
		case ok && (err != nil || f.step != next):
			t.Errorf("NextPatient at %s: %v, step %s; want nil, step %s", at, err, f.step, next)
		case !ok:
			checkRefusal(t, opNextPatient, at, err)
		}
	}
}
