package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm"
	"abha-deactivate/assets"
	"abha-deactivate/storage/logs"
	"abha-deactivate/storage/paths"
	"abha-deactivate/storage/secrets"
	"abha-deactivate/storage/settings"
)

// Environment variables the commands read.
const (
	envClientSecret = "ABDM_CLIENT_SECRET"
	envXToken       = "ABHA_X_TOKEN"
)

// keyringTimeout bounds a keyring call, which can hang on an unlock prompt.
const keyringTimeout = 10 * time.Second

// usageError is a problem with the command line; it exits with exitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// connFlags are the flags of every command that talks to ABDM.
type connFlags struct {
	env, api, gatewayURL, healthIDURL string
	clientID, hipID                   string
	proxy, caBundle                   string
	xTokenFile                        string
	abhaNumber                        string // sign the patient in instead of reading a token
	mobile                            string // v3: sign the patient in by mobile number
	loginMethod                       string
	logLevel                          string
	timeout                           time.Duration
	demo                              bool
	set                               map[string]bool // flags given on the command line
}

func (c *connFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.env, "env", "", "ABDM environment: sandbox, production or custom (default: from settings)")
	fs.StringVar(&c.api, "api", "", "ABDM API generation: v3 (current) or v2 (legacy) (default: from settings, else v3)")
	fs.StringVar(&c.gatewayURL, "gateway-url", "", "gateway base URL, e.g. https://dev.abdm.gov.in/api/hiecm/gateway (v3) (implies --env custom)")
	fs.StringVar(&c.healthIDURL, "healthid-url", "", "ABHA service base URL, e.g. https://abhasbx.abdm.gov.in/abha/api (v3), or the v2 HealthID base (implies --env custom)")
	fs.StringVar(&c.clientID, "client-id", "", "the facility's ABDM client ID (default: from settings)")
	fs.StringVar(&c.hipID, "hip-id", "", "the facility's HIP ID, sent as X-HIP-ID by v2 and kept in the audit trail (default: from settings)")
	fs.StringVar(&c.proxy, "proxy", "", "proxy URL for this run (default: from settings, else HTTPS_PROXY)")
	fs.StringVar(&c.caBundle, "ca-bundle", "", "PEM file of extra CA certificates for this run")
	fs.StringVar(&c.xTokenFile, "x-token-file", "", "file holding the patient's X-Token (else env "+envXToken+")")
	fs.StringVar(&c.abhaNumber, "abha-number", "", "sign the patient in with this ABHA number (v2 also: ABHA address) and an OTP, instead of a token")
	fs.StringVar(&c.mobile, "mobile", "", "v3: sign the patient in with this mobile number and an OTP to it (the patient chooses among the ABHAs on it)")
	fs.StringVar(&c.loginMethod, "login-method", "aadhaar", "with --abha-number: where the sign-in OTP goes: aadhaar (Aadhaar-linked mobile) or mobile (the ABHA's mobile)")
	fs.StringVar(&c.logLevel, "log-level", "warn", "log detail on stderr: debug, info, warn or error")
	fs.DurationVar(&c.timeout, "timeout", abdm.DefaultCallTimeout, "time limit of each call to ABDM")
	fs.BoolVar(&c.demo, "demo", false, "use the built-in ABDM simulator and a demo patient (no network, no real accounts)")
}

// overrides turns the flags that were given into settings overrides.
func (c *connFlags) overrides() settings.Overrides {
	var o settings.Overrides
	pick := func(name, v string) *string {
		if c.set[name] {
			return settings.String(v)
		}
		return nil
	}
	o.Environment = pick("env", c.env)
	o.APIVersion = pick("api", c.api)
	o.GatewayURL = pick("gateway-url", c.gatewayURL)
	o.HealthIDURL = pick("healthid-url", c.healthIDURL)
	o.ClientID = pick("client-id", c.clientID)
	o.HIPID = pick("hip-id", c.hipID)
	o.ProxyURL = pick("proxy", c.proxy)
	o.CABundle = pick("ca-bundle", c.caBundle)
	return o
}

