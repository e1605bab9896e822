package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"abha-deactivate/abdm"
	"abha-deactivate/internal/safetext"
	"abha-deactivate/receipt"
	"abha-deactivate/ui"
)

// receiptFlags are the flags of the patient's receipt, for the commands that
// change an ABHA.
type receiptFlags struct {
	path string // --receipt: where to save it; empty for none
	lang string // --lang: en, hi, or "" for the settings' language
}

func (f *receiptFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "receipt", "", "once it is done, save the patient's receipt (a one-page PDF) to this file")
	fs.StringVar(&f.lang, "lang", "", "language of the receipt: en or hi (default: the language in Settings, else the system's)")
}

// check refuses, before anything is sent, a language it does not know and
// a receipt that could not be saved where asked.
func (f *receiptFlags) check() error {
	switch f.lang {
	case "", receipt.English, receipt.Hindi:
	default:
		return usagef("--lang must be en or hi")
	}
	if f.path == "" {
		return nil
	}
	name := filepath.Base(f.path)
	switch {
	case strings.TrimSpace(name) == "" || name == "." || name == string(filepath.Separator) || strings.HasSuffix(f.path, string(filepath.Separator)):
		return usagef("--receipt %s: give a file name, not a folder", safetext.Arg(f.path))
	case len(name) > maxReceiptName:
		return usagef("--receipt %s: the file name is too long (more than %d bytes)", safetext.Arg(f.path), maxReceiptName)
	case strings.ContainsFunc(f.path, safetext.Unsafe):
		return usagef("--receipt %s: the path holds control characters", safetext.Arg(f.path))
	}
	dir := filepath.Dir(f.path)
	probe, err := os.CreateTemp(dir, ".abha-receipt-check-*")
	if err != nil {
		return usagef("--receipt: cannot write a file in %s", safetext.Arg(dir))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// maxReceiptName leaves room, within the 255 bytes a file name may have on
// every common file system, for the temporary name the receipt is written
// under before it is renamed.
const maxReceiptName = 200

// finish reports a done change with report, after saving the patient's
// receipt when --receipt asks for one. A receipt that cannot be saved is a
// warning: the change is done, and the exit code says so.
func (s *session) finish(ctx context.Context, std proc, rf *receiptFlags, rep *reporter, res abdm.Result, report func(abdm.Result) int) int {
	if rf.path == "" {
		return report(res)
	}
	path, err := s.saveReceipt(ctx, std, rf, res)
	if err != nil {
		s.rt.log.WithError(err).Warn("receipt not saved")
		fmt.Fprintf(std.Err, "Warning: the %s is done, but the patient's receipt could not be saved: %v\n"+
			"Give the patient the transaction ID (%s) instead.\n", actionNoun(res.Action), err, res.TxnID)
		return report(res)
	}
	rep.receipt = path
	code := report(res)
	if !rep.json {
		fmt.Fprintf(std.Out, "Receipt saved: %s\n", safetext.Text(path))
	}
	return code
}

// saveReceipt saves res's receipt and returns its absolute path.
func (s *session) saveReceipt(ctx context.Context, std proc, rf *receiptFlags, res abdm.Result) (string, error) {
	path, err := filepath.Abs(rf.path)
	if err != nil {
		return "", fmt.Errorf("receipt path: %w", err)
	}
	m, err := ui.NewReceiptMaker()
	if err != nil {
		return "", err
	}
	choice := rf.lang
	if choice == "" {
		choice = s.rt.settings.Language
	}
	d := m.FromResult(res, s.catalogue, receipt.PickLanguage(choice, std.Getenv))
	d.HIPID, d.Environment, d.Version = s.client.HIPID(), s.envName, s.rt.build.Version
	if s.envName != "demo" {
		d.Facility = s.rt.settings.FacilityName
	}
	return path, m.Save(ctx, path, d)
}

func actionNoun(a abdm.Action) string {
	if a == abdm.ActionReactivate {
		return "reactivation"
	}
	return "deactivation"
}
