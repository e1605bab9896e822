package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"abha-deactivate/abdm"
)

// press sends key to what has the focus, or to the window, as a keyboard does.
func (e *uiEnv) press(key fyne.KeyName) {
	e.t.Helper()
	e.act(func() {
		ev := &fyne.KeyEvent{Name: key}
		if f := e.wiz.win.Canvas().Focused(); f != nil {
			f.TypedKey(ev)
			return
		}
		e.wiz.typedKey(ev)
	})
	e.wiz.WaitIdle()
}

// overlays is the number of dialogs open over the window.
func (e *uiEnv) overlays() (n int) {
	e.act(func() { n = len(e.wiz.win.Canvas().Overlays().List()) })
	return n
}

// dialogText is the markup of the dialog on top, "" when none is open.
func (e *uiEnv) dialogText() (text string) {
	e.act(func() {
		if top := e.wiz.win.Canvas().Overlays().Top(); top != nil {
			text = test.RenderObjectToMarkup(top)
		}
	})
	return text
}

// Enter on Verify shows one confirmation, which names the system and whose
// default button (Deactivate) the second Enter presses: one dialog shown,
// none left over the result. The same for the reactivation, where Escape
// goes back first.
func TestKeysEnterTwiceOnTheConfirmations(t *testing.T) {
	e := newUIEnv(t)
	e.toVerify(asha)
	e.enter(e.lastOTP())
	e.press(fyne.KeyReturn)
	if n := e.overlays(); n != 1 {
		t.Fatalf("%d dialogs after Enter, want 1", n)
	}
	if d := e.dialogText(); !strings.Contains(d, T("DEMO – simulated ABDM, no real patients or accounts")) {
		t.Errorf("the confirmation does not name the system:\n%s", d)
	}
	e.act(func() {
		if f := e.wiz.win.Canvas().Focused(); f != e.wiz.question.yes || !e.wiz.question.yes.focused {
			t.Errorf("the default button has not the focus (and its ring)")
		}
	})
	e.press(fyne.KeyReturn)
	e.wantStep(stepResult)
	if n := e.overlays(); n != 0 {
		t.Fatalf("%d dialogs over the result", n)
	}

	e.act(func() { e.wiz.startReactivation() })
	e.press(fyne.KeyReturn) // Send reactivation OTP
	e.act(func() { test.Type(e.react().otp, e.lastOTP()) })
	e.press(fyne.KeyReturn)
	if n := e.overlays(); n != 1 {
		t.Fatalf("%d dialogs after Enter on Reactivate, want 1", n)
	}
	e.press(fyne.KeyEscape)
	if n := e.overlays(); n != 0 || e.wiz.asking {
		t.Fatalf("Escape left %d dialogs (asking %v)", n, e.wiz.asking)
	}
	e.wantStep(stepReactivate)
	e.press(fyne.KeyReturn)
	e.press(fyne.KeyReturn)
	if n := e.overlays(); n != 0 {
		t.Fatalf("%d dialogs over the reactivation's result", n)
	}
	if got := e.result().head.Text; !strings.Contains(got, "active again") {
		t.Errorf("result %q, want the reactivation done", got)
	}
}

// A dialog never outlives its step, and the step's action waits while one
// is open.
func TestKeysDialogClosesWithTheStep(t *testing.T) {
	e := newUIEnv(t)
	e.toVerify(asha)
	e.enter(e.lastOTP())
	e.act(func() { e.verify().askConfirm() })
	e.act(func() { e.wiz.primary() })
	if n := e.overlays(); n != 1 {
		t.Fatalf("%d dialogs after the main action with one open", n)
	}
	e.act(func() { e.wiz.win.Canvas().Focus(e.wiz.question.no) })
	e.press(fyne.KeyReturn) // Enter presses the focused button: Go back
	if n := e.overlays(); n != 0 || e.wiz.current != stepVerify {
		t.Fatalf("Enter on Go back: %d dialogs, step %s", n, screens[e.wiz.current].name)
	}
	e.act(func() { e.verify().askConfirm() })
	e.act(func() { e.wiz.show(stepOTP) })
	if n := e.overlays(); n != 0 || e.wiz.asking || e.wiz.question != nil {
		t.Fatalf("%d dialogs left after the step changed", n)
	}
	e.act(func() { e.wiz.showAbout() })
	e.press(fyne.KeyEscape)
	if n := e.overlays(); n != 0 {
		t.Fatalf("Escape left About open")
	}
	e.openHistory()
	e.press(fyne.KeyEscape)
	if n := e.overlays(); n != 0 {
		t.Fatalf("Escape left History open")
	}
}

