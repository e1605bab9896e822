// Command roundtrip measures how long the wizard's two network clicks take,
// "Send OTP" and "Deactivate", against the ABDM simulator with a simulated
// round-trip time (RTT), and prints each as a multiple of that RTT, for the
// current API generation (v3) and, with the suffix _v2, for the legacy one:
//
//	send_otp_rtt_ratio: 1.01
//	deactivate_rtt_ratio: 1.02
//	send_otp_requests: 1
//	deactivate_requests: 1
//	deactivate_audit_ms: 2.0
//	send_otp_rtt_ratio_v2: 1.01
//	...
//	rtt_ms: 200
//
// The simulator runs in this process on a loopback port and adds the RTT to
// every reply (sandbox.WithLatency), so a click that needs one request takes
// about one RTT: a ratio near 1.0 is the floor, and each extra request adds
// about 1.0. The app's real client and flow (abdm.New, abdm.NewFlow, with
// the built-in reason catalogue and the audit trail journal in a temporary
// folder, as the wizard sets them up) make the calls over real HTTP. Each
// round starts from a reset simulator with a fresh patient token, client and
// flow; Connect and LoadPatient are not timed. The ratios are medians over
// the rounds; the request counts are the requests the simulator received
// during each click, all routes together; deactivate_audit_ms is the part
// of "Deactivate" spent writing the audit trail (two records, each flushed
// to disk with fsync). Progress goes to stderr, the figures to stdout.
//
// Usage: go run ./bench/roundtrip [-rtt 200ms] [-rounds 5]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/assets"
	"abha-deactivate/bench/internal/benchsim"
	"abha-deactivate/storage/audit"
)

// patient is the demo account with a normal deactivation (Asha Verma).
const patient = "91-5512-3456-7890"

func main() {
	rtt := flag.Duration("rtt", 200*time.Millisecond, "simulated round-trip time added to every reply")
	rounds := flag.Int("rounds", 5, "how many deactivations to time (the median is printed)")
	flag.Parse()
	if *rtt <= 0 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "roundtrip: -rtt must be positive and -rounds at least 1")
		os.Exit(2)
	}
	if err := run(*rtt, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "roundtrip:", err)
		os.Exit(1)
	}
}

// click is what one timed call took.
type click struct {
	wall     time.Duration
	requests int
	audit    time.Duration // of wall: writing the audit trail (Deactivate only)
}

// timedJournal is the app's journal, timed: the audit trail is written (and
// flushed to disk) before and after the deactivation request, so it is part
// of the click.
type timedJournal struct {
	j     abdm.Journal
	spent time.Duration
}

func (t *timedJournal) Intent(ctx context.Context, a abdm.Attempt) error {
	start := time.Now()
	defer func() { t.spent += time.Since(start) }()
	return t.j.Intent(ctx, a)
}

func (t *timedJournal) Outcome(ctx context.Context, a abdm.Attempt, o abdm.Outcome) error {
	start := time.Now()
	defer func() { t.spent += time.Since(start) }()
	return t.j.Outcome(ctx, a, o)
}

// run starts the simulator with rtt of latency and times rounds rounds of
// each API generation.
func run(rtt time.Duration, rounds int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	sim := sandbox.New(sandbox.WithKeyBits(2048), sandbox.WithLatency(rtt))
	srv, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		_ = srv.Close(closeCtx)
	}()
	if err := sim.KeyReady(ctx); err != nil {
		return fmt.Errorf("simulator key: %w", err)
	}

	cat, err := abdm.ParseCatalogue(assets.ReasonsJSON)
	if err != nil {
		return fmt.Errorf("reason catalogue: %w", err)
	}
	dir, err := os.MkdirTemp("", "abha-bench-roundtrip-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	trail := audit.Open(filepath.Join(dir, "audit.jsonl"))

	for _, gen := range abdm.Generations() {
		if err := generation(ctx, sim, srv, gen, cat, trail, rtt, rounds); err != nil {
			return err
		}
	}
	fmt.Printf("rtt_ms: %d\n", rtt.Milliseconds())
	return nil
}

