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
	"abha-deactivate/storage/secrets"
)

// warmEvery is how often a connected front end renews its session and key
// ahead of expiry (see abdm.Client.KeepWarm).
const warmEvery = 30 * time.Second

// Consequences of a deactivation, as the patient must hear them.
var consequences = []string{
	"cannot use ABDM apps (such as the ABHA app) with this ABHA,",
	"cannot share health records through ABDM,",
	"cannot show this ABHA at a hospital or clinic.",
}

// session is a connected flow for one patient, built from flags, settings,
// the keyring and, in demo mode, the built-in simulator.
type session struct {
	rt        *runtimeEnv
	flow      *abdm.Flow
	client    *abdm.Client
	xToken    string // a pasted token; empty when the patient signs in
	abha      string // the ABHA number or address to sign in with
	login     abdm.LoginMethod
	envName   string // sandbox, production, custom or demo
	catalogue abdm.Catalogue
	secret    string
	keyring   *secrets.Session
	fromRing  bool
	demo      *demoServer
}

func (s *session) close() {
	if s.demo != nil {
		s.demo.close()
	}
	s.rt.closeLog()
}

// openSession prepares everything up to a connected flow, but makes no call.
func openSession(ctx context.Context, cf *connFlags, std stdio) (*session, error) {
	rt, err := openRuntime(std, cf.logLevel, cf.overrides())
	if err != nil {
		return nil, err
	}
	s := &session{rt: rt, envName: rt.settings.Environment, abha: cf.abhaNumber,
		keyring: secrets.NewSession(secrets.NewKeyring(keyringTimeout))}
	s.login, _ = parseLoginMethod(cf.loginMethod) // checked by parse
	fail := func(err error) (*session, error) { s.close(); return nil, err }
	if s.catalogue, err = rt.catalogue(); err != nil {
		return fail(err)
	}
	set := rt.settings
	if cf.demo {
		if s.demo, err = startDemo(std.err, rt.log, nil); err != nil {
			return fail(err)
		}
		set.Environment, set.GatewayURL, set.HealthIDURL = "custom", s.demo.gatewayURL, s.demo.healthIDURL
		set.ClientID, set.HIPID, s.secret = s.demo.creds.ClientID, s.demo.creds.HIPID, s.demo.creds.ClientSecret
		set.ProxyURL, set.CABundle = "", ""
		s.envName = "demo"
		if s.abha == "" {
			s.xToken = s.demo.patientToken()
		}
		fmt.Fprintln(std.err, "Demo: simulated ABDM, no real accounts. OTPs appear here as [demo phone] lines.")
	} else {
		if s.abha == "" {
			if s.xToken, err = readXToken(cf, std); err != nil {
				return fail(err)
			}
		}
		if set.ClientID == "" {
			return fail(usagef("no client ID: give --client-id or save it in Settings"))
		}
		if s.secret, s.fromRing, err = clientSecret(ctx, std, s.keyring, set.ClientID, rt.log); err != nil {
			return fail(err)
		}
	}
	rt.redact.Add(s.secret)
	rt.redact.Add(s.xToken)
	if s.client, _, err = newClient(set, s.secret, cf.timeout, rt); err != nil {
		return fail(err)
	}
	journal := newJournal(rt, s.envName, s.client.ClientID(), s.client.HIPID(), s.catalogue)
	s.flow = abdm.NewFlow(s.client, abdm.WithJournal(journal), abdm.WithCatalogue(s.catalogue))
	return s, nil
}

// connect opens the gateway session and finds the patient: by signing
// them in with an OTP (--abha-number) or from a pasted token.
func (s *session) connect(ctx context.Context, std stdio, in *lines) (abdm.Profile, error) {
	fmt.Fprintf(std.err, "Connecting to ABDM (%s)... ", s.envName)
	if err := s.flow.Connect(ctx); err != nil {
		fmt.Fprintln(std.err, "failed.")
		return abdm.Profile{}, err
	}
	fmt.Fprintln(std.err, "connected.")
	var (
		p   abdm.Profile
		err error
	)
	if s.abha != "" {
		p, err = s.signIn(ctx, std, in)
	} else {
		p, err = s.flow.LoadPatient(ctx, s.xToken)
	}
	if err != nil {
		return abdm.Profile{}, err
	}
	fmt.Fprintf(std.err, "Patient:      %s\nABHA number:  %s\nABHA address: %s\n", p.Name, p.MaskedABHANumber(), p.ABHAAddress)
	return p, nil
}

