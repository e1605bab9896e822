package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/app"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/assets"
	"abha-deactivate/internal/startprof"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/secrets"
	"abha-deactivate/storage/settings"
	"abha-deactivate/ui"
)

// appID identifies the app to the OS (preferences, notifications, packaging).
const appID = "io.github.abhadeactivate.app"

// guiFlags are the wizard's flags.
type guiFlags struct {
	siteFlags
	language string
	logFile  bool
	given    map[string]bool // flags given on the command line
}

func (f *guiFlags) register(fs *flag.FlagSet) {
	f.siteFlags.register(fs)
	fs.StringVar(&f.language, "lang", "", "interface language for this run: en or hi (default: settings, else the system's)")
	fs.BoolVar(&f.logFile, "log-file", false, "print where the log file is and exit")
	fs.String(startprof.Flag, "", "write CPU and heap profiles of the start, to the first frame, into `DIR` (cpu.pprof, heap.pprof, summary.txt)")
}

// overrides turns the flags that were given into settings overrides.
func (f *guiFlags) overrides() settings.Overrides {
	var o settings.Overrides
	f.siteFlags.overrides(f.given, &o)
	o.Language = pick(f.given, "lang", f.language)
	return o
}

// runGUI opens the wizard: with saved settings, or with --demo against the
// built-in simulator.
func runGUI(args []string, std proc) int {
	fs := newFlagSet("", "Open the wizard (no subcommand). See also: abha-deactivate help.", std.Err)
	var f guiFlags
	f.register(fs)
	rep := &reporter{std: std}
	var err error
	if f.given, err = parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	prof := startprof.Active() // started while packages were initialised
	if prof != nil {
		defer stopProfile(prof, std)
	}
	o := f.overrides()
	rt, err := openRuntimeWith(std, f.logLevel, o, true)
	if err != nil {
		showStartupError(err)
		return rep.fail(err)
	}
	defer rt.closeLog()
	defer rt.finishForwarding()
	if f.logFile {
		fmt.Fprintln(std.Out, rt.dirs.LogFile())
		return exitOK
	}
	if err := needDisplay(); err != nil {
		return rep.fail(err)
	}
	opts, err := f.options(std, rt, o)
	if err != nil {
		return rep.fail(err)
	}
	var wizard atomic.Pointer[ui.Wizard]
	if f.demo {
		d, err := startGUIDemo(std, rt, &wizard)
		if err != nil {
			return rep.fail(err)
		}
		defer d.close()
		opts.Demo = d.forUI()
	}
	w := ui.New(opts)
	wizard.Store(w)
	watchFirstFrame(w.Window(), prof)
	w.Window().ShowAndRun()
	return exitOK
}

// showStartupError shows why the wizard cannot open in a window of its own,
// when there is a display: on Windows and from a desktop menu no one sees
// stderr. It returns when that window is closed.
func showStartupError(err error) {
	var usage usageError
	if !errors.As(err, &usage) || needDisplay() != nil {
		return
	}
	a := app.NewWithID(appID)
	a.SetIcon(assets.WindowIcon)
	ui.StartupErrorWindow(a, usage.Error()).ShowAndRun()
}

// stopProfile ends the start-up profile (--profile-startup), saying on
// stderr if it could not be written.
func stopProfile(prof *startprof.Profile, std proc) {
	if err := prof.Stop(); err != nil {
		fmt.Fprintln(std.Err, "profile-startup:", err)
	}
}

// options makes the app and describes everything the wizard needs but the
// demo: settings, language, keyring, client, audit trail and folders.
func (f *guiFlags) options(std proc, rt *runtimeEnv, o settings.Overrides) (ui.Options, error) {
	_, statErr := os.Stat(rt.dirs.SettingsFile())
	firstRun := errors.Is(statErr, os.ErrNotExist)
	lang, err := ui.SetupLanguage(rt.settings.Language)
	if err != nil {
		rt.log.WithError(err).Warn("translations")
	}
	cat, err := rt.catalogue()
	if err != nil {
		return ui.Options{}, err
	}
	a := app.NewWithID(appID)
	a.SetIcon(assets.WindowIcon)
	set := rt.settings
	f.demoDefaults(&set, f.given)
	opts := ui.Options{
		App:      a,
		Settings: set,
		Secrets:  secrets.NewSession(secrets.NewKeyring(keyringTimeout)),
		NewClient: func(s settings.Settings, secret string) (*abdm.Client, error) {
			c, _, err := newClient(s, secret, abdm.DefaultCallTimeout, rt)
			return c, err
		},
		NewJournal: func(env string, c *abdm.Client) abdm.Journal {
			return rt.forwarded(newJournal(rt, env, c, cat))
		},
		Audit:      audit.Open(rt.dirs.AuditFile()),
		Catalogue:  cat,
		Log:        rt.log,
		Redact:     func(v string) { rt.redact.Add(v) },
		LogDir:     rt.dirs.Logs,
		ReceiptDir: rt.dirs.Receipts(),
		Version:    std.build.Number(),
		Language:   lang,
		FirstRun:   firstRun && !f.demo,
		Warning:    rt.warning,
		Tick:       time.Second,
		WarmEvery:  warmEvery,
	}
	opts.ForwardStatus = rt.forwardStatusFunc()
	if !f.demo {
		opts.Policy = rt.policy
	}
	// The user's own values are kept for what the policy, this run's flags
	// or the demo set: Save still keeps the rest.
	saver := rt.saver(o, f.demo)
	opts.SaveSettings = saveWith(saver)
	opts.RunSet = runSetBy(o.Given(), f.given)
	if !f.demo {
		opts.StartDemo = tryDemo(std, rt, saver.Demo())
	}
	return opts, nil
}

