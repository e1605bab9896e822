package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// jsonBody marshals v for a request body.
func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// search calls searchByHealthId with id.
func (e *env) search(id string) resp {
	e.t.Helper()
	return e.hid(http.MethodPost, wire.PathSearchByHealthID, "", jsonBody(e.t, wire.SearchRequest{HealthID: id}))
}

// authInit calls /v2/auth/init.
func (e *env) authInit(method, healthID string) resp {
	e.t.Helper()
	return e.hid(http.MethodPost, wire.PathAuthInit, "", jsonBody(e.t, wire.AuthInitRequest{AuthMethod: method, HealthID: healthID}))
}

// startLogin calls /v2/auth/init, which must succeed, and returns the reply
// and the OTP message it sent.
func (e *env) startLogin(method, healthID string) (wire.TxnResponse, sandbox.OTPMessage) {
	e.t.Helper()
	before := len(e.sb.Outbox())
	r := e.authInit(method, healthID)
	if r.status != http.StatusOK {
		e.t.Fatalf("auth/init %s %s: status %d, body %s", method, healthID, r.status, r.body)
	}
	var txn wire.TxnResponse
	decode(e.t, r, &txn)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := e.sb.WaitOTP(ctx, before)
	if err != nil {
		e.t.Fatal(err)
	}
	return txn, msg
}

// newSession makes the next HealthID call open a new gateway session, as a
// client must once the clock has moved past the access token's 600 s.
func (e *env) newSession() { e.access = "" }

// confirmPath is the confirm call of an auth method.
func confirmPath(method string) string {
	if method == wire.AuthMethodMobileOTP {
		return wire.PathConfirmMobileOTP
	}
	return wire.PathConfirmAadhaarOTP
}

// confirm calls the confirm API of method.
func (e *env) confirm(method, txnID, otp string) resp {
	e.t.Helper()
	return e.hid(http.MethodPost, confirmPath(method), "", jsonBody(e.t, wire.ConfirmOTPRequest{OTP: otp, TxnID: txnID}))
}

// wrongOTP returns a six-digit OTP other than otp.
func wrongOTP(otp string) string {
	if otp == "000000" {
		return "111111"
	}
	return "000000"
}

