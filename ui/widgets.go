package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // profile photos from ABDM
	_ "image/png"
	"net/url"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// wrapped is a label that wraps at word boundaries.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// heading is a bold label.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// demoBanner is the strip that says, on every step, that the app runs
// against the simulator; leave (if not nil) is at its end.
func demoBanner(leave fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	text := canvas.NewText(T("DEMO – simulated ABDM, no real patients or accounts"), color.Black)
	text.TextStyle = fyne.TextStyle{Bold: true}
	text.Alignment = fyne.TextAlignCenter
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, nil, leave, text)))
}

// systemStrip is the strip that names the ABDM system the wizard is
// connected to, on every step after Connect: staff must never deactivate a
// real patient while believing they are testing, or the reverse.
type systemStrip struct {
	bg   *canvas.Rectangle
	text *canvas.Text
	box  *fyne.Container
}

func newSystemStrip() *systemStrip {
	s := &systemStrip{bg: canvas.NewRectangle(theme.Color(theme.ColorNameSuccess)), text: canvas.NewText("", color.Black)}
	s.text.TextStyle = fyne.TextStyle{Bold: true}
	s.text.Alignment = fyne.TextAlignCenter
	s.box = container.NewStack(s.bg, container.NewPadded(s.text))
	s.box.Hide()
	return s
}

// show names the system of set: production in the danger colour.
func (s *systemStrip) show(set settings.Settings) {
	gen := set.Generation()
	switch abdm.Environment(set.Environment) {
	case abdm.EnvProduction:
		s.bg.FillColor = theme.Color(theme.ColorNameError)
		s.text.Color = color.White
		s.text.Text = T("PRODUCTION · live ABDM: real patients") + " · API " + string(gen)
	case abdm.EnvCustom:
		s.bg.FillColor = theme.Color(theme.ColorNameWarning)
		s.text.Color = color.Black
		s.text.Text = T("CUSTOM ABDM addresses") + ": " + hostOf(set.GatewayURL) + " · API " + string(gen)
	default:
		s.bg.FillColor = theme.Color(theme.ColorNameSuccess)
		s.text.Color = color.Black
		s.text.Text = T("SANDBOX · ABDM test system: test accounts only") + " · API " + string(gen)
	}
	s.box.Show()
	s.box.Refresh()
}

// hostOf is the host of a base URL, or the URL itself if it has none.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// field is a labelled input with a hint below it.
func field(label string, input fyne.CanvasObject, hint string) fyne.CanvasObject {
	objs := []fyne.CanvasObject{heading(label), input}
	if hint != "" {
		objs = append(objs, newHint(hint))
	}
	return container.NewVBox(objs...)
}

// newChoice is a required choice among labels, the first one chosen.
func newChoice(labels ...string) *widget.RadioGroup {
	r := widget.NewRadioGroup(labels, nil)
	r.SetSelected(labels[0])
	r.Required = true
	return r
}

// chosen is the value in values at the place of r's choice, or the first.
func chosen[V any](r *widget.RadioGroup, values []V) V {
	if i := slices.Index(r.Options, r.Selected); i >= 0 {
		return values[i]
	}
	return values[0]
}

// inputWithHint is an input with its hint below, for the right column of a
// form.
func inputWithHint(input, hint fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(input, hint)
}

// hint is help text under a field: wrapped, and drawn in colorNameHint, which
// keeps at least 4.5:1 contrast with the background (Fyne draws
// low-importance labels in its faint disabled colour). It is rich text with
// one segment that names the colour, not a label in a theme override: Fyne
// gives every override its own font cache, so each hint parsed the fonts
// again, before the first frame and after every refresh of its container.
type hint struct {
	widget.RichText
	seg widget.TextSegment
}

func newHint(text string) *hint {
	h := &hint{seg: widget.TextSegment{Text: text, Style: widget.RichTextStyle{
		ColorName: colorNameHint,
		Inline:    true,
		SizeName:  theme.SizeNameText,
	}}}
	h.Segments = []widget.RichTextSegment{&h.seg}
	h.Wrapping = fyne.TextWrapWord
	h.Scroll = container.ScrollNone // as widget.NewRichText sets it
	h.ExtendBaseWidget(h)
	return h
}

// Text is what the hint says.
func (h *hint) Text() string { return h.seg.Text }

// SetText changes what the hint says.
func (h *hint) SetText(text string) {
	if h.seg.Text == text {
		return
	}
	h.seg.Text = text
	h.Refresh()
}

// entry is a text entry that submits the wizard's primary action on Enter
// and cancels a running request on Escape.
type entry struct {
	widget.Entry
	onEscape func()
}

