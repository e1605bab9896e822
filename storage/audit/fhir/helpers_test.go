package fhir

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

// auditEvent is the part of an exported AuditEvent the tests look at.
type auditEvent struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Subtype      []struct {
		Code string `json:"code"`
	} `json:"subtype"`
	Action      string    `json:"action"`
	Recorded    time.Time `json:"recorded"`
	Outcome     string    `json:"outcome"`
	OutcomeDesc string    `json:"outcomeDesc"`
	Purpose     []struct {
		Coding []struct{ Code, Display string } `json:"coding"`
		Text   string                           `json:"text"`
	} `json:"purposeOfEvent"`
	Agent []struct {
		Who struct {
			Identifier struct{ System, Value string } `json:"identifier"`
		} `json:"who"`
		Requestor bool `json:"requestor"`
	} `json:"agent"`
	Entity []struct {
		What struct {
			Identifier struct{ System, Value string } `json:"identifier"`
		} `json:"what"`
		Detail []struct {
			Type        string `json:"type"`
			ValueString string `json:"valueString"`
		} `json:"detail"`
	} `json:"entity"`
}

// detail is the value of the audit record entity's detail of this type.
func (e *auditEvent) detail(typ string) string {
	for _, en := range e.Entity {
		for _, d := range en.Detail {
			if d.Type == typ {
				return d.ValueString
			}
		}
	}
	return ""
}

// identifier is the value of the entity or agent identifier of this system.
func (e *auditEvent) identifier(system string) string {
	for _, en := range e.Entity {
		if en.What.Identifier.System == system {
			return en.What.Identifier.Value
		}
	}
	for _, a := range e.Agent {
		if a.Who.Identifier.System == system {
			return a.Who.Identifier.Value
		}
	}
	return ""
}

// export exports trail with opt and returns the output and its events.
func export(t *testing.T, trail *audit.Log, opt Options) ([]byte, []auditEvent, Stats) {
	t.Helper()
	var out bytes.Buffer
	stats, err := Export(context.Background(), trail, opt, &out)
	if err != nil {
		t.Fatal(err)
	}
	var events []auditEvent
	for i, line := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var e auditEvent
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		events = append(events, e)
	}
	if len(events) != stats.Events {
		t.Fatalf("%d lines written, Stats.Events %d", len(events), stats.Events)
	}
	return out.Bytes(), events, stats
}

// sampleTrail writes a sample trail of n lines and returns it with its records.
func sampleTrail(t *testing.T, n int) (*audit.Log, []audit.Record) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := audittest.WriteSampleTrail(context.Background(), path, n); err != nil {
		t.Fatal(err)
	}
	return audit.Open(path), records(t, audit.Open(path))
}

// records are the trail's records, oldest first.
func records(t *testing.T, trail *audit.Log) []audit.Record {
	t.Helper()
	var recs []audit.Record
	if _, err := trail.Scan(context.Background(), audit.Filter{}, func(r audit.Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	return recs
}