func TestSearchByHealthID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		id      string
		number  string
		status  string
		methods []string
	}{
		{"91-5512-3456-7890", "91-5512-3456-7890", sandbox.StatusActive, []string{"AADHAAR_OTP", "MOBILE_OTP"}},
		{"91551234567890", "91-5512-3456-7890", sandbox.StatusActive, []string{"AADHAAR_OTP", "MOBILE_OTP"}},
		{" 91 6623 4567 8901 ", "91-6623-4567-8901", sandbox.StatusActive, []string{"AADHAAR_OTP", "MOBILE_OTP"}},
		{"asha.verma@sbx", "91-5512-3456-7890", sandbox.StatusActive, []string{"AADHAAR_OTP", "MOBILE_OTP"}},
		{"Rahul.Mehta@SBX", "91-6623-4567-8901", sandbox.StatusActive, []string{"AADHAAR_OTP", "MOBILE_OTP"}},
		{"91-7734-5678-9012", "91-7734-5678-9012", sandbox.StatusActive, []string{"MOBILE_OTP"}},
		{"meena.iyer@sbx", "91-8845-6789-0123", sandbox.StatusDeactivated, []string{"AADHAAR_OTP", "MOBILE_OTP"}},
	} {
		r := e.search(tc.id)
		if r.status != http.StatusOK {
			t.Fatalf("search %q: %d %s", tc.id, r.status, r.body)
		}
		var got wire.SearchResponse
		decode(t, r, &got)
		if got.HealthIDNumber != tc.number || got.Status != tc.status || !slices.Equal(got.AuthMethods, tc.methods) ||
			!strings.HasSuffix(got.HealthID, "@sbx") || got.Name == "" {
			t.Errorf("search %q: %+v", tc.id, got)
		}
	}
	var asha wire.SearchResponse
	decode(t, e.search("asha.verma@sbx"), &asha)
	if asha.HealthID != "asha.verma@sbx" || asha.HealthIDNumber != "91-5512-3456-7890" || asha.Name != "Asha Verma" ||
		asha.Status != "ACTIVE" {
		t.Errorf("Asha: %+v", asha)
	}

	for _, id := range []string{"91-0000-0000-0000", "9155123456789", "915512345678901", "x91-5512-3456-7890",
		"asha.verma", "asha.verma@abdm", "nobody@sbx"} {
		he := wantHIS(t, e.search(id), http.StatusUnprocessableEntity, "HIS-422", "HIS-1008")
		if he.Details[0].Message != "No details found for the given ABHA number or address" {
			t.Errorf("unknown %q: %+v", id, he)
		}
	}
	for _, body := range []string{`{}`, `{"healthId":""}`, `{"healthId":"  "}`, `null`} {
		he := wantHIS(t, e.hid(http.MethodPost, wire.PathSearchByHealthID, "", body), http.StatusBadRequest, "HIS-400", "HIS-400")
		if a := he.Details[0].Attribute; a == nil || a.Key != "healthId" {
			t.Errorf("body %s: %+v", body, he)
		}
	}
	wantHIS(t, e.hid(http.MethodPost, wire.PathSearchByHealthID, "", `{"healthId":`), http.StatusBadRequest, "HIS-400", "HIS-400")
	wantHIS(t, e.hid(http.MethodPost, wire.PathSearchByHealthID, "", `{"healthid":"asha.verma@sbx"}`), http.StatusBadRequest, "HIS-400", "HIS-400")
	wantHIS(t, e.hid(http.MethodPost, wire.PathSearchByHealthID, "", `{"healthId":91551234567890}`), http.StatusBadRequest, "HIS-400", "HIS-400")
	wantHIS(t, e.hid(http.MethodPost, wire.PathSearchByHealthID, "", `[]`), http.StatusBadRequest, "HIS-400", "HIS-400")

	// Gateway token and X-HIP-ID are required; no X-Token is.
	wantGateway401(t, e.do(http.MethodPost, sandbox.HealthIDBase+wire.PathSearchByHealthID, nil, `{"healthId":"asha.verma@sbx"}`))
	h := e.headers("")
	delete(h, wire.HeaderHIPID)
	wantHIS(t, e.do(http.MethodPost, sandbox.HealthIDBase+wire.PathSearchByHealthID, h, `{"healthId":"asha.verma@sbx"}`),
		http.StatusBadRequest, "HIS-400", "HIS-400")
	if r := e.do(http.MethodGet, sandbox.HealthIDBase+wire.PathSearchByHealthID, e.headers(""), ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET search: %d", r.status)
	}
}

func TestSearchAfterDeactivation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, rahul)
	if r := e.deactivate(rahul, deactivateReq(t, txn.TxnID, msg.OTP)); r.status != http.StatusNoContent {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
	var got wire.SearchResponse
	decode(t, e.search("91-6623-4567-8901"), &got)
	if got.Status != wire.StatusDeactivated {
		t.Errorf("after deactivation: %+v", got)
	}
}