// The strip names the system in every confirmation: sandbox, custom (with
// its host) and production (in the danger colour).
func TestKeysSystemInTheConfirmation(t *testing.T) {
	for _, tc := range []struct {
		env  abdm.Environment
		want string
	}{{abdm.EnvSandbox, "SANDBOX"}, {abdm.EnvCustom, "CUSTOM"}, {abdm.EnvProduction, "PRODUCTION"}} {
		t.Run(string(tc.env), func(t *testing.T) {
			e := newUIEnv(t, noDemo)
			e.act(func() { e.wiz.set.Environment = string(tc.env); e.wiz.set.GatewayURL = "https://abdm.example.org/gw" })
			e.act(func() { e.wiz.askOnce(confirmation{title: "Q", confirm: "Yes", dismiss: "No", content: wrapped("?")}) })
			d := e.dialogText()
			if !strings.Contains(d, tc.want) {
				t.Fatalf("the dialog does not say %s:\n%s", tc.want, d)
			}
			if tc.env == abdm.EnvCustom && !strings.Contains(d, "abdm.example.org") {
				t.Errorf("the custom system's host is missing")
			}
			if tc.env == abdm.EnvProduction && !strings.Contains(d, `fillColor="error"`) {
				t.Errorf("production is not in the danger colour:\n%s", d)
			}
		})
	}
}

// The first Tab on the result reaches a widget that shows its focus (Copy),
// not the transaction ID's invisible selection; the focus ring surrounds it.
func TestKeysResultFirstTabAndRing(t *testing.T) {
	e := newUIEnv(t)
	e.deactivate(asha)
	e.act(func() {
		test.FocusNext(e.wiz.win.Canvas())
		if f := e.wiz.win.Canvas().Focused(); f != e.result().copyTxn {
			t.Errorf("first Tab on the result: %s, want result.copy", e.nameOf(f))
		}
		e.wiz.placeRing()
		r := e.wiz.ring.rect
		b := e.result().copyTxn
		d := fyne.CurrentApp().Driver()
		bp, rp := d.AbsolutePositionForObject(b), d.AbsolutePositionForObject(r)
		if r.Hidden || rp.X >= bp.X || rp.Y >= bp.Y || r.Size().Width <= b.Size().Width {
			t.Errorf("the ring (hidden %v, at %v size %v) does not surround the button at %v size %v", r.Hidden, rp, r.Size(), bp, b.Size())
		}
	})
}

// The ring keeps 3:1 with the window's background in both variants.
func TestKeysFocusRingContrast(t *testing.T) {
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := newTheme(false, "")
		ring := luminance(rgba(th.Color(colorNameFocusRing, v)))
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground} {
			if r := contrast(ring, luminance(rgba(th.Color(bg, v)))); r < 3 {
				t.Errorf("variant %v: ring on %s %.2f:1, want 3:1", v, bg, r)
			}
		}
	}
}

// A stray Space on the API generation opens its list and changes nothing.
func TestKeysAPIChoiceTakesNoStraySpace(t *testing.T) {
	e := newUIEnv(t, noDemo)
	c := e.connect()
	e.act(func() {
		e.wiz.focus(c.api)
		c.api.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	})
	if g := c.selectedGeneration(); g != abdm.V3 {
		t.Fatalf("Space switched the API to %s", g)
	}
	e.press(fyne.KeyEscape) // closes the list
}

