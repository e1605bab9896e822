package audit

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm"
)

func changeAttempt(id, number string) abdm.Attempt {
	return abdm.Attempt{Action: abdm.ActionDeactivate, ID: id, TxnID: "txn-" + id, Reasons: []string{"101"},
		Patient: abdm.Profile{Name: "Asha Verma", ABHANumber: number}}
}

// TestOneChangePerABHA: while one journal holds an ABHA's change, a second
// one (another window: its own open of the lock file) gets
// ErrChangeInProgress after the wait and records nothing; another ABHA is
// not held up; once the first outcome is written the ABHA is free again.
func TestOneChangePerABHA(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	first := NewJournal(Open(path), JournalInfo{Environment: "sandbox", API: "v3"}, abdm.Catalogue{})
	second := NewJournal(Open(path), JournalInfo{Environment: "sandbox", API: "v3"}, abdm.Catalogue{})
	second.locks.wait = 200 * time.Millisecond

	a := changeAttempt("a1", "91-5512-3456-7890")
	if err := first.Intent(ctx, a); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := second.Intent(ctx, changeAttempt("b1", "91551234567890")) // same digits, other spelling
	if !errors.Is(err, ErrChangeInProgress) {
		t.Fatalf("second Intent for the same ABHA: %v, want ErrChangeInProgress", err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("gave up after %v without waiting", waited)
	}
	// The first finishes while the second waits: the second still sends
	// nothing (the first change may have done what it wanted).
	second.locks.wait = 2 * time.Second
	waiting := make(chan error, 1)
	go func() { waiting <- second.Intent(ctx, changeAttempt("b0", "91-5512-3456-7890")) }()
	time.Sleep(100 * time.Millisecond)
	if err := first.Outcome(ctx, a, abdm.Outcome{Status: OutcomeDeactivated}); err != nil {
		t.Fatal(err)
	}
	if err := <-waiting; !errors.Is(err, ErrChangeInProgress) {
		t.Fatalf("a change that waited while another finished: %v, want ErrChangeInProgress", err)
	}
	if err := first.Intent(ctx, a); err != nil {
		t.Fatal(err)
	}
	second.locks.wait = 200 * time.Millisecond
	if err := second.Intent(ctx, changeAttempt("c1", "91-6623-4567-8901")); err != nil {
		t.Fatalf("another ABHA: %v", err)
	}
	if err := second.Outcome(ctx, changeAttempt("c1", "91-6623-4567-8901"), abdm.Outcome{Status: OutcomeDeactivated}); err != nil {
		t.Fatal(err)
	}
	if err := first.Outcome(ctx, a, abdm.Outcome{Status: OutcomeDeactivated}); err != nil {
		t.Fatal(err)
	}
	if err := second.Intent(ctx, changeAttempt("b2", "91-5512-3456-7890")); err != nil {
		t.Fatalf("after the first outcome: %v", err)
	}
	second.Outcome(ctx, changeAttempt("b2", "91-5512-3456-7890"), abdm.Outcome{Status: OutcomeDeactivated})

	recs, _, err := Open(path).Read(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.ID == "b1" {
			t.Errorf("the refused attempt was recorded: %+v", r)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(filepath.Dir(path), "locks"))
	for _, e := range entries {
		if strings.Contains(e.Name(), "7890") || strings.Contains(e.Name(), "5512") {
			t.Errorf("lock file %q names the ABHA", e.Name())
		}
	}
}

const changeLockChildEnv = "ABHA_AUDIT_CHANGE_LOCK_CHILD"

// TestChangeLockAcrossProcesses: a child process holding the change of an
// ABHA keeps this process from starting one, until it ends.
func TestChangeLockAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestChangeLockChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), changeLockChildEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := stdout.Read(buf) // the child says "held" once it holds the lock
	if !strings.Contains(string(buf[:n]), "held") {
		t.Fatalf("child said %q", buf[:n])
	}
	j := NewJournal(Open(path), JournalInfo{}, abdm.Catalogue{})
	j.locks.wait = 100 * time.Millisecond
	if err := j.Intent(context.Background(), changeAttempt("p1", "91-5512-3456-7890")); !errors.Is(err, ErrChangeInProgress) {
		t.Errorf("while the child holds the ABHA: %v, want ErrChangeInProgress", err)
	}
	stdin.Close() // the child exits, and the system drops its lock
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	j.locks.wait = 2 * time.Second
	if err := j.Intent(context.Background(), changeAttempt("p2", "91-5512-3456-7890")); err != nil {
		t.Errorf("after the child ended: %v", err)
	}
	// Released, so that the lock file can be removed with the test's folder
	// (Windows does not delete an open file).
	if err := j.Outcome(context.Background(), changeAttempt("p2", "91-5512-3456-7890"), abdm.Outcome{Status: OutcomeDeactivated}); err != nil {
		t.Error(err)
	}
}

// TestChangeLockChild is run by TestChangeLockAcrossProcesses: it takes the
// change of an ABHA, says so, and holds it until its stdin closes; it never
// writes an outcome, as a crashed process would not.
func TestChangeLockChild(t *testing.T) {
	path := os.Getenv(changeLockChildEnv)
	if path == "" {
		t.Skip("run by TestChangeLockAcrossProcesses")
	}
	j := NewJournal(Open(path), JournalInfo{}, abdm.Catalogue{})
	if err := j.Intent(context.Background(), changeAttempt("child", "91 5512 3456 7890")); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("held\n")
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
}
