package ui

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	mrand "math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/assets"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/secrets"
	"abha-deactivate/storage/settings"
)

const (
	asha   = "91-5512-3456-7890"
	rahul  = "91-6623-4567-8901"
	ravi   = "91-7734-5678-9012"
	meena  = "91-8845-6789-0123" // starts deactivated
	sunita = "91-9956-7890-1234" // linked to a government benefit (v3 ABDM-1228)
)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func sharedKey() *rsa.PrivateKey {
	keyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testKey
}

// uiEnv is the wizard in a test window, talking over real HTTP to the
// simulator, with a clock the test moves.
type uiEnv struct {
	t     *testing.T
	sim   *sandbox.Server
	clock *sandbox.ManualClock
	wiz   *Wizard
	audit *audit.Log
}

type envOpt func(*Options)

func newUIEnv(t *testing.T, opts ...envOpt) *uiEnv {
	t.Helper()
	return newUIEnvSim(t, nil, opts...)
}

// newUIEnvSim is newUIEnv with the simulator's own options added.
func newUIEnvSim(t *testing.T, simOpts []sandbox.Option, opts ...envOpt) *uiEnv {
	t.Helper()
	a := test.NewTempApp(t)
	start, _ := time.Parse(time.RFC3339, "2026-11-26T10:00:00Z")
	clock := sandbox.NewManualClock(start)
	sim := sandbox.New(append([]sandbox.Option{sandbox.WithPrivateKey(sharedKey()), sandbox.WithClock(clock),
		sandbox.WithRandom(mrand.NewChaCha8([32]byte{7}))}, simOpts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	cat, err := abdm.ParseCatalogue(assets.ReasonsJSON)
	if err != nil {
		t.Fatal(err)
	}
	log := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	creds := sim.Credentials()
	o := Options{
		App:      a,
		Settings: settings.Defaults(),
		Secrets:  secrets.NewSession(secrets.NewMemory()),
		NewClient: func(s settings.Settings, secret string) (*abdm.Client, error) {
			// Whatever the environment chosen, tests talk to the simulator,
			// in the generation chosen.
			u := simURLs(srv.URL)[s.Generation()]
			return abdm.New(abdm.Endpoints{Generation: s.Generation(), Gateway: u[0], HealthID: u[1]},
				abdm.Credentials{ClientID: s.ClientID, ClientSecret: secret, HIPID: s.HIPID},
				abdm.WithClock(clock.Now), abdm.WithCallTimeout(3*time.Second), abdm.WithLogger(quietLog()))
		},
		NewJournal: func(env string, c *abdm.Client) abdm.Journal {
			return audit.NewJournal(log, audit.JournalInfo{Environment: env, ClientID: c.ClientID(), HIPID: c.HIPID(),
				API: string(c.Generation()), LoginMethod: "x-token"}, cat)
		},
		Audit:     log,
		Catalogue: cat,
		Language:  LangEnglish,
		Version:   "test",
		Log:       quietLog(),
		Now:       clock.Now,
		Demo:      &Demo{URLs: simURLs(srv.URL), ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, HIPID: creds.HIPID},
	}
	for _, a := range sim.Accounts() {
		o.Demo.Patients = append(o.Demo.Patients, DemoPatient{Name: a.Name, ABHANumber: a.ABHANumber, Note: a.Note})
	}
	for _, f := range opts {
		f(&o)
	}
	w := New(o)
	// What New starts in the background (the keyring lookup, the unresolved
	// attempts) ends before the test goes on, and before the next test or
	// wizard is built: Fyne's test driver runs their UI updates on their own
	// goroutines, which must not draw at the same time as another wizard.
	w.WaitIdle()
	t.Cleanup(func() {
		for x := w; x != nil; x = x.replacedBy { // and the wizards that replaced it (Try the demo)
			x.WaitIdle()
		}
	})
	w.uiMu.Lock()
	w.Window().Resize(fyne.NewSize(940, 700))
	w.uiMu.Unlock()
	return &uiEnv{t: t, sim: sim, clock: clock, wiz: w, audit: log}
}

// simURLs are the simulator's gateway and service base URLs per generation.
func simURLs(base string) map[abdm.Generation][2]string {
	return map[abdm.Generation][2]string{
		abdm.V3: {base + sandbox.GatewayV3Base, base + sandbox.ABHAV3Base},
		abdm.V2: {base + sandbox.GatewayBase, base + sandbox.HealthIDBase},
	}
}

// uiRoutes are the simulator's routes of the wizard's calls in each generation.
var uiRoutes = map[abdm.Generation]map[string]sandbox.Route{
	abdm.V3: {"session": sandbox.RouteV3Session, "profile": sandbox.RouteV3Profile, "otp": sandbox.RouteV3AccountRequestOTP,
		"deactivate": sandbox.RouteV3AccountVerify, "login-otp": sandbox.RouteV3LoginRequestOTP, "reactivate": sandbox.RouteV3LoginVerify},
	abdm.V2: {"session": sandbox.RouteSession, "profile": sandbox.RouteProfile, "otp": sandbox.RouteAadhaarOTP,
		"deactivate": sandbox.RouteDeactivate, "login-otp": sandbox.RouteAuthInit, "reactivate": sandbox.RouteReactivate},
}

// route is the simulator's route of a call of the wizard's generation.
func (e *uiEnv) route(call string) sandbox.Route { return uiRoutes[e.gen()][call] }

// gen is the generation the wizard speaks.
func (e *uiEnv) gen() abdm.Generation { return e.wiz.opts.Settings.Generation() }

// withAPI runs the wizard in generation g.
func withAPI(g abdm.Generation) envOpt { return func(o *Options) { o.Settings.APIVersion = g } }

// forEachAPI runs fn as a subtest per generation, current first.
func forEachAPI(t *testing.T, fn func(t *testing.T, g abdm.Generation)) {
	for _, g := range abdm.Generations() {
		t.Run(string(g), func(t *testing.T) { fn(t, g) })
	}
}

func quietLog() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

// noDemo runs the wizard as a facility would: fields typed by hand.
func noDemo(o *Options) { o.Demo = nil }

// act runs fn like a user's action, ordered with the UI updates that
// goroutines post (see Wizard.onUI).
func (e *uiEnv) act(fn func()) {
	e.wiz.uiMu.Lock()
	defer e.wiz.uiMu.Unlock()
	fn()
}

// The steps, built on first use as the wizard builds them.
func (e *uiEnv) connect() *connectStep  { return stepOf[*connectStep](e.wiz) }
func (e *uiEnv) patient() *patientStep  { return stepOf[*patientStep](e.wiz) }
func (e *uiEnv) otp() *otpStep          { return stepOf[*otpStep](e.wiz) }
func (e *uiEnv) verify() *verifyStep    { return stepOf[*verifyStep](e.wiz) }
func (e *uiEnv) result() *resultView    { return stepOf[*resultView](e.wiz) }
func (e *uiEnv) react() *reactivateStep { return stepOf[*reactivateStep](e.wiz) }

// tapNext presses the primary button and waits for what it started.
func (e *uiEnv) tapNext() {
	e.t.Helper()
	e.act(func() {
		if e.wiz.next.Disabled() {
			e.t.Fatalf("the primary button %q is disabled", e.wiz.next.Text)
		}
		test.Tap(e.wiz.next)
	})
	e.wiz.WaitIdle()
}

func (e *uiEnv) wantStep(i int) {
	e.t.Helper()
	if e.wiz.current != i {
		e.t.Fatalf("at step %s, want %s", screens[e.wiz.current].name, screens[i].name)
	}
}

func (e *uiEnv) wantNotice(n *notice, contains string) {
	e.t.Helper()
	if n.box.Hidden {
		e.t.Fatalf("no notice shown, want one containing %q", contains)
	}
	got := n.title.Text + "\n" + n.detail.Text
	if !strings.Contains(got, contains) {
		e.t.Fatalf("notice %q does not contain %q", got, contains)
	}
}

// lastOTP is the newest OTP on the simulator's demo phone.
func (e *uiEnv) lastOTP() string {
	e.t.Helper()
	box := e.sim.Outbox()
	if len(box) == 0 {
		e.t.Fatal("no OTP was sent")
	}
	return box[len(box)-1].OTP
}

// toPatient connects (demo details are filled in).
func (e *uiEnv) toPatient() {
	e.t.Helper()
	e.tapNext()
	e.wantStep(stepPatient)
}

// findPatient fills in the token of abha and finds the patient.
func (e *uiEnv) findPatient(abha string) {
	e.t.Helper()
	tok, err := e.sim.IssueToken(abha)
	if err != nil {
		e.t.Fatal(err)
	}
	e.act(func() { e.patient().token.SetText("Bearer " + tok) })
	e.tapNext()
}

// signIn finds abha and signs the patient in by method, as staff do.
func (e *uiEnv) signIn(abha string, mobile bool) {
	e.t.Helper()
	p := e.patient()
	e.act(func() {
		p.abha.SetText("")
		test.Type(p.abha, abha)
	})
	if e.gen() == abdm.V2 {
		e.tapNext() // Find patient (v3 has no search: the OTP is sent at once)
	}
	if p.found.Hidden {
		e.t.Fatalf("the ABHA was not found: %q", p.notice.title.Text)
	}
	if mobile {
		e.act(func() { p.loginPick.SetSelected(p.loginPick.Options[1]) })
	}
	e.tapNext()                  // Send sign-in OTP
	e.typeSignInOTP(e.lastOTP()) // the sixth digit signs in
	if !p.loaded {
		e.t.Fatalf("not signed in: %q", p.notice.title.Text)
	}
}

// toVerify goes from the start to step 4 for abha.
func (e *uiEnv) toVerify(abha string) {
	e.t.Helper()
	e.toPatient()
	e.findPatient(abha)
	e.act(func() { test.Tap(e.patient().confirm) })
	e.tapNext()
	e.wantStep(stepOTP)
	e.tapNext()
	e.wantStep(stepVerify)
}

// deactivate goes from the start to the result of abha's deactivation,
// confirmed with the OTP sent and reason 101.
func (e *uiEnv) deactivate(abha string) {
	e.t.Helper()
	e.toVerify(abha)
	e.enter(e.lastOTP())
	e.tapNext() // opens the confirmation
	e.confirmDialog("Deactivate")
	e.wantStep(stepResult)
}

// enter types the OTP and ticks reason 101.
func (e *uiEnv) enter(otp string) {
	e.act(func() {
		v := e.verify()
		v.otp.SetText("")
		test.Type(v.otp, otp)
		if !v.reasons[0].Checked {
			test.Tap(v.reasons[0])
		}
	})
}

// confirmDialog presses a button of the open confirmation dialog.
func (e *uiEnv) confirmDialog(label string) {
	e.t.Helper()
	var b *widget.Button
	e.act(func() {
		top := e.wiz.win.Canvas().Overlays().Top()
		if top == nil {
			e.t.Fatal("no dialog is open")
		}
		b = findButton(top, label)
		if b == nil {
			e.t.Fatalf("no %q button in the dialog", label)
		}
		test.Tap(b)
	})
	e.wiz.WaitIdle()
}

// children are the objects o draws: a container's, or a widget's renderer's.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch v := o.(type) {
	case *fyne.Container:
		return v.Objects
	case fyne.Widget:
		return test.WidgetRenderer(v).Objects()
	}
	return nil
}