// signIn finds the ABHA, sends the patient a sign-in OTP and reads it from
// stdin, asking again after a wrong one while attempts remain.
func (s *session) signIn(ctx context.Context, std stdio, in *lines) (abdm.Profile, error) {
	a, err := s.flow.LookUp(ctx, s.abha)
	if err != nil {
		return abdm.Profile{}, err
	}
	fmt.Fprintf(std.err, "Found:        %s, ABHA %s (%s)\n", a.Name, a.MaskedABHANumber(), strings.ToLower(a.Status))
	si, err := s.flow.StartSignIn(ctx, s.login)
	if err != nil {
		return abdm.Profile{}, err
	}
	where := "the mobile linked to the patient's Aadhaar"
	if s.login == abdm.LoginMobileOTP {
		where = "the mobile linked to the ABHA"
	}
	fmt.Fprintf(std.err, "Sign-in OTP sent to %s (%s).\n", where, si.MaskedMobile)
	return readOTP(ctx, std, in, s.rt, "Enter the patient's 6-digit sign-in OTP: ", func(otp string) (abdm.Profile, error) {
		return s.flow.FinishSignIn(ctx, otp)
	}, func() int { return s.flow.State().SignIn.Remaining() })
}

// readOTP asks for an OTP until submit accepts it, a wrong OTP has no
// attempts left, or another error ends it.
func readOTP[T any](ctx context.Context, std stdio, in *lines, rt *runtimeEnv, prompt string,
	submit func(otp string) (T, error), remaining func() int) (T, error) {
	var zero T
	for {
		code, err := in.ask(ctx, std.err, prompt)
		if err != nil {
			return zero, fmt.Errorf("OTP entry: %w", err)
		}
		if !abdm.IsOTP(code) {
			fmt.Fprintln(std.err, "The OTP is 6 digits, for example 123456. Please enter it again.")
			continue
		}
		rt.redact.Add(code)
		res, err := submit(code)
		if err == nil {
			return res, nil
		}
		if abdm.IsKind(err, abdm.KindWrongOTP) {
			if left := remaining(); left > 0 {
				fmt.Fprintf(std.err, "The OTP does not match. %d attempt(s) left.\n", left)
				continue
			}
		}
		return zero, err
	}
}

func runDeactivate(args []string, std stdio) int {
	fs := newFlagSet("deactivate", "Deactivate a patient's ABHA after an OTP sent to the patient's Aadhaar-linked mobile.", std.err)
	var cf connFlags
	cf.register(fs)
	reasons := fs.String("reasons", "", "reason codes, comma-separated, e.g. 101,104,others (required)")
	note := fs.String("other-reason", "", "free text for the reason \"others\" (kept in the local audit trail only)")
	yes := fs.Bool("yes", false, "do not ask for a typed confirmation")
	jsonOut := fs.Bool("json", false, "print one JSON result object on stdout")
	remember := fs.Bool("remember-secret", false, "save the client secret in the system keyring once ABDM accepts it")
	otpMethodFlag := fs.String("otp-method", "aadhaar", "where the deactivation OTP goes: aadhaar (Aadhaar-linked mobile) or mobile (the ABHA's mobile)")
	rep := &reporter{std: std}
	err := cf.parse(fs, args)
	rep.json = *jsonOut // known even when a later check of the flags failed
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
	s, err := openSession(ctx, &cf, std)
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
	fmt.Fprintln(std.err, "Reasons:")
	for _, c := range codes {
		r, _ := s.catalogue.Lookup(c)
		fmt.Fprintf(std.err, "  %s  %s\n", c, r.English)
	}
	if !*yes {
		answer, err := in.ask(ctx, std.err, "\nIs this the patient in front of you, and do they want to deactivate? Type YES to send the OTP: ")
		if err != nil {
			return rep.fail(fmt.Errorf("confirmation: %w", err))
		}
		if !strings.EqualFold(answer, "yes") {
			return rep.cancelled("Cancelled: nothing was sent to the patient.")
		}
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
	fmt.Fprintf(std.err, "OTP sent to %s (%s). It is valid for %d minutes.\n", where, otp.MaskedMobile, int(abdm.OTPValidity/time.Minute))
	res, err := readOTP(ctx, std, in, s.rt, "Enter the 6-digit OTP the patient received: ", func(code string) (abdm.Result, error) {
		fmt.Fprint(std.err, "Deactivating... ")
		res, err := s.flow.Deactivate(ctx, code, codes, *note)
		if err != nil {
			fmt.Fprintln(std.err, "not done.")
		} else {
			fmt.Fprintln(std.err, "done.")
		}
		return res, err
	}, func() int { return s.flow.State().OTP.Remaining() })
	if err != nil {
		return rep.fail(err)
	}
	return rep.deactivated(res)
}

// rememberSecret saves the client secret, now proven good, in the keyring.
func (s *session) rememberSecret(ctx context.Context, std stdio) {
	err := s.keyring.Set(ctx, s.client.ClientID(), s.secret)
	switch {
	case err == nil:
		fmt.Fprintln(std.err, "The client secret is saved in the system keyring.")
	case s.keyring.SessionOnly():
		fmt.Fprintln(std.err, "The system keyring is not available, so the client secret was not saved; it is kept only for this run.")
	default:
		fmt.Fprintln(std.err, "The client secret could not be saved in the system keyring:", err)
	}
}