// After Next patient the empty ABHA field shows no ✓ of the last number;
// the placeholders read as examples; the menus show their shortcuts.
func TestKeysNextPatientFieldAndMenus(t *testing.T) {
	e := newUIEnv(t)
	e.deactivate(asha)
	e.tapNext() // Next patient
	e.wantStep(stepPatient)
	p := e.patient()
	var mark string
	e.act(func() { mark = test.RenderObjectToMarkup(p.abha) })
	if strings.Contains(mark, "confirmIcon") {
		t.Errorf("the empty ABHA field shows a ✓:\n%s", mark)
	}
	if p.abha.PlaceHolder != "e.g. 91-1234-5678-9012" || p.signInOTP.PlaceHolder != "e.g. 123456" {
		t.Errorf("placeholders %q, %q", p.abha.PlaceHolder, p.signInOTP.PlaceHolder)
	}
	items := e.wiz.win.MainMenu().Items[0].Items
	if items[0].Shortcut != settingsShortcut || items[1].Shortcut != historyShortcut {
		t.Errorf("the File menu shows no shortcuts for Settings and History")
	}
}

// Every Tab stop of the result shows the focus ring around a visible,
// named widget: no invisible stop.
func TestKeysResultHasNoInvisibleStop(t *testing.T) {
	e := newUIEnv(t)
	e.deactivate(asha)
	var seen []string
	for i := 0; i < 6; i++ {
		e.act(func() {
			test.FocusNext(e.wiz.win.Canvas())
			f := e.wiz.win.Canvas().Focused()
			o, _ := f.(fyne.CanvasObject)
			name := e.nameOf(f)
			seen = append(seen, name)
			e.wiz.placeRing()
			if o == nil || !o.Visible() || name == "other" || e.wiz.ring.rect.Hidden {
				t.Errorf("Tab %d: %s (visible %v, ring shown %v)", i+1, name, o != nil && o.Visible(), !e.wiz.ring.rect.Hidden)
			}
		})
	}
	t.Logf("Tab stops: %v", seen)
}

// Without the demo, the strip names the sandbox on every step after
// Connect, the result included, and inside the confirmation.
func TestKeysStripOnEveryStep(t *testing.T) {
	e := newUIEnv(t, noDemo)
	creds := e.sim.Credentials()
	c := e.connect()
	e.wiz.WaitIdle()
	e.act(func() {
		test.Type(c.clientID, creds.ClientID)
		test.Type(c.secret, creds.ClientSecret)
		test.Type(c.hipID, creds.HIPID)
	})
	strip := func(step int) {
		t.Helper()
		e.wantStep(step)
		e.act(func() {
			if s := e.wiz.system; !s.box.Visible() || !strings.Contains(s.text.Text, "SANDBOX") {
				t.Errorf("step %s: strip %q (visible %v)", screens[step].name, s.text.Text, s.box.Visible())
			}
		})
	}
	e.tapNext()
	strip(stepPatient)
	e.findPatient(asha)
	e.act(func() { test.Tap(e.patient().confirm) })
	e.tapNext()
	strip(stepOTP)
	e.tapNext()
	strip(stepVerify)
	e.enter(e.lastOTP())
	e.act(func() { e.verify().askConfirm() })
	if d := e.dialogText(); !strings.Contains(d, "SANDBOX") {
		t.Errorf("the confirmation does not name the sandbox:\n%s", d)
	}
	e.confirmDialog(T("Deactivate"))
	strip(stepResult)
}

// Escape closes History and Settings even while one of their fields has
// the focus (a focused field takes the keys before the window does).
func TestEscapeFromAFieldClosesHistoryAndSettings(t *testing.T) {
	e := newUIEnv(t, noDemo)
	h := e.openHistory()
	e.act(func() { e.wiz.win.Canvas().Focus(h.from) })
	e.press(fyne.KeyEscape)
	if n := e.overlays(); n != 0 {
		t.Fatalf("%d dialogs left after Escape in History's date field", n)
	}
	for _, field := range []func(f *settingsForm) *entry{
		func(f *settingsForm) *entry { return f.proxy },
		func(f *settingsForm) *entry { return f.audit.url },
	} {
		e.act(func() {
			e.wiz.showSettings()
			e.wiz.win.Canvas().Focus(field(e.wiz.lastForm))
		})
		e.press(fyne.KeyEscape)
		if n := e.overlays(); n != 0 {
			t.Fatalf("%d dialogs left after Escape in a Settings field", n)
		}
	}
}
