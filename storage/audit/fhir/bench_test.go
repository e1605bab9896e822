package fhir

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/audittest"
)

// BenchmarkExport exports a sample trail of 50,000 lines (the figures at a
// million lines come from bench/auditscale).
func BenchmarkExport(b *testing.B) {
	path := filepath.Join(b.TempDir(), "audit.jsonl")
	if err := audittest.WriteSampleTrail(context.Background(), path, 50000); err != nil {
		b.Fatal(err)
	}
	trail := audit.Open(path)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Export(context.Background(), trail, Options{Host: "bench"}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
