package auditforward

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
}

func syslogOf(line string) string {
	return string(Message([]byte(strings.TrimSuffix(line, "\n")), Origin{Host: "desk", PID: 7})) + "\n"
}

func TestAgainstAgrees(t *testing.T) {
	dir := t.TempDir()
	trail, coll := filepath.Join(dir, "audit.jsonl"), filepath.Join(dir, "collected.log")
	writeFile(t, trail, rec(0), rec(1), "\n", rec(2))
	// rsyslog's %rawmsg% lines, another program's message among them; and bare JSON lines.
	writeFile(t, coll, syslogOf(rec(0)), "<13>1 - desk sshd 1 - - hello\n", syslogOf(rec(1)), syslogOf(rec(2)))
	rep, err := Against(context.Background(), trail, coll)
	if err != nil || !rep.Agree || rep.TrailRecords != 3 || rep.CollectorRecords != 3 || rep.OtherMessages != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	writeFile(t, coll, rec(0), rec(1), rec(2))
	if rep, err := Against(context.Background(), trail, coll); err != nil || !rep.Agree {
		t.Fatalf("JSON lines: %+v %v", rep, err)
	}
}

func TestAgainstNamesEachDifference(t *testing.T) {
	dir := t.TempDir()
	trail, coll := filepath.Join(dir, "audit.jsonl"), filepath.Join(dir, "collected.log")
	writeFile(t, trail, rec(0), rec(1), rec(2), rec(3), rec(4))
	changed := strings.Replace(rec(1), "intent", "intent\",\"x\":\"1", 1)
	writeFile(t, coll, syslogOf(rec(0)), syslogOf(changed), syslogOf(rec(3)), syslogOf(rec(2)),
		syslogOf(rec(3)), syslogOf(rec(7)), "garbage\n")
	rep, err := Against(context.Background(), trail, coll)
	if err != nil || rep.Agree {
		t.Fatalf("%+v %v", rep, err)
	}
	got := map[string]string{}
	for _, d := range rep.Differences {
		got[d.Kind] += d.ID + " "
	}
	want := map[string]string{DiffChanged: "r001 ", DiffOrder: "r002 ", DiffDuplicate: "r003 ", DiffAdded: "r007 ",
		DiffUnreadable: " ", DiffMissing: "r004 "}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q (all: %+v)", k, got[k], v, rep.Differences)
		}
	}
	if rep.Count != 6 {
		t.Errorf("count %d", rep.Count)
	}
}

func TestAgainstMarksPendingRecords(t *testing.T) {
	p := newPKI(t)
	ln := startListener(t, p.ServerConfig())
	dir := t.TempDir()
	trail, coll := filepath.Join(dir, "audit.jsonl"), filepath.Join(dir, "collected.log")
	appendLines(t, trail, rec(0))
	if _, err := newTestSender(t, trail, Config{URL: ln.URL(), CAFile: p.CAFile}).Forward(context.Background()); err != nil {
		t.Fatal(err)
	}
	appendLines(t, trail, rec(1))
	writeFile(t, coll, ln.Messages()[0]+"\n")
	rep, err := Against(context.Background(), trail, coll)
	if err != nil || rep.Count != 1 || rep.Differences[0].Kind != DiffMissing || !rep.Differences[0].Pending {
		t.Fatalf("%+v %v", rep, err)
	}
}
