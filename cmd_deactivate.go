package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"abha-deactivate/abdm"
)

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

func runDeactivate(args []string, std stdio) int {
	fs := newFlagSet("deactivate", "Deactivate a patient's ABHA after an OTP sent to the patient's Aadhaar-linked mobile.", std.err)
	var cf connFlags
	cf.register(fs)
	var rf receiptFlags
	rf.register(fs)
	reasons := fs.String("reasons", "", "reason codes, comma-separated, e.g. 101,104,others (required)")
	note := fs.String("other-reason", "", "free text for the reason \"others\" (kept in the local audit trail only)")
	yes := fs.Bool("yes", false, "do not ask for a typed confirmation")
	jsonOut := fs.Bool("json", false, "print one JSON result object on stdout")
	remember := fs.Bool("remember-secret", false, "save the client secret in the system keyring once ABDM accepts it")
	otpMethodFlag := fs.String("otp-method", "aadhaar", "where the deactivation OTP goes: aadhaar (Aadhaar-linked mobile) or mobile (the ABHA's mobile)")
	rep := &reporter{std: std, action: abdm.ActionDeactivate}
	err := cf.parse(fs, args)
	rep.json = *jsonOut // known even when a later check of the flags failed
	if err == nil {
		err = rf.check()
	}
	if err != nil {
		return rep.fail(err)
	}
	otpMethod, err := parseOTPMethod(*otpMethodFlag)
	if err != nil {
		return rep.fail(err)
	}
	if strings.TrimSpace(*reasons) == "" {
		return rep.fail(usagef("--reasons is required, e.g. --reasons 101 or --reasons 101,104,others"))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := openSession(ctx, &cf, std, true)
	if err != nil {
		return rep.fail(err)
	}
	defer s.close()
	rep.env = s.envName
	codes, err := s.catalogue.Check(strings.Split(*reasons, ","))
	if err != nil {
		return rep.fail(usageError{err.Error()})
	}
	rep.reasons = codes

	in := newLines(std.in)
	p, err := s.connect(ctx, std, in)
	if err != nil {
		if abdm.IsKind(err, abdm.KindAccountInactive) {
			rep.hint = reactivateHint(s.flow.State().Reactivation.Account, cf.abhaNumber)
		}
		return rep.fail(err)
	}
	rep.patient = &p
	// The OTP may take minutes to arrive and be typed: keep the session and
	// key fresh meanwhile, so that deactivate is one request.
	go s.client.KeepWarm(ctx, warmEvery)
	if *remember && !cf.demo && !s.fromRing {
		s.rememberSecret(ctx, std)
	}

	fmt.Fprintln(std.err, "\nDeactivating this ABHA means that, until it is reactivated, the patient:")
	for _, c := range consequences {
		fmt.Fprintln(std.err, "  -", c)
	}
	fmt.Fprintln(std.err, "The patient can reactivate it later (abha-deactivate reactivate, or the ABHA app).")
	fmt.Fprintln(std.err, "Reasons:")
	for _, c := range codes {
		r, _ := s.catalogue.Lookup(c)
		fmt.Fprintf(std.err, "  %s  %s\n", c, r.English)
	}
	if code, stop := confirmed(ctx, std, in, rep, *yes, "\nIs this the patient in front of you, and do they want to deactivate? Type YES to send the OTP: "); stop {
		return code
	}

	otp, err := s.flow.RequestOTP(ctx, otpMethod)
	if err != nil {
		return rep.fail(err)
	}
	rep.txnID = otp.TxnID
	where := "the mobile linked to the patient's Aadhaar"
	if otpMethod == abdm.OTPMobile {
		where = "the mobile linked to the ABHA"
	}
	fmt.Fprintf(std.err, "OTP sent to %s (%s). It is valid for %d minutes.\n", where, orUnknown(otp.MaskedMobile), int(abdm.OTPValidity/time.Minute))
	res, err := readOTP(ctx, std, in, s.rt, "Enter the 6-digit OTP the patient received: ", func(code string) (abdm.Result, error) {
		return saying(std, "Deactivating", func() (abdm.Result, error) { return s.flow.Deactivate(ctx, code, codes, *note) })
	}, func() int { return s.flow.State().OTP.Remaining() })
	if err != nil {
		return rep.fail(err)
	}
	return s.finish(ctx, std, &rf, rep, res, rep.deactivated)
}
