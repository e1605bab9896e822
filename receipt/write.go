package receipt

import (
	"bufio"
	"fmt"
	"io"

	"github.com/tdewolff/canvas/renderers/pdf"

	"abha-deactivate/abdm"
)

// Write renders d as a one-page PDF to w.
func (m *Maker) Write(w io.Writer, d Data) error {
	if err := d.check(); err != nil {
		return err
	}
	language := d.language()
	t := m.texts[language]
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.compose(d, t)
	bw := bufio.NewWriter(w)
	r := pdf.New(bw, l.paper.width, l.paper.height, nil)
	title := t[kTitleReactivated]
	if d.Action == abdm.ActionDeactivate {
		title = t[kTitleDeactivated]
	}
	r.SetInfo(title, t[kSubtitle], "", "", "abha-deactivate "+scrub(orDev(d.Version)))
	r.SetLang(language + "-IN")
	l.draw().RenderTo(r)
	if err := r.Close(); err != nil {
		return fmt.Errorf("receipt: write the PDF: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("receipt: write the PDF: %w", err)
	}
	return nil
}
