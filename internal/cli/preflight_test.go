package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReceiptPathRefusedBeforeTheOTP: a receipt name too long to be saved
// is refused before anything is sent, and the message quotes at most 200
// characters of it.
func TestReceiptPathRefusedBeforeTheOTP(t *testing.T) {
	long := filepath.Join(t.TempDir(), strings.Repeat("r", 40000)+".pdf")
	code, _, errOut := inProcess(t, nil, "deactivate", "--demo", "--reasons", "101", "--yes", "--receipt", long)
	if code != exitUsage || !strings.Contains(errOut, "too long") {
		t.Fatalf("exit %d, stderr %q", code, errOut[:min(len(errOut), 400)])
	}
	if strings.Contains(errOut, "OTP sent") || len(errOut) > 1000 {
		t.Errorf("stderr (%d bytes) after the refusal: %q", len(errOut), errOut[:min(len(errOut), 400)])
	}
}

// TestHugeOTPLineIsAClearError: an answer longer than the reader takes
// ends the run with a plain message, not Go's scanner error.
func TestHugeOTPLineIsAClearError(t *testing.T) {
	stdin := strings.NewReader(strings.Repeat("1", 2<<20) + "\n")
	code, _, errOut := inProcess(t, stdin, "deactivate", "--demo", "--reasons", "101", "--yes", "--timeout", "3m")
	if code != exitUsage || !strings.Contains(errOut, "longer than 1 MiB") || strings.Contains(errOut, "token too long") {
		t.Errorf("exit %d, stderr %q", code, errOut[max(0, len(errOut)-400):])
	}
}

// TestAuditTrailCheckedBeforeTheOTP: an audit trail that cannot be written
// stops the change before any OTP is sent (exit 2).
func TestAuditTrailCheckedBeforeTheOTP(t *testing.T) {
	auditTrailIsAFIFO(t)
	code, _, errOut := runInProcess(nil, "deactivate", "--demo", "--reasons", "101", "--yes")
	if code != exitUsage || !strings.Contains(errOut, "audit trail cannot be written") || strings.Contains(errOut, "OTP sent") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestE2ERememberSecretNeedsTheKeyring: --remember-secret with no keyring
// to reach stops before any OTP is sent (exit 2).
func TestE2ERememberSecretNeedsTheKeyring(t *testing.T) {
	sim := startSim(t)
	before := sim.outbox()
	run := startCLI(t, sim, asha, "deactivate", "--reasons", "101", "--yes", "--remember-secret")
	code, _ := run.wait(t)
	if code != exitUsage || !strings.Contains(run.stderrText(), "--remember-secret: the system keyring cannot be reached") {
		t.Errorf("exit %d, stderr:\n%s", code, run.stderrText())
	}
	if sim.outbox() != before {
		t.Error("an OTP was sent")
	}
}