func findButton(o fyne.CanvasObject, label string) *widget.Button {
	if b, ok := o.(*widget.Button); ok && b.Text == label && b.Visible() {
		return b
	}
	if b, ok := o.(*dialogButton); ok && b.Text == label && b.Visible() {
		return &b.Button
	}
	for _, k := range children(o) {
		if b := findButton(k, label); b != nil {
			return b
		}
	}
	return nil
}

func (e *uiEnv) golden(name string) {
	e.t.Helper()
	e.act(func() { test.AssertRendersToMarkup(e.t, name, e.wiz.win.Canvas()) })
}

// runs the golden test's flow; goldens are of the current generation (v3).
func TestWizardSuccessWithAGoldenPerStep(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		golden := func(name string) {
			if g == abdm.V3 {
				e.golden(name)
			}
		}
		golden("1-connect.xml")
		e.toPatient()
		e.signIn("9155 1234 5678 90", false)
		if got := e.patient().number.Text; got != "XX-XXXX-XXXX-7890" {
			t.Fatalf("ABHA number shown as %q", got)
		}
		// Who is this: gender, year of birth and ABDM's photo beside the name.
		p := e.patient()
		if p.gender.Text != "Female" || p.born.Text != "1988" || p.photoBox.Hidden || p.photo.Image == nil {
			t.Fatalf("patient card: gender %q, born %q, photo shown %v", p.gender.Text, p.born.Text, !p.photoBox.Hidden)
		}
		if !e.wiz.next.Disabled() {
			t.Fatal("Next is enabled before the patient is confirmed")
		}
		e.act(func() { test.Tap(e.patient().confirm) })
		golden("2-patient.xml")
		e.tapNext()
		golden("3-send-otp.xml")
		e.tapNext()
		e.wantStep(stepVerify)
		e.act(func() { e.wiz.Tick() })
		golden("4-verify.xml")
		e.enter(e.lastOTP())
		e.act(func() { test.Tap(e.verify().reasons[4]) }) // others: the note field opens
		e.act(func() { test.Type(e.verify().other, "moving abroad") })
		e.tapNext() // opens the confirmation
		e.confirmDialog("Deactivate")
		e.wantStep(stepResult)
		golden("5-result.xml")
		if s, _ := e.sim.AccountStatus(asha); s != sandbox.StatusDeactivated {
			t.Fatalf("account %s", s)
		}
		// v2 sends the codes; v3 the English label of each reason.
		want := "101,others"
		if g == abdm.V3 {
			r1, _ := e.wiz.opts.Catalogue.Lookup("101")
			r2, _ := e.wiz.opts.Catalogue.Lookup("others")
			want = r1.English + "," + r2.English
		}
		d, _, _ := e.sim.Deactivation(asha)
		if strings.Join(d.Reasons, ",") != want {
			t.Fatalf("reasons sent: %v, want %s", d.Reasons, want)
		}
		recs, _, err := e.audit.Read(context.Background(), audit.Filter{})
		if err != nil || len(recs) != 2 || recs[0].Outcome != audit.OutcomeDeactivated || recs[0].OtherText != "moving abroad" ||
			recs[0].API != string(g) || recs[0].Action != audit.ActionDeactivate {
			t.Fatalf("audit: %+v %v", recs, err)
		}
		// Deactivate another ABHA keeps the connection.
		sessions := e.sim.Count(e.route("session"))
		e.tapNext()
		e.wantStep(stepPatient)
		e.findPatient(rahul)
		if e.sim.Count(e.route("session")) != sessions || e.patient().name.Text != "Rahul Mehta" {
			t.Fatal("the next patient needed a new connection")
		}
	})
}

