package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"abha-deactivate/abdm"
)

// runStatus tells whether the patient's ABHA is active or deactivated: the
// check to make after a deactivation or reactivation whose outcome is unknown.
func runStatus(args []string, std proc) int {
	fs := newFlagSet("status", "Check whether the patient's ABHA is active or deactivated.", std.Err)
	var cf connFlags
	cf.register(fs)
	jsonOut := fs.Bool("json", false, "print one JSON result object on stdout")
	rep := &reporter{std: std, staff: true}
	err := cf.parse(fs, args)
	rep.json = *jsonOut // known even when a later check of the flags failed
	if err != nil {
		return rep.fail(err)
	}
	if cf.mobile != "" {
		return rep.fail(usagef("status takes --abha-number or a patient token, not --mobile"))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	byNumber := cf.abhaNumber != ""
	s, err := openSession(ctx, &cf, std, !byNumber)
	if err != nil {
		return rep.fail(err)
	}
	defer s.close()
	rep.env, rep.log = s.envName, s.rt.log
	if err := s.flow.Connect(ctx); err != nil {
		return rep.fail(err)
	}
	if byNumber {
		return statusByNumber(ctx, std, s, rep)
	}
	return statusByToken(ctx, std, s, rep)
}

// statusByNumber asks ABDM about the ABHA number given, without signing in:
// v2 searches the ABHA; v3, which has no search, asks for a sign-in OTP that
// ABDM refuses at once for a deactivated ABHA.
func statusByNumber(ctx context.Context, std proc, s *session, rep *reporter) int {
	if s.client.Generation() == abdm.V3 {
		fmt.Fprintln(std.Err, "Note: with the v3 APIs, if the ABHA is active ABDM sends the patient a sign-in OTP, which they can ignore.")
	}
	n, _ := abdm.ParseABHA(s.abha)
	rep.patient = &abdm.Profile{ABHANumber: n}
	st, err := s.client.StatusByNumber(ctx, n)
	if err != nil {
		return rep.fail(err)
	}
	settleUnresolved(ctx, std, s, n, st, rep.json)
	return rep.status(st)
}

// statusByToken reads the signed-in patient's profile.
func statusByToken(ctx context.Context, std proc, s *session, rep *reporter) int {
	p, err := s.client.Profile(ctx, s.xToken)
	switch {
	case err == nil:
		rep.patient = &p
		st := abdm.StatusActive
		if p.Status == "DEACTIVATED" {
			st = abdm.StatusDeactivated
		}
		settleUnresolved(ctx, std, s, p.ABHANumber, st, rep.json)
		return rep.status(st)
	case abdm.IsKind(err, abdm.KindAccountInactive):
		return rep.status(abdm.StatusDeactivated)
	case abdm.IsKind(err, abdm.KindPatientToken) && s.client.Generation() == abdm.V3:
		// v3 ends the patient's sign-in when it deactivates the ABHA.
		rep.hint = "With the v3 APIs a deactivation ends the patient's sign-in: check with --abha-number instead."
	}
	return rep.fail(err)
}
