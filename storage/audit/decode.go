package audit

import (
	"encoding/json"
	"time"

	"abha-deactivate/abdm"
)

// Decoding a line. json.Unmarshal into a Record costs several microseconds a
// line, too slow to verify or page through a busy facility's trail, so the
// lines Append writes (one JSON object, the fields of Record, each once,
// strings, a whole durationMs) are decoded by the small scanner below. It
// either decodes a line exactly as json.Unmarshal would, or gives up and the
// line goes to json.Unmarshal: it never decides a line is bad on its own.
// FuzzFastDecode checks the two against each other.

// parseLine decodes one line and checks that it looks like a record.
func parseLine(line []byte) (Record, bool) { return decodeLine(line, false) }

// decodeLine is parseLine; with headOnly only ID, Time, Event, Action,
// Outcome and DurationMS are kept (the other fields are still checked).
func decodeLine(line []byte, headOnly bool) (Record, bool) {
	var r Record
	mode := modeFull
	if headOnly {
		mode = modeHead
	}
	if !(&fastDecoder{b: line, mode: mode}).decode(&r) {
		slow := new(Record) // on its own, so that r stays on the stack
		if err := json.Unmarshal(line, slow); err != nil {
			return Record{}, false
		}
		r = *slow
	}
	if r.ID == "" || r.Time.IsZero() || (r.Event != EventIntent && r.Event != EventOutcome) {
		return r, false
	}
	r.Time = r.Time.UTC()
	if r.ABHANumber != "" {
		r.ABHANumber = abdm.MaskABHANumber(r.ABHANumber) // in case the file was edited by hand
	}
	return r, true
}

// Record's fields, in the order of the struct.
const (
	fID = iota
	fTime
	fEvent
	fAction
	fAPI
	fOSUser
	fEnvironment
	fClientID
	fHIPID
	fABHANumber
	fTxnID
	fReasons
	fOtherText
	fLoginMethod
	fOTPMethod
	fOutcome
	fCode
	fMessage
	fDurationMS
	fPrev
)

// What a decode keeps.
type decodeMode uint8

const (
	modeFull decodeMode = iota
	modeHead            // the fields in headFields
	modeLink            // Time and Event; ID and Prev as bytes in the decoder
)

// headFields are the fields decodeLine keeps with headOnly.
const headFields = 1<<fID | 1<<fTime | 1<<fEvent | 1<<fAction | 1<<fOutcome | 1<<fDurationMS

// linkFields are the fields decodeLink keeps.
const linkFields = 1<<fID | 1<<fTime | 1<<fEvent | 1<<fPrev

// decodeLink decodes what Verify needs of a line, without allocating for
// the lines Append writes: whether it is a record (as parseLine decides),
// its ID, time and prev. id and prev may alias line; scratch is any Record
// to decode into, reused from line to line.
func decodeLink(line []byte, scratch *Record) (id, prev []byte, t time.Time, ok bool) {
	d := fastDecoder{b: line, mode: modeLink}
	r := scratch
	*r = Record{}
	if d.decode(r) {
		id, prev = d.id, d.prev
	} else {
		*r = Record{}
		if err := json.Unmarshal(line, r); err != nil {
			return nil, nil, t, false
		}
		id, prev = []byte(r.ID), []byte(r.Prev)
	}
	if len(id) == 0 || r.Time.IsZero() || (r.Event != EventIntent && r.Event != EventOutcome) {
		return nil, nil, t, false
	}
	return id, prev, r.Time.UTC(), true
}

func fieldOf(key []byte) (int, bool) {
	switch string(key) {
	case "id":
		return fID, true
	case "time":
		return fTime, true
	case "event":
		return fEvent, true
	case "action":
		return fAction, true
	case "api":
		return fAPI, true
	case "osUser":
		return fOSUser, true
	case "environment":
		return fEnvironment, true
	case "clientId":
		return fClientID, true
	case "hipId":
		return fHIPID, true
	case "abhaNumber":
		return fABHANumber, true
	case "txnId":
		return fTxnID, true
	case "reasons":
		return fReasons, true
	case "otherText":
		return fOtherText, true
	case "loginMethod":
		return fLoginMethod, true
	case "otpMethod":
		return fOTPMethod, true
	case "outcome":
		return fOutcome, true
	case "code":
		return fCode, true
	case "message":
		return fMessage, true
	case "durationMs":
		return fDurationMS, true
	case "prev":
		return fPrev, true
	}
	return 0, false // unknown, or a key json.Unmarshal would match ignoring case: let it decide
}

func (r *Record) stringField(f int) *string {
	switch f {
	case fID:
		return &r.ID
	case fEvent:
		return &r.Event
	case fAction:
		return &r.Action
	case fAPI:
		return &r.API
	case fOSUser:
		return &r.OSUser
	case fEnvironment:
		return &r.Environment
	case fClientID:
		return &r.ClientID
	case fHIPID:
		return &r.HIPID
	case fABHANumber:
		return &r.ABHANumber
	case fTxnID:
		return &r.TxnID
	case fOtherText:
		return &r.OtherText
	case fLoginMethod:
		return &r.LoginMethod
	case fOTPMethod:
		return &r.OTPMethod
	case fOutcome:
		return &r.Outcome
	case fCode:
		return &r.Code
	case fMessage:
		return &r.Message
	case fPrev:
		return &r.Prev
	}
	return nil
}