func TestWizardConnectByHand(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, noDemo, withAPI(g), func(o *Options) { o.FirstRun = true })
		creds := e.sim.Credentials()
		c := e.connect()
		if c.hint.Hidden || !strings.Contains(c.hint.Text(), "Sandbox is ABDM's test system") || strings.Contains(c.hint.Text(), "--demo") {
			t.Fatalf("first run hint: %q", c.hint.Text()) // no flag to tell of: nobody starts the app with one from a menu
		}
		if c.selectedGeneration() != g {
			t.Fatalf("generation shown %v, want %v", c.selectedGeneration(), g)
		}
		// Missing fields are named before any request.
		e.tapNext()
		e.wantNotice(c.notice, "Enter the client ID.")
		e.act(func() {
			test.Type(c.clientID, creds.ClientID)
			test.Type(c.secret, "wrong-secret")
		})
		if g == abdm.V2 {
			e.tapNext()
			e.wantNotice(c.notice, "Enter the HIP ID.") // v2 sends it with every call
			e.act(func() { test.Type(c.hipID, creds.HIPID) })
		}
		e.tapNext()
		e.wantStep(stepConnect)
		e.wantNotice(c.notice, "did not accept this facility's client ID or client secret")
		if c.secret.Text != "" {
			t.Fatal("a refused secret stays in the field")
		}
		e.act(func() {
			test.Type(c.secret, creds.ClientSecret)
			test.Tap(c.remember)
		})
		e.tapNext()
		e.wantStep(stepPatient)
		if e.wiz.client.Generation() != g {
			t.Fatalf("connected with %v", e.wiz.client.Generation())
		}
		got, err := e.wiz.opts.Secrets.Get(context.Background(), creds.ClientID)
		if err != nil || got != creds.ClientSecret {
			t.Fatalf("secret not remembered: %v", err)
		}
	})
}

