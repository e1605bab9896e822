// The collector runs as a Linux program (rsyslogd): the Windows lane runs
// the rest of this package under Wine.

//go:build !windows

package auditforward_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"abha-deactivate/internal/syslogtest"
	"abha-deactivate/storage/auditforward"
)

// writeTrail appends n record-like lines to the trail at path.
func writeTrail(t *testing.T, path string, from, n int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := from; i < from+n; i++ {
		fmt.Fprintf(f, `{"id":"r%04d","time":"2026-12-03T10:00:00.5Z","event":"intent","abhaNumber":"XX-XXXX-XXXX-7890","otherText":"a ] \" \\ b"}`+"\n", i)
	}
}

func TestRealRsyslogReceivesEveryRecordOnce(t *testing.T) {
	dir := t.TempDir()
	certs := syslogtest.MakeCerts(t, dir)
	rs := syslogtest.StartRsyslog(t, dir, certs, certs.Server)
	trail := filepath.Join(dir, "audit.jsonl")
	writeTrail(t, trail, 0, 30)
	s, err := auditforward.NewSender(trail, auditforward.Config{URL: rs.Addr(), CAFile: certs.CA})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := s.Forward(ctx)
	if err != nil || res.Sent != 30 || res.Pending != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	writeTrail(t, trail, 30, 5)
	if res, err = s.Forward(ctx); err != nil || res.Sent != 5 {
		t.Fatalf("%+v %v", res, err)
	}
	got := rs.Lines(ctx, 35, 5*time.Second)
	if len(got) != 35 {
		t.Fatalf("collector holds %d lines, want 35:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, l := range got {
		if !strings.Contains(l, fmt.Sprintf(`"id":"r%04d"`, i)) || !strings.HasPrefix(l, "<85>1 2026-12-03T10:00:00.500000Z ") {
			t.Fatalf("line %d: %s", i, l)
		}
	}
}
