package audit

import (
	"context"

	"abha-deactivate/abdm"
)

// Journal writes a flow's deactivation and reactivation attempts to the audit trail; it
// implements abdm.Journal for every front end.
type Journal struct {
	log       *Log
	info      JournalInfo
	catalogue abdm.Catalogue
	locks     *changeLocks // one change per ABHA at a time, across processes
}

// JournalInfo is what every record of a connection shares.
type JournalInfo struct {
	Environment string // sandbox, production, custom or demo
	ClientID    string
	HIPID       string
	API         string // the API generation: v3 or v2
	LoginMethod string // default sign-in method when the attempt does not name one
}

// NewJournal returns a journal writing to log; cat gives the reasons' labels.
func NewJournal(log *Log, info JournalInfo, cat abdm.Catalogue) *Journal {
	return &Journal{log: log, info: info, catalogue: cat, locks: newChangeLocks(log.path, ChangeLockWait)}
}

var _ abdm.Journal = (*Journal)(nil)

func (j *Journal) record(a abdm.Attempt, event string) Record {
	reasons := make([]Reason, len(a.Reasons))
	for i, code := range a.Reasons {
		r, _ := j.catalogue.Lookup(code)
		reasons[i] = Reason{Code: code, Label: r.English}
	}
	login := j.info.LoginMethod
	if a.Login != "" {
		login = string(a.Login)
	}
	action := string(a.Action)
	if action == "" {
		action = ActionDeactivate
	}
	return Record{ID: a.ID, Event: event, Action: action, API: j.info.API, Environment: j.info.Environment, ClientID: j.info.ClientID,
		HIPID: j.info.HIPID, ABHANumber: a.Patient.ABHANumber, TxnID: a.TxnID, Reasons: reasons,
		OtherText: a.Note, LoginMethod: login, OTPMethod: string(a.Method)}
}

// Intent records a deactivation or reactivation about to be sent. It first
// takes the ABHA's change lock, held until Outcome: while another window or
// terminal on this computer changes the same ABHA, it waits up to
// ChangeLockWait, then returns ErrChangeInProgress and records nothing.
func (j *Journal) Intent(ctx context.Context, a abdm.Attempt) error {
	if err := j.locks.acquire(ctx, a.ID, a.Patient.ABHANumber, a.Patient.ABHAAddress); err != nil {
		return err
	}
	if err := j.log.Append(ctx, j.record(a, EventIntent)); err != nil {
		j.locks.release(a.ID)
		return err
	}
	return nil
}

// Outcome records how it ended and releases the ABHA's change lock.
func (j *Journal) Outcome(ctx context.Context, a abdm.Attempt, o abdm.Outcome) error {
	defer j.locks.release(a.ID)
	r := j.record(a, EventOutcome)
	r.Outcome, r.Code, r.Message, r.DurationMS = o.Status, o.Code, o.Message, o.Duration.Milliseconds()
	return j.log.Append(ctx, r)
}