// The generation chosen on Connect decides the client: in demo mode the
// simulator's addresses follow the choice, and the labels of custom
// addresses name the service of the generation.
func TestWizardGenerationChosenOnConnect(t *testing.T) {
	e := newUIEnv(t)
	c := e.connect()
	if c.selectedGeneration() != abdm.V3 || c.serviceName.Text != "ABHA service address" || !strings.Contains(c.healthIDURL.Text, "/abha/api") {
		t.Fatalf("default: %v %q %q", c.selectedGeneration(), c.serviceName.Text, c.healthIDURL.Text)
	}
	e.act(func() { c.api.SetSelected(c.api.Options[1]) })
	if c.serviceName.Text != "HealthID address" || strings.Contains(c.healthIDURL.Text, "/abha/api") {
		t.Fatalf("v2: %q %q", c.serviceName.Text, c.healthIDURL.Text)
	}
	e.toPatient()
	if e.wiz.client.Generation() != abdm.V2 || e.sim.Count(sandbox.RouteSession) != 1 || e.sim.Count(sandbox.RouteV3Session) != 0 {
		t.Fatal("not connected with v2")
	}
	if e.patient().abhaLabel.Text != "Patient's ABHA number or ABHA address" {
		t.Fatalf("v2 patient label %q", e.patient().abhaLabel.Text)
	}
}

func TestWizardWrongOTPThenRight(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toVerify(asha)
		right := e.lastOTP()
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		e.enter(wrong)
		e.tapNext()
		e.confirmDialog("Deactivate")
		e.wantStep(stepVerify)
		e.wantNotice(e.verify().notice, "Attempts left: 2")
		if e.verify().otp.Text != "" {
			t.Fatal("the wrong OTP stays in the field")
		}
		e.enter(right)
		e.tapNext()
		e.confirmDialog("Deactivate")
		e.wantStep(stepResult)
	})
}

// An OTP ABDM refuses with a code this app does not know keeps the step:
// the notice shows ABDM's words, and the right OTP then goes through.
func TestWizardUnknownRefusalOfTheOTPKeepsTheStep(t *testing.T) {
	e := newUIEnv(t)
	e.toVerify(asha)
	e.sim.SetFault(e.route("deactivate"), sandbox.Fault{Status: 400, Times: 1, Body: `{"code":"ABDM-7777","message":"Something new"}`})
	e.enter(e.lastOTP())
	e.tapNext()
	e.confirmDialog("Deactivate")
	e.wantStep(stepVerify)
	e.wantNotice(e.verify().notice, "ABDM refused the OTP.")
	e.wantNotice(e.verify().notice, "ABDM-7777: Something new")
	e.wantNotice(e.verify().notice, "Attempts left: 2")
	e.enter(e.lastOTP())
	e.tapNext()
	e.confirmDialog("Deactivate")
	e.wantStep(stepResult)
}

func TestWizardExpiredOTPThenResend(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toVerify(asha)
		old := e.lastOTP()
		e.clock.Advance(11 * time.Minute)
		e.act(func() { e.wiz.Tick() })
		if !strings.Contains(e.verify().status.valid.Text, "expired") {
			t.Fatalf("countdown: %q", e.verify().status.valid.Text)
		}
		e.enter(old)
		e.tapNext()
		e.confirmDialog("Deactivate")
		if g == abdm.V2 {
			e.wantNotice(e.verify().notice, "The OTP has expired.")
			e.act(func() { test.Tap(e.verify().notice.action) }) // Request a new OTP
		} else {
			// v3 answers an expired OTP as a wrong one (200 authResult failed).
			e.wantNotice(e.verify().notice, "The OTP does not match.")
			e.act(func() { test.Tap(e.verify().status.resend) })
		}
		e.wiz.WaitIdle()
		e.wantStep(stepVerify)
		if len(e.sim.Outbox()) != 2 { // the old OTP, the new one
			t.Fatalf("%d OTPs sent", len(e.sim.Outbox()))
		}
		e.enter(e.lastOTP())
		e.tapNext()
		e.confirmDialog("Deactivate")
		e.wantStep(stepResult)
	})
}

