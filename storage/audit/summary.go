package audit

import (
	"sort"
	"time"

	"abha-deactivate/internal/safetext"
)

// StatusNoOutcome is the Status of an attempt whose outcome was never written.
const StatusNoOutcome = "no-outcome"

// Entry is one attempt (deactivation or reactivation): an intent joined with its outcome.
type Entry struct {
	ID      string
	Action  string    // ActionDeactivate or ActionReactivate
	Time    time.Time // when the attempt began (the intent), else the outcome's time
	Intent  *Record   // nil if the intent is not among the records given
	Outcome *Record   // nil if no outcome was recorded; the latest if several
	Status  string    // the outcome, or StatusNoOutcome
	Text    string    // plain-language summary for a history view
}

// Safe returns e with its records and text made safe to show (Record.Safe).
func (e Entry) Safe() Entry {
	if e.Intent != nil {
		r := e.Intent.Safe()
		e.Intent = &r
	}
	if e.Outcome != nil {
		r := e.Outcome.Safe()
		e.Outcome = &r
	}
	e.ID, e.Action, e.Status, e.Text = safetext.Text(e.ID), safetext.Text(e.Action), safetext.Text(e.Status), safetext.Text(e.Text)
	return e
}

// Summaries joins intents and outcomes by ID, newest attempt first.
func Summaries(recs []Record) []Entry {
	byID := map[string]*Entry{}
	var order []string
	for i := range recs {
		r := new(Record)
		*r = recs[i] // entries do not alias the caller's slice
		e, ok := byID[r.ID]
		if !ok {
			e = &Entry{ID: r.ID}
			byID[r.ID] = e
			order = append(order, r.ID)
		}
		switch r.Event {
		case EventIntent:
			if e.Intent == nil || r.Time.Before(e.Intent.Time) {
				e.Intent = r
			}
		case EventOutcome:
			if e.Outcome == nil || r.Time.After(e.Outcome.Time) {
				e.Outcome = r
			}
		}
	}
	out := make([]Entry, 0, len(order))
	for _, id := range order {
		e := byID[id]
		e.finish()
		out = append(out, *e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out
}

// finish fills Time, Action, Status and Text from Intent and Outcome.
func (e *Entry) finish() {
	switch {
	case e.Intent != nil:
		e.Time = e.Intent.Time
	case e.Outcome != nil:
		e.Time = e.Outcome.Time
	}
	e.Action = ActionDeactivate
	if e.Intent != nil {
		e.Action = e.Intent.ActionOf()
	} else if e.Outcome != nil {
		e.Action = e.Outcome.ActionOf()
	}
	e.Status, e.Text = StatusNoOutcome, "no outcome recorded (the app may have closed)"
	if e.Outcome != nil {
		e.Status, e.Text = e.Outcome.Outcome, describe(*e.Outcome)
	}
}

func describe(r Record) string {
	if r.Message != "" {
		return r.Message
	}
	switch r.Outcome {
	case OutcomeDeactivated:
		return "ABHA deactivated"
	case OutcomeRejected:
		if r.Code != "" {
			return "ABDM refused the request (" + r.Code + ")"
		}
		return "ABDM refused the request"
	case OutcomeUnknown:
		return "the result is not known: check the account's status before trying again"
	case OutcomeCancelled:
		return "cancelled"
	case OutcomeNotSent:
		return "not sent: the connection failed before the request left this computer"
	case OutcomeNotDeactivated:
		return "not deactivated: a status check found the ABHA still active"
	case OutcomeReactivated:
		return "ABHA reactivated"
	case OutcomeNotReactivated:
		return "not reactivated: a status check found the ABHA still deactivated"
	}
	return r.Outcome
}
