package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestV3SignInAndDeactivate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Sign in by ABHA number and Aadhaar OTP.
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), "")
	xToken := e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP), "").Token
	before := e.token(asha) // issued by the sandbox before the sign-in

	// Deactivation OTP to the Aadhaar mobile.
	txn, msg = e.v3RequestOTP(wire.PathV3AccountRequestOTP,
		otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), xToken)
	if txn.Message != "OTP sent to Aadhaar registered mobile number ending with ******3210" || msg.Purpose != sandbox.PurposeAadhaar {
		t.Errorf("reply %+v, message %+v", txn, msg)
	}
	r := e.v3Verify(wire.PathV3AccountVerify,
		verifyReq(t, []string{wire.ScopeDeactivate, wire.ScopeABHAProfile}, txn.TxnID, msg.OTP, "Requested by ABHA holder", "Duplicate ABHA"), xToken)
	wantStatus(t, r, http.StatusOK)
	var got map[string]any
	decode(t, r, &got)
	want := map[string]any{"txnId": txn.TxnID, "authResult": "success", "message": "Your account has been de-activated",
		"accounts": []any{map[string]any{"ABHANumber": "91-5512-3456-7890"}}}
	if g, w := mustMarshal(t, got), mustMarshal(t, want); g != w {
		t.Errorf("deactivate reply %s, want %s", g, w)
	}
	if st, _ := e.sb.AccountStatus("91-5512-3456-7890"); st != sandbox.StatusDeactivated {
		t.Errorf("status %s", st)
	}
	d, ok, err := e.sb.Deactivation("91-5512-3456-7890")
	if err != nil || !ok || d.AuthMethod != "AADHAAR_OTP" || d.OTPSystem != "aadhaar" ||
		!slices.Equal(d.Reasons, []string{"Requested by ABHA holder", "Duplicate ABHA"}) || !d.Time.Equal(e.sb.Now()) {
		t.Errorf("record %+v %v %v", d, ok, err)
	}
	// Every token of the account is dead on v3; v2 answers HIS-1007.
	for _, tok := range []string{xToken, before} {
		wantV3Message(t, e.v3(http.MethodGet, wire.PathV3Account, withX(tok), ""), http.StatusUnauthorized, "X-token expired")
		wantHIS(t, e.hid(http.MethodGet, wire.PathProfile, tok, ""), http.StatusUnprocessableEntity, "HIS-422", "HIS-1007")
	}
	wantV3Message(t, e.v3OTP(wire.PathV3AccountRequestOTP,
		otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), xToken),
		http.StatusUnauthorized, "X-token expired")
	// Signing in again is refused, with no OTP sent.
	n := len(e.sb.Outbox())
	wantV3Nested(t, e.v3OTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginMobile, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemABDM), ""),
		http.StatusBadRequest, "ABDM-1134", "Deactivated ABHA Account")
	if len(e.sb.Outbox()) != n {
		t.Error("an OTP was sent to a deactivated account")
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestV3DeactivateMobileOTPNumericReasons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	xToken := e.v3SignIn(ravi)
	txn, msg := e.v3RequestOTP(wire.PathV3AccountRequestOTP,
		otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91773456789012", wire.OTPSystemABDM), xToken)
	if txn.Message != "OTP sent to mobile number ending with ******6655" || msg.Purpose != sandbox.PurposeMobile {
		t.Errorf("reply %+v, message %+v", txn, msg)
	}
	body := strings.Replace(jsonBody(t, verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP, "x")), `["x"]`, `[101," others "]`, 1)
	r := e.v3(http.MethodPost, wire.PathV3AccountVerify, withX(xToken), body)
	wantStatus(t, r, http.StatusOK)
	d, _, _ := e.sb.Deactivation("91-7734-5678-9012")
	if d.AuthMethod != "MOBILE_OTP" || d.OTPSystem != "abdm" || !slices.Equal(d.Reasons, []string{"101", " others "}) {
		t.Errorf("record %+v", d)
	}
}

