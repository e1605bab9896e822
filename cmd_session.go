package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/receipt"
	"abha-deactivate/storage/secrets"
	"abha-deactivate/ui"
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
	mobile    string // v3: the mobile number to sign in with
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
// needPatient says whether the command acts for a signed-in patient (a token,
// or --abha-number / --mobile to sign in); reactivation does not.
func openSession(ctx context.Context, cf *connFlags, std stdio, needPatient bool) (*session, error) {
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
	signsIn := s.abha != "" || s.mobile != ""
	if cf.demo {
		if s.demo, err = startDemo(std.err, rt.log, nil); err != nil {
			return fail(err)
		}
		if !cf.set["api"] {
			set.APIVersion = string(abdm.DefaultGeneration) // the demo shows the current APIs unless told
		}
		set.Environment = "custom"
		set.GatewayURL, set.HealthIDURL = s.demo.urls(set.Generation())
		set.ClientID, set.HIPID, s.secret = s.demo.creds.ClientID, s.demo.creds.HIPID, s.demo.creds.ClientSecret
		set.ProxyURL, set.CABundle = "", ""
		s.envName = "demo"
		if !signsIn && needPatient {
			s.xToken = s.demo.patientToken()
		}
		fmt.Fprintln(std.err, "Demo: simulated ABDM, no real accounts. OTPs appear here as [demo phone] lines.")
	} else {
		if !signsIn && needPatient {
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
	journal := newJournal(rt, s.envName, s.client, s.catalogue)
	s.flow = abdm.NewFlow(s.client, abdm.WithJournal(journal), abdm.WithCatalogue(s.catalogue))
	return s, nil
}

// open opens the gateway session and fetches the key, saying so on stderr.
func (s *session) open(ctx context.Context, std stdio) error {
	fmt.Fprintf(std.err, "Connecting to ABDM (%s, API %s)... ", s.envName, s.client.Generation())
	if err := s.flow.Connect(ctx); err != nil {
		fmt.Fprintln(std.err, "failed.")
		return err
	}
	fmt.Fprintln(std.err, "connected.")
	return nil
}

// connect opens the gateway session and finds the patient: by signing
// them in with an OTP (--abha-number, --mobile) or from a pasted token.
func (s *session) connect(ctx context.Context, std stdio, in *lines) (abdm.Profile, error) {
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
	fmt.Fprintf(std.err, "Patient:      %s\nABHA number:  %s\nABHA address: %s\n", p.Name, p.MaskedABHANumber(), p.ABHAAddress)
	if who := whoLine(p); who != "" {
		fmt.Fprintf(std.err, "              %s\n", who)
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
func (s *session) signIn(ctx context.Context, std stdio, in *lines) (abdm.Profile, error) {
	typed := s.abha
	if s.mobile != "" {
		typed = s.mobile
	}
	a, err := s.flow.LookUp(ctx, typed)
	if err != nil {
		return abdm.Profile{}, err
	}
	if a.Known {
		fmt.Fprintf(std.err, "Found:        %s, ABHA %s (%s)\n", a.Name, a.MaskedABHANumber(), strings.ToLower(a.Status))
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
	fmt.Fprintf(std.err, "Sign-in OTP sent to %s (%s).\n", where, orUnknown(si.MaskedMobile))
	p, err := readOTP(ctx, std, in, s.rt, "Enter the patient's 6-digit sign-in OTP: ", func(otp string) (abdm.Profile, error) {
		return s.flow.FinishSignIn(ctx, otp)
	}, func() int { return s.flow.State().SignIn.Remaining() })
	if errors.Is(err, abdm.ErrChooseAccount) {
		return s.choose(ctx, std, in)
	}
	return p, err
}

// choose asks which of the ABHAs on a mobile number is the patient's.
func (s *session) choose(ctx context.Context, std stdio, in *lines) (abdm.Profile, error) {
	accounts := s.flow.State().SignIn.Accounts
	if s.abha != "" {
		return s.flow.ChooseAccount(ctx, s.abha)
	}
	fmt.Fprintln(std.err, "Several ABHAs are linked to this mobile number:")
	for i, a := range accounts {
		fmt.Fprintf(std.err, "  %d. %s, ABHA %s (%s)\n", i+1, a.Name, a.MaskedABHANumber(), strings.ToLower(a.Status))
	}
	for {
		answer, err := in.ask(ctx, std.err, fmt.Sprintf("Which is the patient's? Enter 1-%d: ", len(accounts)))
		if err != nil {
			return abdm.Profile{}, fmt.Errorf("choose the ABHA: %w", err)
		}
		n, err := strconv.Atoi(answer)
		if err != nil || n < 1 || n > len(accounts) {
			fmt.Fprintf(std.err, "Enter a number from 1 to %d.\n", len(accounts))
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

// readOTP asks for an OTP until submit accepts it, a refused OTP has no
// attempts left, or another error ends it. A refusal this tool does not
// know (an unknown ABDM code) is shown and the OTP asked again, as a wrong
// one is: it never ends the run while attempts remain.
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
		if abdm.IsOTPRefusal(err) {
			if left := remaining(); left > 0 {
				fmt.Fprintf(std.err, "%s %d attempt(s) left.\n", refusalText(err), left)
				continue
			}
		}
		return zero, err
	}
}

// confirmed asks staff to type YES before an OTP is sent, unless yes (the
// --yes flag) says they did already. stop is true, with the exit code, when
// they did not: nothing has been sent then.
func confirmed(ctx context.Context, std stdio, in *lines, rep *reporter, yes bool, prompt string) (code int, stop bool) {
	if yes {
		return 0, false
	}
	answer, err := in.ask(ctx, std.err, prompt)
	if err != nil {
		return rep.fail(fmt.Errorf("confirmation: %w", err)), true
	}
	if !strings.EqualFold(answer, "yes") {
		return rep.cancelled("Cancelled: nothing was sent to the patient."), true
	}
	return 0, false
}

// saying runs the call that changes the ABHA, saying on stderr what it does
// ("Deactivating... done.") while it runs.
func saying(std stdio, doing string, call func() (abdm.Result, error)) (abdm.Result, error) {
	fmt.Fprint(std.err, doing+"... ")
	res, err := call()
	if err != nil {
		fmt.Fprintln(std.err, "not done.")
	} else {
		fmt.Fprintln(std.err, "done.")
	}
	return res, err
}

// refusalText says why ABDM refused an OTP, in one line.
func refusalText(err error) string {
	var e *abdm.Error
	if !errors.As(err, &e) || e.Kind == abdm.KindWrongOTP {
		return "The OTP does not match (or has expired)."
	}
	text := "ABDM refused the OTP"
	if e.Code != "" {
		text += " (code " + e.Code + ")"
	}
	if e.ABDMText != "" {
		text += ": " + e.ABDMText
	}
	return text + ". Check it with the patient and enter it again."
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

// receiptFlags are the flags of the patient's receipt, for the commands that
// change an ABHA.
type receiptFlags struct {
	path string // --receipt: where to save it; empty for none
	lang string // --lang: en, hi, or "" for the settings' language
}

func (f *receiptFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "receipt", "", "once it is done, save the patient's receipt (a one-page PDF) to this file")
	fs.StringVar(&f.lang, "lang", "", "language of the receipt: en or hi (default: the language in Settings, else the system's)")
}

// check refuses, before anything is sent, a language it does not know and
// a receipt that could not be saved where asked.
func (f *receiptFlags) check() error {
	switch f.lang {
	case "", receipt.English, receipt.Hindi:
	default:
		return usagef("--lang must be en or hi")
	}
	if f.path == "" {
		return nil
	}
	dir := filepath.Dir(f.path)
	probe, err := os.CreateTemp(dir, ".abha-receipt-check-*")
	if err != nil {
		return usagef("--receipt: cannot write a file in %s: %v", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// finish reports a done change with report, after saving the patient's
// receipt when --receipt asks for one. A receipt that cannot be saved is a
// warning: the change is done, and the exit code says so.
func (s *session) finish(ctx context.Context, std stdio, rf *receiptFlags, rep *reporter, res abdm.Result, report func(abdm.Result) int) int {
	if rf.path == "" {
		return report(res)
	}
	path, err := s.saveReceipt(ctx, std, rf, res)
	if err != nil {
		s.rt.log.WithError(err).Warn("receipt not saved")
		fmt.Fprintf(std.err, "Warning: the %s is done, but the patient's receipt could not be saved: %v\n"+
			"Give the patient the transaction ID (%s) instead.\n", actionNoun(res.Action), err, res.TxnID)
		return report(res)
	}
	rep.receipt = path
	code := report(res)
	if !rep.json {
		fmt.Fprintf(std.out, "Receipt saved: %s\n", path)
	}
	return code
}

// saveReceipt saves res's receipt and returns its absolute path.
func (s *session) saveReceipt(ctx context.Context, std stdio, rf *receiptFlags, res abdm.Result) (string, error) {
	path, err := filepath.Abs(rf.path)
	if err != nil {
		return "", fmt.Errorf("receipt path: %w", err)
	}
	m, err := ui.NewReceiptMaker()
	if err != nil {
		return "", err
	}
	choice := rf.lang
	if choice == "" {
		choice = s.rt.settings.Language
	}
	d := m.FromResult(res, s.catalogue, receipt.PickLanguage(choice, std.getenv))
	d.HIPID, d.Environment, d.Version = s.client.HIPID(), s.envName, version
	return path, m.Save(ctx, path, d)
}

func actionNoun(a abdm.Action) string {
	if a == abdm.ActionReactivate {
		return "reactivation"
	}
	return "deactivation"
}