func TestWizardResendWaitIsShownNotAnError(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toVerify(asha)
		e.clock.Advance(10 * time.Second)
		e.act(func() { e.wiz.Tick() })
		st := e.verify().status
		if !st.resend.Disabled() || st.resend.Text != "Resend in 0:20" {
			t.Fatalf("resend button %q, disabled %v", st.resend.Text, st.resend.Disabled())
		}
		e.clock.Advance(21 * time.Second)
		e.act(func() { e.wiz.Tick() })
		if st.resend.Disabled() {
			t.Fatal("resend still disabled after the wait")
		}
		e.act(func() { test.Tap(st.resend) })
		e.wiz.WaitIdle()
		e.wantNotice(e.verify().notice, "A new OTP was sent")
		if n := e.sim.Count(e.route("otp")); n != 2 {
			t.Fatalf("%d OTP requests", n)
		}
	})
}

func TestWizardNoLinkedMobile(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toPatient()
		e.findPatient(ravi)
		e.act(func() { test.Tap(e.patient().confirm) })
		e.tapNext()
		e.tapNext() // Send OTP
		e.wantStep(stepOTP)
		if g == abdm.V2 {
			e.wantNotice(e.otp().notice, "No mobile number is linked")
			e.wantNotice(e.otp().notice, "HIS-3005")
		} else {
			e.wantNotice(e.otp().notice, "The Aadhaar service (UIDAI)")
			e.wantNotice(e.otp().notice, "ABDM-1204")
			e.wantNotice(e.otp().notice, "mobile linked to the ABHA")
		}
	})
}

// v3 refuses to deactivate an ABHA linked to a government benefit: said
// in plain words, nothing to retry.
func TestWizardBenefitLinkedABHA(t *testing.T) {
	e := newUIEnv(t)
	e.toPatient()
	e.findPatient(sunita)
	e.act(func() { test.Tap(e.patient().confirm) })
	e.tapNext()
	e.tapNext() // Send OTP
	e.wantStep(stepOTP)
	e.wantNotice(e.otp().notice, "government benefit")
	e.wantNotice(e.otp().notice, "ABDM-1228")
}

func TestWizardAlreadyDeactivated(t *testing.T) {
	e := newUIEnv(t, withAPI(abdm.V2))
	e.toPatient()
	e.findPatient(meena)
	e.wantStep(stepPatient)
	e.wantNotice(e.patient().notice, "already deactivated")
	if e.sim.Count(sandbox.RouteAadhaarOTP) != 0 || e.patient().loaded {
		t.Fatal("an inactive ABHA was accepted")
	}
}

func TestWizardPatientTokenRejected(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toPatient()
		e.act(func() { e.patient().token.SetText("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln") })
		e.tapNext()
		e.wantNotice(e.patient().notice, "The patient's sign-in has expired.")
		e.wantNotice(e.patient().notice, "sign in again (a new OTP)")

		// A token that expires later, between steps, sends the user back to
		// the patient step and keeps the OTP and reasons already entered.
		e.findPatient(asha)
		e.act(func() { test.Tap(e.patient().confirm) })
		e.tapNext()
		e.tapNext()
		e.wantStep(stepVerify)
		otp := e.lastOTP()
		e.enter(otp)
		e.sim.SetFault(e.route("deactivate"), sandbox.Fault{Status: 401, Times: 1})
		e.tapNext()
		e.confirmDialog("Deactivate")
		e.wantStep(stepPatient)
		// A token, no ABHA number typed: the notice names the button as it
		// reads now ("Find patient" on v2, "Send sign-in OTP" on v3).
		want := map[abdm.Generation]string{abdm.V2: "Find patient", abdm.V3: "Send sign-in OTP"}[g]
		if e.wiz.next.Text != want {
			t.Fatalf("button %q, want %q", e.wiz.next.Text, want)
		}
		e.wantNotice(e.patient().notice, "Press "+want)
		e.findPatient(asha)
		e.act(func() { test.Tap(e.patient().confirm) })
		e.tapNext()
		e.wantStep(stepOTP)
		e.tapNext() // Next: the OTP sent before still counts
		e.wantStep(stepVerify)
		if !e.verify().reasons[0].Checked {
			t.Fatal("the reasons were lost")
		}
		e.enter(otp)
		e.tapNext()
		e.confirmDialog("Deactivate")
		e.wantStep(stepResult)
	})
}

func TestWizardCancelDuringAStalledRequest(t *testing.T) {
	e := newUIEnv(t)
	e.toPatient()
	e.sim.SetFault(e.route("profile"), sandbox.Fault{Latency: time.Minute})
	tok, _ := e.sim.IssueToken(asha)
	e.act(func() {
		e.patient().token.SetText(tok)
		test.Tap(e.wiz.next)
	})
	e.act(func() {
		if e.wiz.cancel.Disabled() || !e.wiz.next.Disabled() || e.wiz.progressBox.Hidden || !e.patient().token.Disabled() {
			t.Fatal("while waiting: Cancel must be on, the rest off, the progress shown")
		}
		// Escape in the window cancels, as the Cancel button does.
		e.wiz.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	})
	done := make(chan struct{})
	go func() { e.wiz.WaitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not stop on Escape")
	}
	e.act(func() {
		if !e.wiz.cancel.Disabled() || e.wiz.next.Disabled() || !e.wiz.progressBox.Hidden {
			t.Fatal("after cancel: the wizard is not usable again")
		}
	})
	e.wantStep(stepPatient)
	e.sim.ClearFaults()
	e.tapNext()
	if !e.patient().loaded {
		t.Fatal("finding the patient after a cancel failed")
	}
}