// generation times rounds rounds of one API generation and prints its
// figures, suffixed with the generation unless it is the default one.
func generation(ctx context.Context, sim *sandbox.Server, srv *sandbox.Running, gen abdm.Generation, cat abdm.Catalogue,
	trail *audit.Log, rtt time.Duration, rounds int) error {
	suffix := ""
	if gen != abdm.DefaultGeneration {
		suffix = "_" + string(gen)
	}
	var sends, deacts []click
	for i := range rounds {
		s, d, err := round(ctx, sim, srv, gen, cat, trail)
		if err != nil {
			return fmt.Errorf("%s round %d: %w", gen, i+1, err)
		}
		fmt.Fprintf(os.Stderr, "roundtrip: %s round %d: send OTP %v (%d request(s)), deactivate %v (%d request(s), audit trail %v)\n",
			gen, i+1, s.wall.Round(100*time.Microsecond), s.requests, d.wall.Round(100*time.Microsecond), d.requests,
			d.audit.Round(100*time.Microsecond))
		sends = append(sends, s)
		deacts = append(deacts, d)
	}
	ratio := func(cs []click) float64 {
		return float64(median(cs, func(c click) time.Duration { return c.wall })) / float64(rtt)
	}
	reqs := func(cs []click) int {
		return int(median(cs, func(c click) time.Duration { return time.Duration(c.requests) }))
	}
	fmt.Printf("send_otp_rtt_ratio%s: %.3f\n", suffix, ratio(sends))
	fmt.Printf("deactivate_rtt_ratio%s: %.3f\n", suffix, ratio(deacts))
	fmt.Printf("send_otp_requests%s: %d\n", suffix, reqs(sends))
	fmt.Printf("deactivate_requests%s: %d\n", suffix, reqs(deacts))
	fmt.Printf("deactivate_audit_ms%s: %.1f\n", suffix,
		float64(median(deacts, func(c click) time.Duration { return c.audit }))/float64(time.Millisecond))
	return nil
}

// round resets the simulator, walks a fresh flow to the patient step and
// times the two clicks.
func round(ctx context.Context, sim *sandbox.Server, srv *sandbox.Running, gen abdm.Generation, cat abdm.Catalogue,
	trail *audit.Log) (send, deact click, err error) {
	sim.Reset()
	token, err := sim.IssueToken(patient)
	if err != nil {
		return send, deact, err
	}
	creds := sim.Credentials()
	client, err := benchsim.Client(sim, srv, gen)
	if err != nil {
		return send, deact, err
	}
	journal := &timedJournal{j: audit.NewJournal(trail, audit.JournalInfo{Environment: "custom",
		ClientID: creds.ClientID, HIPID: creds.HIPID, API: string(gen), LoginMethod: "x-token"}, cat)}
	flow := abdm.NewFlow(client, abdm.WithCatalogue(cat), abdm.WithJournal(journal))
	if err := flow.Connect(ctx); err != nil {
		return send, deact, fmt.Errorf("connect: %w", err)
	}
	if _, err := flow.LoadPatient(ctx, token); err != nil {
		return send, deact, fmt.Errorf("load patient: %w", err)
	}

	// "Send OTP".
	before := requests(sim)
	start := time.Now()
	_, err = flow.RequestOTP(ctx, abdm.OTPAadhaar)
	send = click{wall: time.Since(start), requests: requests(sim) - before}
	if err != nil {
		return send, deact, fmt.Errorf("send OTP: %w", err)
	}
	box := sim.Outbox()
	if len(box) == 0 {
		return send, deact, errors.New("the simulator sent no OTP")
	}
	otp := box[len(box)-1].OTP

	// "Deactivate".
	before = requests(sim)
	start = time.Now()
	_, err = flow.Deactivate(ctx, otp, []string{"101"}, "")
	deact = click{wall: time.Since(start), requests: requests(sim) - before, audit: journal.spent}
	if err != nil {
		return send, deact, fmt.Errorf("deactivate: %w", err)
	}
	if st, err := sim.AccountStatus(patient); err != nil || st != sandbox.StatusDeactivated {
		return send, deact, fmt.Errorf("the account is %q after deactivation (%v)", st, err)
	}
	return send, deact, nil
}

// requests is how many requests the simulator has received, all routes together.
func requests(sim *sandbox.Server) int {
	n := 0
	for _, r := range sandbox.Routes() {
		n += sim.Count(r)
	}
	return n
}

// median of the values key picks out of cs (the lower middle one for an even count).
func median(cs []click, key func(click) time.Duration) time.Duration {
	vs := make([]time.Duration, len(cs))
	for i, c := range cs {
		vs[i] = key(c)
	}
	slices.Sort(vs)
	return vs[(len(vs)-1)/2]
}
