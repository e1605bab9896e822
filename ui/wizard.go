// Package ui is the Fyne wizard: one front end of abdm.Flow (the headless
// command is the other). It walks clinic staff through four steps (connect,
// identify the patient, send the OTP, verify and deactivate), or through
// connect and reactivate to undo a deactivation, and shows the result in
// plain words.
//
// Threading: every widget is touched on Fyne's UI goroutine only. Network and
// keyring work runs in goroutines started by Wizard.run, with a context that
// Cancel and Escape end, and hands its result back with fyne.Do (see onUI).
package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/auditforward"
	"abha-deactivate/storage/secrets"
	"abha-deactivate/storage/settings"
)

// Options are everything the wizard needs from the program that starts it.
type Options struct {
	App      fyne.App
	Settings settings.Settings // in effect for this run (flag overrides and the facility's policy applied)
	// Policy is what the facility's IT team has set for this computer; its
	// fields are shown greyed out, as set by the facility.
	Policy settings.Policy
	// SaveSettings keeps settings for the next run, less what the policy,
	// this run's flags (RunSet) or the demo set; nil saves nothing.
	SaveSettings func(settings.Settings) error
	// RunSet names, for each setting this run's flags set, the flag that set
	// it (e.g. "--api"): Settings shows it greyed out with that said.
	RunSet map[settings.Field]string
	// StartDemo starts the built-in simulator for Try the demo on Connect
	// (nil: the button is not offered); sms gets the OTPs it sends.
	StartDemo func(sms func(DemoSMS)) (DemoRun, error)
	// leaveDemo ends a demo started with Try the demo and opens the wizard
	// as it was before; nil otherwise.
	leaveDemo func(demo *Wizard)
	Secrets   *secrets.Session // the OS keyring, with a session-only fallback
	// NewClient builds the ABDM client for settings and a client secret.
	NewClient func(s settings.Settings, secret string) (*abdm.Client, error)
	// NewJournal returns the audit trail writer for a connection of c.
	NewJournal func(env string, c *abdm.Client) abdm.Journal
	Audit      *audit.Log
	Catalogue  abdm.Catalogue
	Demo       *Demo // non-nil in demo mode
	Log        logrus.FieldLogger
	Redact     func(secret string) // registers a secret with the log redactor
	LogDir     string
	ReceiptDir string // where Open receipt keeps the patients' receipts
	Version    string
	Language   string // "en" or "hi", from SetupLanguage
	FirstRun   bool   // no settings were saved before
	Warning    string // shown once at start, e.g. settings that had to be reset
	Now        func() time.Time
	// Tick is how often countdowns update; 0 turns the ticker off (tests
	// call Wizard.Tick themselves).
	Tick time.Duration
	// WarmEvery is how often the connection's session and key are renewed
	// ahead of expiry in the background, so each click costs one request;
	// 0 turns it off.
	WarmEvery time.Duration
	// ForwardStatus reads how forwarding the audit trail to the facility's
	// collector stands; nil when none is configured (forward_status.go).
	ForwardStatus func(ctx context.Context) (auditforward.Status, error)
}

// Demo describes the built-in simulator in demo mode.
type Demo struct {
	// URLs are the simulator's gateway and ABHA (HealthID) base URLs per
	// API generation: it serves both.
	URLs                          map[abdm.Generation][2]string
	ClientID, ClientSecret, HIPID string
	Patients                      []DemoPatient
}

// DemoRun is a demo started from the wizard (Options.StartDemo).
type DemoRun struct {
	Demo *Demo
	// SaveSettings saves only the language and the appearance: nothing
	// about the ABDM system comes from the demo's values.
	SaveSettings func(settings.Settings) error
	Stop         func() // stops the simulator
}

// DemoPatient is one account of the simulator.
type DemoPatient struct {
	Name, ABHANumber, Note string
}

