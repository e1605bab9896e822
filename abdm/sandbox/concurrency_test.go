package sandbox_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.headers("") // log in once, before the goroutines start
	accounts := e.sb.Accounts()
	const perAccount = 6
	type result struct {
		account, status int
	}
	results := make(chan result, len(accounts)*perAccount)
	var wg sync.WaitGroup
	for i, a := range accounts {
		for range perAccount {
			wg.Go(func() {
				hdr := map[string]string{}
				for k, v := range h {
					hdr[k] = v
				}
				hdr[wire.HeaderXToken] = "Bearer " + a.XToken
				if r, err := e.doErr(t.Context(), http.MethodGet, sandbox.HealthIDBase+wire.PathProfile, hdr, ""); err != nil {
					t.Error(err)
					return
				} else if i != meena && r.status != http.StatusOK {
					t.Errorf("profile of %s: %d", a.Name, r.status)
				}
				r, err := e.doErr(t.Context(), http.MethodPost, sandbox.HealthIDBase+wire.PathAadhaarOTP, hdr, "{}")
				if err != nil {
					t.Error(err)
					return
				}
				results <- result{i, r.status}
			})
		}
	}
	// Meanwhile, the Go API is used too.
	wg.Go(func() {
		for range 20 {
			e.sb.Accounts()
			e.sb.Outbox()
			e.sb.Count(sandbox.RouteProfile)
			e.sb.Now()
		}
	})
	wg.Wait()
	close(results)
	ok := map[int]int{}
	for r := range results {
		if r.status == http.StatusOK {
			ok[r.account]++
		} else if r.status != http.StatusUnprocessableEntity {
			t.Errorf("OTP for account %d: %d", r.account, r.status)
		}
	}
	// One OTP per account within 30 s, none for Ravi (no Aadhaar mobile)
	// or Meena (deactivated).
	if ok[asha] != 1 || ok[rahul] != 1 || ok[ravi] != 0 || ok[meena] != 0 || ok[sunita] != 1 {
		t.Errorf("successful OTPs per account: %v", ok)
	}
	if n := len(e.sb.Outbox()); n != 3 {
		t.Errorf("outbox has %d messages", n)
	}
	if n := e.sb.Count(sandbox.RouteProfile); n != len(accounts)*perAccount {
		t.Errorf("Count(profile) = %d", n)
	}
}

func TestConcurrentDeactivateOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	body, err := json.Marshal(deactivateReq(t, txn.TxnID, msg.OTP))
	if err != nil {
		t.Fatal(err)
	}
	h := e.headers(e.token(asha))
	statuses := make(chan int, 8)
	var wg sync.WaitGroup
	for range cap(statuses) {
		wg.Go(func() {
			r, err := e.doErr(t.Context(), http.MethodPost, sandbox.HealthIDBase+wire.PathDeactivate, h, string(body))
			if err != nil {
				t.Error(err)
				return
			}
			statuses <- r.status
		})
	}
	wg.Go(func() { e.sb.Advance(time.Second) })
	wg.Wait()
	close(statuses)
	done := 0
	for s := range statuses {
		switch s {
		case http.StatusNoContent:
			done++
		case http.StatusUnprocessableEntity:
		default:
			t.Errorf("status %d", s)
		}
	}
	if done != 1 {
		t.Errorf("%d requests deactivated the account, want exactly 1", done)
	}
}
