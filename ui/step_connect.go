package ui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/settings"
)

// connectStep is step 1: which ABDM system, and the facility's credentials.
type connectStep struct {
	w *Wizard

	env         *widget.Select
	envValues   []abdm.Environment
	api         *widget.Select // the API generation, in the order of abdm.Generations
	gatewayURL  *entry
	healthIDURL *entry
	serviceName *widget.Label       // "ABHA service address" (v3) or "HealthID address" (v2)
	customRows  []fyne.CanvasObject // the labels and fields of the custom addresses
	hipHint     *hint
	clientID    *entry
	secret      *entry
	remember    *widget.Check
	savedText   *hint
	savedRow    *fyne.Container // savedText and the forget button
	forget      *widget.Button
	hipID       *entry
	hint        *hint
	tryDemo     *widget.Button // Try the demo; nil when not offered
	notice      *notice
	content     fyne.CanvasObject

	savedFor string // client ID whose secret is known to be in the keyring
	ready    bool   // built: the form is laid out when shown, not before
}

func newConnectStep(w *Wizard) *connectStep {
	s := &connectStep{w: w, notice: newNotice(w)}
	labels := []string{T("Sandbox (ABDM's test system)"), T("Production (live ABDM, real patients)"), T("Custom addresses")}
	s.envValues = []abdm.Environment{abdm.EnvSandbox, abdm.EnvProduction, abdm.EnvCustom}
	s.env = widget.NewSelect(labels, func(string) { s.syncCustom() })
	// A drop-down, not radio buttons: a stray Space on a focused radio
	// button switched the API silently; a drop-down opens a list first.
	s.api = widget.NewSelect([]string{T("v3 (current)"), T("v2 (legacy)")}, func(string) { s.generationChanged() })
	s.gatewayURL = newEntry(w, "")
	s.healthIDURL = newEntry(w, "")
	s.serviceName = heading("")
	s.clientID = newEntry(w, T("Client ID from ABDM"))
	s.clientID.OnChanged = func(string) { s.clientIDChanged() }
	s.secret = newPasswordEntry(w, T("Client secret from ABDM"))
	s.remember = widget.NewCheck(T("Remember the secret in this computer's system keyring"), nil)
	s.savedText = newHint("")
	s.forget = widget.NewButton(T("Forget saved secret"), s.forgetSecret)
	s.hipID = newEntry(w, T("Your facility's HIP ID"))
	for obj, name := range map[fyne.CanvasObject]string{s.env: "connect.env", s.api: "connect.api", s.gatewayURL: "connect.gateway",
		s.healthIDURL: "connect.healthid", s.clientID: "connect.client_id", s.secret: "connect.secret", s.remember: "connect.remember",
		s.forget: "connect.forget", s.hipID: "connect.hip_id"} {
		w.name(obj, name)
	}
	s.hipHint = newHint("")
	s.hint = newHint("")
	s.fill(w.set)
	s.tryDemo = newTryDemo(w)
	top := fyne.CanvasObject(s.hint)
	if s.tryDemo != nil {
		top = container.NewBorder(nil, nil, nil, container.NewVBox(s.tryDemo), s.hint)
	}
	s.content = container.NewVBox(top, s.layoutForm())
	if w.opts.Warning != "" {
		s.notice.show(noticeWarning, T("Your settings could not be read."), w.opts.Warning, "", nil)
	}
	s.generationChanged()
	if w.opts.Demo != nil {
		s.remember.Hide()
		s.env.Disable() // the simulator is the only system in demo mode
	} else {
		s.applyPolicy()
	}
	s.syncSaved() // last: its answer comes back on the UI goroutine
	s.ready = true
	return s
}

// applyPolicy greys out the fields the facility's IT team has set for this
// computer, and says so above the form.
func (s *connectStep) applyPolicy() {
	locked := lockFields(s.w.opts.Policy, map[settings.Field]fyne.Disableable{
		settings.FieldEnvironment: s.env, settings.FieldAPIVersion: s.api, settings.FieldGatewayURL: s.gatewayURL,
		settings.FieldHealthIDURL: s.healthIDURL, settings.FieldClientID: s.clientID, settings.FieldHIPID: s.hipID,
	})
	text := T("Greyed-out fields are set by your facility's IT team for this computer and cannot be changed here.")
	if locked && !strings.Contains(s.hint.Text(), text) {
		if s.hint.Text() != "" {
			text = s.hint.Text() + " " + text
		}
		s.hint.SetText(text)
		s.hint.Show()
	}
}