// DemoSMS is one message on the demo phone.
type DemoSMS struct {
	Time   time.Time
	To     string // masked mobile
	OTP    string
	Reason string // the simulator's purpose: "aadhaar", "mobile", "login-…", "reactivate-…"
}

// Wizard is the main window and its steps.
type Wizard struct {
	opts Options
	win  fyne.Window

	// Set on the UI goroutine only.
	set       settings.Settings
	client    *abdm.Client
	flow      *abdm.Flow
	flowEnv   string // the connected system, as the audit trail names it
	secret    string
	confirmed bool          // production use confirmed for this run
	asking    bool          // a confirmation dialog is open (askOnce)
	question  *openQuestion // the confirmation on screen, or nil
	ring      *focusRing    // the outline around the focused widget
	system    *systemStrip  // names the connected ABDM system (nil in demo mode, which has its banner)
	current   int
	task      *runningTask

	stack        *fyne.Container
	body         *container.Scroll
	stepTitle    *widget.Label
	stepTrail    *widget.RichText
	modePick     *widget.RadioGroup // deactivate or reactivate, after Connect
	modeBox      *fyne.Container
	back, next   *widget.Button
	cancel       *widget.Button
	progress     *widget.ProgressBarInfinite
	progressText *widget.Label
	progressBox  *fyne.Container
	noticeSlot   *fyne.Container // the shown step's notice, next to the buttons
	footer       *fyne.Container // the notices, progress and buttons; holds signIn.note while shown
	phone        *demoPhone
	later        *laterList  // unresolved attempts (unknown.go)
	signIn       signInWatch // the notice before and after the patient's sign-in ends (signin_expiry.go)

	names       map[fyne.CanvasObject]string // focusable widgets, as the log names them
	lastHistory *history                     // the History window opened last, for tests
	lastForm    *settingsForm                // the Settings dialog opened last, for tests
	replacedBy  *Wizard                      // the wizard that replaced this one (Try the demo, Leave the demo), for tests
	lastFocus   fyne.Focusable
	pending     bool // the focused widget waits for its first frame to be revealed
	// pendingNotice waits for its first frame to be logged.
	pendingNotice *notice

	steps [stepCount]step // built on first use (screens.go)

	idle     sync.WaitGroup // running tasks, for tests
	stopTick chan struct{}
	stopOnce sync.Once
	stopWarm context.CancelFunc // ends the keep-warm loop of the current client
	// uiMu orders the UI updates that goroutines post. On a real driver
	// they run on the UI goroutine, where it is never contended; Fyne's
	// test driver runs them inline on the posting goroutine, and there it
	// orders them with the test's own taps (which take it too).
	uiMu sync.Mutex
}

// step is one screen of the wizard; the table in screens.go lists them.
type step interface {
	title() string
	view() fyne.CanvasObject
	// enter is called each time the step is shown; it sets the buttons.
	enter()
	setEnabled(bool)
	// focusTarget is the field that needs input now, or nil (Enter then
	// runs the main action).
	focusTarget() fyne.Focusable
	// stepNotice is where the step tells how its action went.
	stepNotice() *notice
}

// New builds the wizard's window. Call from the UI goroutine.
func New(opts Options) *Wizard {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = logrus.StandardLogger()
	}
	if opts.Redact == nil {
		opts.Redact = func(string) {}
	}
	w := &Wizard{opts: opts, set: opts.Settings, stopTick: make(chan struct{})}
	opts.App.Settings().SetTheme(newTheme(opts.Language == LangHindi, opts.Settings.Appearance))
	w.win = opts.App.NewWindow(T("ABHA Deactivation"))
	w.later = newLaterList(w)
	// Building starts background work (the keyring lookup of the client ID)
	// whose answer updates widgets: it waits until the window is built.
	w.uiMu.Lock()
	w.build()
	w.win.SetCloseIntercept(w.onClose)
	w.show(stepConnect)
	w.uiMu.Unlock()
	w.later.load()
	if opts.Tick > 0 {
		go w.every(opts.Tick, w.Tick)
		go w.every(focusPoll, w.pollFocus)
	}
	return w
}