// parseFlags parses args into fs and returns the names of the flags given.
func parseFlags(fs *flag.FlagSet, args []string) (map[string]bool, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given, nil
}

// parse parses the flags of a command that talks to ABDM.
func (c *connFlags) parse(fs *flag.FlagSet, args []string) error {
	given, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	c.set = given
	if c.timeout <= 0 {
		return usagef("--timeout must be positive")
	}
	if c.abhaNumber != "" {
		if _, err := abdm.ParseABHA(c.abhaNumber); err != nil {
			return usagef("--abha-number: %v", err)
		}
	}
	if c.mobile != "" {
		if id, err := abdm.ParsePatientID(c.mobile); err != nil || id.Kind != abdm.IDMobile {
			return usagef("--mobile: give the patient's 10-digit mobile number")
		}
	}
	ways := 0
	for _, v := range []string{c.abhaNumber, c.mobile, c.xTokenFile} {
		if v != "" {
			ways++
		}
	}
	if ways > 1 && !(c.mobile != "" && c.abhaNumber != "" && c.xTokenFile == "") {
		return usagef("give one of --abha-number, --mobile or --x-token-file (with --mobile, --abha-number picks among the ABHAs on it)")
	}
	if c.api != "" {
		if _, err := abdm.ParseGeneration(c.api); err != nil {
			return usageError{err.Error()}
		}
	}
	if _, err := parseLoginMethod(c.loginMethod); err != nil {
		return err
	}
	return nil
}

// parseLoginMethod reads --login-method.
func parseLoginMethod(s string) (abdm.LoginMethod, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "aadhaar", "":
		return abdm.LoginAadhaarOTP, nil
	case "mobile":
		return abdm.LoginMobileOTP, nil
	}
	return "", usagef("--login-method must be aadhaar or mobile")
}

// parseOTPMethod reads --otp-method.
func parseOTPMethod(s string) (abdm.OTPMethod, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "aadhaar", "":
		return abdm.OTPAadhaar, nil
	case "mobile":
		return abdm.OTPMobile, nil
	}
	return "", usagef("--otp-method must be aadhaar or mobile")
}

