// Package audittest makes audit trails for the tests and benchmarks of the
// packages that read them.
package audittest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/paths"
)

// WriteSampleTrail writes, for benchmarks and trials, a made-up audit trail
// of exactly n lines at path (replacing the file): a busy facility's
// attempts, about one a minute from 2026-01-01, each an intent and its
// outcome (mostly done, some refused, not sent or cancelled), a few with an
// unknown outcome settled by a status check a few hundred lines later, a few
// never finished, some reactivations. The lines are the ones audit's Append
// would write, chain included, with masked ABHA numbers and nothing real in
// them, and the head file (audit.jsonl.head) Append would leave; the same n always gives the same file. It writes with one flush at
// the end rather than one per record, so a million lines take seconds.
func WriteSampleTrail(ctx context.Context, path string, n int) error {
	if err := paths.MkdirPrivate(filepath.Dir(path)); err != nil {
		return fmt.Errorf("audittest: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("audittest: creating %s: %w", path, err)
	}
	defer f.Close()
	t := &trail{
		w:    bufio.NewWriterSize(f, 256<<10),
		rng:  rand.New(rand.NewPCG(uint64(n), 2026)),
		at:   time.Date(2026, 1, 1, 3, 30, 0, 0, time.UTC),
		prev: audit.ChainStart,
	}
	if err := t.write(ctx, n); err != nil {
		return fmt.Errorf("audittest: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("audittest: flushing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audittest: closing %s: %w", path, err)
	}
	return writeHead(path, n, t.prev)
}

// writeHead writes the head file Append would have left after the last
// line of a trail of n lines whose last line hashes to last (the format is
// in audit's chain.go); with no lines it removes any head.
func writeHead(path string, n int, last string) error {
	if n == 0 {
		if err := os.Remove(path + ".head"); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("audittest: %w", err)
		}
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("audittest: %w", err)
	}
	head := fmt.Sprintf(`{"v":1,"size":%d,"lines":%d,"hash":"%s"}`, fi.Size(), n, last)
	head += strings.Repeat(" ", 191-len(head)) + "\n"
	if err := os.WriteFile(path+".head", []byte(head), 0o600); err != nil {
		return fmt.Errorf("audittest: writing the head: %w", err)
	}
	return nil
}

// The made-up facility's reasons and users.
var (
	sampleReasons = [][]audit.Reason{
		{{Code: "101", Label: "Privacy concerns"}},
		{{Code: "102", Label: "Duplicate ABHA"}},
		{{Code: "101", Label: "Privacy concerns"}, {Code: "104", Label: "Patient's request"}},
		{{Code: "others", Label: "Other"}},
	}
	sampleUsers = []string{"reception-1", "reception-2", "records-desk", "dr.sharma"}
)

// trail is a sample trail being written.
type trail struct {
	w       *bufio.Writer
	rng     *rand.Rand
	at      time.Time // the time of the last record
	prev    string    // the chain hash of the last line
	pending []late    // outcomes of status checks still to write, by due line
}

// late is the outcome of a status check, to be written at line due.
type late struct {
	due int
	r   audit.Record
}

// write writes n lines and flushes them.
func (t *trail) write(ctx context.Context, n int) error {
	for i := 0; i < n; {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if len(t.pending) > 0 && t.pending[0].due <= i {
			if err := t.emit(t.pending[0].r); err != nil {
				return err
			}
			t.pending, i = t.pending[1:], i+1
			continue
		}
		in := t.intent()
		if err := t.emit(in); err != nil {
			return err
		}
		i++
		out, ok := t.outcome(in, i, n)
		if !ok {
			continue
		}
		if err := t.emit(out); err != nil {
			return err
		}
		i++
	}
	return t.w.Flush()
}

// emit writes r as the next line, a little after the last one and chained to it.
func (t *trail) emit(r audit.Record) error {
	t.at = t.at.Add(time.Duration(20+t.rng.IntN(70))*time.Second + time.Duration(t.rng.IntN(1e9)))
	r.Time, r.Prev = t.at, t.prev
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding record: %w", err)
	}
	// The chain hash of a line is the SHA-256 of its bytes without "\r"
	// (see audit's chain.go); json.Marshal writes none.
	sum := sha256.Sum256(line)
	t.prev = hex.EncodeToString(sum[:])
	_, err = t.w.Write(append(line, '\n'))
	return err
}

// hexID returns n random bytes in hex.
func (t *trail) hexID(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(t.rng.Uint32())
	}
	return hex.EncodeToString(b)
}

// intent makes up the intent of an attempt: mostly deactivations.
func (t *trail) intent() audit.Record {
	in := audit.Record{ID: t.hexID(16), Event: audit.EventIntent, Action: audit.ActionDeactivate, API: "v3",
		OSUser: sampleUsers[t.rng.IntN(len(sampleUsers))], Environment: "production", ClientID: "HIP_FACILITY_01",
		HIPID: "IN2710001234", ABHANumber: fmt.Sprintf("XX-XXXX-XXXX-%04d", t.rng.IntN(10000)),
		TxnID:       t.hexID(4) + "-" + t.hexID(2) + "-" + t.hexID(2) + "-" + t.hexID(2) + "-" + t.hexID(6),
		LoginMethod: "AADHAAR_OTP", OTPMethod: "AADHAAR_OTP"}
	if t.rng.IntN(20) == 0 {
		in.Action, in.OTPMethod = audit.ActionReactivate, "MOBILE_OTP"
	} else {
		in.Reasons = sampleReasons[t.rng.IntN(len(sampleReasons))]
		if in.Reasons[0].Code == "others" {
			in.OtherText = "moving abroad"
		}
	}
	return in
}

// outcome makes up the outcome of the attempt in, to follow it at line i of
// n. ok is false when the attempt is left without one (the app closed, or
// the trail ends). An unknown outcome also queues its settling by a status
// check a few hundred lines later.
func (t *trail) outcome(in audit.Record, i, n int) (out audit.Record, ok bool) {
	out = in
	out.Event, out.Reasons, out.OtherText = audit.EventOutcome, nil, ""
	out.DurationMS = int64(400 + t.rng.IntN(2500))
	done, notDone := audit.OutcomeDeactivated, audit.OutcomeNotDeactivated
	if in.Action == audit.ActionReactivate {
		done, notDone = audit.OutcomeReactivated, audit.OutcomeNotReactivated
	}
	switch k := t.rng.IntN(100); {
	case k < 3 || i >= n:
		return out, false
	case k < 9:
		out.Outcome, out.Message = audit.OutcomeUnknown, "the reply was lost: check the account's status"
		settled := out
		settled.Outcome, settled.Message, settled.DurationMS = done, "", 0
		if t.rng.IntN(3) == 0 {
			settled.Outcome = notDone
		}
		t.pending = append(t.pending, late{due: i + 100 + t.rng.IntN(400), r: settled})
	case k < 20:
		out.Outcome, out.Code, out.Message = audit.OutcomeRejected, "ABDM-1100", "Invalid OTP value"
	case k < 23:
		out.Outcome = audit.OutcomeNotSent
	case k < 25:
		out.Outcome = audit.OutcomeCancelled
	default:
		out.Outcome = done
	}
	return out, true
}
