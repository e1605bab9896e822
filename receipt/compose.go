package receipt

import (
	"strings"
	"time"

	"abha-deactivate/abdm"
)

// compose lays d out on the first page size and scale on which it fits.
func (m *Maker) compose(d Data, t texts) *layout {
	var l *layout
	for _, f := range fits {
		l = newLayout(m.fonts, f.paper, f.scale)
		end := l.body(d, t)
		if end+4*l.scale <= l.footer(t.get(kFooter, "Version", scrub(orDev(d.Version)), "Date", t.date(made(d)))) {
			break
		}
	}
	return l
}

// body places everything above the footer and returns where it ends.
func (l *layout) body(d Data, t texts) float64 {
	deactivated := d.Action == abdm.ActionDeactivate
	if d.test() {
		l.banner(colTestBg, colTestInk,
			line{t[kTestMark], l.st(10.5, true, colTestInk)},
			line{t.get(kTestDetail, "Environment", envWithServer(d, t)), l.st(8, false, colText)})
		l.space(4)
	}
	title := t[kTitleReactivated]
	if deactivated {
		title = t[kTitleDeactivated]
	}
	l.para(title, l.st(17, true, colHeading))
	l.space(0.5)
	l.para(t[kSubtitle], l.st(9, false, colMuted))
	l.rule()

	l.row(t[kLabelWhen], t.dateTime(d.At))
	if facility := facilityLine(d); facility != "" {
		l.row(t[kLabelFacility], facility)
	}
	if name := strings.TrimSpace(d.PatientName); name != "" {
		l.row(t[kLabelPatient], scrub(name))
	}
	l.row(t[kLabelABHANumber], abdm.MaskABHANumber(d.ABHANumber))
	if addr := strings.TrimSpace(d.ABHAAddress); addr != "" {
		l.row(t[kLabelABHAAddress], scrub(addr))
	}
	if deactivated {
		l.row(t[kLabelDone], t[kDoneDeactivated])
		if reasons := bullets(d.Reasons); len(reasons) > 0 {
			l.row(t[kLabelReasons], reasons...)
		}
	} else {
		l.row(t[kLabelDone], t[kDoneReactivated])
	}
	confirmed := t[kConfirmedReply]
	if d.ByStatusCheck {
		confirmed = t[kConfirmedByCheck]
	}
	l.row(t[kLabelConfirmed], confirmed)
	l.row(t[kLabelTxn], scrub(strings.TrimSpace(d.TxnID)))
	l.rule()

	meaning, undoHeading, undo := t[kMeaningReactivate], t[kUndoHeadingReact], t[kUndoReactivated]
	if deactivated {
		meaning, undoHeading, undo = t[kMeaningDeactivate], t[kUndoHeadingDeact], t[kUndoDeactivated]
	}
	l.section(t[kMeaningHeading], meaning)
	l.space(3)
	l.section(undoHeading, undo)
	l.space(4)
	l.banner(colTint, colTint, line{t[kKeep], l.st(8, false, colText)})
	return l.y
}

// facilityLine is the facility's name with its HIP ID in brackets, as the
// label "Facility (HIP ID)" reads, or whichever of the two is given.
func facilityLine(d Data) string {
	name, hip := scrub(strings.TrimSpace(d.Facility)), scrub(strings.TrimSpace(d.HIPID))
	switch {
	case name != "" && hip != "":
		return name + " (" + hip + ")"
	case name != "":
		return name
	}
	return hip
}

// section places a heading and its paragraph.
func (l *layout) section(heading, text string) {
	l.para(heading, l.st(10, true, colHeading))
	l.space(1)
	l.para(text, l.st(9, false, colText))
}

// bullets are the reasons, one bullet each, without empty ones.
func bullets(reasons []string) []string {
	var out []string
	for _, r := range reasons {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, "•\u00a0"+scrub(r))
		}
	}
	return out
}

// envWithServer is the environment in plain words, with the host of
// custom addresses.
func envWithServer(d Data, t texts) string {
	name := envName(d.Environment, t)
	env := strings.ToLower(strings.TrimSpace(d.Environment))
	if host := scrub(d.Server); host != "" && (env == string(abdm.EnvCustom) || env == "") {
		name += " (" + host + ")"
	}
	return name
}

// envName is the environment in plain words.
func envName(env string, t texts) string {
	switch strings.ToLower(strings.TrimSpace(env)) {
	case string(abdm.EnvSandbox):
		return t[kEnvSandbox]
	case string(abdm.EnvCustom):
		return t[kEnvCustom]
	case "demo":
		return t[kEnvDemo]
	case "":
		return t[kEnvCustom]
	}
	return scrub(env)
}

func orDev(version string) string {
	if v := strings.TrimSpace(version); v != "" {
		return v
	}
	return "dev"
}

// made is when the receipt is made.
func made(d Data) time.Time {
	if d.Made.IsZero() {
		return time.Now()
	}
	return d.Made
}
