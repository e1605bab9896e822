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

// runReactivate undoes a deactivation: the patient confirms with an OTP to
// the ABHA's mobile (or the Aadhaar-linked one), read from stdin. No patient
// token is needed: a deactivated ABHA cannot sign in.
func runReactivate(args []string, std stdio) int {
	fs := newFlagSet("reactivate", "Reactivate a deactivated ABHA after an OTP sent to the patient's mobile.", std.err)
	var cf connFlags
	cf.register(fs)
	var rf receiptFlags
	rf.register(fs)
	yes := fs.Bool("yes", false, "do not ask for a typed confirmation")
	jsonOut := fs.Bool("json", false, "print one JSON result object on stdout")
	remember := fs.Bool("remember-secret", false, "save the client secret in the system keyring once ABDM accepts it")
	otpMethodFlag := fs.String("otp-method", "mobile", "where the reactivation OTP goes: mobile (the ABHA's mobile) or aadhaar (Aadhaar-linked mobile)")
	rep := &reporter{std: std, action: abdm.ActionReactivate}
	err := cf.parse(fs, args)
	rep.json = *jsonOut
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
	if cf.abhaNumber == "" && !cf.demo {
		return rep.fail(usagef("--abha-number is required: the ABHA number to reactivate"))
	}
	if cf.mobile != "" || cf.xTokenFile != "" {
		return rep.fail(usagef("reactivate takes --abha-number only: a deactivated ABHA cannot sign in"))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := openSession(ctx, &cf, std, false)
	if err != nil {
		return rep.fail(err)
	}
	defer s.close()
	rep.env = s.envName
	abha := cf.abhaNumber
	if abha == "" {
		abha = s.demo.deactivatedPatient() // --demo: the demo patient who starts deactivated
	}
	in := newLines(std.in)
	if err := s.open(ctx, std); err != nil {
		return rep.fail(err)
	}
	go s.client.KeepWarm(ctx, warmEvery)
	if *remember && !cf.demo && !s.fromRing {
		s.rememberSecret(ctx, std)
	}
	// v2 can tell at once whether there is anything to reactivate.
	switch a, err := s.flow.LookUp(ctx, abha); {
	case err == nil && a.Known && a.Active():
		rep.patient = &abdm.Profile{Name: a.Name, ABHANumber: a.ABHANumber, ABHAAddress: a.ABHAAddress}
		return rep.status(abdm.StatusActive)
	case err == nil && a.Known:
		fmt.Fprintf(std.err, "Found:        %s, ABHA %s (%s)\n", a.Name, a.MaskedABHANumber(), strings.ToLower(a.Status))
	case err != nil && !abdm.IsKind(err, abdm.KindAccountInactive):
		return rep.fail(err)
	}

	fmt.Fprintln(std.err, "\nReactivating this ABHA means that the patient can again use it with ABDM apps,")
	fmt.Fprintln(std.err, "share health records through ABDM and show it at a hospital or clinic.")
	if code, stop := confirmed(ctx, std, in, rep, *yes, "Is this the patient in front of you, and do they want it back? Type YES to send the OTP: "); stop {
		return code
	}
	st, err := s.flow.StartReactivation(ctx, abha, otpMethod)
	if err != nil {
		return rep.fail(err)
	}
	rep.txnID = st.TxnID
	where := "the mobile linked to the ABHA"
	if otpMethod == abdm.OTPAadhaar {
		where = "the mobile linked to the patient's Aadhaar"
	}
	fmt.Fprintf(std.err, "Reactivation OTP sent to %s (%s). It is valid for %d minutes.\n", where, orUnknown(st.MaskedMobile), int(abdm.OTPValidity/time.Minute))
	res, err := readOTP(ctx, std, in, s.rt, "Enter the 6-digit OTP the patient received: ", func(code string) (abdm.Result, error) {
		return saying(std, "Reactivating", func() (abdm.Result, error) { return s.flow.Reactivate(ctx, code) })
	}, func() int { return s.flow.State().Reactivation.Remaining() })
	if err != nil {
		return rep.fail(err)
	}
	return s.finish(ctx, std, &rf, rep, res, rep.reactivated)
}