func TestV3DeactivateErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	otpPath, verifyPath := wire.PathV3AccountRequestOTP, wire.PathV3AccountVerify
	rahulTok := e.token(rahul)
	good := otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-6623-4567-8901", wire.OTPSystemAadhaar)

	wantV3Message(t, e.v3OTP(otpPath, good, ""), http.StatusUnauthorized, "X-token is required")
	wantV3Message(t, e.v3(http.MethodPost, otpPath, map[string]string{wire.HeaderV3XToken: rahulTok}, jsonBody(t, good)),
		http.StatusBadRequest, "Invalid X-token")
	wantV3Nested(t, e.v3OTP(otpPath, good, "unknown"), http.StatusUnauthorized, "ABDM-1158", "Invalid X-Token")
	wantV3Flat(t, e.v3OTP(otpPath, otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-6623-4567-8901", wire.OTPSystemAadhaar), rahulTok),
		http.StatusBadRequest, "ABDM-1107", "Invalid combination of scopes")
	wantV3Field(t, e.v3OTP(otpPath, otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), rahulTok),
		http.StatusBadRequest, "loginId", "Invalid LoginId")
	pkcs := good
	pkcs.LoginID = encrypt(t, "91-6623-4567-8901")
	wantV3Field(t, e.v3OTP(otpPath, pkcs, rahulTok), http.StatusBadRequest, "loginId", "Invalid LoginId")
	wantV3Field(t, e.v3OTP(otpPath, otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-6623-4567-8901", "email"), rahulTok),
		http.StatusBadRequest, "otpSystem", "Invalid otpSystem")
	if r := e.v3OTP(otpPath, otpReq(t, scopesDeactivate, wire.LoginHintMobile, "9123456789", wire.OTPSystemABDM), rahulTok); r.status != http.StatusBadRequest ||
		!bytes.HasPrefix(r.body, []byte("[")) {
		t.Errorf("mobile hint: %d %s", r.status, r.body)
	}
	wantV3Nested(t, e.v3OTP(otpPath, otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-7734-5678-9012", wire.OTPSystemAadhaar), e.token(ravi)),
		http.StatusBadRequest, "ABDM-1204", "UIDAI Error: no mobile number is linked with this Aadhaar")
	for _, system := range []string{wire.OTPSystemAadhaar, wire.OTPSystemABDM} {
		wantV3Flat(t, e.v3OTP(otpPath, otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-9956-7890-1234", system), e.token(sunita)),
			http.StatusBadRequest, "ABDM-1228", "ABHA number is linked with a government benefit scheme and cannot be deactivated")
	}
	if n := len(e.sb.Outbox()); n != 0 {
		t.Fatalf("%d OTPs sent by refused requests", n)
	}

	txn, msg := e.v3RequestOTP(otpPath, good, rahulTok)
	wantV3Message(t, e.v3Verify(verifyPath, verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP, "x"), ""), http.StatusUnauthorized, "X-token is required")
	for _, reasons := range []string{`null`, `[]`, `[""]`, `["  "]`, `[null]`, `["ok",true]`, `[{}]`} {
		body := strings.Replace(jsonBody(t, verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP, "x")), `["x"]`, reasons, 1)
		wantV3Field(t, e.v3(http.MethodPost, verifyPath, withX(rahulTok), body), http.StatusBadRequest, "reasons", "reasons must not be empty")
	}
	noReasons := verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP)
	wantV3Field(t, e.v3Verify(verifyPath, noReasons, rahulTok), http.StatusBadRequest, "reasons", "reasons must not be empty")
	wantV3Flat(t, e.v3Verify(verifyPath, verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP, "x"), rahulTok), http.StatusBadRequest, "ABDM-1107", "")
	wantV3Field(t, e.v3Verify(verifyPath, verifyReq(t, scopesDeactivate, "nope", msg.OTP, "x"), rahulTok), http.StatusBadRequest, "txnId", "Invalid Transaction Id")
	// Another patient's token does not reach Rahul's transaction.
	wantV3Flat(t, e.v3Verify(verifyPath, verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP, "x"), e.token(asha)), http.StatusBadRequest, "ABDM-1017", "")
	wantFailedOTP(t, e.v3Verify(verifyPath, verifyReq(t, scopesDeactivate, txn.TxnID, wrongOTP(msg.OTP), "x"), rahulTok), txn.TxnID)
	pkcsOTP := verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP, "x")
	pkcsOTP.AuthData.OTP.OTPValue = encrypt(t, msg.OTP)
	wantFailedOTP(t, e.v3Verify(verifyPath, pkcsOTP, rahulTok), txn.TxnID)
	// Still open: the right OTP now works.
	e.v3VerifyOK(verifyPath, verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP, "x"), rahulTok)
}

func TestV3DeactivateRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.token(asha)
	req := otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemABDM)
	e.v3RequestOTP(wire.PathV3AccountRequestOTP, req, tok)
	r := e.v3OTP(wire.PathV3AccountRequestOTP, req, tok)
	wantV3Flat(t, r, http.StatusTooManyRequests, "ABDM-1022", "")
	// The v2 account OTP is a flow of its own.
	e.requestOTP(wire.PathAadhaarOTP, asha)
}