// fill puts the settings in the fields, or the simulator's details in demo
// mode, and says what to do first.
func (s *connectStep) fill(set settings.Settings) {
	w := s.w
	s.clientID.SetText(set.ClientID)
	s.hipID.SetText(set.HIPID)
	s.gatewayURL.SetText(set.GatewayURL)
	s.healthIDURL.SetText(set.HealthIDURL)
	s.remember.SetChecked(set.RememberSecret)
	if i := s.envIndex(abdm.Environment(set.Environment)); i >= 0 {
		s.env.SetSelectedIndex(i)
	} else {
		s.env.ClearSelected() // the settings could not name it: staff choose
	}
	s.api.SetSelected(s.api.Options[slices.Index(abdm.Generations(), set.Generation())])
	if w.opts.Demo != nil {
		d := w.opts.Demo
		s.env.Options = []string{T("Demo (built-in simulator)")}
		s.env.SetSelectedIndex(0)
		s.envValues = []abdm.Environment{abdm.EnvCustom}
		s.fillDemoURLs()
		s.clientID.SetText(d.ClientID)
		s.secret.SetText(d.ClientSecret)
		s.hipID.SetText(d.HIPID)
		s.hint.SetText(T("Demo mode: the details are filled in for the built-in simulator. Press Connect."))
	} else if w.opts.FirstRun && w.opts.StartDemo != nil {
		s.hint.SetText(T("First time here? Sandbox is ABDM's test system. To try the app without ABDM credentials, press Try the demo: it uses a simulator built into the app, with sample patients."))
	} else if w.opts.FirstRun {
		s.hint.SetText(T("First time here? Sandbox is ABDM's test system."))
	}
	s.hint.Hidden = s.hint.Text() == ""
}

// layoutForm lays the fields out with their labels beside them.
func (s *connectStep) layoutForm() fyne.CanvasObject {
	// Labels beside the fields, so that the longest form (custom addresses)
	// fits a 1366x768 screen without scrolling.
	gatewayLabel := heading(T("Gateway address"))
	gatewayCol := s.gatewayURL
	serviceCol := inputWithHint(s.healthIDURL, newHint(T("Use https. Plain http is only allowed for this computer (the local simulator).")))
	s.customRows = []fyne.CanvasObject{gatewayLabel, gatewayCol, s.serviceName, serviceCol}
	s.savedRow = container.NewBorder(nil, nil, nil, s.forget, s.savedText)
	secretCol := container.NewVBox(s.secret, s.remember, s.savedRow,
		newHint(T("Given to your facility by ABDM. It is never shown in logs or files.")))
	return container.New(layout.NewFormLayout(),
		heading(T("ABDM system")), s.env,
		heading(T("API generation")), inputWithHint(s.api, newHint(T("v3 is ABDM's current API. Choose v2 only if your facility's ABDM access is still on the legacy HealthID API."))),
		gatewayLabel, gatewayCol,
		s.serviceName, serviceCol,
		heading(T("Client ID")), s.clientID,
		heading(T("Client secret")), secretCol,
		heading(T("HIP ID")), inputWithHint(s.hipID, s.hipHint),
	)
}

func (s *connectStep) title() string           { return T("Connect") }
func (s *connectStep) view() fyne.CanvasObject { return s.content }
func (s *connectStep) stepNotice() *notice     { return s.notice }

// focusTarget is the first field still empty, top to bottom.
func (s *connectStep) focusTarget() fyne.Focusable {
	if s.selectedEnv() == "" && s.w.opts.Demo == nil {
		return s.env
	}
	custom := s.selectedEnv() == abdm.EnvCustom && s.w.opts.Demo == nil
	savedSecret := s.savedFor != "" && s.savedFor == strings.TrimSpace(s.clientID.Text)
	for _, f := range []struct {
		e    *entry
		need bool
	}{
		{s.gatewayURL, custom},
		{s.healthIDURL, custom},
		{s.clientID, true},
		{s.secret, !savedSecret && s.w.opts.Demo == nil},
		{s.hipID, s.selectedGeneration().NeedsHIPID()},
	} {
		if f.need && strings.TrimSpace(f.e.Text) == "" {
			return f.e
		}
	}
	return nil
}

func (s *connectStep) enter() {
	s.w.setPrimary(T("Connect"), widget.HighImportance, true, s.connectNow)
}

