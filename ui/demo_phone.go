package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// demoPhone shows the SMS messages the simulator "sends", as the patient's
// phone would, so that a demo needs no real phone.
type demoPhone struct {
	list  *fyne.Container
	empty *hint
	box   fyne.CanvasObject
}

func newDemoPhone() *demoPhone {
	p := &demoPhone{list: container.NewVBox(), empty: newHint(T("No messages yet. OTPs sent by the simulator appear here."))}
	p.list.Add(p.empty)
	scroll := container.NewVScroll(p.list)
	scroll.SetMinSize(fyne.NewSize(250, 0))
	p.box = widget.NewCard(T("Demo phone"), T("What the patient's phone receives"), scroll)
	return p
}

func (p *demoPhone) view() fyne.CanvasObject { return p.box }

// smsText is what the SMS says after the OTP, by why it was sent.
func smsText(reason string) string {
	switch {
	case strings.HasPrefix(reason, "login"):
		return T("is your OTP to sign in to ABHA. Valid for 10 minutes. Do not share it with anyone else.")
	case strings.HasPrefix(reason, "reactivate"):
		return T("is your OTP to reactivate your ABHA. Valid for 10 minutes. Do not share it with anyone else.")
	}
	return T("is your OTP to deactivate your ABHA. Valid for 10 minutes. Do not share it with anyone else.")
}

// add shows a message on top. Call on the UI goroutine.
func (p *demoPhone) add(m DemoSMS) {
	p.empty.Hide()
	otp := widget.NewLabelWithStyle(m.OTP, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Monospace: true})
	otp.SizeName = theme.SizeNameHeadingText
	msg := widget.NewCard("", m.Time.Format("15:04:05")+"  ·  "+T("SMS to {{.To}}", map[string]any{"To": m.To}),
		container.NewVBox(otp, wrapped(smsText(m.Reason))))
	p.list.Objects = append([]fyne.CanvasObject{msg}, p.list.Objects...)
	p.list.Refresh()
}