// Window returns the wizard's window.
func (w *Wizard) Window() fyne.Window { return w.win }

func (w *Wizard) build() {
	w.stepAt(stepConnect) // the other steps are built when first needed (screens.go)

	w.stepTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.stepTrail = widget.NewRichText()
	w.modePick = widget.NewRadioGroup([]string{T("Deactivate an ABHA"), T("Reactivate an ABHA")}, func(string) { w.modeChanged() })
	w.modePick.Horizontal, w.modePick.Required = true, true
	w.modePick.SetSelected(w.modePick.Options[0])
	w.modeBox = container.NewHBox(heading(T("What do you want to do?")), w.modePick)
	w.modeBox.Hide()
	w.stack = container.NewStack()
	w.back = widget.NewButton(T("Back"), w.goBack)
	w.cancel = widget.NewButton(T("Cancel"), w.cancelTask)
	w.cancel.Hide() // shown while a request runs
	w.next = widget.NewButton(T("Next"), nil)
	w.next.Importance = widget.HighImportance
	w.progress = widget.NewProgressBarInfinite()
	w.progressText = widget.NewLabel("")
	w.progressBox = container.NewBorder(nil, nil, nil, nil, container.NewVBox(w.progressText, w.progress))
	w.progress.Stop()
	w.progressBox.Hide()
	w.noticeSlot = container.NewStack()
	w.name(w.back, "back")
	w.name(w.next, "next")
	w.name(w.cancel, "cancel")
	w.name(w.modePick, "task")

	// The title and the trail of steps share a line: the longest step has to
	// fit a 1366x768 screen.
	header := container.NewVBox(container.NewBorder(nil, nil, w.stepTitle, nil, container.NewHBox(layoutSpacer(), w.stepTrail)),
		w.modeBox, widget.NewSeparator(), w.later.bandView())
	if w.opts.Demo != nil {
		header.Objects = append([]fyne.CanvasObject{demoBanner(w.leaveButton())}, header.Objects...)
	} else {
		w.system = newSystemStrip()
		header.Objects = append([]fyne.CanvasObject{w.system.box}, header.Objects...)
	}
	footer := container.NewVBox(w.noticeSlot, w.progressBox, widget.NewSeparator(),
		container.NewHBox(w.back, layoutSpacer(), w.cancel, w.next), newForwardStrip(w, true).label)
	w.footer = footer
	w.body = container.NewVScroll(container.NewPadded(w.stack))
	body := w.body
	var main fyne.CanvasObject = container.NewBorder(header, footer, nil, nil, body)
	if w.opts.Demo != nil {
		w.phone = newDemoPhone()
		main = container.NewBorder(nil, nil, nil, w.phone.view(), main)
	}
	// The size before the content, so that the steps are laid out (and their
	// text wrapped) at the window's size only; show puts the first one in.
	w.win.Resize(defaultWindowSize(w.opts.Demo != nil))
	w.ring = newFocusRing()
	w.win.SetContent(container.NewStack(main, w.ring.layer))
	w.win.SetMainMenu(w.menu())
	w.shortcuts()
	w.win.Canvas().SetOnTypedKey(w.typedKey)
}

// typedKey handles keys that no widget took: Enter for the primary action,
// Escape to cancel a running request. While a dialog is open the keys are
// its own: Enter answers a question with its default button, Escape closes
// the dialog (a question: Go back), and the step's action waits.
func (w *Wizard) typedKey(ev *fyne.KeyEvent) {
	if w.dialogKey(ev.Name) {
		return
	}
	switch ev.Name {
	case fyne.KeyEscape:
		if w.task != nil {
			w.cancelTask()
			return
		}
		w.closeTopDialog()
	case fyne.KeyReturn, fyne.KeyEnter:
		w.primary()
	}
}

