package auditforward

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"abha-deactivate/storage/audit"
)

// What leaves the computer is the stored record, which the audit Log
// masked: never the full ABHA number, nor the free text's mobile number.
func TestMessagesCarryOnlyMaskedRecords(t *testing.T) {
	trail := filepath.Join(t.TempDir(), "audit.jsonl")
	log := audit.Open(trail)
	err := log.Append(context.Background(), audit.Record{ID: audit.NewID(), Event: audit.EventIntent,
		ABHANumber: "91-5512-3456-7890", OtherText: "patient moved; call 9876543210"})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(trail)
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		t.Fatal("no line")
	}
	msg := string(Message(sc.Bytes(), Origin{Host: "desk", PID: 1}))
	for _, private := range []string{"91-5512-3456-7890", "91551234567890", "5512-3456", "9876543210"} {
		if strings.Contains(msg, private) {
			t.Fatalf("the message holds %q: %s", private, msg)
		}
	}
	if !strings.Contains(msg, `"abhaNumber":"XX-XXXX-XXXX-7890"`) {
		t.Fatalf("not the stored record: %s", msg)
	}
}
