// Package fhir exports the audit trail as FHIR R4 AuditEvent resources, one
// JSON object a line (NDJSON), for a facility's audit collector, following
// IHE Basic Audit Log Patterns (BALP) where they fit. See Export for what is
// exported and encode.go for what each AuditEvent holds.
package fhir

import "abha-deactivate/storage/audit"

// Code systems and identifier systems. The urn:abha-deactivate: ones are
// the app's own; the ABHA number and HFR facility systems are ABDM's.
const (
	SystemABHANumber  = "https://healthid.abdm.gov.in"
	SystemFacility    = "https://facility.abdm.gov.in"
	SystemClientID    = "urn:abha-deactivate:abdm-client-id"
	SystemOSUser      = "urn:abha-deactivate:os-user"
	SystemWorkstation = "urn:abha-deactivate:workstation"
	SystemAuditID     = "urn:abha-deactivate:audit-id"
	SystemAction      = "urn:abha-deactivate:action"
	SystemReason      = "urn:abha-deactivate:reason"

	systemDCM        = "http://dicom.nema.org/resources/ontology/DCM"
	systemRoleType   = "http://terminology.hl7.org/CodeSystem/extra-security-role-type"
	systemRoleClass  = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"
	systemSourceType = "http://terminology.hl7.org/CodeSystem/security-source-type"
	systemEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
	systemObjectRole = "http://terminology.hl7.org/CodeSystem/object-role"
)

// R4 AuditEvent.outcome codes.
const (
	OutcomeSuccess = "0"  // the ABHA was changed as asked
	OutcomeMinor   = "4"  // not done, for a known reason (refused, cancelled, found unchanged)
	OutcomeSerious = "8"  // not done or not known: the request failed or its answer was lost
	OutcomeMajor   = "12" // not used: the app records no failure of that kind
)

// outcomeInfo is how a record's outcome is exported.
type outcomeInfo struct {
	code, desc string
	part       string // what an AuditEvent holds of it, after its time (set by init)
}

func init() {
	for k, o := range outcomes {
		outcomes[k] = o.withPart()
	}
	unrecognised = unrecognised.withPart()
}

// withPart is o with its part written.
func (o outcomeInfo) withPart() outcomeInfo {
	o.part = `","outcome":"` + o.code + `","outcomeDesc":"` + o.desc + `"`
	return o
}

// NoOutcome is the outcome detail of an attempt whose intent has no outcome record.
const NoOutcome = "no-outcome"

// outcomes maps the audit outcomes (and NoOutcome) to R4 outcome codes and
// plain words.
var outcomes = map[string]outcomeInfo{
	audit.OutcomeDeactivated: {code: OutcomeSuccess, desc: "Deactivated: ABDM confirmed that the ABHA is deactivated."},
	audit.OutcomeReactivated: {code: OutcomeSuccess, desc: "Reactivated: ABDM confirmed that the ABHA is active again."},
	audit.OutcomeRejected:    {code: OutcomeMinor, desc: "Refused by ABDM: the ABHA was not changed (see the abdmCode and message details)."},
	audit.OutcomeCancelled:   {code: OutcomeMinor, desc: "Cancelled by the user: the ABHA was not changed."},
	audit.OutcomeNotDeactivated: {code: OutcomeMinor, desc: "Not deactivated: after an unknown outcome, a status check found " +
		"the ABHA still active."},
	audit.OutcomeNotReactivated: {code: OutcomeMinor, desc: "Not reactivated: after an unknown outcome, a status check found " +
		"the ABHA still deactivated."},
	audit.OutcomeNotSent: {code: OutcomeSerious, desc: "Not sent: the request failed before it reached ABDM; the ABHA was not changed."},
	audit.OutcomeUnknown: {code: OutcomeSerious, desc: "Outcome unknown: the request was sent but ABDM's answer was lost; the ABHA " +
		"may or may not have changed. A later event with the same audit ID settles it, if a status check was made."},
	NoOutcome: {code: OutcomeSerious, desc: "Outcome unknown: the attempt was recorded but no outcome was (the app was closed " +
		"or stopped during the call, or the call was still running at the export); check the ABHA's status."},
}

// unrecognised is the outcome of a record whose outcome this version does not know.
var unrecognised = outcomeInfo{code: OutcomeSerious, desc: "Outcome not recognised: see the outcome detail and the local audit trail."}
