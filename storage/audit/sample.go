package audit

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"abha-deactivate/storage/paths"
)

// WriteSampleTrail writes, for benchmarks and trials, a made-up audit trail
// of exactly n lines at path (replacing the file): a busy facility's
// attempts, about one a minute from 2026-01-01, each an intent and its
// outcome (mostly done, some refused, not sent or cancelled), a few with an
// unknown outcome settled by a status check a few hundred lines later, a few
// never finished, some reactivations. The lines are the ones Append would
// write, chain included, with masked ABHA numbers and nothing real in them;
// the same n always gives the same file. It writes with one flush at the end
// rather than one per record, so a million lines take seconds.
func WriteSampleTrail(ctx context.Context, path string, n int) error {
	if err := paths.MkdirPrivate(filepath.Dir(path)); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("audit: creating %s: %w", path, err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 256<<10)
	rng := rand.New(rand.NewPCG(uint64(n), 2026))
	hexID := func(bytes int) string {
		b := make([]byte, bytes)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return hex.EncodeToString(b)
	}
	reasons := [][]Reason{
		{{"101", "Privacy concerns"}},
		{{"102", "Duplicate ABHA"}},
		{{"101", "Privacy concerns"}, {"104", "Patient's request"}},
		{{"others", "Other"}},
	}
	users := []string{"reception-1", "reception-2", "records-desk", "dr.sharma"}
	type late struct {
		due int
		r   Record
	}
	var pending []late // outcomes of status checks still to write
	at := time.Date(2026, 1, 1, 3, 30, 0, 0, time.UTC)
	prev := ChainStart
	emit := func(r Record) error {
		at = at.Add(time.Duration(20+rng.IntN(70))*time.Second + time.Duration(rng.IntN(1e9)))
		r.Time, r.Prev = at, prev
		line, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("audit: encoding record: %w", err)
		}
		prev = lineHashHex(line)
		_, err = w.Write(append(line, '\n'))
		return err
	}
	for i := 0; i < n; {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("audit: %w", err)
			}
		}
		if len(pending) > 0 && pending[0].due <= i {
			if err := emit(pending[0].r); err != nil {
				return fmt.Errorf("audit: writing %s: %w", path, err)
			}
			pending, i = pending[1:], i+1
			continue
		}
		in := Record{ID: hexID(16), Event: EventIntent, Action: ActionDeactivate, API: "v3",
			OSUser: users[rng.IntN(len(users))], Environment: "production", ClientID: "HIP_FACILITY_01",
			HIPID: "IN2710001234", ABHANumber: fmt.Sprintf("XX-XXXX-XXXX-%04d", rng.IntN(10000)),
			TxnID:       hexID(4) + "-" + hexID(2) + "-" + hexID(2) + "-" + hexID(2) + "-" + hexID(6),
			LoginMethod: "AADHAAR_OTP", OTPMethod: "AADHAAR_OTP"}
		if rng.IntN(20) == 0 {
			in.Action, in.OTPMethod = ActionReactivate, "MOBILE_OTP"
		} else {
			in.Reasons = reasons[rng.IntN(len(reasons))]
			if in.Reasons[0].Code == "others" {
				in.OtherText = "moving abroad"
			}
		}
		if err := emit(in); err != nil {
			return fmt.Errorf("audit: writing %s: %w", path, err)
		}
		i++
		out := in
		out.Event, out.Reasons, out.OtherText = EventOutcome, nil, ""
		out.DurationMS = int64(400 + rng.IntN(2500))
		done := OutcomeDeactivated
		if in.Action == ActionReactivate {
			done = OutcomeReactivated
		}
		switch k := rng.IntN(100); {
		case k < 3 || i >= n:
			continue // the app closed: no outcome
		case k < 9:
			out.Outcome, out.Message = OutcomeUnknown, "the reply was lost: check the account's status"
			settled := out
			settled.Outcome, settled.Message, settled.DurationMS = done, "", 0
			if rng.IntN(3) == 0 {
				settled.Outcome = OutcomeNotDeactivated
				if in.Action == ActionReactivate {
					settled.Outcome = OutcomeNotReactivated
				}
			}
			pending = append(pending, late{due: i + 100 + rng.IntN(400), r: settled})
		case k < 20:
			out.Outcome, out.Code, out.Message = OutcomeRejected, "ABDM-1100", "Invalid OTP value"
		case k < 23:
			out.Outcome = OutcomeNotSent
		case k < 25:
			out.Outcome = OutcomeCancelled
		default:
			out.Outcome = done
		}
		if err := emit(out); err != nil {
			return fmt.Errorf("audit: writing %s: %w", path, err)
		}
		i++
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("audit: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("audit: flushing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audit: closing %s: %w", path, err)
	}
	return nil
}
