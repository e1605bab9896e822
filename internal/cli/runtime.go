package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm"
	"abha-deactivate/assets"
	"abha-deactivate/storage/audit"
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

// runtimeEnv is what every command shares: folders, settings, logging.
type runtimeEnv struct {
	dirs     paths.Dirs
	settings settings.Settings // in effect: the user's, the flags, then the facility's policy
	saved    settings.Settings // the user's own, as loaded from the settings file
	policy   settings.Policy   // what the facility's IT team set for this computer
	log      *logrus.Logger
	redact   *logs.Redactor
	closeLog func() error
	warning  string // a settings problem to show the user, if any
	build    Build  // the program's version, for the User-Agent and receipts
	// fwd forwards the audit trail to the facility's collector (forward.go).
	fwd forwarding
}

// openRuntime loads settings (with the flag overrides), sets up logging and
// reports a settings warning on stderr. A settings file that cannot say
// which ABDM system to use stops the command (exit 2).
func openRuntime(std proc, logLevel string, o settings.Overrides) (*runtimeEnv, error) {
	return openRuntimeWith(std, logLevel, o, false)
}

// openRuntimeWith is openRuntime; with askSystem a settings file that cannot
// say which ABDM system to use gives settings with no environment chosen and
// a warning instead, for the wizard to ask (only the wizard can ask).
func openRuntimeWith(std proc, logLevel string, o settings.Overrides, askSystem bool) (*runtimeEnv, error) {
	dirs, err := paths.Default()
	if err != nil {
		return nil, fmt.Errorf("find the app's folders: %w", err)
	}
	if err := o.Check(); err != nil {
		return nil, usageError{err.Error()}
	}
	redact := logs.Secrets
	log, closeLog, err := logs.Setup(logs.Options{Level: logLevel, File: dirs.LogFile(), Stderr: std.Err, Redactor: redact})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	closeLog = std.end.adopt(log, closeLog)
	store := settings.NewStore(dirs.SettingsFile())
	s, warn, err := store.Load()
	var unusable *settings.UnusableError
	switch {
	case errors.As(err, &unusable) && askSystem:
		s = settings.Defaults()
		s.Environment = "" // not known: the wizard asks for it
		warn = &settings.Warning{Message: unusable.Error(), Reason: unusable}
	case errors.As(err, &unusable):
		closeLog()
		return nil, usageError{unusable.Error()}
	case err != nil:
		closeLog()
		return nil, fmt.Errorf("load settings: %w", err)
	}
	pol, err := facilityPolicy(o)
	if err != nil {
		log.WithError(err).Error("facility settings")
		closeLog()
		return nil, err
	}
	rt := &runtimeEnv{dirs: dirs, settings: s.With(o).WithPolicy(pol), saved: s, policy: pol, log: log, redact: redact,
		closeLog: closeLog, build: std.build, fwd: forwarding{stderr: std.Err}}
	if err := checkAuditFlags(o, rt.settings); err != nil {
		closeLog()
		return nil, err
	}
	if warn != nil {
		fmt.Fprintln(std.Err, "Warning:", warn.Message)
		log.Warn(warn.Message)
		rt.warning = warn.Message
	}
	return rt, nil
}

// machinePolicy reads the facility's settings for this computer (the
// Windows policy key, or the root-owned file on Linux and macOS); tests
// replace it.
var machinePolicy = settings.LoadPolicy

// facilityPolicy loads the machine's policy and checks the flags against it.
// A damaged policy, or a flag that contradicts it, stops the run (exit 2):
// neither may change which ABDM system is used.
func facilityPolicy(o settings.Overrides) (settings.Policy, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pol, err := machinePolicy(ctx)
	var pe *settings.PolicyError
	switch {
	case errors.As(err, &pe):
		return settings.Policy{}, usageError{pe.UserMessage()}
	case err != nil:
		return settings.Policy{}, fmt.Errorf("read the facility's settings: %w", err)
	}
	if err := o.CheckPolicy(pol); err != nil {
		return settings.Policy{}, usageError{err.Error()}
	}
	return pol, nil
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
func readXToken(c *connFlags, std proc) (string, error) {
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
	if t := abdm.NormalizeToken(std.Getenv(envXToken)); t != "" {
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
func clientSecret(ctx context.Context, std proc, store secrets.Store, clientID string, log logrus.FieldLogger) (secret string, fromKeyring bool, err error) {
	if s := strings.TrimSpace(std.Getenv(envClientSecret)); s != "" {
		return s, false, nil
	}
	s, err := store.Get(ctx, clientID)
	switch {
	case err == nil && s != "":
		return s, true, nil
	case err != nil && !errors.Is(err, secrets.ErrNotFound):
		log.WithError(err).Warn("system keyring unavailable")
		fmt.Fprintln(std.Err, "The system keyring could not be read:", err)
	}
	if isTerminal(std.In) {
		s, err := askSecret(std.In, std.Err, "Client secret for "+clientID+" (not shown): ")
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
		abdm.WithSecretObserver(func(v string) { r.redact.Add(v) }), abdm.WithUserAgent("abha-deactivate/"+r.build.Version))
	if err != nil {
		return nil, ep, usageError{err.Error()}
	}
	return c, ep, nil
}

// newJournal returns the audit trail writer for one connection of c.
func newJournal(rt *runtimeEnv, env string, c *abdm.Client, cat abdm.Catalogue) *audit.Journal {
	return audit.NewJournal(audit.Open(rt.dirs.AuditFile()),
		audit.JournalInfo{Environment: env, ClientID: c.ClientID(), HIPID: c.HIPID(), API: string(c.Generation())}, cat)
}