func TestV3TxnKindsApart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.token(asha)
	login, loginMsg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), "")
	acct, acctMsg := e.v3RequestOTP(wire.PathV3AccountRequestOTP,
		otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), tok)
	v2acct, v2acctMsg := e.requestOTP(wire.PathAadhaarOTP, asha)
	v2login, v2loginMsg := e.startLogin(wire.AuthMethodAadhaarOTP, "asha.verma@sbx")
	react, reactMsg := e.v3RequestOTP(wire.PathV3AccountRequestOTP,
		otpReq(t, scopesReactivateMobile, wire.LoginHintABHANumber, "91-8845-6789-0123", wire.OTPSystemABDM), "")

	// v3 verify calls do not know the other kinds' transactions.
	for _, c := range []struct{ id, otp string }{{login.TxnID, loginMsg.OTP}, {v2acct.TxnID, v2acctMsg.OTP}, {v2login.TxnID, v2loginMsg.OTP}, {react.TxnID, reactMsg.OTP}} {
		wantV3Flat(t, e.v3Verify(wire.PathV3AccountVerify, verifyReq(t, scopesDeactivate, c.id, c.otp, "x"), tok), http.StatusBadRequest, "ABDM-1017", "")
	}
	for _, c := range []struct{ id, otp string }{{acct.TxnID, acctMsg.OTP}, {v2acct.TxnID, v2acctMsg.OTP}, {v2login.TxnID, v2loginMsg.OTP}} {
		wantV3Flat(t, e.v3Verify(wire.PathV3LoginVerify, verifyReq(t, scopesLoginAadhaar, c.id, c.otp), ""), http.StatusBadRequest, "ABDM-1017", "")
	}
	// A reactivation transaction verified with sign-in scopes: not its scope set.
	wantV3Flat(t, e.v3Verify(wire.PathV3LoginVerify, verifyReq(t, scopesLoginMobile, react.TxnID, reactMsg.OTP), ""), http.StatusBadRequest, "ABDM-1107", "")
	// v2 calls do not know v3 transactions.
	wantHIS(t, e.deactivate(asha, deactivateReq(t, acct.TxnID, acctMsg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	wantHIS(t, e.confirm(wire.AuthMethodAadhaarOTP, login.TxnID, loginMsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, react.TxnID, reactMsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	// None of this spent an attempt: every transaction still completes.
	e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesLoginAadhaar, login.TxnID, loginMsg.OTP), "")
	if r := e.confirm(wire.AuthMethodAadhaarOTP, v2login.TxnID, v2loginMsg.OTP); r.status != http.StatusOK {
		t.Errorf("v2 confirm: %d %s", r.status, r.body)
	}
	e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesReactivateMobile, react.TxnID, reactMsg.OTP), "")
	e.v3VerifyOK(wire.PathV3AccountVerify, verifyReq(t, scopesDeactivate, acct.TxnID, acctMsg.OTP, "x"), tok)
}

func TestV3ReactivateViaAccountRequestOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	meenaNo := "91-8845-6789-0123"
	// No X-token needed; one sent is ignored (Meena's is dead on v3 anyway).
	txn, msg := e.v3RequestOTP(wire.PathV3AccountRequestOTP,
		otpReq(t, []string{wire.ScopeReactivate, wire.ScopeMobileVerify, wire.ScopeABHALogin}, wire.LoginHintABHANumber, meenaNo, wire.OTPSystemABDM), e.token(meena))
	if msg.Purpose != sandbox.PurposeReactivateMobile || msg.ABHANumber != meenaNo || msg.MaskedMobile != "XXXXXX3456" ||
		txn.Message != "OTP is sent to the mobile number ending with ******3456" {
		t.Errorf("reply %+v, message %+v", txn, msg)
	}
	if _, ok, _ := e.sb.Reactivation(meenaNo); ok {
		t.Error("reactivation record before the reactivation")
	}
	wantFailedOTP(t, e.v3Verify(wire.PathV3LoginVerify, verifyReq(t, scopesReactivateMobile, txn.TxnID, wrongOTP(msg.OTP)), ""), txn.TxnID)
	v := e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesReactivateMobile, txn.TxnID, msg.OTP), "")
	if v.Message != "You have successfully reactivated the account" || v.Token == "" || v.RefreshToken == "" || v.ExpiresIn != 1800 ||
		len(v.Accounts) != 1 || v.Accounts[0].ABHANumber != meenaNo || v.Accounts[0].Status != "ACTIVE" {
		t.Fatalf("reactivation %+v", v)
	}
	if st, _ := e.sb.AccountStatus(meenaNo); st != sandbox.StatusActive {
		t.Errorf("status %s", st)
	}
	if at, ok, err := e.sb.Reactivation(meenaNo); err != nil || !ok || !at.Equal(e.sb.Now()) {
		t.Errorf("reactivation record %v %v %v", at, ok, err)
	}
	// Reactivation signed her in.
	var p wire.V3Profile
	decode(t, e.v3(http.MethodGet, wire.PathV3Account, withX(v.Token), ""), &p)
	if p.Name != "Meena Iyer" || p.Status != "ACTIVE" {
		t.Errorf("profile %+v", p)
	}
	// Signing in again works on both generations.
	e.v3SignIn(meena)
	v2txn, v2msg := e.startLogin(wire.AuthMethodMobileOTP, meenaNo)
	if r := e.confirm(wire.AuthMethodMobileOTP, v2txn.TxnID, v2msg.OTP); r.status != http.StatusOK {
		t.Errorf("v2 sign-in after reactivation: %d %s", r.status, r.body)
	}
	// And she can be deactivated again.
	e.sb.Advance(31 * time.Second)
	e.v3Deactivate(meena, v.Token)
	if st, _ := e.sb.AccountStatus(meenaNo); st != sandbox.StatusDeactivated {
		t.Errorf("status after deactivating again %s", st)
	}
}

func TestV3ReactivateViaLoginRequestOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Deactivate Asha on v3 first, then reactivate her with the Aadhaar OTP.
	old := e.v3SignIn(asha)
	e.v3Deactivate(asha, old)
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesReactivateAadhaar, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), "")
	if msg.Purpose != sandbox.PurposeReactivateAadhaar {
		t.Errorf("purpose %s", msg.Purpose)
	}
	v := e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesReactivateAadhaar, txn.TxnID, msg.OTP), "")
	if v.Accounts[0].Status != "ACTIVE" {
		t.Errorf("accounts %+v", v.Accounts)
	}
	// Tokens from before the deactivation stay dead on v3; the new one works.
	wantV3Message(t, e.v3(http.MethodGet, wire.PathV3Account, withX(old), ""), http.StatusUnauthorized, "X-token expired")
	if r := e.v3(http.MethodGet, wire.PathV3Account, withX(v.Token), ""); r.status != http.StatusOK {
		t.Errorf("new token: %d %s", r.status, r.body)
	}
	// Accounts() hands out a token that works on v3 again.
	if r := e.v3(http.MethodGet, wire.PathV3Account, withX(e.token(asha)), ""); r.status != http.StatusOK {
		t.Errorf("Accounts() token: %d %s", r.status, r.body)
	}
	e.sb.Advance(31 * time.Second)
	e.v3SignIn(asha)
}

func TestV3ReactivateErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{wire.PathV3AccountRequestOTP, wire.PathV3LoginRequestOTP} {
		wantV3Flat(t, e.v3OTP(path, otpReq(t, scopesReactivateMobile, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemABDM), ""),
			http.StatusBadRequest, "ABDM-9999", "ABHA number is already active")
		wantV3Field(t, e.v3OTP(path, otpReq(t, scopesReactivateMobile, wire.LoginHintABHANumber, "91-8845-6789-0123", wire.OTPSystemAadhaar), ""),
			http.StatusBadRequest, "otpSystem", "Invalid otpSystem")
		wantV3Field(t, e.v3OTP(path, otpReq(t, scopesReactivateAadhaar, wire.LoginHintABHANumber, "91-0000-0000-0000", wire.OTPSystemAadhaar), ""),
			http.StatusBadRequest, "loginId", "ABHA number not found")
		if r := e.v3OTP(path, otpReq(t, scopesReactivateMobile, wire.LoginHintMobile, "9871203456", wire.OTPSystemABDM), ""); r.status != http.StatusBadRequest ||
			!bytes.Contains(r.body, []byte("Invalid Login Hint")) {
			t.Errorf("mobile hint: %d %s", r.status, r.body)
		}
	}
	wantV3Flat(t, e.v3OTP(wire.PathV3AccountRequestOTP, otpReq(t, []string{wire.ScopeReactivate}, wire.LoginHintABHANumber, "91-8845-6789-0123", wire.OTPSystemABDM), ""),
		http.StatusBadRequest, "ABDM-1107", "")
	if n := len(e.sb.Outbox()); n != 0 {
		t.Errorf("%d OTPs sent", n)
	}
	// Reactivation OTPs have their own rate limit.
	req := otpReq(t, scopesReactivateMobile, wire.LoginHintABHANumber, "91-8845-6789-0123", wire.OTPSystemABDM)
	e.v3RequestOTP(wire.PathV3AccountRequestOTP, req, "")
	wantV3Flat(t, e.v3OTP(wire.PathV3LoginRequestOTP, req, ""), http.StatusTooManyRequests, "ABDM-1022", "")
}