func TestAuthInitBothMethods(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var heard []sandbox.OTPMessage
	e := newEnv(t, sandbox.WithOTPListener(func(m sandbox.OTPMessage) {
		mu.Lock()
		defer mu.Unlock()
		heard = append(heard, m)
	}))
	txn, msg := e.startLogin(wire.AuthMethodAadhaarOTP, "91-5512-3456-7890")
	if !uuidV4.MatchString(txn.TxnID) || txn.MobileNumber != "XXXXXX3210" {
		t.Errorf("Aadhaar login reply %+v", txn)
	}
	if msg.TxnID != txn.TxnID || !sixDig.MatchString(msg.OTP) || msg.ABHANumber != "91-5512-3456-7890" ||
		msg.Purpose != sandbox.PurposeLoginAadhaar || msg.MaskedMobile != "XXXXXX3210" || !msg.Time.Equal(e.sb.Now()) {
		t.Errorf("Aadhaar login message %+v", msg)
	}
	txn2, msg2 := e.startLogin(wire.AuthMethodMobileOTP, "rahul.mehta@sbx")
	if txn2.MobileNumber != "XXXXXX6789" || msg2.Purpose != sandbox.PurposeLoginMobile || msg2.ABHANumber != "91-6623-4567-8901" {
		t.Errorf("mobile login %+v %+v", txn2, msg2)
	}
	// Ravi has no mobile linked to his Aadhaar, but can sign in with his own.
	he := wantHIS(t, e.authInit(wire.AuthMethodAadhaarOTP, "91-7734-5678-9012"), http.StatusUnprocessableEntity, "HIS-422", "HIS-3005")
	if he.Details[0].Message != "Could not find registered mobile number for given Aadhaar" {
		t.Errorf("HIS-3005 message %q", he.Details[0].Message)
	}
	txn3, msg3 := e.startLogin(wire.AuthMethodMobileOTP, "91773456789012")
	if txn3.MobileNumber != "XXXXXX6655" || msg3.Purpose != sandbox.PurposeLoginMobile {
		t.Errorf("Ravi mobile login %+v %+v", txn3, msg3)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(heard) != 3 || heard[0] != msg || heard[1] != msg2 || heard[2] != msg3 {
		t.Errorf("listener heard %+v", heard)
	}
}

func TestAuthInitErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, method := range []string{"", "PASSWORD", "aadhaar_otp", "DEMOGRAPHICS"} {
		he := wantHIS(t, e.authInit(method, "91-5512-3456-7890"), http.StatusBadRequest, "HIS-400", "HIS-400")
		if a := he.Details[0].Attribute; a == nil || a.Key != "authMethod" || a.Value != method {
			t.Errorf("authMethod %q: %+v", method, he)
		}
	}
	he := wantHIS(t, e.authInit(wire.AuthMethodMobileOTP, " "), http.StatusBadRequest, "HIS-400", "HIS-400")
	if a := he.Details[0].Attribute; a == nil || a.Key != "healthid" {
		t.Errorf("empty healthid: %+v", he)
	}
	// The field is "healthid"; "healthId" is not read.
	wantHIS(t, e.hid(http.MethodPost, wire.PathAuthInit, "", `{"authMethod":"MOBILE_OTP","healthId":"asha.verma@sbx"}`),
		http.StatusBadRequest, "HIS-400", "HIS-400")
	wantHIS(t, e.hid(http.MethodPost, wire.PathAuthInit, "", `not json`), http.StatusBadRequest, "HIS-400", "HIS-400")
	for _, id := range []string{"91-0000-0000-0000", "asha", "12-3456-7777-7777x"} {
		wantHIS(t, e.authInit(wire.AuthMethodMobileOTP, id), http.StatusUnprocessableEntity, "HIS-422", "HIS-1008")
	}
	for _, m := range []string{wire.AuthMethodAadhaarOTP, wire.AuthMethodMobileOTP} {
		he := wantHIS(t, e.authInit(m, "91-8845-6789-0123"), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
		if he.Details[0].Message != "ABHA number is deactivated" {
			t.Errorf("HIS-1007 message %q", he.Details[0].Message)
		}
	}
	if n := len(e.sb.Outbox()); n != 0 {
		t.Errorf("errors sent %d OTPs", n)
	}
	wantGateway401(t, e.do(http.MethodPost, sandbox.HealthIDBase+wire.PathAuthInit, nil, `{"authMethod":"MOBILE_OTP","healthid":"asha.verma@sbx"}`))
}

func TestAuthInitRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startLogin(wire.AuthMethodMobileOTP, "asha.verma@sbx")
	// Both methods count together.
	wantHIS(t, e.authInit(wire.AuthMethodAadhaarOTP, "91-5512-3456-7890"), http.StatusUnprocessableEntity, "HIS-422", "HIS-1023")
	// Login OTPs do not hold up the deactivation OTP, and the other way round.
	e.requestOTP(wire.PathAadhaarOTP, asha)
	for i := 2; i <= 5; i++ {
		e.sb.Advance(31 * time.Second)
		e.startLogin(wire.AuthMethodAadhaarOTP, "91-5512-3456-7890")
	}
	e.sb.Advance(31 * time.Second)
	he := wantHIS(t, e.authInit(wire.AuthMethodMobileOTP, "asha.verma@sbx"), http.StatusUnprocessableEntity, "HIS-422", "HIS-2017")
	if he.Details[0].Message != "Too many OTP requests. Try again after 30 minutes" {
		t.Errorf("HIS-2017 message %q", he.Details[0].Message)
	}
	// Other accounts are not limited.
	e.startLogin(wire.AuthMethodMobileOTP, "rahul.mehta@sbx")
	e.sb.Advance(30 * time.Minute)
	e.newSession()
	e.startLogin(wire.AuthMethodMobileOTP, "asha.verma@sbx")
}

