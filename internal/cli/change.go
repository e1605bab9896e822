package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/secrets"
)

// changeJob is a command that changes an ABHA, confirmed by an OTP sent
// to the patient. Deactivate and reactivate fill it in; runChange runs each
// the same way: flags, session, reaching the patient, keeping the session
// warm, --remember-secret, the typed confirmation, the OTP, and the report
// with its receipt. The methods are its steps, in the order they run.
type changeJob interface {
	words() changeWords
	// register adds the command's own flags.
	register(fs *flag.FlagSet)
	// check checks them, before anything opens.
	check(cf *connFlags) error
	// prepare runs once the session is open, before any call.
	prepare(r *changeRun) error
	// reach connects, and finds the patient if the command needs one.
	reach(ctx context.Context, r *changeRun) error
	// ready may end the run, with its exit code, before the confirmation.
	ready(ctx context.Context, r *changeRun) (code int, done bool)
	// explain says on stderr what the change means for the patient.
	explain(r *changeRun)
	// sendOTP has ABDM send the patient the OTP that confirms the change.
	sendOTP(ctx context.Context, r *changeRun) (txnID, maskedMobile string, err error)
	// submit makes the change with the OTP typed.
	submit(ctx context.Context, r *changeRun, otp string) (abdm.Result, error)
	// remaining is how many OTP attempts are left after a refused one.
	remaining(r *changeRun) int
}

// changeWords are what a changeJob says, and the defaults it takes.
type changeWords struct {
	action      abdm.Action // its name is the command's
	summary     string      // the first line of --help
	needPatient bool        // the session needs a patient to sign in or their token (see openSession)
	otpDefault  string      // the default of --otp-method
	otpHelp     string      // the help of --otp-method
	prompt      string      // the confirmation asked before the OTP is sent
	otpName     string      // "OTP" or "Reactivation OTP", as in "OTP sent to ..."
	doing       string      // "Deactivating": said while the change is sent
}

// changeRun is one run of a changeCmd: its flags, session and report.
type changeRun struct {
	std       proc
	cf        connFlags
	rf        receiptFlags
	rep       *reporter
	s         *session
	in        *lines
	otpMethod abdm.OTPMethod
	yes       bool // --yes: no typed confirmation
	remember  bool // --remember-secret
}