// saver saves the wizard's settings into the user's settings file, with the
// user's own values kept for the fields the facility's policy or this run's
// flags set (so that they come back when the policy is lifted, or the next
// run has no flags); in demo only the language and the appearance.
func (r *runtimeEnv) saver(o settings.Overrides, demo bool) *settings.Saver {
	return settings.NewSaver(settings.NewStore(r.dirs.SettingsFile()), r.policy, r.saved, o.Given(), demo)
}

// saveWith is saver as the wizard's SaveSettings.
func saveWith(saver *settings.Saver) func(settings.Settings) error {
	return func(s settings.Settings) error {
		_, err := saver.Save(s)
		return err
	}
}

// flagOf names the flag that sets each field for one run.
var flagOf = map[settings.Field]string{
	settings.FieldEnvironment: "env", settings.FieldAPIVersion: "api", settings.FieldGatewayURL: "gateway-url",
	settings.FieldHealthIDURL: "healthid-url", settings.FieldClientID: "client-id", settings.FieldHIPID: "hip-id",
	settings.FieldProxyURL: "proxy", settings.FieldCABundle: "ca-bundle", settings.FieldLanguage: "lang",
}

// runSetBy names, for each field set for this run, the flag that set it
// (an address given sets the environment too).
func runSetBy(fields []settings.Field, given map[string]bool) map[settings.Field]string {
	out := map[settings.Field]string{}
	for _, f := range fields {
		name := flagOf[f]
		if !given[name] { // the environment, set by the address given
			name = "gateway-url"
			if !given[name] {
				name = "healthid-url"
			}
		}
		out[f] = "--" + name
	}
	return out
}

// tryDemo starts the simulator when staff press Try the demo on Connect,
// and stops it when they leave the demo. Settings changed meanwhile keep
// only their language and appearance.
func tryDemo(std proc, rt *runtimeEnv, saver *settings.Saver) func(func(ui.DemoSMS)) (ui.DemoRun, error) {
	return func(sms func(ui.DemoSMS)) (ui.DemoRun, error) {
		d, err := startDemo(std.Err, rt.log, func(m sandbox.OTPMessage) {
			sms(ui.DemoSMS{Time: time.Now(), To: m.MaskedMobile, OTP: m.OTP, Reason: m.Purpose})
		})
		if err != nil {
			return ui.DemoRun{}, err
		}
		d.warmKey(0)
		return ui.DemoRun{Demo: d.forUI(), SaveSettings: saveWith(saver), Stop: d.close}, nil
	}
}

// startGUIDemo starts the simulator for the wizard's demo. Its OTPs appear
// in the wizard (once there is one) and on stderr, for trainers in a
// terminal and for the scripted end-to-end run.
func startGUIDemo(std proc, rt *runtimeEnv, wizard *atomic.Pointer[ui.Wizard]) (*demoServer, error) {
	d, err := startDemo(std.Err, rt.log, func(m sandbox.OTPMessage) {
		if w := wizard.Load(); w != nil {
			w.ShowDemoSMS(ui.DemoSMS{Time: time.Now(), To: m.MaskedMobile, OTP: m.OTP, Reason: m.Purpose})
		}
	})
	if err != nil {
		return nil, err
	}
	d.warmKey(2 * time.Second)
	return d, nil
}

// needDisplay reports a missing display before the windowing system panics.
func needDisplay() error {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display found: the wizard needs a desktop session. " +
			"In a terminal, use \"abha-deactivate deactivate\" instead (see --help)")
	}
	return nil
}