func TestConfirmWrongThenRight(t *testing.T) {
	t.Parallel()
	for _, method := range []string{wire.AuthMethodAadhaarOTP, wire.AuthMethodMobileOTP} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			oldToken := e.token(rahul)
			txn, msg := e.startLogin(method, "91-6623-4567-8901")
			he := wantHIS(t, e.confirm(method, txn.TxnID, wrongOTP(msg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
			if he.Details[0].Message != "Invalid OTP, 2 attempt(s) left" {
				t.Errorf("wrong OTP message %q", he.Details[0].Message)
			}
			r := e.confirm(method, txn.TxnID, msg.OTP)
			if r.status != http.StatusOK {
				t.Fatalf("confirm: %d %s", r.status, r.body)
			}
			var jwt wire.JwtResponse
			decode(t, r, &jwt)
			if jwt.Token == "" || jwt.Token == oldToken || strings.Count(jwt.Token, ".") != 2 || jwt.ExpiresIn != 1800 ||
				strings.Count(jwt.RefreshToken, ".") != 2 || jwt.RefreshToken == jwt.Token || jwt.RefreshExpiresIn != 86400 {
				t.Errorf("JwtResponse %+v", jwt)
			}
			// The token is the patient's X-Token.
			pr := e.hid(http.MethodGet, wire.PathProfile, jwt.Token, "")
			if pr.status != http.StatusOK {
				t.Fatalf("profile with the new token: %d %s", pr.status, pr.body)
			}
			var p wire.Profile
			decode(t, pr, &p)
			if p.HealthIDNumber != "91-6623-4567-8901" {
				t.Errorf("profile %+v", p)
			}
			if a := e.sb.Accounts()[rahul]; a.XToken != jwt.Token {
				t.Errorf("Accounts shows X-Token %q, want the new one", a.XToken)
			}
			// The refresh token is not an X-Token.
			if r := e.hid(http.MethodGet, wire.PathProfile, jwt.RefreshToken, ""); r.status != http.StatusUnauthorized || len(r.body) != 0 {
				t.Errorf("profile with the refresh token: %d", r.status)
			}
			// Used.
			wantHIS(t, e.confirm(method, txn.TxnID, msg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1012")
			// It expires like any X-Token.
			e.sb.Advance(1800 * time.Second)
			e.newSession()
			if r := e.hid(http.MethodGet, wire.PathProfile, jwt.Token, ""); r.status != http.StatusUnauthorized || len(r.body) != 0 {
				t.Errorf("profile with the token after 1800 s: %d %s", r.status, r.body)
			}
		})
	}
}

func TestConfirmTokenTTL(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.WithTokenTTL(90*time.Second))
	txn, msg := e.startLogin(wire.AuthMethodMobileOTP, "asha.verma@sbx")
	var jwt wire.JwtResponse
	decode(t, e.confirm(wire.AuthMethodMobileOTP, txn.TxnID, msg.OTP), &jwt)
	if jwt.ExpiresIn != 90 {
		t.Errorf("expiresIn %d, want 90", jwt.ExpiresIn)
	}
	e.sb.Advance(89 * time.Second)
	if r := e.hid(http.MethodGet, wire.PathProfile, jwt.Token, ""); r.status != http.StatusOK {
		t.Errorf("profile at 89 s: %d", r.status)
	}
	e.sb.Advance(time.Second)
	if r := e.hid(http.MethodGet, wire.PathProfile, jwt.Token, ""); r.status != http.StatusUnauthorized || len(r.body) != 0 {
		t.Errorf("profile at 90 s: %d %s", r.status, r.body)
	}
}

func TestConfirmExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.startLogin(wire.AuthMethodAadhaarOTP, "asha.verma@sbx")
	e.sb.Advance(11 * time.Minute)
	e.newSession()
	wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, txn.TxnID, msg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1056")
}

func TestConfirmNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.startLogin(wire.AuthMethodAadhaarOTP, "asha.verma@sbx")
	// An Aadhaar login confirmed on the mobile route is not found.
	he := wantHIS(t, e.confirm(wire.AuthMethodMobileOTP, txn.TxnID, msg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	if he.Details[0].Message != "Transaction not found" {
		t.Errorf("HIS-1026 message %q", he.Details[0].Message)
	}
	wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, "3f1c0a2e-5b7d-4e9a-8c61-000000000000", msg.OTP),
		http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	// Neither counted as an attempt.
	if r := e.confirm(wire.AuthMethodAadhaarOTP, txn.TxnID, msg.OTP); r.status != http.StatusOK {
		t.Errorf("right route afterwards: %d %s", r.status, r.body)
	}
}

func TestConfirmBadRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.startLogin(wire.AuthMethodAadhaarOTP, "asha.verma@sbx")
	for _, otp := range []string{"", "  ", "12a456", "１２３４５６", "-123456", encrypt(t, msg.OTP)} {
		he := wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, txn.TxnID, otp), http.StatusBadRequest, "HIS-400", "HIS-400")
		if a := he.Details[0].Attribute; a == nil || a.Key != "otp" {
			t.Errorf("otp %q: %+v", otp, he)
		}
	}
	he := wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, "", msg.OTP), http.StatusBadRequest, "HIS-400", "HIS-400")
	if a := he.Details[0].Attribute; a == nil || a.Key != "txnId" {
		t.Errorf("empty txnId: %+v", he)
	}
	wantHIS(t, e.hid(http.MethodPost, wire.PathConfirmAadhaarOTP, "", `{"otp":1234`), http.StatusBadRequest, "HIS-400", "HIS-400")
	wantHIS(t, e.hid(http.MethodPost, wire.PathConfirmAadhaarOTP, "", `{"OTP":"`+msg.OTP+`","txnId":"`+txn.TxnID+`"}`),
		http.StatusBadRequest, "HIS-400", "HIS-400")
	he = wantHIS(t, e.hid(http.MethodPost, wire.PathConfirmAadhaarOTP, "", `{"otp":123456,"txnId":"`+txn.TxnID+`"}`),
		http.StatusBadRequest, "HIS-400", "HIS-400")
	if a := he.Details[0].Attribute; a == nil || a.Key != "otp" {
		t.Errorf("numeric otp: %+v", he)
	}
	// None of these used an attempt: two wrong OTPs still leave one.
	wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, txn.TxnID, wrongOTP(msg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
	wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, txn.TxnID, "12345"), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
	if r := e.confirm(wire.AuthMethodAadhaarOTP, txn.TxnID, " "+msg.OTP+" "); r.status != http.StatusOK {
		t.Errorf("right OTP after the bad requests: %d %s", r.status, r.body)
	}
	wantGateway401(t, e.do(http.MethodPost, sandbox.HealthIDBase+wire.PathConfirmMobileOTP, nil, `{"otp":"123456","txnId":"x"}`))
}

func TestConfirmReplaced(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first, firstMsg := e.startLogin(wire.AuthMethodAadhaarOTP, "asha.verma@sbx")
	e.sb.Advance(31 * time.Second)
	second, secondMsg := e.startLogin(wire.AuthMethodMobileOTP, "91-5512-3456-7890")
	he := wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, first.TxnID, firstMsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1012")
	if he.Details[0].Message != "Transaction is already completed or replaced" {
		t.Errorf("HIS-1012 message %q", he.Details[0].Message)
	}
	if r := e.confirm(wire.AuthMethodMobileOTP, second.TxnID, secondMsg.OTP); r.status != http.StatusOK {
		t.Errorf("second login: %d %s", r.status, r.body)
	}
}