func newEntry(w *Wizard, placeholder string) *entry {
	e := &entry{onEscape: w.cancelTask}
	e.PlaceHolder = placeholder
	e.OnSubmitted = func(string) { w.primary() }
	e.ExtendBaseWidget(e)
	return e
}

// dialogEntry is an entry of a dialog's form: Escape calls close (the
// dialog closes even while a field has the focus, which takes the key).
func dialogEntry(close func()) *entry {
	e := &entry{onEscape: close}
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry(w *Wizard, placeholder string) *entry {
	e := newEntry(w, placeholder)
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // no scroll bar under long tokens, as NewPasswordEntry does
	return e
}

// clearEntry empties e and its validation mark: an empty field shows no
// ✓ (Fyne keeps the mark of the last text until the entry is redrawn).
func clearEntry(e *entry) {
	e.SetText("")
	e.SetValidationError(nil)
	e.Refresh()
}

// TypedKey adds Escape to the entry's keys.
func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// check is a check box that also takes Enter (the primary action) and
// Escape (cancel), so the wizard can be driven from the keyboard alone.
type check struct {
	widget.Check
	w *Wizard
	// enterTicks makes Enter tick the box before the primary action: the
	// box is a "yes" that the action needs. Not within settleTime of the
	// box taking the focus, so an Enter typed ahead confirms nothing unseen.
	enterTicks bool
	focusedAt  time.Time
}

// settleTime is how long a box that Enter ticks must have had the focus.
const settleTime = 700 * time.Millisecond

// FocusGained notes when the box took the focus.
func (c *check) FocusGained() {
	c.focusedAt = time.Now()
	c.Check.FocusGained()
}

func newCheck(w *Wizard, label string, changed func(bool)) *check {
	c := &check{w: w}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey adds Enter and Escape to the check box's keys.
func (c *check) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if c.enterTicks && !c.Checked {
			if time.Since(c.focusedAt) < settleTime || c.Disabled() {
				return
			}
			c.SetChecked(true)
		}
		c.w.primary()
	case fyne.KeyEscape:
		c.w.cancelTask()
	default:
		c.Check.TypedKey(ev)
	}
}

// notice shows the outcome of an action next to the wizard's buttons: an
// error in plain words with what to do next, a warning, or a confirmation.
type notice struct {
	w      *Wizard
	kind   noticeKind
	box    *fyne.Container
	icon   *widget.Icon
	title  *widget.Label
	detail *widget.Label
	action *widget.Button
}

type noticeKind int

const (
	noticeInfo noticeKind = iota
	noticeSuccess
	noticeWarning
	noticeError
)

// kindNames name the notice kinds in the log.
var kindNames = map[noticeKind]string{noticeInfo: "info", noticeSuccess: "success", noticeWarning: "warning", noticeError: "error"}

// newNotice is a step's notice; w shows it in view when it changes.
func newNotice(w *Wizard) *notice {
	n := &notice{w: w, icon: widget.NewIcon(nil), title: heading(""), detail: wrapped(""),
		action: widget.NewButton("", nil)}
	n.title.Wrapping = fyne.TextWrapWord
	n.box = container.NewPadded(container.NewBorder(nil, nil, container.NewVBox(n.icon), nil,
		container.NewVBox(n.title, n.detail, container.NewHBox(n.action))))
	w.name(n.action, "notice.action")
	n.hide()
	return n
}

func (n *notice) view() fyne.CanvasObject { return n.box }

func (n *notice) hide() { n.box.Hide() }

// show displays a notice; action may be nil.
func (n *notice) show(kind noticeKind, title, detail, actionLabel string, action func()) {
	switch kind {
	case noticeSuccess:
		n.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case noticeWarning:
		n.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	case noticeError:
		n.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
	default:
		n.icon.SetResource(theme.InfoIcon())
	}
	n.title.SetText(title)
	n.detail.SetText(detail)
	n.detail.Hidden = detail == ""
	if action != nil {
		n.action.SetText(actionLabel)
		n.action.OnTapped = action
		n.action.Show()
	} else {
		n.action.Hide()
	}
	n.kind = kind
	n.box.Show()
	n.box.Refresh()
	n.w.noticeShown(n)
}

// showError explains err in plain words: what happened, ABDM's code and
// message when there is one, and what to do next.
func (n *notice) showError(err error, actionLabel string, action func()) {
	if action == nil && abdm.IsKind(err, abdm.KindKeyChanged) {
		actionLabel, action = T("Go to Connect"), n.w.toConnect // what the advice says to press
	}
	title, detail := n.w.describe(err)
	kind := noticeError
	if errors.Is(err, context.Canceled) && !abdm.IsKind(err, abdm.KindOutcomeUnknown) {
		kind = noticeInfo // staff stopped it (Cancel or Escape): nothing went wrong
	}
	n.show(kind, title, detail, actionLabel, action)
}

