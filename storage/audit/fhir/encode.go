package fhir

import (
	"strconv"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/storage/audit"
)

// What each AuditEvent holds (one line of compact JSON, written by hand
// into a byte slice: the export turns a million records into JSON in about
// the time the disk takes to read them):
//
//   - id: the audit ID, "-" and the outcome (the same attempt can have two
//     outcome records: outcome-unknown, then the status check's);
//   - type DICOM 110110 "Patient Record", action "U" (the ABHA's status is
//     updated), subtype urn:abha-deactivate:action deactivate|reactivate;
//   - recorded: the record's time (UTC); outcome 0/4/8 and outcomeDesc in
//     plain words (see codes.go);
//   - purposeOfEvent: the deactivation reasons, code and label;
//   - agent: the OS user (human user, requestor true); this app with the
//     facility's ABDM client ID, on this workstation (DICOM 110153 Source
//     Role ID, network address the host name); the facility by its HIP (HFR)
//     ID; ABDM's ABHA service (DICOM 110152 Destination Role ID);
//   - source: the observer is this app on this workstation, a user device;
//   - entity: the patient (audit-entity-type 1 Person, object-role 1
//     Patient), what.identifier the MASKED ABHA number; and the local audit
//     record (audit-entity-type 2), what.identifier the audit ID, with
//     details: event, outcome, prev (the chain hash linking it to the line
//     before in the trail), abdmTxnId, api, environment, loginMethod,
//     otpMethod, abdmCode, message, otherText, durationMs.

// event is what one AuditEvent is made of: a View's fields, JSON-safe.
type event struct {
	v       *audit.View
	outcome []byte      // the outcome detail: the record's outcome, or NoOutcome
	host    string      // the workstation's name, JSON-escaped
	agents  *agentCache // if not nil, the agent parts written before
}

// appendEvent appends e as one line of JSON, with its newline.
func appendEvent(b []byte, e *event) []byte {
	v := e.v
	info, ok := outcomes[string(e.outcome)]
	if !ok {
		info = unrecognised
	}
	b = append(b, `{"resourceType":"AuditEvent"`...)
	if fhirID(v.ID, e.outcome) {
		b = append(b, `,"id":"`...)
		b = append(b, v.ID...)
		b = append(b, '-')
		b = append(b, e.outcome...)
		b = append(b, '"')
	}
	b = append(b, `,"type":{"system":"`+systemDCM+`","code":"110110","display":"Patient Record"},"subtype":[`...)
	switch string(v.Action) {
	case "", audit.ActionDeactivate:
		b = append(b, `{"system":"`+SystemAction+`","code":"deactivate","display":"ABHA deactivation"}`...)
	case audit.ActionReactivate:
		b = append(b, `{"system":"`+SystemAction+`","code":"reactivate","display":"ABHA reactivation"}`...)
	default:
		b = append(b, `{"system":"`+SystemAction+`","code":"other","display":"Unrecognised change of an ABHA"}`...)
	}
	b = append(b, `],"action":"U","recorded":"`...)
	b = appendInstant(b, v)
	b = append(b, info.part...)
	b = appendReasons(b, v.Reasons)
	if e.agents != nil {
		b = e.agents.appendAgents(b, e)
	} else {
		b = appendAgents(b, e)
	}
	b = appendEntities(b, e)
	return append(b, "}\n"...)
}

// appendInstant appends the record's time as a FHIR instant: as stored when
// it is already one in UTC, else formatted.
func appendInstant(b []byte, v *audit.View) []byte {
	t := v.TimeText
	if len(t) >= 20 && t[len(t)-1] == 'Z' && t[10] == 'T' && t[0] >= '1' && t[0] <= '9' {
		return append(b, t...)
	}
	return v.Time().AppendFormat(b, time.RFC3339Nano)
}

