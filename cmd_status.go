package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"abha-deactivate/abdm"
)

// runStatus tells whether the patient's ABHA is active or deactivated: the
// check to make after a deactivation whose outcome is unknown.
func runStatus(args []string, std stdio) int {
	fs := newFlagSet("status", "Check whether the patient's ABHA is active or deactivated (read-only).", std.err)
	var cf connFlags
	cf.register(fs)
	jsonOut := fs.Bool("json", false, "print one JSON result object on stdout")
	rep := &reporter{std: std}
	err := cf.parse(fs, args)
	rep.json = *jsonOut // known even when a later check of the flags failed
	if err != nil {
		return rep.fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := openSession(ctx, &cf, std)
	if err != nil {
		return rep.fail(err)
	}
	defer s.close()
	rep.env = s.envName
	if s.abha != "" {
		// A search tells the status without signing the patient in.
		if err := s.flow.Connect(ctx); err != nil {
			return rep.fail(err)
		}
		a, err := s.client.Search(ctx, s.abha)
		if err != nil {
			return rep.fail(err)
		}
		rep.patient = &abdm.Profile{Name: a.Name, ABHANumber: a.ABHANumber, ABHAAddress: a.ABHAAddress}
		if a.Active() {
			return rep.status(abdm.StatusActive)
		}
		return rep.status(abdm.StatusDeactivated)
	}
	if err := s.flow.Connect(ctx); err != nil {
		return rep.fail(err)
	}
	p, err := s.client.Profile(ctx, s.xToken)
	switch {
	case err == nil:
		rep.patient = &p
		return rep.status(abdm.StatusActive)
	case abdm.IsKind(err, abdm.KindAccountInactive):
		return rep.status(abdm.StatusDeactivated)
	}
	return rep.fail(err)
}
