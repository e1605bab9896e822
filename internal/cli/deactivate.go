package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"abha-deactivate/abdm"
	"abha-deactivate/internal/safetext"
)

// Consequences of a deactivation, as the patient must hear them.
var consequences = []string{
	"cannot use ABDM apps (such as the ABHA app) with this ABHA,",
	"cannot share health records through ABDM,",
	"cannot show this ABHA at a hospital or clinic.",
}

// deactivation is the deactivate command: a signed-in patient's ABHA
// deactivated for the reasons given, after an OTP.
type deactivation struct {
	reasons string   // --reasons, as typed
	note    string   // --other-reason
	codes   []string // the reasons, checked against the catalogue
}

// runDeactivate deactivates the patient's ABHA after an OTP sent to the
// patient, read from stdin.
func runDeactivate(args []string, std proc) int { return runChange(args, std, &deactivation{}) }

func (d *deactivation) words() changeWords {
	return changeWords{action: abdm.ActionDeactivate, needPatient: true, otpName: "OTP", doing: "Deactivating",
		summary:    "Deactivate a patient's ABHA after an OTP sent to the patient's Aadhaar-linked mobile.",
		otpDefault: "aadhaar", otpHelp: "where the deactivation OTP goes: aadhaar (Aadhaar-linked mobile) or mobile (the ABHA's mobile)",
		prompt: "\nIs this the patient in front of you, and do they want to deactivate? Type YES to send the OTP: "}
}

func (d *deactivation) register(fs *flag.FlagSet) {
	fs.StringVar(&d.reasons, "reasons", "", "reason codes, comma-separated, e.g. 101,104,others (required)")
	fs.StringVar(&d.note, "other-reason", "", "free text for the reason \"others\" (kept in the local audit trail only)")
}

func (d *deactivation) check(*connFlags) error {
	if strings.TrimSpace(d.reasons) == "" {
		return usagef("--reasons is required, e.g. --reasons 101 or --reasons 101,104,others")
	}
	return nil
}

// prepare checks the reasons against the catalogue in effect.
func (d *deactivation) prepare(r *changeRun) error {
	codes, err := r.s.catalogue.Check(strings.Split(d.reasons, ","))
	if err != nil {
		return usageError{err.Error()}
	}
	d.codes, r.rep.reasons = codes, codes
	return nil
}

// reach connects and finds the patient. An ABHA already deactivated gets
// the command that reactivates it as a hint.
func (d *deactivation) reach(ctx context.Context, r *changeRun) error {
	p, err := r.s.connect(ctx, r.std, r.in)
	if err != nil {
		if abdm.IsKind(err, abdm.KindAccountInactive) {
			r.rep.hint = reactivateHint(r.s.flow.State().Reactivation.Account, r.cf.abhaNumber)
		}
		return err
	}
	r.rep.patient = &p
	return nil
}

// ready lets the deactivation go on: the patient was found signed in.
func (d *deactivation) ready(context.Context, *changeRun) (code int, done bool) { return 0, false }

func (d *deactivation) explain(r *changeRun) {
	w := r.std.Err
	fmt.Fprintln(w, "\nDeactivating this ABHA means that, until it is reactivated, the patient:")
	for _, c := range consequences {
		fmt.Fprintln(w, "  -", c)
	}
	fmt.Fprintln(w, "The patient can reactivate it later (abha-deactivate reactivate, or the ABHA app).")
	fmt.Fprintln(w, "Reasons:")
	for _, c := range d.codes {
		fmt.Fprintf(w, "  - %s\n", reasonLabel(r.s.catalogue, c, d.note))
	}
}

func (d *deactivation) sendOTP(ctx context.Context, r *changeRun) (txnID, maskedMobile string, err error) {
	otp, err := r.s.flow.RequestOTP(ctx, r.otpMethod)
	return otp.TxnID, otp.MaskedMobile, err
}

func (d *deactivation) remaining(r *changeRun) int { return r.s.flow.State().OTP.Remaining() }

func (d *deactivation) submit(ctx context.Context, r *changeRun, otp string) (abdm.Result, error) {
	return r.s.flow.Deactivate(ctx, otp, d.codes, d.note)
}

// reactivateHint is the command that reactivates a, for a report. The ABHA
// number stays masked: reports never carry it whole.
func reactivateHint(a abdm.Account, typed string) string {
	n := a.ABHANumber
	if n == "" {
		n = typed
	}
	if n == "" {
		return ""
	}
	return "To reactivate it: abha-deactivate reactivate --abha-number ABHA_NUMBER (this ABHA, " +
		abdm.MaskABHANumber(n) + ") with the same connection flags."
}

// reasonLabel is the reason code by its label, never its code: "Another
// reason" with the note typed for the free-text one.
func reasonLabel(cat abdm.Catalogue, code, note string) string {
	r, ok := cat.Lookup(code)
	switch {
	case !ok:
		return code
	case r.FreeText && strings.TrimSpace(note) != "":
		return "Another reason: " + safetext.Lines(strings.TrimSpace(note))
	case r.FreeText:
		return "Another reason"
	}
	return r.English
}
