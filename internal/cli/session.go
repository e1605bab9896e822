package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/secrets"
	"abha-deactivate/storage/settings"
)

// warmEvery is how often a connected front end renews its session and key
// ahead of expiry (see abdm.Client.KeepWarm).
const warmEvery = 30 * time.Second

// session is a connected flow for one patient, built from flags, settings,
// the keyring and, in demo mode, the built-in simulator.
type session struct {
	rt        *runtimeEnv
	flow      *abdm.Flow
	client    *abdm.Client
	xToken    string // a pasted token; empty when the patient signs in
	abha      string // the ABHA number or address to sign in with
	mobile    string // v3: the mobile number to sign in with
	login     abdm.LoginMethod
	envName   string // sandbox, production, custom or demo
	catalogue abdm.Catalogue
	secret    string
	keyring   *secrets.Session
	fromRing  bool
	demo      *demoServer
	journal   abdm.Journal // the flow's audit trail writer (it wakes the forwarder)
}

func (s *session) close() {
	if s.demo != nil {
		s.demo.close()
	}
	s.rt.finishForwarding() // after the outcome was shown; bounded by flushWait
	s.rt.closeLog()
}

// openSession prepares everything up to a connected flow, but makes no call.
// needPatient says whether the command acts for a signed-in patient (a token,
// or --abha-number / --mobile to sign in); reactivation does not.
func openSession(ctx context.Context, cf *connFlags, std proc, needPatient bool) (*session, error) {
	rt, err := openRuntime(std, cf.logLevel, cf.overrides())
	if err != nil {
		return nil, err
	}
	s := &session{rt: rt, envName: rt.settings.Environment, abha: cf.abhaNumber, mobile: cf.mobile,
		keyring: secrets.NewSession(secrets.NewKeyring(keyringTimeout))}
	s.login, _ = parseLoginMethod(cf.loginMethod) // checked by parse
	fail := func(err error) (*session, error) { s.close(); return nil, err }
	if s.catalogue, err = rt.catalogue(); err != nil {
		return fail(err)
	}
	set := rt.settings
	needToken := needPatient && s.abha == "" && s.mobile == ""
	if cf.demo {
		err = s.useDemo(std, cf, &set, needToken)
	} else {
		err = s.useCredentials(ctx, std, cf, set, needToken)
	}
	if err != nil {
		return fail(err)
	}
	rt.redact.Add(s.secret)
	rt.redact.Add(s.xToken)
	if s.client, _, err = newClient(set, s.secret, cf.timeout, rt); err != nil {
		return fail(err)
	}
	s.journal = rt.forwarded(newJournal(rt, s.envName, s.client, s.catalogue))
	s.flow = abdm.NewFlow(s.client, abdm.WithJournal(s.journal), abdm.WithCatalogue(s.catalogue))
	return s, nil
}

// useDemo starts the simulator and points set at it, with its credentials
// and, when the command needs one, a demo patient's token.
func (s *session) useDemo(std proc, cf *connFlags, set *settings.Settings, needToken bool) error {
	d, err := startDemo(std.Err, s.rt.log, nil)
	if err != nil {
		return err
	}
	s.demo = d
	cf.demoDefaults(set, cf.set)
	set.Environment = "custom"
	set.GatewayURL, set.HealthIDURL = d.urls(set.Generation())
	set.ClientID, set.HIPID, s.secret = d.creds.ClientID, d.creds.HIPID, d.creds.ClientSecret
	set.ProxyURL, set.CABundle = "", ""
	s.envName = "demo"
	if needToken {
		s.xToken = d.patientToken()
	}
	fmt.Fprintln(std.Err, "Demo: simulated ABDM, no real accounts. OTPs appear here as [demo phone] lines.")
	return nil
}

// useCredentials reads the patient's token when the command needs one, and
// the client secret for set's client ID.
func (s *session) useCredentials(ctx context.Context, std proc, cf *connFlags, set settings.Settings, needToken bool) error {
	var err error
	if needToken {
		if s.xToken, err = readXToken(cf, std); err != nil {
			return err
		}
	}
	if set.ClientID == "" {
		return usagef("no client ID: give --client-id or save it in Settings")
	}
	s.secret, s.fromRing, err = clientSecret(ctx, std, s.keyring, set.ClientID, s.rt.log)
	return err
}

// open opens the gateway session and fetches the key, saying so on stderr.
func (s *session) open(ctx context.Context, std proc) error {
	fmt.Fprintf(std.Err, "Connecting to ABDM (%s, API %s)... ", s.envName, s.client.Generation())
	if err := s.flow.Connect(ctx); err != nil {
		fmt.Fprintln(std.Err, "failed.")
		return err
	}
	fmt.Fprintln(std.Err, "connected.")
	return nil
}

