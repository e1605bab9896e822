package sandbox_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestDeactivateRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	e.sb.Advance(9 * time.Minute) // still inside the OTP's 10 minutes
	r := e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP))
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
	if st, _ := e.sb.AccountStatus("91551234567890"); st != sandbox.StatusDeactivated {
		t.Errorf("status %q", st)
	}
	if a := e.sb.Accounts()[asha]; a.Status != sandbox.StatusDeactivated {
		t.Errorf("Accounts: %+v", a)
	}
	d, ok, err := e.sb.Deactivation("91-5512-3456-7890")
	if err != nil || !ok || !d.Time.Equal(e.sb.Now()) || d.AuthMethod != wire.AuthMethodAadhaarOTP ||
		!slices.Equal(d.Reasons, []string{"101", "others"}) {
		t.Errorf("Deactivation = %+v, %v, %v", d, ok, err)
	}
	// The profile now tells a front end the account is deactivated.
	wantHIS(t, e.hid(http.MethodGet, wire.PathProfile, e.token(asha), ""), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
	wantHIS(t, e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
	// Others are untouched.
	if _, ok, _ := e.sb.Deactivation("91-6623-4567-8901"); ok {
		t.Error("Rahul has a deactivation record")
	}
}

func TestDeactivateWithMobileOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathMobileOTP, ravi)
	req := deactivateReq(t, txn.TxnID, msg.OTP)
	// An Aadhaar-OTP claim for a mobile-OTP transaction is refused.
	he := wantHIS(t, e.deactivate(ravi, req), http.StatusBadRequest, "HIS-400", "HIS-400")
	if a := he.Details[0].Attribute; a == nil || a.Key != "authMethod" {
		t.Errorf("detail %+v", he.Details[0])
	}
	req.AuthMethod = wire.AuthMethodMobileOTP
	if r := e.deactivate(ravi, req); r.status != http.StatusNoContent {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
}

func TestDeactivateValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	cases := map[string]struct {
		change func(*wire.DeactivateRequest)
		attr   string
	}{
		"auth method":     {func(r *wire.DeactivateRequest) { r.AuthMethod = "PASSWORD" }, "authMethod"},
		"no auth method":  {func(r *wire.DeactivateRequest) { r.AuthMethod = "" }, "authMethod"},
		"no reasons":      {func(r *wire.DeactivateRequest) { r.Reasons = nil }, "reasons"},
		"empty reasons":   {func(r *wire.DeactivateRequest) { r.Reasons = []string{} }, "reasons"},
		"blank reason":    {func(r *wire.DeactivateRequest) { r.Reasons = []string{"101", " "} }, "reasons"},
		"no transaction":  {func(r *wire.DeactivateRequest) { r.TxnID = "" }, "txnId"},
		"no OTP":          {func(r *wire.DeactivateRequest) { r.OTP = "" }, "otp"},
		"mobile for adhr": {func(r *wire.DeactivateRequest) { r.AuthMethod = wire.AuthMethodMobileOTP }, "authMethod"},
	}
	for name, c := range cases {
		req := deactivateReq(t, txn.TxnID, msg.OTP)
		c.change(&req)
		he := wantHIS(t, e.deactivate(asha, req), http.StatusBadRequest, "HIS-400", "HIS-400")
		if a := he.Details[0].Attribute; a == nil || a.Key != c.attr {
			t.Errorf("%s: detail %+v, want attribute %s", name, he.Details[0], c.attr)
		}
	}
	wantHIS(t, e.hid(http.MethodPost, wire.PathDeactivate, e.token(asha), "{not json"), http.StatusBadRequest, "HIS-400", "HIS-400")
	// None of that used up the transaction.
	if r := e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP)); r.status != http.StatusNoContent {
		t.Fatalf("deactivate after bad requests: %d %s", r.status, r.body)
	}
}

func TestWrongOTPAttempts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	wrong := "000000"
	if msg.OTP == wrong {
		wrong = "111111"
	}
	for _, left := range []string{"2", "1"} {
		he := wantHIS(t, e.deactivate(asha, deactivateReq(t, txn.TxnID, wrong)), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
		if want := "Invalid OTP, " + left + " attempt(s) left"; he.Details[0].Message != want {
			t.Errorf("message %q, want %q", he.Details[0].Message, want)
		}
	}
	he := wantHIS(t, e.deactivate(asha, deactivateReq(t, txn.TxnID, wrong)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1039")
	if he.Details[0].Message != "Maximum OTP attempts exceeded. Please try again later" {
		t.Errorf("message %q", he.Details[0].Message)
	}
	// The transaction is finished: even the right OTP no longer works.
	wantHIS(t, e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1012")
	if st, _ := e.sb.AccountStatus(e.number(asha)); st != sandbox.StatusActive {
		t.Errorf("status %q", st)
	}
}

func TestUndecryptableOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	req := deactivateReq(t, txn.TxnID, msg.OTP)
	for _, otp := range []string{"not base64!", "AAAA"} {
		req.OTP = otp
		he := wantHIS(t, e.deactivate(asha, req), http.StatusUnprocessableEntity, "HIS-422", "HIS-1013")
		if he.Details[0].Message != "Invalid OTP" {
			t.Errorf("message %q", he.Details[0].Message)
		}
	}
	// Both counted as attempts: the third failure ends the transaction.
	req.OTP = "AAAA"
	wantHIS(t, e.deactivate(asha, req), http.StatusUnprocessableEntity, "HIS-422", "HIS-1039")
}

func TestOTPExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	e.sb.Advance(11 * time.Minute)
	e.access = ""
	he := wantHIS(t, e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1056")
	if he.Details[0].Message != "OTP expired, please request a new OTP" {
		t.Errorf("message %q", he.Details[0].Message)
	}
}

func TestReplacedTransaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn1, msg1 := e.requestOTP(wire.PathAadhaarOTP, asha)
	e.sb.Advance(31 * time.Second)
	txn2, msg2 := e.requestOTP(wire.PathAadhaarOTP, asha)
	he := wantHIS(t, e.deactivate(asha, deactivateReq(t, txn1.TxnID, msg1.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1012")
	if he.Details[0].Message != "Transaction is already completed or replaced" {
		t.Errorf("message %q", he.Details[0].Message)
	}
	if r := e.deactivate(asha, deactivateReq(t, txn2.TxnID, msg2.OTP)); r.status != http.StatusNoContent {
		t.Fatalf("deactivate with the new transaction: %d %s", r.status, r.body)
	}
}

func TestUnknownTransaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	he := wantHIS(t, e.deactivate(asha, deactivateReq(t, "a825f76b-0696-40f3-864c-5a3a5b389a83", "123456")),
		http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	if he.Details[0].Message != "Transaction not found" {
		t.Errorf("message %q", he.Details[0].Message)
	}
	// Rahul's transaction is not Asha's.
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, rahul)
	wantHIS(t, e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	if st, _ := e.sb.AccountStatus(e.number(rahul)); st != sandbox.StatusActive {
		t.Errorf("Rahul's status %q", st)
	}
}