func (s *connectStep) setEnabled(on bool) {
	for _, d := range []fyne.Disableable{s.gatewayURL, s.healthIDURL, s.clientID, s.secret, s.hipID, s.remember, s.forget, s.api} {
		setEnabled(d, on)
	}
	setEnabled(s.env, on && s.w.opts.Demo == nil)
	if s.tryDemo != nil {
		setEnabled(s.tryDemo, on)
	}
	if on && s.w.opts.Demo == nil {
		s.applyPolicy() // the facility's fields stay greyed out
	}
}

func setEnabled(d fyne.Disableable, on bool) {
	if on {
		d.Enable()
	} else {
		d.Disable()
	}
}

// envIndex is e's place in the list, or -1 (none chosen) for an
// environment the settings could not name.
func (s *connectStep) envIndex(e abdm.Environment) int {
	for i, v := range s.envValues {
		if v == e {
			return i
		}
	}
	return -1
}

// selectedEnv is the ABDM system chosen, or "" when none is.
func (s *connectStep) selectedEnv() abdm.Environment {
	i := s.env.SelectedIndex()
	if i < 0 || i >= len(s.envValues) {
		return ""
	}
	return s.envValues[i]
}

// selectedGeneration is the API generation chosen.
func (s *connectStep) selectedGeneration() abdm.Generation {
	for i, o := range s.api.Options {
		if o == s.api.Selected {
			return abdm.Generations()[i]
		}
	}
	return abdm.DefaultGeneration
}

// setGeneration selects gen (the Settings dialog changes it too).
func (s *connectStep) setGeneration(gen abdm.Generation) {
	if i := slices.Index(abdm.Generations(), gen); i >= 0 {
		s.api.SetSelected(s.api.Options[i])
	}
}

// generationChanged names the service address and the HIP ID as the
// generation needs them; in demo mode it points at the simulator's
// addresses of that generation.
func (s *connectStep) generationChanged() {
	if s.hipHint == nil {
		return // still being built
	}
	gen := s.selectedGeneration()
	if gen == abdm.V2 {
		s.serviceName.SetText(T("HealthID address"))
		s.gatewayURL.SetPlaceHolder("https://dev.abdm.gov.in/gateway")
		s.healthIDURL.SetPlaceHolder("https://healthidsbx.abdm.gov.in/api")
	} else {
		s.serviceName.SetText(T("ABHA service address"))
		s.gatewayURL.SetPlaceHolder("https://dev.abdm.gov.in/api/hiecm/gateway")
		s.healthIDURL.SetPlaceHolder("https://abhasbx.abdm.gov.in/abha/api")
	}
	if gen.NeedsHIPID() {
		s.hipHint.SetText(T("Your facility's ID in ABDM, sent with every request as X-HIP-ID."))
	} else {
		s.hipHint.SetText(T("Your facility's ID in ABDM (optional with v3, which does not send it). It is kept in this computer's audit trail."))
	}
	s.fillDemoURLs()
	s.syncCustom()
}

// fillDemoURLs puts the simulator's addresses of the chosen generation in
// the (hidden) custom fields.
func (s *connectStep) fillDemoURLs() {
	if d := s.w.opts.Demo; d != nil {
		u := d.URLs[s.selectedGeneration()]
		s.gatewayURL.SetText(u[0])
		s.healthIDURL.SetText(u[1])
	}
}

func (s *connectStep) syncCustom() {
	if s.customRows == nil {
		return
	}
	hide := s.selectedEnv() != abdm.EnvCustom || s.w.opts.Demo != nil
	for _, o := range s.customRows {
		if hide {
			o.Hide()
		} else {
			o.Show()
		}
	}
	if c, ok := s.content.(*fyne.Container); ok && s.ready {
		c.Refresh() // not while the step is being built: it is laid out once, when shown
	}
}