// runChange runs c with args and returns the exit code.
func runChange(args []string, std proc, c changeJob) int {
	w := c.words()
	r := &changeRun{std: std, rep: &reporter{std: std, action: w.action, staff: true}}
	if err := r.parse(c, w, args); err != nil {
		return r.rep.fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := openSession(ctx, &r.cf, std, w.needPatient)
	if err != nil {
		return r.rep.fail(err)
	}
	defer s.close()
	r.s, r.rep.env, r.rep.log = s, s.envName, s.rt.log
	if err := r.preflight(ctx); err != nil {
		return r.rep.fail(err)
	}
	if err := c.prepare(r); err != nil {
		return r.rep.fail(err)
	}
	r.in = newLines(std.In)
	if err := c.reach(ctx, r); err != nil {
		return r.rep.fail(err)
	}
	// The OTP may take minutes to arrive and be typed: keep the session and
	// key fresh meanwhile, so that the change is one request.
	go s.client.KeepWarm(ctx, warmEvery)
	if r.remember && !r.cf.demo && !s.fromRing {
		s.rememberSecret(ctx, std)
	}
	if code, done := c.ready(ctx, r); done {
		return code
	}
	return r.change(ctx, c, w)
}

// preflight checks, before any OTP is sent, what this computer must do for
// the change to be recorded and kept: the audit trail can be written, and
// with --remember-secret the system keyring answers. A failure is a usage
// error (exit 2): nothing has reached the patient's phone yet.
func (r *changeRun) preflight(ctx context.Context) error {
	if err := audit.Open(r.s.rt.dirs.AuditFile()).CheckWritable(); err != nil {
		return usagef("the audit trail cannot be written, so nothing will be sent: %v", err)
	}
	if !r.remember || r.cf.demo || r.s.fromRing {
		return nil
	}
	check, cancel := context.WithTimeout(ctx, keyringTimeout)
	defer cancel()
	_, err := secrets.NewKeyring(keyringTimeout).Get(check, r.s.client.ClientID())
	if err != nil && !errors.Is(err, secrets.ErrNotFound) {
		return usagef("--remember-secret: the system keyring cannot be reached (%v). Run without --remember-secret, "+
			"or unlock or start the keyring first", err)
	}
	return nil
}

// parse reads the flags of c, the shared ones and its own, and checks them.
func (r *changeRun) parse(c changeJob, w changeWords, args []string) error {
	fs := newFlagSet(string(w.action), w.summary, r.std.Err)
	r.cf.register(fs)
	r.rf.register(fs)
	c.register(fs)
	fs.BoolVar(&r.yes, "yes", false, "do not ask for a typed confirmation")
	jsonOut := fs.Bool("json", false, "print one JSON result object on stdout")
	fs.BoolVar(&r.remember, "remember-secret", false, "save the client secret in the system keyring once ABDM accepts it")
	otpMethod := fs.String("otp-method", w.otpDefault, w.otpHelp)
	err := r.cf.parse(fs, args)
	r.rep.json = *jsonOut // known even when a later check of the flags failed
	if err == nil {
		err = r.rf.check()
	}
	if err != nil {
		return err
	}
	if r.otpMethod, err = parseOTPMethod(*otpMethod); err != nil {
		return err
	}
	return c.check(&r.cf)
}

// change explains the change, asks for the confirmation, sends the OTP,
// reads it and makes the change, then reports it.
func (r *changeRun) change(ctx context.Context, c changeJob, w changeWords) int {
	c.explain(r)
	if code, stop := confirmed(ctx, r.std, r.in, r.rep, r.yes, w.prompt); stop {
		return code
	}
	txnID, masked, err := c.sendOTP(ctx, r)
	if err != nil {
		return r.rep.fail(err)
	}
	r.rep.txnID = txnID
	fmt.Fprintf(r.std.Err, "%s sent to %s (%s). It is valid for %d minutes.\n",
		w.otpName, otpWhere(r.otpMethod), orUnknown(masked), int(abdm.OTPValidity/time.Minute))
	res, err := readOTP(ctx, r.std, r.in, r.s.rt, "Enter the 6-digit OTP the patient received: ", func(code string) (abdm.Result, error) {
		return saying(r.std, w.doing, func() (abdm.Result, error) { return c.submit(ctx, r, code) })
	}, func() int { return c.remaining(r) })
	if err != nil {
		return r.rep.fail(err)
	}
	return r.s.finish(ctx, r.std, &r.rf, r.rep, res, r.rep.changed)
}

// otpWhere says where an OTP sent by m goes.
func otpWhere(m abdm.OTPMethod) string {
	if m == abdm.OTPMobile {
		return "the mobile linked to the ABHA"
	}
	return "the mobile linked to the patient's Aadhaar"
}

// readOTP asks for an OTP until submit accepts it, a refused OTP has no
// attempts left, or another error ends it. A refusal this tool does not
// know (an unknown ABDM code) is shown and the OTP asked again, as a wrong
// one is: it never ends the run while attempts remain.
func readOTP[T any](ctx context.Context, std proc, in *lines, rt *runtimeEnv, prompt string,
	submit func(otp string) (T, error), remaining func() int) (T, error) {
	var zero T
	for {
		code, err := in.ask(ctx, std.Err, prompt)
		if err != nil {
			return zero, fmt.Errorf("OTP entry: %w", err)
		}
		if !abdm.IsOTP(code) {
			fmt.Fprintln(std.Err, "The OTP is 6 digits, for example 123456. Please enter it again.")
			continue
		}
		rt.redact.Add(code)
		res, err := submit(code)
		if err == nil {
			return res, nil
		}
		if abdm.IsOTPRefusal(err) {
			if left := remaining(); left > 0 {
				fmt.Fprintf(std.Err, "%s %d attempt(s) left.\n", refusalText(err), left)
				continue
			}
		}
		return zero, err
	}
}

// confirmed asks staff to type YES before an OTP is sent, unless yes (the
// --yes flag) says they did already. stop is true, with the exit code, when
// they did not: nothing has been sent then.
func confirmed(ctx context.Context, std proc, in *lines, rep *reporter, yes bool, prompt string) (code int, stop bool) {
	if yes {
		return 0, false
	}
	answer, err := in.ask(ctx, std.Err, prompt)
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
func saying(std proc, doing string, call func() (abdm.Result, error)) (abdm.Result, error) {
	fmt.Fprint(std.Err, doing+"... ")
	res, err := call()
	if err != nil {
		fmt.Fprintln(std.Err, "not done.")
	} else {
		fmt.Fprintln(std.Err, "done.")
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