// friendlyDuration writes d as "25 seconds", "3 minutes" or "1:05".
func friendlyDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return T("{{.N}} seconds", map[string]any{"N": int(d.Seconds())})
	case d%time.Minute == 0:
		return T("{{.N}} minutes", map[string]any{"N": int(d.Minutes())})
	}
	return clock(d)
}

// clock writes d as m:ss.
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// orDash is text, or a dash when ABDM sent nothing.
func orDash(text string) string {
	if text == "" {
		return "—"
	}
	return text
}

// setPhoto shows a profile photo (JPEG or PNG bytes) in img, or hides box
// when there is none or it cannot be decoded.
func setPhoto(img *canvas.Image, box *fyne.Container, photo []byte) {
	if len(photo) == 0 {
		img.Resource, img.Image = nil, nil
		box.Hide()
		return
	}
	decoded, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		img.Resource, img.Image = nil, nil
		box.Hide()
		return
	}
	img.Resource, img.Image = nil, decoded
	img.Refresh()
	box.Show()
}

// showOTPRefusal tells that ABDM refused an OTP, with attempts left: as "does
// not match" when ABDM said so, else with ABDM's own code and message. The
// OTP step stays open either way, the focus in field; with no attempt left
// the notice says to press newOTP and the focus moves to that button.
func showOTPRefusal(n *notice, err error, left int, newOTP string, again func(), field fyne.Focusable) {
	title := T("ABDM refused the OTP.")
	if abdm.IsKind(err, abdm.KindWrongOTP) {
		title = T("The OTP does not match.")
	}
	if left <= 0 {
		// Reading the same OTP again cannot help now: offer the way on.
		n.show(noticeError, title, T("No attempts are left for this OTP. Press \"{{.Button}}\" to get a new one.",
			map[string]any{"Button": newOTP}), newOTP, again)
		n.w.focus(n.action)
		return
	}
	again2 := T("Ask the patient to read the OTP again. Attempts left: {{.N}}.", map[string]any{"N": left})
	if abdm.IsKind(err, abdm.KindWrongOTP) {
		n.show(noticeError, title, again2, "", nil)
	} else {
		_, detail := n.w.describe(err)
		n.show(noticeError, title, detail+"\n"+again2, "", nil)
	}
	n.w.focus(field)
}

// genderText is the patient's gender in the interface's language.
func genderText(p abdm.Profile) string {
	switch p.GenderWord() {
	case "Female":
		return T("Female")
	case "Male":
		return T("Male")
	case "Other":
		return T("Other gender")
	}
	return ""
}

// newDemoPick is the demo patients' list of a step, as a labelled field:
// choosing one runs before (if not nil), puts their ABHA number in into and
// focuses it, so that Enter then does the step's action.
func newDemoPick(w *Wizard, into *entry, before func()) (*widget.Select, fyne.CanvasObject) {
	patients := w.opts.Demo.Patients
	var names []string
	for _, p := range patients {
		names = append(names, p.Name+" ("+T(p.Note)+")")
	}
	pick := widget.NewSelect(names, nil)
	pick.OnChanged = func(string) {
		i := pick.SelectedIndex()
		if i < 0 || i >= len(patients) {
			return
		}
		if before != nil {
			before()
		}
		into.SetText(patients[i].ABHANumber)
		w.focus(into)
	}
	pick.PlaceHolder = T("Choose a demo patient")
	w.name(pick, "demo.patient")
	return pick, field(T("Demo patient"), pick, T("Demo mode: choosing a patient fills in their ABHA number."))
}

// consequences of a deactivation, in plain words (DESIGN.md section 1).
func consequences() []string {
	return []string{
		T("cannot use ABDM apps (such as the ABHA app) with this ABHA,"),
		T("cannot share health records through ABDM,"),
		T("cannot show this ABHA at a hospital or clinic."),
	}
}

// consequencesText says in one paragraph what deactivation means.
func consequencesText(intro string) *widget.Label {
	text := intro
	for _, c := range consequences() {
		text += "\n•  " + c
	}
	return wrapped(text + "\n" + T("The patient can reactivate the ABHA later through ABDM."))
}

// consequencesBox lists what deactivation means for the patient.
func consequencesBox(intro string) *widget.Card {
	return widget.NewCard("", "", consequencesText(intro))
}
