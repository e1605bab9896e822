package receipt

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

// keyPrefix starts every key of the receipt's texts in the translation files.
const keyPrefix = "receipt."

// The keys the receipt uses; each must be in en.json and hi.json.
const (
	kTitleDeactivated  = "receipt.title.deactivated"
	kTitleReactivated  = "receipt.title.reactivated"
	kSubtitle          = "receipt.subtitle"
	kTestMark          = "receipt.test.mark"
	kTestDetail        = "receipt.test.detail"
	kEnvSandbox        = "receipt.env.sandbox"
	kEnvCustom         = "receipt.env.custom"
	kEnvDemo           = "receipt.env.demo"
	kLabelWhen         = "receipt.label.when"
	kLabelFacility     = "receipt.label.facility"
	kLabelPatient      = "receipt.label.patient"
	kLabelABHANumber   = "receipt.label.abha_number"
	kLabelABHAAddress  = "receipt.label.abha_address"
	kLabelDone         = "receipt.label.done"
	kLabelReasons      = "receipt.label.reasons"
	kReasonOther       = "receipt.reason.other"
	kLabelTxn          = "receipt.label.txn"
	kLabelConfirmed    = "receipt.label.confirmed"
	kDoneDeactivated   = "receipt.done.deactivated"
	kDoneReactivated   = "receipt.done.reactivated"
	kConfirmedReply    = "receipt.confirmed.reply"
	kConfirmedByCheck  = "receipt.confirmed.status_check"
	kMeaningHeading    = "receipt.meaning.heading"
	kMeaningDeactivate = "receipt.meaning.deactivated"
	kMeaningReactivate = "receipt.meaning.reactivated"
	kUndoHeadingDeact  = "receipt.undo.heading.deactivated"
	kUndoHeadingReact  = "receipt.undo.heading.reactivated"
	kUndoDeactivated   = "receipt.undo.deactivated"
	kUndoReactivated   = "receipt.undo.reactivated"
	kKeep              = "receipt.keep"
	kFooter            = "receipt.footer"
	kDateTime          = "receipt.datetime"
	kDate              = "receipt.date"
	kTimeNightAM       = "receipt.time.night_am"
	kTimeMorning       = "receipt.time.morning"
	kTimeAfternoon     = "receipt.time.afternoon"
	kTimeEvening       = "receipt.time.evening"
	kTimeNightPM       = "receipt.time.night_pm"
)

// monthKeys are the keys of the months' names, January first.
var monthKeys = func() []string {
	keys := make([]string, 12)
	for i := range keys {
		keys[i] = fmt.Sprintf("receipt.month.%02d", i+1)
	}
	return keys
}()

// Keys lists every key the receipt uses, for the translation files' tests.
func Keys() []string {
	keys := []string{kTitleDeactivated, kTitleReactivated, kSubtitle, kTestMark, kTestDetail,
		kEnvSandbox, kEnvCustom, kEnvDemo, kLabelWhen, kLabelFacility, kLabelPatient, kLabelABHANumber,
		kLabelABHAAddress, kLabelDone, kLabelReasons, kReasonOther, kLabelTxn, kLabelConfirmed, kDoneDeactivated,
		kDoneReactivated, kConfirmedReply, kConfirmedByCheck, kMeaningHeading, kMeaningDeactivate,
		kMeaningReactivate, kUndoHeadingDeact, kUndoHeadingReact, kUndoDeactivated, kUndoReactivated, kKeep, kFooter,
		kDateTime, kDate, kTimeNightAM, kTimeMorning, kTimeAfternoon, kTimeEvening, kTimeNightPM}
	return append(keys, monthKeys...)
}

// texts are the receipt's texts in one language, by key.
type texts map[string]string

// loadTexts reads the receipt.* keys of language's translation file and
// checks that every key the receipt uses is there.
func loadTexts(fsys fs.FS, language string) (texts, error) {
	if fsys == nil {
		return nil, fmt.Errorf("receipt: no translations")
	}
	name := language + ".json"
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("receipt: read the translations: %w", err)
	}
	var all map[string]string
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("receipt: read %s: %w", name, err)
	}
	t := texts{}
	for k, v := range all {
		if strings.HasPrefix(k, keyPrefix) {
			t[k] = v
		}
	}
	var missing []string
	for _, k := range Keys() {
		if strings.TrimSpace(t[k]) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("receipt: %s has no text for %s", name, strings.Join(missing, ", "))
	}
	return t, nil
}

// get returns the text of key with its {{.Field}} placeholders filled from
// fields, given as name, value pairs.
func (t texts) get(key string, fields ...string) string {
	s := t[key]
	if len(fields) == 0 {
		return s
	}
	pairs := make([]string, 0, len(fields))
	for i := 0; i+1 < len(fields); i += 2 {
		pairs = append(pairs, "{{."+fields[i]+"}}", fields[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
