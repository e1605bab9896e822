package main

import (
	"context"
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

// runSandbox serves the ABDM simulator on a loopback port and prints its
// addresses, demo credentials, demo patients' tokens and every OTP it sends.
func runSandbox(args []string, std stdio) int {
	fs := newFlagSet("sandbox", "Serve the ABDM simulator for demos, tests, curl and Postman (loopback only).", std.err)
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on (a loopback address; port 0 picks a free one)")
	latency := fs.Duration("latency", 0, "delay added to every reply, to simulate a slow network (e.g. 200ms)")
	keyBits := fs.Int("key-bits", 4096, "size of the simulator's RSA key: 4096 as ABDM, or 2048 for a faster start")
	secret := fs.String("client-secret", "", "fixed demo client secret (default: a random one per start)")
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return rep.fail(usagef("--addr %q: %v", *addr, err))
	}
	if !abdm.IsLoopbackHost(host) {
		return rep.fail(usagef("--addr must be a loopback address such as 127.0.0.1: the simulator's admin endpoints must not be reachable from the network"))
	}
	if *keyBits != 2048 && *keyBits != 4096 {
		return rep.fail(usagef("--key-bits must be 2048 or 4096"))
	}

	var outMu sync.Mutex
	say := func(format string, args ...any) {
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Fprintf(std.out, format+"\n", args...)
	}
	opts := []sandbox.Option{sandbox.WithKeyBits(*keyBits), sandbox.WithLatency(*latency),
		sandbox.WithOTPListener(func(m sandbox.OTPMessage) { say("otp %s %s", m.TxnID, m.OTP) })}
	if *secret != "" {
		opts = append(opts, sandbox.WithCredentials("demo-clinic", *secret, "DEMO-HIP-001"))
	}
	sim := sandbox.New(opts...)
	run, err := sim.Listen(*addr)
	if err != nil {
		return rep.fail(fmt.Errorf("start the simulator: %w", err))
	}
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
	fmt.Fprintf(std.err, "ABDM simulator ready, v3 (current) and v2 (legacy) on one port (admin: %s/_sandbox/info).\n", run.BaseURL())
	fmt.Fprintf(std.err, "  v3: --api v3 --gateway-url %s --healthid-url %s\n", run.GatewayV3URL(), run.ABHAV3URL())
	fmt.Fprintf(std.err, "  v2: --api v2 --gateway-url %s --healthid-url %s\n", run.GatewayURL(), run.HealthIDURL())
	fmt.Fprintln(std.err, "Accounts:")
	for _, a := range sim.Accounts() {
		fmt.Fprintf(std.err, "  %s  %-12s %s, %s\n", a.ABHANumber, a.Name, a.Status, a.Note)
	}
	fmt.Fprintln(std.err, "Press Ctrl+C to stop.")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := run.Close(shutdown); err != nil {
		fmt.Fprintln(std.err, "stop the simulator:", err)
		return exitFailure
	}
	fmt.Fprintln(std.err, "Simulator stopped.")
	return exitOK
}
