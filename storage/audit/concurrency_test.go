package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	childPathEnv = "ABHA_AUDIT_CHILD_PATH" // audit file the child appends to
	childNameEnv = "ABHA_AUDIT_CHILD_NAME" // prefix of the child's record IDs
	perChild     = 1000
)

// filler makes each line about 1 KB, so interleaved writes would show.
func filler(name string, i int) string {
	return fmt.Sprintf("%s-%04d ", name, i) + strings.Repeat(name, 480/len(name))
}

// TestAppendChild is run by TestAppendFromTwoProcesses: it waits for a byte
// on stdin, then appends perChild records.
func TestAppendChild(t *testing.T) {
	path, name := os.Getenv(childPathEnv), os.Getenv(childNameEnv)
	if path == "" {
		t.Skip("run by TestAppendFromTwoProcesses")
	}
	if _, err := io.ReadFull(os.Stdin, make([]byte, 1)); err != nil {
		t.Fatalf("waiting for the start signal: %v", err)
	}
	l := Open(path)
	for i := range perChild {
		r := intent(fmt.Sprintf("%s-%04d", name, i))
		r.OtherText = filler(name, i)
		if err := l.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAppendFromTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("appends 2,000 records from two processes")
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	names := []string{"alpha", "bravo"}
	var cmds []*exec.Cmd
	var starts []io.WriteCloser
	for _, name := range names {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAppendChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), childPathEnv+"="+path, childNameEnv+"="+name)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("child %s output:\n%s", name, out.String())
			}
		})
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, starts = append(cmds, cmd), append(starts, in)
	}
	start := time.Now()
	for _, in := range starts { // both start at once
		_, _ = in.Write([]byte{1})
		_ = in.Close()
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %s: %v", names[i], err)
		}
	}
	t.Logf("2 processes x %d appends in %v", perChild, time.Since(start).Round(time.Millisecond))

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	next := map[string]int{} // per process, records must appear in order
	lines := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	switches := 0
	last := ""
	for sc.Scan() {
		lines++
		var r Record
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d is not a record: %v\n%s", lines, err, sc.Text())
		}
		name, _, _ := strings.Cut(r.ID, "-")
		want := fmt.Sprintf("%s-%04d", name, next[name])
		if r.ID != want || r.OtherText != filler(name, next[name]) {
			t.Fatalf("line %d: got %s, want %s (lost, repeated or mangled)", lines, r.ID, want)
		}
		next[name]++
		if name != last {
			switches++
			last = name
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines != 2*perChild || next["alpha"] != perChild || next["bravo"] != perChild {
		t.Fatalf("%d lines, per process %v", lines, next)
	}
	t.Logf("%d lines, all valid; the processes took turns %d times", lines, switches)

	recs, stats, err := Open(path).Read(context.Background(), Filter{})
	if err != nil || len(recs) != 2*perChild || stats.Skipped != 0 {
		t.Fatalf("Read: %d records, %+v, %v", len(recs), stats, err)
	}
	// The two processes leave one chain: each record links to the line
	// before it, whichever process wrote that one.
	rep, err := Open(path).Verify(context.Background())
	if err != nil || !rep.Intact || rep.Lines != 2*perChild || rep.Chained != 2*perChild || rep.Legacy != 0 {
		t.Fatalf("Verify: %+v %+v %v", rep, rep.Break, err)
	}
}

func TestAppendFromGoroutines(t *testing.T) {
	l := newLog(t)
	const workers, each = 8, 100
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				r := intent(fmt.Sprintf("g%d-%03d", w, i))
				r.OtherText = strings.Repeat(fmt.Sprint(w), 400)
				if err := l.Append(context.Background(), r); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	// Reads run alongside the writers and never see a broken line.
	done := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, stats, err := l.Read(context.Background(), Filter{}); err != nil || stats.Skipped != 0 {
				errs <- fmt.Errorf("concurrent Read: %+v, %v", stats, err)
				return
			}
			if rep, err := l.Verify(context.Background()); err != nil || !rep.Intact {
				errs <- fmt.Errorf("concurrent Verify: %+v, %v", rep.Break, err)
				return
			}
		}
	})
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	recs, stats, err := l.Read(context.Background(), Filter{})
	if err != nil || len(recs) != workers*each || stats != (ReadStats{Lines: workers * each}) {
		t.Fatalf("%d records, %+v, %v", len(recs), stats, err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.ID] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct IDs", len(seen))
	}
	if rep, err := l.Verify(context.Background()); err != nil || !rep.Intact || rep.Chained != workers*each {
		t.Fatalf("Verify: %+v %+v %v", rep, rep.Break, err)
	}
}