// appendReasons appends purposeOfEvent: one concept a reason.
func appendReasons(b []byte, rs []audit.ReasonView) []byte {
	if len(rs) == 0 {
		return b
	}
	b = append(b, `,"purposeOfEvent":[`...)
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if isCode(r.Code) {
			b = append(b, `"coding":[{"system":"`+SystemReason+`","code":"`...)
			b = append(b, r.Code...)
			if len(r.Label) > 0 {
				b = append(b, `","display":"`...)
				b = append(b, r.Label...)
			}
			b = append(b, `"}]`...)
		}
		text := r.Label
		if len(text) == 0 {
			text = r.Code
		}
		if len(text) > 0 {
			if b[len(b)-1] != '{' {
				b = append(b, ',')
			}
			b = append(b, `"text":"`...)
			b = append(b, text...)
			b = append(b, '"')
		}
		if b[len(b)-1] == '{' {
			b = append(b, `"text":"(no reason given)"`...)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendAgents appends the user, this app, the facility and ABDM.
func appendAgents(b []byte, e *event) []byte {
	v := e.v
	b = append(b, `,"agent":[{"type":{"coding":[{"system":"`+systemRoleType+`","code":"humanuser","display":"human user"}]},"who":{`...)
	if len(v.OSUser) > 0 {
		b = append(b, `"identifier":{"system":"`+SystemOSUser+`","value":"`...)
		b = append(b, v.OSUser...)
		b = append(b, `"},"display":"`...)
		b = append(b, v.OSUser...)
		b = append(b, `"},"requestor":true}`...)
	} else {
		b = append(b, `"display":"unknown user"},"requestor":true}`...)
	}
	b = append(b, `,{"type":{"coding":[{"system":"`+systemDCM+`","code":"110153","display":"Source Role ID"}]},"who":{`...)
	if len(v.ClientID) > 0 {
		b = append(b, `"identifier":{"system":"`+SystemClientID+`","value":"`...)
		b = append(b, v.ClientID...)
		b = append(b, `"},`...)
	}
	b = append(b, `"display":"abha-deactivate on `...)
	b = append(b, e.host...)
	b = append(b, `"},"requestor":false,"network":{"address":"`...)
	b = append(b, e.host...)
	b = append(b, `","type":"1"}}`...)
	if len(v.HIPID) > 0 {
		b = append(b, `,{"type":{"coding":[{"system":"`+systemRoleClass+`","code":"PROV","display":"healthcare provider"}]},`+
			`"who":{"identifier":{"system":"`+SystemFacility+`","value":"`...)
		b = append(b, v.HIPID...)
		b = append(b, `"}},"requestor":false}`...)
	}
	b = append(b, `,{"type":{"coding":[{"system":"`+systemDCM+`","code":"110152","display":"Destination Role ID"}]},`+
		`"who":{"display":"ABDM ABHA service`...)
	if len(v.Environment) > 0 {
		b = append(b, " ("...)
		b = append(b, v.Environment...)
		b = append(b, ')')
	}
	b = append(b, `"},"requestor":false}],"source":{"observer":{"identifier":{"system":"`+SystemWorkstation+`","value":"`...)
	b = append(b, e.host...)
	b = append(b, `"},"display":"abha-deactivate on `...)
	b = append(b, e.host...)
	return append(b, `"},"type":[{"system":"`+systemSourceType+`","code":"1","display":"User Device"}]}`...)
}

// appendEntities appends the patient and the local audit record.
func appendEntities(b []byte, e *event) []byte {
	v := e.v
	b = append(b, `,"entity":[`...)
	if len(v.ABHANumber) > 0 {
		b = append(b, `{"what":{"identifier":{"type":{"text":"ABHA number (masked)"},"system":"`+SystemABHANumber+`","value":"`...)
		b = appendMasked(b, v.ABHANumber)
		b = append(b, `"}},"type":{"system":"`+systemEntityType+`","code":"1","display":"Person"},`+
			`"role":{"system":"`+systemObjectRole+`","code":"1","display":"Patient"}},`...)
	}
	b = append(b, `{"what":{"identifier":{"system":"`+SystemAuditID+`","value":"`...)
	b = append(b, v.ID...)
	b = append(b, `"}},"type":{"system":"`+systemEntityType+`","code":"2","display":"System Object"},`+
		`"description":"Record of the local audit trail","detail":[{"type":"event","valueString":"`...)
	b = append(b, v.Event...)
	b = append(b, `"},{"type":"outcome","valueString":"`...)
	b = append(b, e.outcome...)
	b = append(b, `"}`...)
	for i, val := range [...][]byte{v.Prev, v.TxnID, v.API, v.Environment, v.LoginMethod, v.OTPMethod, v.Code,
		v.Message, v.OtherText} {
		if len(val) > 0 {
			b = append(b, detailStarts[i]...)
			b = append(b, val...)
			b = append(b, `"}`...)
		}
	}
	if v.DurationMS > 0 {
		b = append(b, `,{"type":"durationMs","valueString":"`...)
		b = strconv.AppendInt(b, v.DurationMS, 10)
		b = append(b, `"}`...)
	}
	return append(b, "]}]"...)
}

// detailStarts are the starts of the audit record's details, by name, in
// the order appendEntities writes them, up to their value.
var detailStarts = func() (s [9]string) {
	for i, name := range [...]string{"prev", "abdmTxnId", "api", "environment", "loginMethod", "otpMethod", "abdmCode",
		"message", "otherText"} {
		s[i] = `,{"type":"` + name + `","valueString":"`
	}
	return s
}()

// appendMasked appends the ABHA number masked: as it is when it already has
// the masked form XX-XXXX-XXXX-1234.
func appendMasked(b, n []byte) []byte {
	if len(n) == 17 && string(n[:13]) == "XX-XXXX-XXXX-" && isDigits(n[13:]) {
		return append(b, n...)
	}
	return append(b, abdm.MaskABHANumber(string(n))...) // digits and X only
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// fhirID reports whether id "-" outcome is a FHIR id: [A-Za-z0-9.-]{1,64}.
func fhirID(id, outcome []byte) bool {
	if len(id)+1+len(outcome) > 64 {
		return false
	}
	return idChars(id) && idChars(outcome)
}

func idChars(b []byte) bool {
	for _, c := range b {
		if !idByte(c) {
			return false
		}
	}
	return len(b) > 0
}

func idByte(c byte) bool { return idBytes[c] }

// idBytes are the bytes of a FHIR id: [A-Za-z0-9.-].
var idBytes = func() (t [256]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.'
	}
	return t
}()

// isCode reports whether b can be a Coding.code here: 1 to 64 of [A-Za-z0-9._-].
func isCode(b []byte) bool {
	if len(b) > 64 {
		return false
	}
	for _, c := range b {
		if c != '_' && !idByte(c) {
			return false
		}
	}
	return len(b) > 0
}
