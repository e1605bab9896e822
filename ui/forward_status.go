package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2/widget"

	"abha-deactivate/storage/auditforward"
)

// forwardRefresh is how often the status bar reads the forwarding status.
const forwardRefresh = 30 * time.Second

// forwardStale is how long records may wait before the line warns.
const forwardStale = 24 * time.Hour

// forwardStrip is the line, in the status bar and in History, that says
// when the audit trail was last forwarded to the facility's collector and
// how many records wait. Hidden when no collector is configured.
type forwardStrip struct {
	w     *Wizard
	label *widget.Label
}

// newForwardStrip makes the line and reads the status in the background;
// with tick it reads it again every forwardRefresh while the window is open.
func newForwardStrip(w *Wizard, tick bool) *forwardStrip {
	s := &forwardStrip{w: w, label: wrapped("")}
	s.label.Hide()
	if w.opts.ForwardStatus == nil {
		return s
	}
	s.refresh()
	if tick && w.opts.Tick > 0 {
		go w.every(forwardRefresh, s.refresh)
	}
	return s
}

// refresh reads the status off the UI goroutine and shows it. Called on
// the UI goroutine.
func (s *forwardStrip) refresh() {
	read := s.w.opts.ForwardStatus
	s.w.background(func(ctx context.Context) func() {
		st, err := read(ctx)
		now := s.w.opts.Now() // New sets it
		return func() {
			text, warn := forwardText(st, err, now)
			s.label.Importance = widget.MediumImportance
			if warn {
				s.label.Importance = widget.WarningImportance
			}
			s.label.SetText(text)
			s.label.Show()
		}
	})
}

// forwardText is the line for st at now, and whether it is a warning.
func forwardText(st auditforward.Status, err error, now time.Time) (string, bool) {
	when := T("never")
	if !st.Last.IsZero() {
		when = st.Last.Local().Format("2006-01-02 15:04")
	}
	data := map[string]any{"N": st.Pending, "When": when}
	switch {
	case err != nil:
		return T("The audit forwarding status could not be read: {{.Err}}", map[string]any{"Err": err.Error()}), true
	case st.Mismatch != "":
		return T("The audit trail no longer matches what was forwarded to the facility's collector; it will be sent again. Tell your IT team."), true
	case st.Stale(now, forwardStale):
		return T("{{.N}} audit record(s) not forwarded to the facility's collector for more than a day (last sent: {{.When}}). Tell your IT team.", data), true
	case st.Pending > 0:
		return T("{{.N}} audit record(s) waiting to be forwarded to the facility's collector (last sent: {{.When}}).", data), false
	}
	return T("Audit trail forwarded to the facility's collector: nothing waiting (last sent: {{.When}}).", data), false
}