func TestWizardDoubleClickDeactivatesOnce(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toVerify(asha)
		e.enter(e.lastOTP())
		e.sim.SetFault(e.route("deactivate"), sandbox.Fault{Latency: 300 * time.Millisecond, Times: 1})
		e.act(func() { test.Tap(e.wiz.next) })
		e.act(func() {
			confirm := findButton(e.wiz.win.Canvas().Overlays().Top(), "Deactivate")
			test.Tap(confirm)
			test.Tap(confirm) // a double click on the dialog's button
			test.Tap(e.wiz.next)
			e.wiz.primary() // and Enter
		})
		e.wiz.WaitIdle()
		e.wantStep(stepResult)
		if n := e.sim.Count(e.route("deactivate")); n != 1 {
			t.Fatalf("deactivate received %d times", n)
		}
	})
}

func TestWizardOutcomeUnknownThenCheckStatus(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.loseDeactivation(asha)
		if e.wiz.next.Text != "Check status" {
			t.Fatalf("button %q", e.wiz.next.Text)
		}
		e.tapNext()
		if e.result().mode != resultDone || !strings.Contains(e.result().text.Text, "status check") {
			t.Fatalf("after the check: %q", e.result().text.Text)
		}
		if n := e.sim.Count(e.route("deactivate")); n != 1 {
			t.Fatalf("deactivate received %d times", n)
		}
	})
}

func TestWizardHistoryShowsTheAuditTrail(t *testing.T) {
	e := newUIEnv(t)
	e.deactivate(asha)
	e.reactivateNow()
	e.act(func() { e.wiz.win.Resize(fyne.NewSize(1366, 768)) }) // every column in sight
	e.act(e.wiz.showHistory)
	e.wiz.WaitIdle()
	var text string
	e.act(func() { text = test.RenderObjectToMarkup(e.wiz.win.Canvas().Overlays().Top()) })
	for _, want := range []string{"XX-XXXX-XXXX-7890", "ABHA deactivated", "ABHA reactivated", "Reactivation requested",
		"Deactivation requested", "2 deactivations and reactivations shown", "demo (v3)", "Export CSV", "Print receipt again"} {
		if !strings.Contains(text, want) {
			t.Errorf("history lacks %q:\n%s", want, text)
		}
	}
}

func TestWizardShowsASettingsWarning(t *testing.T) {
	msg := "Your settings file could not be read and was set aside as settings.json.corrupt-20261126T100000Z. Default settings are in use."
	e := newUIEnv(t, noDemo, func(o *Options) { o.Warning = msg })
	e.wantNotice(e.connect().notice, "set aside")
}

func TestWizardOneRequestPerClick(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toPatient()
		e.findPatient(asha)
		e.act(func() { test.Tap(e.patient().confirm) })
		e.tapNext()
		before := e.sim.Requests()
		e.tapNext() // Send OTP
		if n := e.sim.Requests() - before; n != 1 {
			t.Fatalf("Send OTP made %d requests", n)
		}
		e.enter(e.lastOTP())
		e.tapNext()
		before = e.sim.Requests()
		e.confirmDialog("Deactivate")
		if n := e.sim.Requests() - before; n != 1 {
			t.Fatalf("Deactivate made %d requests", n)
		}
		e.wantStep(stepResult)
	})
}

func TestWizardSignInThenDeactivateEachWay(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		for _, mobile := range []bool{false, true} {
			name := map[bool]string{false: "aadhaar", true: "mobile"}[mobile]
			t.Run(name, func(t *testing.T) {
				e := newUIEnv(t, withAPI(g))
				e.toPatient()
				id := asha
				if g == abdm.V2 {
					id = "asha.verma@sbx" // v2 signs in by ABHA address too
				}
				e.signIn(id, mobile)
				if got := e.wiz.flowState().Login; got != loginMethods[map[bool]int{false: 0, true: 1}[mobile]] {
					t.Fatalf("login method %q", got)
				}
				e.act(func() { test.Tap(e.patient().confirm) })
				e.tapNext()
				if mobile {
					e.act(func() { e.otp().method.SetSelected(e.otp().method.Options[1]) })
				}
				e.tapNext() // Send OTP
				e.wantStep(stepVerify)
				e.enter(e.lastOTP())
				e.tapNext()
				e.confirmDialog("Deactivate")
				e.wantStep(stepResult)
				d, _, _ := e.sim.Deactivation(asha)
				want := map[bool]string{false: "AADHAAR_OTP", true: "MOBILE_OTP"}[mobile]
				if d.AuthMethod != want {
					t.Fatalf("deactivated with %q, want %q", d.AuthMethod, want)
				}
				recs, _, _ := e.audit.Read(context.Background(), audit.Filter{})
				if len(recs) == 0 || recs[0].LoginMethod != want || recs[0].OTPMethod != want {
					t.Fatalf("audit: %+v", recs)
				}
			})
		}
	})
}

