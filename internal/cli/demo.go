package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/ui"
)

// demoServer is the ABDM simulator run inside the app for demo mode, served
// on a loopback port so that the app talks to it over real HTTP.
type demoServer struct {
	sim     *sandbox.Server
	running *sandbox.Running
	creds   sandbox.Credentials
}

// urls returns the simulator's gateway and ABHA (HealthID) base URLs in gen.
func (d *demoServer) urls(gen abdm.Generation) (gateway, service string) {
	if gen == abdm.V2 {
		return d.running.GatewayURL(), d.running.HealthIDURL()
	}
	return d.running.GatewayV3URL(), d.running.ABHAV3URL()
}

// startDemo starts the simulator on 127.0.0.1. Each OTP it sends is written
// to phone (if not nil), as the patient's phone would show it, and passed to
// onOTP (if not nil).
func startDemo(phone io.Writer, log logrus.FieldLogger, onOTP func(sandbox.OTPMessage)) (*demoServer, error) {
	// The 4096-bit key is made when first needed (see warmKey), not while
	// the app starts.
	sim := sandbox.New(sandbox.WithKeyOnDemand(), sandbox.WithOTPListener(func(m sandbox.OTPMessage) {
		if phone != nil {
			what := "deactivate your ABHA"
			switch {
			case strings.HasPrefix(m.Purpose, "login"):
				what = "sign in to ABHA"
			case strings.HasPrefix(m.Purpose, "reactivate"):
				what = "reactivate your ABHA"
			}
			fmt.Fprintf(phone, "[demo phone] SMS to %s: %s is your OTP to %s. Valid for 10 minutes.\n", m.MaskedMobile, m.OTP, what)
		}
		if onOTP != nil {
			onOTP(m)
		}
	}))
	run, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the demo simulator: %w", err)
	}
	log.WithField("url", run.BaseURL()).Info("demo simulator started")
	return &demoServer{sim: sim, running: run, creds: sim.Credentials()}, nil
}

// warmKey makes the simulator's key after delay, in the background, so that
// it is ready when the trainer presses Connect without slowing the start.
func (d *demoServer) warmKey(delay time.Duration) {
	go func() {
		time.Sleep(delay)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = d.sim.KeyReady(ctx)
	}()
}

// patientToken returns a fresh X-Token of the first demo patient who can
// receive an Aadhaar OTP.
func (d *demoServer) patientToken() string {
	for _, a := range d.sim.Accounts() {
		if a.Status == sandbox.StatusActive && a.Note == "normal" {
			if t, err := d.sim.IssueToken(a.ABHANumber); err == nil {
				return t
			}
		}
	}
	return ""
}

// deactivatedPatient returns the ABHA number of the first demo patient who
// is deactivated (for a reactivation demo).
func (d *demoServer) deactivatedPatient() string {
	for _, a := range d.sim.Accounts() {
		if a.Status == sandbox.StatusDeactivated {
			return a.ABHANumber
		}
	}
	return ""
}

// forUI describes the simulator to the wizard.
func (d *demoServer) forUI() *ui.Demo {
	demo := &ui.Demo{URLs: map[abdm.Generation][2]string{},
		ClientID: d.creds.ClientID, ClientSecret: d.creds.ClientSecret, HIPID: d.creds.HIPID}
	for _, g := range abdm.Generations() {
		gw, svc := d.urls(g)
		demo.URLs[g] = [2]string{gw, svc}
	}
	for _, a := range d.sim.Accounts() {
		demo.Patients = append(demo.Patients, ui.DemoPatient{Name: a.Name, ABHANumber: a.ABHANumber, Note: demoNote(a)})
	}
	return demo
}

// demoNote says in plain words what a demo account shows.
func demoNote(a sandbox.Account) string {
	switch {
	case a.Status != sandbox.StatusActive:
		return "deactivated: can be reactivated"
	case a.Note == "normal":
		return "can be deactivated"
	case strings.Contains(a.Note, "benefit"):
		return "linked to a government benefit (v3 refuses)"
	default:
		return "no mobile linked to Aadhaar"
	}
}

func (d *demoServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = d.running.Close(ctx)
}
