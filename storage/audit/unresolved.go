package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"abha-deactivate/abdm"
)

// UnresolvedWindow is how far back front ends look for unresolved attempts.
const UnresolvedWindow = 90 * 24 * time.Hour

// Unresolved reports whether e is an attempt nobody knows the result of:
// its intent was written, and its latest outcome is outcome-unknown or it has
// none (the app closed). A status check settles it with a later outcome.
func (e Entry) Unresolved() bool {
	return e.Intent != nil && (e.Status == OutcomeUnknown || e.Status == StatusNoOutcome)
}

// SettledByStatusCheck reports whether e's outcome was written by a status
// check after an unknown outcome.
func (e Entry) SettledByStatusCheck() bool {
	return e.Outcome != nil && strings.HasPrefix(e.Outcome.Message, abdm.SettledMessage)
}

// Unresolved returns the unresolved attempts (Entry.Unresolved) that began
// at or after since (zero: all), newest first, reading the trail backwards.
func (l *Log) Unresolved(ctx context.Context, since time.Time) ([]Entry, error) {
	p := l.Pages(EntryFilter{Since: since})
	var out []Entry
	for p.More() {
		page, err := p.Next(ctx, 500)
		if err != nil {
			return out, fmt.Errorf("look for unresolved attempts: %w", err)
		}
		for _, e := range page {
			if e.Unresolved() {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// OnSystem reports whether e's attempt was made on the ABDM system env
// (sandbox, production, custom or demo) with the facility's clientID: a
// status check on another system would settle it with another system's
// answer. A record without a client ID matches any.
func (e Entry) OnSystem(env, clientID string) bool {
	if e.Intent == nil || e.Intent.Environment != env {
		return false
	}
	return e.Intent.ClientID == "" || clientID == "" || e.Intent.ClientID == clientID
}

// ErrOtherABHA is returned by Entry.Attempt for an ABHA number that is not
// the one the attempt was for.
var ErrOtherABHA = errors.New("this is not the ABHA number of that attempt: its last four digits differ")

// Attempt rebuilds the attempt of e's intent for a status check
// (abdm.Flow.SettleEarlier) that writes its outcome with e's ID. The trail
// keeps the ABHA number masked: number is the full one, which must match it.
func (e Entry) Attempt(number string) (abdm.Attempt, error) {
	if e.Intent == nil {
		return abdm.Attempt{}, errors.New("the attempt has no intent record")
	}
	n, err := abdm.ParseABHA(number)
	if err != nil {
		return abdm.Attempt{}, err
	}
	if abdm.MaskABHANumber(n) != abdm.MaskABHANumber(e.Intent.ABHANumber) {
		return abdm.Attempt{}, ErrOtherABHA
	}
	in := e.Intent
	codes := make([]string, len(in.Reasons))
	for i, r := range in.Reasons {
		codes[i] = r.Code
	}
	return abdm.Attempt{Action: abdm.Action(in.ActionOf()), ID: e.ID, TxnID: in.TxnID,
		Patient: abdm.Profile{ABHANumber: n}, Login: abdm.LoginMethod(in.LoginMethod),
		Method: abdm.OTPMethod(in.OTPMethod), Reasons: codes, Note: in.OtherText}, nil
}
