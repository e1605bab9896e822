package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
)

// sandboxFlags are the flags of `sandbox`.
type sandboxFlags struct {
	addr    string
	latency time.Duration
	keyBits int
	secret  string
}

func (f *sandboxFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8090", "address to listen on (a loopback address; port 0 picks a free one)")
	fs.DurationVar(&f.latency, "latency", 0, "delay added to every reply, to simulate a slow network (e.g. 200ms)")
	fs.IntVar(&f.keyBits, "key-bits", 4096, "size of the simulator's RSA key: 4096 as ABDM, or 2048 for a faster start")
	fs.StringVar(&f.secret, "client-secret", "", "fixed demo client secret (default: a random one per start)")
}

// check refuses an address reachable from the network and a key size ABDM
// does not use.
func (f *sandboxFlags) check() error {
	host, _, err := net.SplitHostPort(f.addr)
	if err != nil {
		return usagef("--addr %q: %v", f.addr, err)
	}
	if !abdm.IsLoopbackHost(host) {
		return usagef("--addr must be a loopback address such as 127.0.0.1: the simulator's admin endpoints must not be reachable from the network")
	}
	if f.keyBits != 2048 && f.keyBits != 4096 {
		return usagef("--key-bits must be 2048 or 4096")
	}
	return nil
}

// runSandbox serves the ABDM simulator on a loopback port and prints its
// addresses, demo credentials, demo patients' tokens and every OTP it sends.
func runSandbox(args []string, std proc) int {
	fs := newFlagSet("sandbox", "Serve the ABDM simulator for demos, tests, curl and Postman (loopback only).", std.Err)
	var f sandboxFlags
	f.register(fs)
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	if err := f.check(); err != nil {
		return rep.fail(err)
	}
	var outMu sync.Mutex
	say := func(format string, args ...any) {
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Fprintf(std.Out, format+"\n", args...)
	}
	opts := []sandbox.Option{sandbox.WithKeyBits(f.keyBits), sandbox.WithLatency(f.latency),
		sandbox.WithOTPListener(func(m sandbox.OTPMessage) { say("otp %s %s", m.TxnID, m.OTP) })}
	if f.secret != "" {
		opts = append(opts, sandbox.WithCredentials("demo-clinic", f.secret, "DEMO-HIP-001"))
	}
	sim := sandbox.New(opts...)
	run, err := sim.Listen(f.addr)
	if err != nil {
		return rep.fail(fmt.Errorf("start the simulator: %w", err))
	}
	announce(std, say, sim, run)
	return serveUntilStopped(std, run)
}

// announce prints the simulator's details: on stdout one "name: value" line
// each, for scripts; on stderr the same for people.
func announce(std proc, say func(format string, args ...any), sim *sandbox.Server, run *sandbox.Running) {
	creds := sim.Credentials()
	// v3 first, as the current generation; v2 beside it for legacy clients.
	say("url: %s", run.BaseURL())
	say("gateway: %s", run.GatewayV3URL())
	say("healthid: %s", run.ABHAV3URL())
	say("gateway-v2: %s", run.GatewayURL())
	say("healthid-v2: %s", run.HealthIDURL())
	say("client-id: %s", creds.ClientID)
	say("client-secret: %s", creds.ClientSecret)
	say("hip-id: %s", creds.HIPID)
	for _, a := range sim.Accounts() {
		say("x-token %s: %s", a.ABHANumber, a.XToken)
	}
	fmt.Fprintf(std.Err, "ABDM simulator ready, v3 (current) and v2 (legacy) on one port (admin: %s/_sandbox/info).\n", run.BaseURL())
	fmt.Fprintf(std.Err, "  v3: --api v3 --gateway-url %s --healthid-url %s\n", run.GatewayV3URL(), run.ABHAV3URL())
	fmt.Fprintf(std.Err, "  v2: --api v2 --gateway-url %s --healthid-url %s\n", run.GatewayURL(), run.HealthIDURL())
	fmt.Fprintln(std.Err, "Accounts:")
	for _, a := range sim.Accounts() {
		fmt.Fprintf(std.Err, "  %s  %-12s %s, %s\n", a.ABHANumber, a.Name, a.Status, a.Note)
	}
	fmt.Fprintln(std.Err, "Press Ctrl+C to stop.")
}

// serveUntilStopped keeps the simulator running until SIGINT or SIGTERM,
// then stops it.
func serveUntilStopped(std proc, run *sandbox.Running) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := run.Close(shutdown); err != nil {
		fmt.Fprintln(std.Err, "stop the simulator:", err)
		return exitFailure
	}
	fmt.Fprintln(std.Err, "Simulator stopped.")
	return exitOK
}
