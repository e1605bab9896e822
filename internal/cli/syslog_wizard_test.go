package cli

import (
	"context"
	"io"
	"path/filepath"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// wizardChanges makes n changes as the wizard does, in this process: the
// runtime, client and journal are built by the functions gui.go's options
// use (newClient, newJournal: the real audit Journal with the forwarder),
// and the abdm.Flow is driven through the steps the wizard's screens call
// (look up, sign in, OTP, deactivate; then reactivate). Fyne is not needed
// for that: the wizard's screens only call these methods.
func (s *syslogRun) wizardChanges(n int) {
	t := s.t
	t.Helper()
	for k, v := range map[string]string{"HOME": s.home, "XDG_CONFIG_HOME": filepath.Join(s.home, "config"),
		"XDG_DATA_HOME": filepath.Join(s.home, "data"), "XDG_CACHE_HOME": filepath.Join(s.home, "cache")} {
		t.Setenv(k, v)
	}
	gw, svc := s.sim.urls()
	o := settings.Overrides{Environment: settings.String("custom"), APIVersion: settings.String(s.sim.api),
		GatewayURL: settings.String(gw), HealthIDURL: settings.String(svc), ClientID: settings.String(s.sim.info["client-id"]),
		HIPID:          settings.String(s.sim.info["hip-id"]),
		AuditOverrides: settings.AuditOverrides{AuditSyslog: settings.String(s.url), AuditSyslogCA: settings.String(s.ca)}}
	rt, err := openRuntime(proc{Stdio: Stdio{Out: io.Discard, Err: io.Discard}}, "warn", o)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.closeLog()
	defer rt.finishForwarding() // as runGUI does when the window closes
	cat, err := rt.catalogue()
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := newClient(rt.settings, s.sim.info["client-secret"], abdm.DefaultCallTimeout, rt)
	if err != nil {
		t.Fatal(err)
	}
	flow := abdm.NewFlow(c, abdm.WithJournal(rt.forwarded(newJournal(rt, "custom", c, cat))), abdm.WithCatalogue(cat))
	ctx := context.Background()
	if err := flow.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		abha := s.patients[(i/2)%len(s.patients)]
		if i%2 == 0 {
			s.wizardDeactivate(ctx, flow, abha)
		} else {
			s.wizardReactivate(ctx, flow, abha)
		}
		s.sim.admin("POST", "clock", `{"advance":"2m"}`)
		if err := flow.NextPatient(); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *syslogRun) wizardDeactivate(ctx context.Context, flow *abdm.Flow, abha string) {
	t := s.t
	t.Helper()
	if _, err := flow.LookUp(ctx, abha); err != nil {
		t.Fatalf("look up %s: %v", abha, err)
	}
	if _, err := flow.StartSignIn(ctx, abdm.LoginAadhaarOTP); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if _, err := flow.FinishSignIn(ctx, s.sim.otp()); err != nil {
		t.Fatalf("sign-in OTP: %v", err)
	}
	if _, err := flow.RequestOTP(ctx, abdm.OTPAadhaar); err != nil {
		t.Fatalf("deactivation OTP: %v", err)
	}
	if res, err := flow.Deactivate(ctx, s.sim.otp(), []string{"101"}, ""); err != nil || res.ID == "" {
		t.Fatalf("deactivate %s: %+v %v", abha, res, err)
	}
}

func (s *syslogRun) wizardReactivate(ctx context.Context, flow *abdm.Flow, abha string) {
	t := s.t
	t.Helper()
	if _, err := flow.StartReactivation(ctx, abha, abdm.OTPMobile); err != nil {
		t.Fatalf("start reactivation: %v", err)
	}
	if res, err := flow.Reactivate(ctx, s.sim.otp()); err != nil {
		t.Fatalf("reactivate %s: %+v %v", abha, res, err)
	}
}