// v3 signs a patient in by mobile number; with several ABHAs on it, staff
// choose the patient's.
func TestWizardMobileSignInChoosesAnABHA(t *testing.T) {
	e := newUIEnv(t)
	e.toPatient()
	p := e.patient()
	if p.abhaLabel.Text != "Patient's ABHA number or mobile number" {
		t.Fatalf("label %q", p.abhaLabel.Text)
	}
	e.act(func() { test.Type(p.abha, "99887 76655") })
	if e.wiz.next.Text != "Send sign-in OTP" {
		t.Fatalf("button %q: v3 sends the sign-in OTP at once (no search)", e.wiz.next.Text)
	}
	e.tapNext() // Send sign-in OTP, to that mobile
	if p.found.Hidden || !p.loginBox.Hidden || !strings.Contains(p.foundText.Text, "XXXXXX6655") {
		t.Fatalf("found %v, login choice hidden %v, text %q", !p.found.Hidden, p.loginBox.Hidden, p.foundText.Text)
	}
	e.typeSignInOTP(e.lastOTP()) // the sixth digit signs in: two ABHAs on the mobile
	if p.chooseBox.Hidden || len(p.choose.Options) != 2 || e.wiz.next.Text != "Continue with this ABHA" {
		t.Fatalf("choice: shown %v, %v, button %q", !p.chooseBox.Hidden, p.choose.Options, e.wiz.next.Text)
	}
	e.act(func() { p.choose.SetSelected(p.choose.Options[1]) })
	e.tapNext()
	if !p.loaded || p.name.Text != "Sunita Devi" {
		t.Fatalf("signed in as %q (loaded %v): %q", p.name.Text, p.loaded, p.notice.title.Text)
	}
}

func TestWizardSignInUnknownABHA(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toPatient()
		p := e.patient()
		e.act(func() { test.Type(p.abha, "91-1111-2222-3333") })
		e.tapNext()
		if g == abdm.V3 {
			e.tapNext() // v3 has no look-up: ABDM answers the sign-in OTP request
		}
		e.wantNotice(p.notice, "No ABHA was found")
		e.act(func() {
			p.abha.SetText("")
			test.Type(p.abha, "12345")
		})
		before := e.sim.Requests()
		e.tapNext()
		e.wantNotice(p.notice, "Enter")
		if e.sim.Requests() != before {
			t.Fatal("a malformed number reached ABDM")
		}
	})
}

// A deactivated ABHA is met at the look-up (v2) or the sign-in OTP (v3):
// nothing is sent, and reactivation is offered with the number filled in.
func TestWizardAlreadyDeactivatedOffersReactivation(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toPatient()
		p := e.patient()
		e.act(func() { test.Type(p.abha, meena) })
		e.tapNext()
		if g == abdm.V3 {
			e.tapNext() // Send sign-in OTP: ABDM refuses a deactivated ABHA (ABDM-1134)
		}
		e.wantNotice(p.notice, "already deactivated")
		if len(e.sim.Outbox()) != 0 || p.loaded {
			t.Fatal("the sign-in went on for a deactivated ABHA")
		}
		if p.notice.action.Hidden || p.notice.action.Text != "Reactivate this ABHA" {
			t.Fatalf("no reactivation offered: %q", p.notice.action.Text)
		}
		e.act(func() { test.Tap(p.notice.action) })
		e.wantStep(stepReactivate)
		if e.react().abha.Text != meena || !e.wiz.reactivating() {
			t.Fatalf("reactivation of %q", e.react().abha.Text)
		}
		e.reactivate(false)
		if s, _ := e.sim.AccountStatus(meena); s != sandbox.StatusActive {
			t.Fatalf("account %s", s)
		}
	})
}

func TestWizardWrongSignInOTPThenRight(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toPatient()
		p := e.patient()
		e.act(func() { test.Type(p.abha, asha) })
		e.tapNext()
		e.tapNext()
		right := e.lastOTP()
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		e.typeSignInOTP(wrong) // the sixth digit signs in
		e.wantNotice(p.notice, "Attempts left: 2")
		if p.loaded || p.signInOTP.Text != "" {
			t.Fatal("a wrong sign-in OTP was accepted or kept")
		}
		e.typeSignInOTP(right) // the sixth digit signs in
		if !p.loaded || p.name.Text != "Asha Verma" {
			t.Fatal("the right sign-in OTP did not sign in")
		}
	})
}

// reactivateNow presses "Reactivate now" on the result of a deactivation and
// reactivates the same ABHA.
func (e *uiEnv) reactivateNow() {
	e.t.Helper()
	e.wantStep(stepResult)
	b := findButton(e.result().content, "Reactivate now")
	if b == nil {
		e.t.Fatal("no Reactivate now button")
	}
	e.act(func() { test.Tap(b) })
	e.wantStep(stepReactivate)
	e.reactivate(false)
}