func TestConfirmTooManyAttempts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.startLogin(wire.AuthMethodMobileOTP, "ravi.kumar@sbx")
	bad := wrongOTP(msg.OTP)
	wantHIS(t, e.confirm(wire.AuthMethodMobileOTP, txn.TxnID, bad), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
	he := wantHIS(t, e.confirm(wire.AuthMethodMobileOTP, txn.TxnID, bad), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
	if he.Details[0].Message != "Invalid OTP, 1 attempt(s) left" {
		t.Errorf("second wrong OTP message %q", he.Details[0].Message)
	}
	wantHIS(t, e.confirm(wire.AuthMethodMobileOTP, txn.TxnID, bad), http.StatusUnprocessableEntity, "HIS-422", "HIS-1039")
	wantHIS(t, e.confirm(wire.AuthMethodMobileOTP, txn.TxnID, msg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1012")
}

func TestConfirmAfterDeactivation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	login, loginMsg := e.startLogin(wire.AuthMethodMobileOTP, "asha.verma@sbx")
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, asha)
	if r := e.deactivate(asha, deactivateReq(t, txn.TxnID, msg.OTP)); r.status != http.StatusNoContent {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
	wantHIS(t, e.confirm(wire.AuthMethodMobileOTP, login.TxnID, loginMsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
}

func TestLoginAndDeactivationTxnsApart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	deact, deactMsg := e.requestOTP(wire.PathAadhaarOTP, asha)
	login, loginMsg := e.startLogin(wire.AuthMethodAadhaarOTP, "asha.verma@sbx")
	if deact.TxnID == login.TxnID {
		t.Fatal("same txnId for both flows")
	}
	// A deactivation txnId is unknown to confirm, with either method.
	for _, m := range []string{wire.AuthMethodAadhaarOTP, wire.AuthMethodMobileOTP} {
		wantHIS(t, e.confirm(m, deact.TxnID, deactMsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	}
	// A login txnId is unknown to deactivate, even with its right OTP.
	wantHIS(t, e.deactivate(asha, deactivateReq(t, login.TxnID, loginMsg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	// The login did not replace the deactivation transaction, nor the other way round.
	var jwt wire.JwtResponse
	decode(t, e.confirm(wire.AuthMethodAadhaarOTP, login.TxnID, loginMsg.OTP), &jwt)
	if r := e.hid(http.MethodPost, wire.PathDeactivate, jwt.Token, jsonBody(t, deactivateReq(t, deact.TxnID, deactMsg.OTP))); r.status != http.StatusNoContent {
		t.Fatalf("deactivate with the login token: %d %s", r.status, r.body)
	}
	if st, _ := e.sb.AccountStatus("asha.verma@sbx"); st != sandbox.StatusDeactivated {
		t.Errorf("status %s", st)
	}
	wantHIS(t, e.authInit(wire.AuthMethodMobileOTP, "asha.verma@sbx"), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
}

func TestLoginFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.headers("")
	for _, rt := range []sandbox.Route{sandbox.RouteSearch, sandbox.RouteAuthInit, sandbox.RouteConfirmAadhaar, sandbox.RouteConfirmMobile} {
		if !rt.Valid() || !slices.Contains(sandbox.Routes(), rt) {
			t.Errorf("route %s not listed", rt)
		}
	}
	e.sb.SetFault(sandbox.RouteSearch, sandbox.Fault{Status: http.StatusServiceUnavailable, Body: "down", Times: 1})
	if r := e.search("asha.verma@sbx"); r.status != http.StatusServiceUnavailable || string(r.body) != "down" {
		t.Errorf("search fault: %d %s", r.status, r.body)
	}
	if r := e.search("asha.verma@sbx"); r.status != http.StatusOK {
		t.Errorf("search after fault: %d", r.status)
	}
	if n := e.sb.Count(sandbox.RouteSearch); n != 2 {
		t.Errorf("Count(search) = %d", n)
	}

	// Through the admin API, by route name: drop one auth/init after processing it.
	r := e.do(http.MethodPost, "/_sandbox/faults", nil, `{"route":"auth-init","fault":{"drop":true,"process":true,"times":1}}`)
	if r.status != http.StatusNoContent {
		t.Fatalf("admin fault: %d %s", r.status, r.body)
	}
	if _, err := e.doErr(t.Context(), http.MethodPost, sandbox.HealthIDBase+wire.PathAuthInit, h,
		`{"authMethod":"MOBILE_OTP","healthid":"asha.verma@sbx"}`); err == nil {
		t.Error("dropped auth/init: no error")
	}
	out := e.sb.Outbox()
	if len(out) != 1 || out[0].Purpose != sandbox.PurposeLoginMobile {
		t.Fatalf("outbox after processed drop: %+v", out)
	}
	// The OTP was sent, so an immediate retry is rate limited.
	wantHIS(t, e.authInit(wire.AuthMethodMobileOTP, "asha.verma@sbx"), http.StatusUnprocessableEntity, "HIS-422", "HIS-1023")

	e.sb.SetFault(sandbox.RouteConfirmMobile, sandbox.Fault{Malformed: true, Times: 1})
	r = e.confirm(wire.AuthMethodMobileOTP, out[0].TxnID, out[0].OTP)
	if r.status != http.StatusOK || json.Valid(r.body) {
		t.Errorf("malformed confirm: %d %s", r.status, r.body)
	}
	// Without Process, the request never reached the handler.
	if r := e.confirm(wire.AuthMethodMobileOTP, out[0].TxnID, out[0].OTP); r.status != http.StatusOK {
		t.Errorf("confirm after fault: %d %s", r.status, r.body)
	}
	e.sb.SetFault(sandbox.RouteConfirmAadhaar, sandbox.Fault{Status: 500})
	if r := e.confirm(wire.AuthMethodAadhaarOTP, "x", "123456"); r.status != 500 {
		t.Errorf("confirm-aadhaar fault: %d", r.status)
	}
	var faults map[string]sandbox.Fault
	decode(t, e.do(http.MethodGet, "/_sandbox/faults", nil, ""), &faults)
	if _, ok := faults["confirm-aadhaar"]; !ok || len(faults) != 1 {
		t.Errorf("admin faults %v", faults)
	}
	var stats map[string]int
	decode(t, e.do(http.MethodGet, "/_sandbox/stats", nil, ""), &stats)
	if stats["search"] != 2 || stats["auth-init"] != 2 || stats["confirm-mobile"] != 2 || stats["confirm-aadhaar"] != 1 {
		t.Errorf("stats %v", stats)
	}
	r = e.do(http.MethodPost, "/_sandbox/faults", nil, `{"route":"login","fault":{"drop":true}}`)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "confirm-mobile") {
		t.Errorf("unknown route: %d %s", r.status, r.body)
	}
}

func TestConcurrentLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.headers("")
	post := func(path, body string) int {
		r, err := e.doErr(t.Context(), http.MethodPost, sandbox.HealthIDBase+path, h, body)
		if err != nil {
			t.Error(err)
			return 0
		}
		return r.status
	}
	// Many logins at once: one OTP per account, the rest rate limited.
	ids := []string{"asha.verma@sbx", "91-6623-4567-8901", "ravi.kumar@sbx", "91-8845-6789-0123"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	okPer := map[string]int{}
	for _, id := range ids {
		for range 6 {
			wg.Go(func() {
				if st := post(wire.PathSearchByHealthID, jsonBody(t, wire.SearchRequest{HealthID: id})); st != http.StatusOK {
					t.Errorf("search %s: %d", id, st)
				}
				st := post(wire.PathAuthInit, jsonBody(t, wire.AuthInitRequest{AuthMethod: wire.AuthMethodMobileOTP, HealthID: id}))
				if st == http.StatusOK {
					mu.Lock()
					okPer[id]++
					mu.Unlock()
				} else if st != http.StatusUnprocessableEntity {
					t.Errorf("auth/init %s: %d", id, st)
				}
			})
		}
	}
	wg.Go(func() {
		for range 20 {
			e.sb.Accounts()
			e.sb.Outbox()
			e.sb.Count(sandbox.RouteAuthInit)
		}
	})
	wg.Wait()
	if okPer[ids[0]] != 1 || okPer[ids[1]] != 1 || okPer[ids[2]] != 1 || okPer[ids[3]] != 0 {
		t.Errorf("successful logins per account: %v", okPer)
	}
	// The right OTP sent many times at once signs in exactly once.
	out := e.sb.Outbox()
	if len(out) != 3 {
		t.Fatalf("outbox has %d messages", len(out))
	}
	var signedIn sync.Map
	for _, m := range out {
		for range 5 {
			wg.Go(func() {
				r, err := e.doErr(t.Context(), http.MethodPost, sandbox.HealthIDBase+wire.PathConfirmMobileOTP, h,
					jsonBody(t, wire.ConfirmOTPRequest{OTP: m.OTP, TxnID: m.TxnID}))
				if err != nil {
					t.Error(err)
					return
				}
				switch r.status {
				case http.StatusOK:
					if _, dup := signedIn.LoadOrStore(m.TxnID, true); dup {
						t.Errorf("txn %s confirmed twice", m.TxnID)
					}
				case http.StatusUnprocessableEntity:
				default:
					t.Errorf("confirm: %d %s", r.status, r.body)
				}
			})
		}
	}
	wg.Go(func() { e.sb.Advance(time.Second) })
	wg.Wait()
	for _, m := range out {
		if _, ok := signedIn.Load(m.TxnID); !ok {
			t.Errorf("txn of %s never confirmed", m.ABHANumber)
		}
	}
}