// connect opens the gateway session and finds the patient: by signing
// them in with an OTP (--abha-number, --mobile) or from a pasted token.
func (s *session) connect(ctx context.Context, std proc, in *lines) (abdm.Profile, error) {
	if err := s.open(ctx, std); err != nil {
		return abdm.Profile{}, err
	}
	var (
		p   abdm.Profile
		err error
	)
	if s.abha != "" || s.mobile != "" {
		p, err = s.signIn(ctx, std, in)
	} else {
		p, err = s.flow.LoadPatient(ctx, s.xToken)
	}
	if err != nil {
		return abdm.Profile{}, err
	}
	fmt.Fprintf(std.Err, "Patient:      %s\nABHA number:  %s\nABHA address: %s\n", p.Name, p.MaskedABHANumber(), p.ABHAAddress)
	if who := whoLine(p); who != "" {
		fmt.Fprintf(std.Err, "              %s\n", who)
	}
	return p, nil
}

// whoLine is "Female, born 1988": what helps staff check the person.
func whoLine(p abdm.Profile) string {
	var parts []string
	if g := p.GenderWord(); g != "" {
		parts = append(parts, g)
	}
	if p.YearOfBirth != "" {
		parts = append(parts, "born "+p.YearOfBirth)
	}
	return strings.Join(parts, ", ")
}

// signIn finds the ABHA, sends the patient a sign-in OTP and reads it from
// stdin, asking again after a refused one while attempts remain. A mobile
// number with several ABHAs asks which (or takes --abha-number).
func (s *session) signIn(ctx context.Context, std proc, in *lines) (abdm.Profile, error) {
	typed := s.abha
	if s.mobile != "" {
		typed = s.mobile
	}
	a, err := s.flow.LookUp(ctx, typed)
	if err != nil {
		return abdm.Profile{}, err
	}
	if a.Known {
		fmt.Fprintf(std.Err, "Found:        %s, ABHA %s (%s)\n", a.Name, a.MaskedABHANumber(), strings.ToLower(a.Status))
	}
	si, err := s.flow.StartSignIn(ctx, s.login)
	if err != nil {
		return abdm.Profile{}, err
	}
	where := "the mobile linked to the patient's Aadhaar"
	switch {
	case s.mobile != "":
		where = "the mobile number given"
	case s.login == abdm.LoginMobileOTP:
		where = "the mobile linked to the ABHA"
	}
	fmt.Fprintf(std.Err, "Sign-in OTP sent to %s (%s).\n", where, orUnknown(si.MaskedMobile))
	p, err := readOTP(ctx, std, in, s.rt, "Enter the patient's 6-digit sign-in OTP: ", func(otp string) (abdm.Profile, error) {
		return s.flow.FinishSignIn(ctx, otp)
	}, func() int { return s.flow.State().SignIn.Remaining() })
	if errors.Is(err, abdm.ErrChooseAccount) {
		return s.choose(ctx, std, in)
	}
	return p, err
}

// choose asks which of the ABHAs on a mobile number is the patient's.
func (s *session) choose(ctx context.Context, std proc, in *lines) (abdm.Profile, error) {
	accounts := s.flow.State().SignIn.Accounts
	if s.abha != "" {
		return s.flow.ChooseAccount(ctx, s.abha)
	}
	fmt.Fprintln(std.Err, "Several ABHAs are linked to this mobile number:")
	for i, a := range accounts {
		fmt.Fprintf(std.Err, "  %d. %s, ABHA %s (%s)\n", i+1, a.Name, a.MaskedABHANumber(), strings.ToLower(a.Status))
	}
	for {
		answer, err := in.ask(ctx, std.Err, fmt.Sprintf("Which is the patient's? Enter 1-%d: ", len(accounts)))
		if err != nil {
			return abdm.Profile{}, fmt.Errorf("choose the ABHA: %w", err)
		}
		n, err := strconv.Atoi(answer)
		if err != nil || n < 1 || n > len(accounts) {
			fmt.Fprintf(std.Err, "Enter a number from 1 to %d.\n", len(accounts))
			continue
		}
		return s.flow.ChooseAccount(ctx, accounts[n-1].ABHANumber)
	}
}

func orUnknown(masked string) string {
	if masked == "" {
		return "number not shown by ABDM"
	}
	return masked
}

// rememberSecret saves the client secret, now proven good, in the keyring.
func (s *session) rememberSecret(ctx context.Context, std proc) {
	err := s.keyring.Set(ctx, s.client.ClientID(), s.secret)
	switch {
	case err == nil:
		fmt.Fprintln(std.Err, "The client secret is saved in the system keyring.")
	case s.keyring.SessionOnly():
		fmt.Fprintln(std.Err, "The system keyring is not available, so the client secret was not saved; it is kept only for this run.")
	default:
		fmt.Fprintln(std.Err, "The client secret could not be saved in the system keyring:", err)
	}
}
