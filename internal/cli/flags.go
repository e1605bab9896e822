package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// siteFlags choose the ABDM to talk to and how much to log. The wizard and
// every command that talks to ABDM share them.
type siteFlags struct {
	api, gatewayURL, healthIDURL string
	logLevel                     string
	demo                         bool
	syslog                       syslogFlags // audit forwarding (forward.go)
}

func (f *siteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.api, "api", "", "ABDM API generation: v3 (current) or v2 (legacy) (default: from settings, else v3)")
	fs.StringVar(&f.gatewayURL, "gateway-url", "", "gateway base URL, e.g. https://dev.abdm.gov.in/api/hiecm/gateway (v3) (implies --env custom)")
	fs.StringVar(&f.healthIDURL, "healthid-url", "", "ABHA service base URL, e.g. https://abhasbx.abdm.gov.in/abha/api (v3), or the v2 HealthID base (implies --env custom)")
	fs.StringVar(&f.logLevel, "log-level", "warn", "log detail on stderr: debug, info, warn or error")
	f.syslog.register(fs)
	fs.BoolVar(&f.demo, "demo", false, "use the built-in ABDM simulator and its demo patients: no credentials, no network, no real accounts")
}

// overrides sets in o the settings that the flags given override.
func (f *siteFlags) overrides(given map[string]bool, o *settings.Overrides) {
	o.APIVersion = pick(given, "api", f.api)
	o.GatewayURL = pick(given, "gateway-url", f.gatewayURL)
	o.HealthIDURL = pick(given, "healthid-url", f.healthIDURL)
	f.syslog.overrides(given, o)
}

// demoDefaults makes the demo show the current APIs unless --api chose a
// generation. It changes nothing outside the demo.
func (f *siteFlags) demoDefaults(set *settings.Settings, given map[string]bool) {
	if f.demo && !given["api"] {
		set.APIVersion = abdm.DefaultGeneration
	}
}

// pick is v as a settings override if the flag name was given, else nil.
func pick(given map[string]bool, name, v string) *string {
	if given[name] {
		return settings.String(v)
	}
	return nil
}

// connFlags are the flags of every command that talks to ABDM.
type connFlags struct {
	siteFlags
	env, clientID, hipID string
	proxy, caBundle      string
	xTokenFile           string
	abhaNumber           string // sign the patient in instead of reading a token
	mobile               string // v3: sign the patient in by mobile number
	loginMethod          string
	timeout              time.Duration
	set                  map[string]bool // flags given on the command line
}

func (c *connFlags) register(fs *flag.FlagSet) {
	c.siteFlags.register(fs)
	fs.StringVar(&c.env, "env", "", "ABDM environment: sandbox, production or custom (default: from settings)")
	fs.StringVar(&c.clientID, "client-id", "", "the facility's ABDM client ID (default: from settings)")
	fs.StringVar(&c.hipID, "hip-id", "", "the facility's HIP ID, sent as X-HIP-ID by v2 and kept in the audit trail (default: from settings)")
	fs.StringVar(&c.proxy, "proxy", "", "proxy URL for this run (default: from settings, else HTTPS_PROXY)")
	fs.StringVar(&c.caBundle, "ca-bundle", "", "PEM file of extra CA certificates for this run")
	fs.StringVar(&c.xTokenFile, "x-token-file", "", "file holding the patient's X-Token (else env "+envXToken+")")
	fs.StringVar(&c.abhaNumber, "abha-number", "", "sign the patient in with this ABHA number (v2 also: ABHA address) and an OTP, instead of a token")
	fs.StringVar(&c.mobile, "mobile", "", "v3: sign the patient in with this mobile number and an OTP to it (the patient chooses among the ABHAs on it)")
	fs.StringVar(&c.loginMethod, "login-method", "aadhaar", "with --abha-number: where the sign-in OTP goes: aadhaar (Aadhaar-linked mobile) or mobile (the ABHA's mobile)")
	fs.DurationVar(&c.timeout, "timeout", abdm.DefaultCallTimeout, "time limit of each call to ABDM")
}

// overrides turns the flags that were given into settings overrides.
func (c *connFlags) overrides() settings.Overrides {
	var o settings.Overrides
	c.siteFlags.overrides(c.set, &o)
	o.Environment = pick(c.set, "env", c.env)
	o.ClientID = pick(c.set, "client-id", c.clientID)
	o.HIPID = pick(c.set, "hip-id", c.hipID)
	o.ProxyURL = pick(c.set, "proxy", c.proxy)
	o.CABundle = pick(c.set, "ca-bundle", c.caBundle)
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
	if err := c.checkPatient(); err != nil {
		return err
	}
	if c.api != "" {
		if _, err := abdm.ParseGeneration(c.api); err != nil {
			return usageError{err.Error()}
		}
	}
	_, err = parseLoginMethod(c.loginMethod)
	return err
}

// checkPatient checks the flags that say who the patient is: one way of
// finding them, except that --abha-number may pick among the ABHAs on a
// --mobile number.
func (c *connFlags) checkPatient() error {
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
	if ways > 1 && (c.mobile == "" || c.abhaNumber == "" || c.xTokenFile != "") {
		return usagef("give one of --abha-number, --mobile or --x-token-file (with --mobile, --abha-number picks among the ABHAs on it)")
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
