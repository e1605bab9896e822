package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"abha-deactivate/abdm"
)

// reactivation is the reactivate command: a deactivated ABHA made active
// again after an OTP. No patient token is needed: a deactivated ABHA cannot
// sign in.
type reactivation struct {
	abha string // the ABHA number to reactivate
}

// runReactivate undoes a deactivation: the patient confirms with an OTP to
// the ABHA's mobile (or the Aadhaar-linked one), read from stdin.
func runReactivate(args []string, std proc) int { return runChange(args, std, &reactivation{}) }

func (a *reactivation) words() changeWords {
	return changeWords{action: abdm.ActionReactivate, otpName: "Reactivation OTP", doing: "Reactivating",
		summary:    "Reactivate a deactivated ABHA after an OTP sent to the patient's mobile.",
		otpDefault: "mobile", otpHelp: "where the reactivation OTP goes: mobile (the ABHA's mobile) or aadhaar (Aadhaar-linked mobile)",
		prompt: "Is this the patient in front of you, and do they want it back? Type YES to send the OTP: "}
}

// register adds no flag: --abha-number, among the shared ones, names the ABHA.
func (a *reactivation) register(*flag.FlagSet) {}

func (a *reactivation) check(cf *connFlags) error {
	if cf.abhaNumber == "" && !cf.demo {
		return usagef("--abha-number is required: the ABHA number to reactivate")
	}
	if cf.mobile != "" || cf.xTokenFile != "" {
		return usagef("reactivate takes --abha-number only: a deactivated ABHA cannot sign in")
	}
	return nil
}

// prepare takes the ABHA number given, or in the demo the demo patient who
// starts deactivated.
func (a *reactivation) prepare(r *changeRun) error {
	a.abha = r.cf.abhaNumber
	if a.abha == "" {
		a.abha = r.s.demo.deactivatedPatient()
	}
	return nil
}

// ready ends the run at once when the ABHA is active: v2 can tell whether
// there is anything to reactivate.
func (a *reactivation) ready(ctx context.Context, r *changeRun) (code int, done bool) {
	switch acc, err := r.s.flow.LookUp(ctx, a.abha); {
	case err == nil && acc.Known && acc.Active():
		r.rep.patient = &abdm.Profile{Name: acc.Name, ABHANumber: acc.ABHANumber, ABHAAddress: acc.ABHAAddress}
		return r.rep.status(abdm.StatusActive), true
	case err == nil && acc.Known:
		fmt.Fprintf(r.std.Err, "Found:        %s, ABHA %s (%s)\n", acc.Name, acc.MaskedABHANumber(), strings.ToLower(acc.Status))
	case err != nil && !abdm.IsKind(err, abdm.KindAccountInactive):
		return r.rep.fail(err), true
	}
	return 0, false
}

// reach connects: a deactivated ABHA cannot sign in, so there is no
// patient to find yet.
func (a *reactivation) reach(ctx context.Context, r *changeRun) error { return r.s.open(ctx, r.std) }

func (a *reactivation) explain(r *changeRun) {
	fmt.Fprintln(r.std.Err, "\nReactivating this ABHA means that the patient can again use it with ABDM apps,")
	fmt.Fprintln(r.std.Err, "share health records through ABDM and show it at a hospital or clinic.")
}

func (a *reactivation) sendOTP(ctx context.Context, r *changeRun) (txnID, maskedMobile string, err error) {
	st, err := r.s.flow.StartReactivation(ctx, a.abha, r.otpMethod)
	return st.TxnID, st.MaskedMobile, err
}

func (a *reactivation) remaining(r *changeRun) int { return r.s.flow.State().Reactivation.Remaining() }

func (a *reactivation) submit(ctx context.Context, r *changeRun, otp string) (abdm.Result, error) {
	return r.s.flow.Reactivate(ctx, otp)
}
