package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

var (
	uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	sixDig = regexp.MustCompile(`^[0-9]{6}$`)
)

func TestAadhaarOTP(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var heard []sandbox.OTPMessage
	e := newEnv(t, sandbox.WithOTPListener(func(m sandbox.OTPMessage) {
		mu.Lock()
		defer mu.Unlock()
		heard = append(heard, m)
	}))
	r := e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(asha), "{}")
	if r.status != http.StatusOK {
		t.Fatalf("generateOTP: %d %s", r.status, r.body)
	}
	var txn wire.TxnResponse
	decode(t, r, &txn)
	if !uuidV4.MatchString(txn.TxnID) || txn.MobileNumber != "XXXXXX3210" {
		t.Errorf("reply %+v", txn)
	}
	out := e.sb.Outbox()
	if len(out) != 1 {
		t.Fatalf("outbox has %d messages", len(out))
	}
	m := out[0]
	if m.TxnID != txn.TxnID || !sixDig.MatchString(m.OTP) || m.ABHANumber != "91-5512-3456-7890" ||
		m.MaskedMobile != "XXXXXX3210" || m.Purpose != sandbox.PurposeAadhaar || !m.Time.Equal(e.sb.Now()) {
		t.Errorf("message %+v", m)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(heard) != 1 || heard[0] != m {
		t.Errorf("listener heard %+v", heard)
	}
}

func TestMobileOTPAndNoLinkedMobile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	he := wantHIS(t, e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(ravi), "{}"),
		http.StatusUnprocessableEntity, "HIS-422", "HIS-3005")
	if he.Details[0].Message != "Could not find registered mobile number for given Aadhaar" {
		t.Errorf("message %q", he.Details[0].Message)
	}
	if n := len(e.sb.Outbox()); n != 0 {
		t.Fatalf("outbox has %d messages after HIS-3005", n)
	}
	// ABDM documents the mobile route without a body: an empty one is fine.
	r := e.hid(http.MethodPost, wire.PathMobileOTP, e.token(ravi), "")
	if r.status != http.StatusOK {
		t.Fatalf("mobile OTP: %d %s", r.status, r.body)
	}
	var txn wire.TxnResponse
	decode(t, r, &txn)
	m := e.sb.Outbox()[0]
	if txn.MobileNumber != "XXXXXX6655" || m.Purpose != sandbox.PurposeMobile || m.TxnID != txn.TxnID {
		t.Errorf("reply %+v, message %+v", txn, m)
	}
}

func TestAadhaarOTPNeedsObject(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, body := range []string{"", "[]", "{", "null", `"{}"`} {
		wantHIS(t, e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(asha), body),
			http.StatusBadRequest, "HIS-400", "HIS-400")
	}
	wantHIS(t, e.hid(http.MethodPost, wire.PathMobileOTP, e.token(asha), "[1]"),
		http.StatusBadRequest, "HIS-400", "HIS-400")
	if r := e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(asha), ` {"extra":true} `); r.status != http.StatusOK {
		t.Errorf("object with unknown fields: %d", r.status)
	}
}

func TestResendTooSoon(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.requestOTP(wire.PathAadhaarOTP, asha)
	e.sb.Advance(29 * time.Second)
	for _, path := range []string{wire.PathAadhaarOTP, wire.PathMobileOTP} {
		he := wantHIS(t, e.hid(http.MethodPost, path, e.token(asha), "{}"), http.StatusUnprocessableEntity, "HIS-422", "HIS-1023")
		if he.Details[0].Message != "Please wait 30 seconds before requesting a new OTP" {
			t.Errorf("message %q", he.Details[0].Message)
		}
	}
	// Another account is not affected.
	e.requestOTP(wire.PathAadhaarOTP, rahul)
	e.sb.Advance(2 * time.Second)
	e.requestOTP(wire.PathAadhaarOTP, asha)
	if n := len(e.sb.Outbox()); n != 3 {
		t.Errorf("outbox has %d messages, want 3", n)
	}
}

func TestTooManyOTPs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 5 {
		e.requestOTP(wire.PathAadhaarOTP, asha)
		e.sb.Advance(31 * time.Second)
	}
	e.access = "" // keep the gateway token fresh
	he := wantHIS(t, e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(asha), "{}"), http.StatusUnprocessableEntity, "HIS-422", "HIS-2017")
	if he.Details[0].Message != "Too many OTP requests. Try again after 30 minutes" {
		t.Errorf("message %q", he.Details[0].Message)
	}
	// The window slides: 30 minutes after the first OTP, one more is allowed.
	e.sb.Advance(30*time.Minute - 5*31*time.Second)
	e.access = ""
	e.requestOTP(wire.PathAadhaarOTP, asha)
	// Both limits apply now; the longer wait is reported.
	wantHIS(t, e.hid(http.MethodPost, wire.PathAadhaarOTP, e.token(asha), "{}"), http.StatusUnprocessableEntity, "HIS-422", "HIS-2017")
}

func TestWaitOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.sb.WaitOTP(ctx, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitOTP on an empty outbox: %v", err)
	}

	got := make(chan sandbox.OTPMessage, 1)
	errc := make(chan error, 1)
	go func() {
		m, err := e.sb.WaitOTP(context.Background(), 0)
		if err != nil {
			errc <- err
			return
		}
		got <- m
	}()
	txn, _ := e.requestOTP(wire.PathAadhaarOTP, asha)
	select {
	case m := <-got:
		if m.TxnID != txn.TxnID {
			t.Errorf("WaitOTP returned %+v", m)
		}
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("WaitOTP did not return after an OTP was sent")
	}
	// Messages already in the outbox come back at once, by index.
	m, err := e.sb.WaitOTP(context.Background(), 0)
	if err != nil || m.TxnID != txn.TxnID {
		t.Errorf("WaitOTP(0) = %+v, %v", m, err)
	}
}