func TestV3Faults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.v3Headers(nil) // open the session before faulting
	r := e.do(http.MethodPost, "/_sandbox/faults", nil, `{"route":"v3-login-request-otp","fault":{"status":503,"body":"{\"error\":\"down\"}","times":1}}`)
	wantStatus(t, r, http.StatusNoContent)
	req := otpReq(t, scopesLoginMobile, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemABDM)
	if r := e.v3OTP(wire.PathV3LoginRequestOTP, req, ""); r.status != http.StatusServiceUnavailable || string(r.body) != `{"error":"down"}` {
		t.Errorf("faulted: %d %s", r.status, r.body)
	}
	e.v3RequestOTP(wire.PathV3LoginRequestOTP, req, "") // the fault was for one request
	e.sb.SetFault(sandbox.RouteV3Profile, sandbox.Fault{Malformed: true})
	if r := e.v3(http.MethodGet, wire.PathV3Account, withX(e.token(asha)), ""); r.status != http.StatusOK || json.Valid(r.body) {
		t.Errorf("malformed fault: %d %s", r.status, r.body)
	}
	var stats map[string]int
	decode(t, e.do(http.MethodGet, "/_sandbox/stats", nil, ""), &stats)
	if stats["v3-session"] != 1 || stats["v3-login-request-otp"] != 2 || stats["v3-profile"] != 1 || len(stats) != len(sandbox.Routes()) {
		t.Errorf("stats %v", stats)
	}
	for _, rt := range []sandbox.Route{sandbox.RouteV3Session, sandbox.RouteV3Certificate, sandbox.RouteV3LoginRequestOTP,
		sandbox.RouteV3LoginVerify, sandbox.RouteV3LoginVerifyUser, sandbox.RouteV3Profile, sandbox.RouteV3AccountRequestOTP,
		sandbox.RouteV3AccountVerify, sandbox.RouteReactivateInit, sandbox.RouteReactivate} {
		if !rt.Valid() {
			t.Errorf("%s is not a valid route", rt)
		}
	}
}

func TestV3AdminInfoAndURLs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var info struct {
		GatewayV3Path string `json:"gatewayV3Path"`
		ABHAV3Path    string `json:"abhaV3Path"`
	}
	decode(t, e.do(http.MethodGet, "/_sandbox/info", nil, ""), &info)
	if info.GatewayV3Path != "/api/hiecm/gateway" || info.ABHAV3Path != "/abha/api" {
		t.Errorf("info %+v", info)
	}
	run, err := e.sb.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close(t.Context())
	if run.GatewayV3URL() != run.BaseURL()+"/api/hiecm/gateway" || run.ABHAV3URL() != run.BaseURL()+"/abha/api" {
		t.Errorf("URLs %q %q", run.GatewayV3URL(), run.ABHAV3URL())
	}
}

func TestV3UnknownPathAndMethod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.v3(http.MethodGet, wire.PathV3LoginRequestOTP, nil, "")
	wantV3Flat(t, r, http.StatusMethodNotAllowed, "ABDM-9999", "Use POST for this API")
	if r.header.Get("Allow") != http.MethodPost || e.sb.Count(sandbox.RouteV3LoginRequestOTP) != 0 {
		t.Errorf("Allow %q, count %d", r.header.Get("Allow"), e.sb.Count(sandbox.RouteV3LoginRequestOTP))
	}
	if r := e.v3(http.MethodGet, "/v3/profile/nothing", nil, ""); r.status != http.StatusNotFound {
		t.Errorf("unknown v3 path: %d", r.status)
	}
	big := `{"pad":"` + strings.Repeat("x", 100<<10) + `"}`
	wantV3Flat(t, e.v3(http.MethodPost, wire.PathV3LoginVerify, nil, big), http.StatusRequestEntityTooLarge, "ABDM-9999", "")
	h := map[string]string{wire.HeaderRequestID: newRequestID(), wire.HeaderTimestamp: e.v3Stamp(), wire.HeaderCMID: "sbx"}
	wantV3Nested(t, e.do(http.MethodPost, sandbox.GatewayV3Base+wire.PathV3Sessions, h, big),
		http.StatusRequestEntityTooLarge, "ABDM-9999: ", "Request body is too large")
}