// newFlagSet returns a flag set that prints its usage to w.
func newFlagSet(name, summary string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: abha-deactivate %s [flags]\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// runtimeEnv is what every command shares: folders, settings, logging.
type runtimeEnv struct {
	dirs     paths.Dirs
	settings settings.Settings
	log      *logrus.Logger
	redact   *logs.Redactor
	closeLog func() error
	warning  string // a settings problem to show the user, if any
}

// openRuntime loads settings (with the flag overrides), sets up logging and
// reports a settings warning on stderr.
func openRuntime(std stdio, logLevel string, o settings.Overrides) (*runtimeEnv, error) {
	dirs, err := paths.Default()
	if err != nil {
		return nil, fmt.Errorf("find the app's folders: %w", err)
	}
	if err := o.Check(); err != nil {
		return nil, usageError{err.Error()}
	}
	redact := logs.Secrets
	log, closeLog, err := logs.Setup(logs.Options{Level: logLevel, File: dirs.LogFile(), Stderr: std.err, Redactor: redact})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	store := settings.NewStore(dirs.SettingsFile())
	s, warn, err := store.Load()
	if err != nil {
		closeLog()
		return nil, fmt.Errorf("load settings: %w", err)
	}
	rt := &runtimeEnv{dirs: dirs, settings: s.With(o), log: log, redact: redact, closeLog: closeLog}
	if warn != nil {
		fmt.Fprintln(std.err, "Warning:", warn.Message)
		log.Warn(warn.Message)
		rt.warning = warn.Message
	}
	return rt, nil
}

// catalogue returns the built-in reason catalogue merged with the
// facility's override file, if there is one.
func (r *runtimeEnv) catalogue() (abdm.Catalogue, error) {
	cat, err := abdm.ParseCatalogue(assets.ReasonsJSON)
	if err != nil {
		return abdm.Catalogue{}, fmt.Errorf("built-in reasons: %w", err)
	}
	data, err := os.ReadFile(r.dirs.ReasonsOverrideFile())
	switch {
	case errors.Is(err, os.ErrNotExist):
		return cat, nil
	case err != nil:
		r.log.WithError(err).Warn("reason override file unreadable; using the built-in reasons")
		return cat, nil
	}
	extra, err := abdm.ParseCatalogue(data)
	if err != nil {
		r.log.WithError(err).Warn("reason override file invalid; using the built-in reasons")
		return cat, nil
	}
	return cat.Merge(extra), nil
}

// readXToken takes the patient's token from --x-token-file, else the environment.
func readXToken(c *connFlags, std stdio) (string, error) {
	if c.xTokenFile != "" {
		f, err := os.Open(c.xTokenFile)
		if err != nil {
			return "", usagef("read the X-Token file: %v", err)
		}
		defer f.Close()
		data, err := io2ReadLimited(f, 64<<10)
		if err != nil {
			return "", usagef("read the X-Token file: %v", err)
		}
		return abdm.NormalizeToken(string(data)), nil
	}
	if t := abdm.NormalizeToken(std.getenv(envXToken)); t != "" {
		return t, nil
	}
	return "", usagef("no patient: give --abha-number to sign the patient in, or a token with --x-token-file or %s", envXToken)
}

func io2ReadLimited(r io.Reader, n int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > n {
		return nil, errors.New("the file is too large for a token")
	}
	return data, nil
}

// clientSecret takes the client secret from the environment, else the system
// keyring, else a no-echo prompt on a terminal. fromKeyring says where it came from.
func clientSecret(ctx context.Context, std stdio, store secrets.Store, clientID string, log logrus.FieldLogger) (secret string, fromKeyring bool, err error) {
	if s := strings.TrimSpace(std.getenv(envClientSecret)); s != "" {
		return s, false, nil
	}
	s, err := store.Get(ctx, clientID)
	switch {
	case err == nil && s != "":
		return s, true, nil
	case err != nil && !errors.Is(err, secrets.ErrNotFound):
		log.WithError(err).Warn("system keyring unavailable")
		fmt.Fprintln(std.err, "The system keyring could not be read:", err)
	}
	if isTerminal(std.in) {
		s, err := askSecret(std.in, std.err, "Client secret for "+clientID+" (not shown): ")
		if err != nil {
			return "", false, err
		}
		if s != "" {
			return s, false, nil
		}
	}
	return "", false, usagef("no client secret: set %s, save it with --remember-secret, or run in a terminal to be asked", envClientSecret)
}

// newClient builds the ABDM client for the settings in effect, in the API
// generation they choose.
func newClient(s settings.Settings, secret string, timeout time.Duration, r *runtimeEnv) (*abdm.Client, abdm.Endpoints, error) {
	env, err := abdm.ParseEnvironment(s.Environment)
	if err != nil {
		return nil, abdm.Endpoints{}, usageError{err.Error()}
	}
	ep, err := abdm.EndpointsFor(env, s.Generation(), abdm.Endpoints{Gateway: s.GatewayURL, HealthID: s.HealthIDURL})
	if err != nil {
		return nil, abdm.Endpoints{}, usageError{err.Error()}
	}
	if s.ClientID == "" {
		return nil, ep, usagef("no client ID: give --client-id or save it in Settings")
	}
	if s.HIPID == "" && ep.Generation == abdm.V2 {
		return nil, ep, usagef("no HIP ID: give --hip-id or save it in Settings (the v2 APIs send it with every call)")
	}
	hc, err := abdm.NewHTTPClient(abdm.TransportConfig{ProxyURL: s.ProxyURL, CABundleFile: s.CABundle})
	if err != nil {
		return nil, ep, usageError{err.Error()}
	}
	c, err := abdm.New(ep, abdm.Credentials{ClientID: s.ClientID, ClientSecret: secret, HIPID: s.HIPID},
		abdm.WithHTTPClient(hc), abdm.WithCallTimeout(timeout), abdm.WithLogger(r.log),
		abdm.WithSecretObserver(func(v string) { r.redact.Add(v) }), abdm.WithUserAgent("abha-deactivate/"+version))
	if err != nil {
		return nil, ep, usageError{err.Error()}
	}
	return c, ep, nil
}