// form reads and checks the fields; it returns the settings to use.
func (s *connectStep) form() (settings.Settings, error) {
	set := s.w.set
	if s.selectedEnv() == "" {
		return set, fieldError(s.env, T("Choose the ABDM system: the sandbox (test), production (live) or custom addresses."))
	}
	set.Environment = string(s.selectedEnv())
	gen := s.selectedGeneration()
	set.APIVersion = gen
	if s.selectedEnv() == abdm.EnvCustom {
		set.GatewayURL = strings.TrimSpace(s.gatewayURL.Text)
		set.HealthIDURL = strings.TrimSpace(s.healthIDURL.Text)
		if err := abdm.CheckBaseURL(set.GatewayURL); err != nil {
			return set, fieldError(s.gatewayURL, T("Gateway address")+": "+err.Error())
		}
		if err := abdm.CheckBaseURL(set.HealthIDURL); err != nil {
			return set, fieldError(s.healthIDURL, s.serviceName.Text+": "+err.Error())
		}
	}
	set.ClientID = strings.TrimSpace(s.clientID.Text)
	set.HIPID = strings.TrimSpace(s.hipID.Text)
	set.RememberSecret = s.remember.Checked
	switch {
	case set.ClientID == "":
		return set, fieldError(s.clientID, T("Enter the client ID."))
	case s.secret.Text == "" && s.savedFor != set.ClientID && s.w.opts.Demo == nil:
		return set, fieldError(s.secret, T("Enter the client secret."))
	case set.HIPID == "" && gen.NeedsHIPID():
		return set, fieldError(s.hipID, T("Enter the HIP ID."))
	}
	return set, nil
}

// formError is a field to fix on the Connect step, and why.
type formError struct {
	field fyne.Focusable
	text  string
}

func (e *formError) Error() string { return e.text }

func fieldError(f fyne.Focusable, text string) error { return &formError{field: f, text: text} }

// connectNow checks the form, asks once before using production, then
// opens the gateway session and fetches the key.
func (s *connectStep) connectNow() {
	s.notice.hide()
	set, err := s.form()
	if err != nil {
		s.notice.show(noticeError, err.Error(), "", "", nil)
		if fe := (*formError)(nil); errors.As(err, &fe) {
			s.w.focus(fe.field)
		}
		return
	}
	if set.Environment == string(abdm.EnvProduction) && !s.w.confirmed {
		s.w.askOnce(confirmation{title: T("Use the live ABDM system?"), confirm: T("Use production"), dismiss: T("Go back"),
			content:    wrapped(T("Production is the live ABDM system: deactivations affect real patients' ABHA. Continue only if this computer is meant for real use.")),
			importance: widget.HighImportance, system: &set, onConfirm: func() {
				s.w.confirmed = true
				s.connectWith(set)
			}})
		return
	}
	s.connectWith(set)
}

func (s *connectStep) connectWith(set settings.Settings) {
	w := s.w
	typed := s.secret.Text
	var c connection
	w.run(T("Checking the facility's credentials with ABDM…"), func(ctx context.Context) (err error) {
		c, err = s.open(ctx, set, typed)
		return err
	}, func(err error) {
		if err != nil {
			s.notice.showError(err, "", nil)
			if abdm.IsKind(err, abdm.KindGatewayCredentials) && w.opts.Demo == nil {
				s.secret.SetText("")
				w.focus(s.secret) // type it again
			}
			return
		}
		s.syncSaved()
		w.connected(set, c)
	})
}

// connection is what connecting opened.
type connection struct {
	client  *abdm.Client
	flow    *abdm.Flow
	env     string // as the audit trail names the system: sandbox, production, custom or demo
	secret  string
	warning string // about keeping the secret, if any
}

// open checks the facility's credentials with ABDM and fetches its key;
// once they are accepted, it keeps the secret and the settings as chosen.
// It runs off the UI goroutine.
func (s *connectStep) open(ctx context.Context, set settings.Settings, typed string) (connection, error) {
	w := s.w
	secret := typed
	if secret == "" {
		saved, err := w.opts.Secrets.Get(ctx, set.ClientID)
		if err != nil {
			return connection{}, errors.New(T("Enter the client secret: none is saved for this client ID."))
		}
		secret = saved
	}
	w.opts.Redact(secret)
	c, err := w.opts.NewClient(set, secret)
	if err != nil {
		return connection{}, err
	}
	if err := c.OpenSession(ctx); err != nil {
		return connection{}, err
	}
	w.status(T("Fetching ABDM's public key…"))
	env := set.Environment
	if w.opts.Demo != nil {
		env = "demo"
	}
	f := abdm.NewFlow(c, abdm.WithJournal(w.opts.NewJournal(env, c)),
		abdm.WithCatalogue(w.opts.Catalogue), abdm.WithFlowClock(w.opts.Now))
	if err := f.Connect(ctx); err != nil {
		return connection{}, err
	}
	conn := connection{client: c, flow: f, env: env, secret: secret}
	if w.opts.Demo == nil {
		conn.warning = s.keepSecret(ctx, set, typed)
		if w.opts.SaveSettings != nil {
			if err := w.opts.SaveSettings(set); err != nil {
				w.opts.Log.WithError(err).Warn("settings not saved")
			}
		}
	}
	return conn, nil
}
