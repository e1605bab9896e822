package main

import (
	"errors"
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

// runGUI opens the wizard: with saved settings, or with --demo against the
// built-in simulator.
func runGUI(args []string, std stdio) int {
	fs := newFlagSet("", "Open the wizard (no subcommand). See also: abha-deactivate help.", std.err)
	demo := fs.Bool("demo", false, "use the built-in ABDM simulator: no credentials, no network, no real accounts")
	api := fs.String("api", "", "ABDM API generation for this run: v3 (current) or v2 (legacy) (default: settings, else v3)")
	gatewayURL := fs.String("gateway-url", "", "gateway base URL for this run (preselects a custom environment)")
	healthIDURL := fs.String("healthid-url", "", "ABHA service (v3) or HealthID (v2) base URL for this run (preselects a custom environment)")
	language := fs.String("lang", "", "interface language for this run: en or hi (default: settings, else the system's)")
	logLevel := fs.String("log-level", "warn", "log detail on stderr: debug, info, warn or error")
	logFile := fs.Bool("log-file", false, "print where the log file is and exit")
	fs.String(startprof.Flag, "", "write CPU and heap profiles of the start, to the first frame, into `DIR` (cpu.pprof, heap.pprof, summary.txt)")
	rep := &reporter{std: std}
	given, err := parseFlags(fs, args)
	if err != nil {
		return rep.fail(err)
	}
	prof := startprof.Active() // started while packages were initialised
	if prof != nil {
		defer func() {
			if err := prof.Stop(); err != nil {
				fmt.Fprintln(std.err, "profile-startup:", err)
			}
		}()
	}
	var o settings.Overrides
	if given["api"] {
		o.APIVersion = api
	}
	if given["gateway-url"] {
		o.GatewayURL = gatewayURL
	}
	if given["healthid-url"] {
		o.HealthIDURL = healthIDURL
	}
	if given["lang"] {
		o.Language = language
	}
	rt, err := openRuntime(std, *logLevel, o)
	if err != nil {
		return rep.fail(err)
	}
	defer rt.closeLog()
	if *logFile {
		fmt.Fprintln(std.out, rt.dirs.LogFile())
		return exitOK
	}
	if err := needDisplay(); err != nil {
		return rep.fail(err)
	}
	_, statErr := os.Stat(rt.dirs.SettingsFile())
	firstRun := errors.Is(statErr, os.ErrNotExist)

	lang, err := ui.SetupLanguage(rt.settings.Language)
	if err != nil {
		rt.log.WithError(err).Warn("translations")
	}
	cat, err := rt.catalogue()
	if err != nil {
		return rep.fail(err)
	}
	a := app.NewWithID(appID)
	a.SetIcon(assets.WindowIcon)

	set := rt.settings
	if *demo && !given["api"] {
		set.APIVersion = string(abdm.DefaultGeneration) // the demo shows the current APIs unless told
	}
	opts := ui.Options{
		App:      a,
		Settings: set,
		Secrets:  secrets.NewSession(secrets.NewKeyring(keyringTimeout)),
		NewClient: func(s settings.Settings, secret string) (*abdm.Client, error) {
			c, _, err := newClient(s, secret, abdm.DefaultCallTimeout, rt)
			return c, err
		},
		NewJournal: func(env string, c *abdm.Client) abdm.Journal {
			return newJournal(rt, env, c, cat)
		},
		Audit:      audit.Open(rt.dirs.AuditFile()),
		Catalogue:  cat,
		Log:        rt.log,
		Redact:     func(v string) { rt.redact.Add(v) },
		LogDir:     rt.dirs.Logs,
		ReceiptDir: rt.dirs.Receipts(),
		Version:    versionNumber(),
		Language:   lang,
		FirstRun:   firstRun && !*demo,
		Warning:    rt.warning,
		Tick:       time.Second,
		WarmEvery:  warmEvery,
	}
	if o == (settings.Overrides{}) && !*demo {
		store := settings.NewStore(rt.dirs.SettingsFile())
		opts.SaveSettings = store.Save
	}

	var wizard atomic.Pointer[ui.Wizard]
	if *demo {
		// The demo phone lines also go to stderr, for trainers in a terminal
		// and for the scripted end-to-end run.
		d, err := startDemo(std.err, rt.log, func(m sandbox.OTPMessage) {
			if w := wizard.Load(); w != nil {
				w.ShowDemoSMS(ui.DemoSMS{Time: time.Now(), To: m.MaskedMobile, OTP: m.OTP, Reason: m.Purpose})
			}
		})
		if err != nil {
			return rep.fail(err)
		}
		defer d.close()
		d.warmKey(2 * time.Second)
		opts.Demo = d.forUI()
	}
	w := ui.New(opts)
	wizard.Store(w)
	watchFirstFrame(w.Window(), prof)
	w.Window().ShowAndRun()
	return exitOK
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
