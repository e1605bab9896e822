// Command soak is a day at the desk: it drives many patients through the
// wizard's flow in one process, each a sign-in, a deactivation and a
// reactivation, against the ABDM simulator over real HTTP, with the real
// audit trail, and watches what the process holds. It prints RSS, Go heap,
// goroutines and open files at the start, every -every patients and at the
// end (on stderr), then the figures (on stdout):
//
//	soak_patients: 300
//	soak_rss_growth_pct: 1.8
//	soak_heap_growth_pct: 0.4
//	soak_goroutines_growth: 0
//	soak_open_files_growth: 0
//
// Growth is measured from the first checkpoint (after -every patients, when
// caches and connection pools are warm) to the end. The goal: RSS growth at
// most 10%, goroutines and open files flat.
//
// Usage: go run ./bench/soak [-patients 300] [-every 50] [-api v3|v2]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/assets"
	"abha-deactivate/bench/internal/benchsim"
	"abha-deactivate/storage/audit"
)

// patients are the demo accounts with a normal deactivation, taken in turn.
var patients = []string{"91-5512-3456-7890", "91-6623-4567-8901"}

func main() {
	n := flag.Int("patients", 300, "how many patients to deactivate and reactivate")
	every := flag.Int("every", 50, "print a checkpoint every this many patients")
	api := flag.String("api", "v3", "the API generation: v3 or v2")
	flag.Parse()
	gen, err := abdm.ParseGeneration(*api)
	if err != nil || *n < *every || *every < 1 {
		fmt.Fprintln(os.Stderr, "soak: -api v3|v2, -every at least 1, -patients at least -every")
		os.Exit(2)
	}
	if err := run(gen, *n, *every); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// desk is one workstation's connection: the simulator, the flow and its journal.
type desk struct {
	sim  *sandbox.Server
	flow *abdm.Flow
	gen  abdm.Generation
}

func run(gen abdm.Generation, n, every int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "abha-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d, stop, err := openDesk(ctx, gen, filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		return err
	}
	defer stop()

	start := sample()
	start.print("start", 0)
	var first snapshot
	for i := 1; i <= n; i++ {
		if err := d.patient(ctx, patients[i%len(patients)]); err != nil {
			return fmt.Errorf("patient %d: %w", i, err)
		}
		if i%every == 0 || i == n {
			s := sample()
			s.print("after", i)
			if i == every {
				first = s
			}
		}
	}
	end := sample()
	fmt.Printf("soak_patients: %d\n", n)
	fmt.Printf("soak_rss_growth_pct: %.1f\n", pct(end.rss, first.rss))
	fmt.Printf("soak_heap_growth_pct: %.1f\n", pct(end.heap, first.heap))
	fmt.Printf("soak_goroutines_growth: %d\n", end.goroutines-first.goroutines)
	fmt.Printf("soak_open_files_growth: %d\n", end.files-first.files)
	return nil
}

// openDesk starts the simulator on loopback and connects a flow to it, as
// the wizard does.
func openDesk(ctx context.Context, gen abdm.Generation, trailPath string) (*desk, func(), error) {
	sim := sandbox.New(sandbox.WithKeyBits(2048))
	srv, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	stop := func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(closeCtx)
	}
	fail := func(err error) (*desk, func(), error) { stop(); return nil, nil, err }
	if err := sim.KeyReady(ctx); err != nil {
		return fail(fmt.Errorf("simulator key: %w", err))
	}
	cat, err := abdm.ParseCatalogue(assets.ReasonsJSON)
	if err != nil {
		return fail(fmt.Errorf("reason catalogue: %w", err))
	}
	client, err := benchsim.Client(sim, srv, gen)
	if err != nil {
		return fail(err)
	}
	creds := sim.Credentials()
	journal := audit.NewJournal(audit.Open(trailPath), audit.JournalInfo{Environment: "custom",
		ClientID: creds.ClientID, HIPID: creds.HIPID, API: string(gen)}, cat)
	flow := abdm.NewFlow(client, abdm.WithCatalogue(cat), abdm.WithJournal(journal))
	if err := flow.Connect(ctx); err != nil {
		return fail(fmt.Errorf("connect: %w", err))
	}
	return &desk{sim: sim, flow: flow, gen: gen}, stop, nil
}

// patient is one patient at the desk: sign in by Aadhaar OTP, deactivate
// with a reason, reactivate at once, then the next patient. The simulator's
// clock moves on ten minutes, as between patients at a desk, which also
// keeps its OTP rate limits from tripping.
func (d *desk) patient(ctx context.Context, abha string) error {
	d.sim.Advance(10 * time.Minute)
	if _, err := d.flow.LookUp(ctx, abha); err != nil {
		return fmt.Errorf("look up: %w", err)
	}
	if _, err := d.flow.StartSignIn(ctx, abdm.LoginAadhaarOTP); err != nil {
		return fmt.Errorf("start sign-in: %w", err)
	}
	if _, err := d.flow.FinishSignIn(ctx, d.lastOTP()); err != nil {
		return fmt.Errorf("finish sign-in: %w", err)
	}
	if _, err := d.flow.RequestOTP(ctx, abdm.OTPAadhaar); err != nil {
		return fmt.Errorf("send OTP: %w", err)
	}
	if _, err := d.flow.Deactivate(ctx, d.lastOTP(), []string{"101"}, ""); err != nil {
		return fmt.Errorf("deactivate: %w", err)
	}
	if _, err := d.flow.StartReactivation(ctx, "", abdm.OTPMobile); err != nil {
		return fmt.Errorf("start reactivation: %w", err)
	}
	if _, err := d.flow.Reactivate(ctx, d.lastOTP()); err != nil {
		return fmt.Errorf("reactivate: %w", err)
	}
	if st, err := d.sim.AccountStatus(abha); err != nil || st != sandbox.StatusActive {
		return fmt.Errorf("the account is %q after reactivation (%v)", st, err)
	}
	return d.flow.NextPatient()
}

// lastOTP is the OTP of the simulator's latest SMS, as the patient reads it out.
func (d *desk) lastOTP() string {
	box := d.sim.Outbox()
	if len(box) == 0 {
		return ""
	}
	return box[len(box)-1].OTP
}

func pct(now, base uint64) float64 {
	if base == 0 {
		return 0
	}
	return (float64(now) - float64(base)) / float64(base) * 100
}

var errNoProc = errors.New("no /proc on this system")
