package ui

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"

	"abha-deactivate/abdm"
	"abha-deactivate/assets"
	"abha-deactivate/receipt"
)

// NewReceiptMaker sets receipts in the fonts the app embeds: Fyne's Noto Sans
// for Latin text, Noto Sans Devanagari for Hindi. The wizard and the
// headless command both use it.
func NewReceiptMaker() (*receipt.Maker, error) {
	texts, err := fs.Sub(assets.Translations, "translations")
	if err != nil {
		return nil, fmt.Errorf("receipt texts: %w", err)
	}
	return receipt.New(receipt.Resources{
		Fonts: receipt.Fonts{Latin: theme.DefaultTextFont().Content(), LatinBold: theme.DefaultTextBoldFont().Content(),
			Devanagari: assets.DevanagariRegular.Content(), DevanagariBold: assets.DevanagariBold.Content()},
		Translations: texts,
	})
}

// receiptMaker is made on first use: its fonts are read only when a
// receipt is asked for.
var receiptMaker = sync.OnceValues(NewReceiptMaker)

// receiptData is what the patient's receipt of res says, in the wizard's language.
func (w *Wizard) receiptData(m *receipt.Maker, res abdm.Result) receipt.Data {
	d := m.FromResult(res, w.opts.Catalogue, w.opts.Language)
	d.HIPID, d.Environment, d.Version = w.set.HIPID, w.set.Environment, w.opts.Version
	if abdm.Environment(w.set.Environment) == abdm.EnvCustom {
		d.Server = hostOf(w.set.GatewayURL) // as the strip names it
	}
	d.Facility = w.set.FacilityName
	if w.opts.Demo != nil {
		d.Environment, d.Facility = "demo", ""
	}
	return d
}

// receiptName is a file name for the receipt of res, e.g.
// "abha-receipt-deactivated-2026-12-02-1a2b3c4d.pdf".
func receiptName(res abdm.Result) string {
	what := "deactivated"
	if res.Action == abdm.ActionReactivate {
		what = "reactivated"
	}
	ref := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, res.TxnID)
	if len(ref) > 8 {
		ref = ref[:8]
	}
	return fmt.Sprintf("abha-receipt-%s-%s-%s.pdf", what, res.At.In(receipt.IST).Format("2006-01-02"), ref)
}

// openReceipt saves the receipt of res in the receipts folder and opens it
// in the computer's PDF viewer, to print it for the patient.
func (r *resultView) openReceipt() {
	w, res := r.w, r.res
	if res == nil || w.opts.ReceiptDir == "" {
		return
	}
	path := filepath.Join(w.opts.ReceiptDir, receiptName(*res))
	w.run(T("Making the receipt…"), func(ctx context.Context) error {
		return w.writeReceiptFile(ctx, path, func(m *receipt.Maker) receipt.Data { return w.receiptData(m, *res) })
	}, func(err error) {
		kind, title, detail := w.openWritten(path, err)
		r.notice.show(kind, title, detail, "", nil)
	})
}

// writeReceiptFile saves the receipt data makes as path in the receipts
// folder. Off the UI goroutine: it reads the fonts and writes the file.
func (w *Wizard) writeReceiptFile(ctx context.Context, path string, data func(m *receipt.Maker) receipt.Data) error {
	m, err := receiptMaker()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(w.opts.ReceiptDir, 0o700); err != nil {
		return fmt.Errorf("receipts folder: %w", err)
	}
	return m.Save(ctx, path, data(m))
}

// openWritten opens the receipt written as path (err: why it was not) in
// the PDF viewer and words how that went, as a notice says it.
func (w *Wizard) openWritten(path string, err error) (kind noticeKind, title, detail string) {
	if err != nil {
		return noticeError, T("The receipt could not be made."), w.problemDetail(err)
	}
	w.event("receipt saved")
	if perr := w.openFile(path); perr != nil {
		return noticeWarning, T("The receipt is saved but could not be opened here."),
			T("Open it from this folder to print it: {{.Path}}", map[string]any{"Path": path})
	}
	return noticeSuccess, T("The receipt is open in the PDF viewer: print it for the patient."),
		T("Saved as {{.Path}}", map[string]any{"Path": path})
}

// openFile opens the file or folder at path in the computer's viewer for
// it (the PDF viewer for a receipt, the file manager for the logs folder).
func (w *Wizard) openFile(path string) error {
	u, err := url.Parse(storage.NewFileURI(path).String())
	if err != nil {
		return err
	}
	return w.opts.App.OpenURL(u)
}

// saveReceipt asks where to save the receipt of res (a USB stick, a shared
// folder) and writes it there.
func (r *resultView) saveReceipt() {
	w, res := r.w, r.res
	if res == nil {
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		w.run(T("Making the receipt…"), func(ctx context.Context) error {
			defer wc.Close()
			m, err := receiptMaker()
			if err != nil {
				return err
			}
			var buf bytes.Buffer // all or nothing: the file gets the whole PDF in one write
			if err := m.Write(&buf, w.receiptData(m, *res)); err != nil {
				return err
			}
			if _, err := wc.Write(buf.Bytes()); err != nil {
				return fmt.Errorf("writing %s: %w", wc.URI().Path(), err)
			}
			return nil
		}, func(err error) {
			if err != nil {
				r.notice.show(noticeError, T("The receipt could not be saved."), w.problemDetail(err), "", nil)
				return
			}
			w.event("receipt saved")
			r.notice.show(noticeSuccess, T("The receipt is saved."), T("Saved as {{.Path}}", map[string]any{"Path": wc.URI().Path()}), "", nil)
		})
	}, w.win)
	d.SetFileName(receiptName(*res))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Show()
}