// reactivate sends the reactivation OTP for the number in the field, by the
// ABHA's mobile or the Aadhaar-linked one, enters it and confirms.
func (e *uiEnv) reactivate(aadhaar bool) {
	e.t.Helper()
	r := e.react()
	if aadhaar {
		e.act(func() { r.method.SetSelected(r.method.Options[1]) })
	}
	e.tapNext() // Send reactivation OTP
	if e.wiz.flowState().Step != abdm.StepReactivationOTPSent {
		e.t.Fatalf("no reactivation OTP: %q", r.notice.title.Text)
	}
	e.act(func() { test.Type(r.otp, e.lastOTP()) })
	e.tapNext() // Reactivate ABHA: the confirmation
	e.confirmDialog("Reactivate")
	e.wantStep(stepResult)
	if e.result().mode != resultReactivated {
		e.t.Fatalf("result mode %d: %q", e.result().mode, e.result().head.Text)
	}
}

// Deactivate, Reactivate now (a mistake at the desk), then the patient signs
// in again as any active patient; reactivation is in the audit trail.
func TestWizardDeactivateReactivateNowSignInAgain(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		golden := func(name string) {
			if g == abdm.V3 {
				e.golden(name)
			}
		}
		e.deactivate(asha)
		b := findButton(e.result().content, "Reactivate now")
		if b == nil {
			t.Fatal("no Reactivate now button")
		}
		e.act(func() { test.Tap(b) })
		e.wantStep(stepReactivate)
		if e.react().abha.Text != asha || e.wiz.modeBox.Hidden || e.wiz.stepTitle.Text != "Step 2 of 2: Reactivate" {
			t.Fatalf("reactivate step: %q %q", e.react().abha.Text, e.wiz.stepTitle.Text)
		}
		golden("6-reactivate.xml")
		e.reactivate(false)
		golden("7-reactivated.xml")
		if s, _ := e.sim.AccountStatus(asha); s != sandbox.StatusActive {
			t.Fatalf("account %s", s)
		}
		if !strings.Contains(test.RenderObjectToMarkup(e.result().content), "Asha Verma") {
			t.Fatal("the result does not name who ABDM signed in")
		}
		recs, _, _ := e.audit.Read(context.Background(), audit.Filter{})
		actions := ""
		for _, r := range recs {
			actions += r.Action + ":" + r.Event + ":" + r.Outcome + " "
		}
		if actions != "reactivate:outcome:reactivated reactivate:intent: deactivate:outcome:deactivated deactivate:intent: " {
			t.Fatalf("audit: %s", actions)
		}
		// Next patient: signed in again, as any active patient.
		e.tapNext()
		e.wantStep(stepPatient)
		if e.wiz.reactivating() {
			t.Fatal("still reactivating after Next patient")
		}
		e.clock.Advance(time.Minute) // past the resend wait of the sign-in OTP
		e.signIn(asha, true)
		if e.patient().name.Text != "Asha Verma" {
			t.Fatal("not signed in again")
		}
	})
}

// Reactivate an ABHA chosen on the task choice after Connect; a wrong OTP
// keeps the step; a lost answer leads to Check status, never a resend.
func TestWizardReactivateFromTheTaskChoice(t *testing.T) {
	forEachAPI(t, func(t *testing.T, g abdm.Generation) {
		e := newUIEnv(t, withAPI(g))
		e.toPatient()
		if e.wiz.modeBox.Hidden || e.wiz.modePick.Selected != "Deactivate an ABHA" {
			t.Fatal("the task choice is not shown with deactivation as the default")
		}
		e.act(func() { e.wiz.modePick.SetSelected(e.wiz.modePick.Options[1]) })
		e.wantStep(stepReactivate)
		r := e.react()
		e.act(func() { r.demoPick.SetSelectedIndex(3) }) // Meena Iyer, deactivated
		if r.abha.Text != meena {
			t.Fatalf("demo pick filled %q", r.abha.Text)
		}
		e.tapNext() // Send reactivation OTP
		right := e.lastOTP()
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		e.act(func() { test.Type(r.otp, wrong) })
		e.tapNext()
		e.confirmDialog("Reactivate")
		e.wantStep(stepReactivate)
		e.wantNotice(r.notice, "Attempts left: 2")
		e.sim.SetFault(e.route("reactivate"), sandbox.Fault{Drop: true, Process: true, Times: 1})
		e.act(func() { test.Type(r.otp, right) })
		e.tapNext()
		e.confirmDialog("Reactivate")
		e.wantStep(stepResult)
		if e.result().mode != resultUnknown || !strings.Contains(e.result().head.Text, "reactivated") {
			t.Fatalf("result %d %q", e.result().mode, e.result().head.Text)
		}
		e.clock.Advance(time.Minute) // v3's check may ask for a sign-in OTP
		e.tapNext()                  // Check status
		if e.result().mode != resultReactivated {
			t.Fatalf("after the check: %d %q", e.result().mode, e.result().head.Text)
		}
		if n := e.sim.Count(e.route("reactivate")); g == abdm.V2 && n != 2 {
			t.Fatalf("reactivate received %d times, want 2 (the wrong OTP, then the lost one)", n)
		}
	})
}

// typeSignInOTP types the sign-in OTP as staff do: its sixth digit signs
// the patient in (no Enter); it waits for the answer.
func (e *uiEnv) typeSignInOTP(otp string) {
	e.t.Helper()
	p := e.patient()
	e.act(func() {
		e.wiz.focus(p.signInOTP)
		test.Type(p.signInOTP, otp)
	})
	e.wiz.WaitIdle()
}