// primary runs the primary action if it is available now: not while a
// request runs or a dialog is open.
func (w *Wizard) primary() {
	if w.win.Canvas().Overlays().Top() != nil {
		return
	}
	if w.task == nil && !w.next.Disabled() && w.next.OnTapped != nil {
		w.next.OnTapped()
	}
}

// setPrimary sets the label, action and style of the main button.
func (w *Wizard) setPrimary(label string, imp widget.Importance, enabled bool, action func()) {
	w.next.SetText(label)
	w.next.Importance = imp
	w.next.OnTapped = action
	if enabled && w.task == nil {
		w.next.Enable()
	} else {
		w.next.Disable()
	}
	w.next.Refresh()
}

// event logs a moment a scripted run waits for (a click's answer that does
// not change the step), at info level.
func (w *Wizard) event(name string) {
	w.opts.Log.WithField("event", name).Info("wizard event")
}

// runningTask is a request in progress.
type runningTask struct {
	cancel context.CancelFunc
}

// refocus gives the keys back after a request: to the field the step needs
// now (the one to fix after an error), unless finish chose one.
func (w *Wizard) refocus() {
	if w.win.Canvas().Focused() != nil || w.win.Canvas().Overlays().Top() != nil {
		return
	}
	if f := w.stepAt(w.current).focusTarget(); f != nil {
		w.focus(f)
	} else {
		w.focusChanged(false)
	}
}

// status updates the progress text; a task's goroutine calls it.
func (w *Wizard) status(text string) {
	w.onUI(false, func() { w.progressText.SetText(text) })
}

// onClose asks before closing while a request runs.
func (w *Wizard) onClose() {
	if w.later.holdQuit(w.onClose) {
		return
	}
	if w.task != nil {
		w.cancelTask()
	}
	w.stopOnce.Do(func() { close(w.stopTick) })
	if w.signIn.timer != nil {
		w.signIn.timer.Stop()
	}
	if w.stopWarm != nil {
		w.stopWarm()
	}
	w.win.Close()
}

// every runs fn on the UI goroutine every d until the window closes.
func (w *Wizard) every(d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-w.stopTick:
			return
		case <-t.C:
			w.onUI(false, fn)
		}
	}
}

// Tick refreshes the OTP countdowns. The ticker calls it each second.
func (w *Wizard) Tick() {
	w.tickBuilt()
	if w.onSignInStep() {
		w.watchSignIn() // the minutes left, and the end even if a timer was late (a suspended computer)
	}
}

// ShowDemoSMS puts a message on the demo phone. Safe from any goroutine.
func (w *Wizard) ShowDemoSMS(m DemoSMS) {
	w.onUI(false, func() {
		if w.phone != nil {
			w.phone.add(m)
		}
	})
}

// useClient makes c and f the connection of the wizard and keeps c warm.
func (w *Wizard) useClient(c *abdm.Client, f *abdm.Flow) {
	if w.stopWarm != nil {
		w.stopWarm()
		w.stopWarm = nil
	}
	w.client, w.flow = c, f
	if w.opts.WarmEvery > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		w.stopWarm = cancel
		go c.KeepWarm(ctx, w.opts.WarmEvery)
	}
}

// flowState returns the flow's state, or the zero state before Connect.
func (w *Wizard) flowState() abdm.State {
	if w.flow == nil {
		return abdm.State{}
	}
	return w.flow.State()
}

// defaultWindowSize fits the longest step (Connect with custom addresses,
// in English) without scrolling on a 1366x768 screen, leaving 78 pixels for
// a title bar and a taskbar, and fits a 1024x768 screen too (where longer
// steps scroll); in demo mode the demo phone takes a column of it.
func defaultWindowSize(demo bool) fyne.Size {
	if demo {
		return fyne.NewSize(1000, 690)
	}
	return fyne.NewSize(920, 690)
}
