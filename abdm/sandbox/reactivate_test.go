package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

// reactivateInit calls /v2/auth/reactivate/init.
func (e *env) reactivateInit(method, healthID string) resp {
	e.t.Helper()
	return e.hid(http.MethodPost, wire.PathReactivateInit, "", jsonBody(e.t, wire.ReactivateInitRequest{AuthMethod: method, HealthID: healthID}))
}

// startReactivation calls /v2/auth/reactivate/init, which must succeed, and
// returns the reply and the OTP message it sent.
func (e *env) startReactivation(method, healthID string) (wire.TxnResponse, sandbox.OTPMessage) {
	e.t.Helper()
	before := len(e.sb.Outbox())
	r := e.reactivateInit(method, healthID)
	if r.status != http.StatusOK {
		e.t.Fatalf("reactivate/init %s %s: status %d, body %s", method, healthID, r.status, r.body)
	}
	var txn wire.TxnResponse
	decode(e.t, r, &txn)
	out := e.sb.Outbox()
	if len(out) != before+1 || out[before].TxnID != txn.TxnID {
		e.t.Fatalf("outbox %+v for %+v", out, txn)
	}
	return txn, out[before]
}

// v2Reactivate calls /v2/auth/reactivate with the OTP encrypted as v2 wants
// (PKCS#1 v1.5).
func (e *env) v2Reactivate(method, txnID, otp string) resp {
	e.t.Helper()
	return e.hid(http.MethodPost, wire.PathReactivate, "", jsonBody(e.t, wire.ReactivateRequest{AuthMethod: method, OTP: encrypt(e.t, otp), TxnID: txnID}))
}

func TestV2Reactivate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	meenaNo := "91-8845-6789-0123"
	txn, msg := e.startReactivation(wire.AuthMethodMobileOTP, "meena.iyer@sbx")
	if txn.MobileNumber != "XXXXXX3456" || msg.Purpose != sandbox.PurposeReactivateMobile || msg.ABHANumber != meenaNo {
		t.Errorf("reply %+v, message %+v", txn, msg)
	}
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, txn.TxnID, wrongOTP(msg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
	r := e.v2Reactivate(wire.AuthMethodMobileOTP, txn.TxnID, msg.OTP)
	wantStatus(t, r, http.StatusOK)
	var jwt wire.JwtResponse
	decode(t, r, &jwt)
	if jwt.Token == "" || jwt.ExpiresIn != 1800 || jwt.RefreshToken == "" {
		t.Fatalf("reactivate reply %+v", jwt)
	}
	if st, _ := e.sb.AccountStatus(meenaNo); st != sandbox.StatusActive {
		t.Errorf("status %s", st)
	}
	if _, ok, _ := e.sb.Reactivation(meenaNo); !ok {
		t.Error("no reactivation record")
	}
	// The patient is signed in, on both generations.
	if r := e.hid(http.MethodGet, wire.PathProfile, jwt.Token, ""); r.status != http.StatusOK {
		t.Errorf("v2 profile: %d %s", r.status, r.body)
	}
	if r := e.v3(http.MethodGet, wire.PathV3Account, withX(jwt.Token), ""); r.status != http.StatusOK {
		t.Errorf("v3 profile: %d %s", r.status, r.body)
	}
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, txn.TxnID, msg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1012")
	// v2 sign-in again, then v3, then a v2 deactivation again.
	login, loginMsg := e.startLogin(wire.AuthMethodAadhaarOTP, meenaNo)
	if r := e.confirm(wire.AuthMethodAadhaarOTP, login.TxnID, loginMsg.OTP); r.status != http.StatusOK {
		t.Fatalf("v2 sign-in: %d %s", r.status, r.body)
	}
	e.v3SignIn(meena)
	otp, otpMsg := e.requestOTP(wire.PathAadhaarOTP, meena)
	if r := e.deactivate(meena, deactivateReq(t, otp.TxnID, otpMsg.OTP)); r.status != http.StatusNoContent {
		t.Errorf("deactivate again: %d %s", r.status, r.body)
	}
	// And reactivate again, by Aadhaar OTP and ABHA number without dashes.
	e.sb.Advance(31 * time.Second)
	txn, msg = e.startReactivation(wire.AuthMethodAadhaarOTP, "91884567890123")
	if msg.Purpose != sandbox.PurposeReactivateAadhaar {
		t.Errorf("purpose %s", msg.Purpose)
	}
	if r := e.v2Reactivate(wire.AuthMethodAadhaarOTP, txn.TxnID, msg.OTP); r.status != http.StatusOK {
		t.Errorf("reactivate again: %d %s", r.status, r.body)
	}
}

func TestV2ReactivateErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.newSession()
	he := wantHIS(t, e.reactivateInit(wire.AuthMethodAadhaarOTP, "asha.verma@sbx"), http.StatusUnprocessableEntity, "HIS-422", "HIS-400")
	if he.Details[0].Message != "ABHA number is already active" {
		t.Errorf("message %q", he.Details[0].Message)
	}
	wantHIS(t, e.reactivateInit(wire.AuthMethodAadhaarOTP, "nobody@sbx"), http.StatusUnprocessableEntity, "HIS-422", "HIS-1008")
	wantHIS(t, e.reactivateInit("PASSWORD", "meena.iyer@sbx"), http.StatusBadRequest, "HIS-400", "HIS-400")
	wantHIS(t, e.reactivateInit(wire.AuthMethodAadhaarOTP, " "), http.StatusBadRequest, "HIS-400", "HIS-400")
	// Exact field names, as auth/init: "healthId" is not "healthid".
	wantHIS(t, e.hid(http.MethodPost, wire.PathReactivateInit, "", `{"authMethod":"MOBILE_OTP","healthId":"meena.iyer@sbx"}`),
		http.StatusBadRequest, "HIS-400", "HIS-400")
	h := e.headers("")
	delete(h, wire.HeaderHIPID)
	wantHIS(t, e.do(http.MethodPost, sandbox.HealthIDBase+wire.PathReactivateInit, h, `{}`), http.StatusBadRequest, "HIS-400", "HIS-400")
	h = e.headers("")
	h[wire.HeaderAuthorization] = "Bearer nope"
	wantGateway401(t, e.do(http.MethodPost, sandbox.HealthIDBase+wire.PathReactivate, h, `{}`))

	// Ravi, deactivated on v2 with his mobile, has no Aadhaar mobile.
	txn, msg := e.requestOTP(wire.PathMobileOTP, ravi)
	req := deactivateReq(t, txn.TxnID, msg.OTP)
	req.AuthMethod = wire.AuthMethodMobileOTP
	if r := e.deactivate(ravi, req); r.status != http.StatusNoContent {
		t.Fatalf("deactivate Ravi: %d %s", r.status, r.body)
	}
	wantHIS(t, e.reactivateInit(wire.AuthMethodAadhaarOTP, "ravi.kumar@sbx"), http.StatusUnprocessableEntity, "HIS-422", "HIS-3005")

	// Transaction rules.
	rt, rmsg := e.startReactivation(wire.AuthMethodMobileOTP, "meena.iyer@sbx")
	wantHIS(t, e.reactivateInit(wire.AuthMethodMobileOTP, "meena.iyer@sbx"), http.StatusUnprocessableEntity, "HIS-422", "HIS-1023")
	wantHIS(t, e.v2Reactivate(wire.AuthMethodAadhaarOTP, rt.TxnID, rmsg.OTP), http.StatusBadRequest, "HIS-400", "HIS-400")
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, "a825f76b-0696-40f3-864c-5a3a5b389a83", rmsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	wantHIS(t, e.hid(http.MethodPost, wire.PathReactivate, "", `{"authMethod":"MOBILE_OTP","otp":"!!","txnId":"`+rt.TxnID+`"}`),
		http.StatusUnprocessableEntity, "HIS-422", "HIS-1013")
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, rt.TxnID, wrongOTP(rmsg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-2022")
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, rt.TxnID, wrongOTP(rmsg.OTP)), http.StatusUnprocessableEntity, "HIS-422", "HIS-1039")
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, rt.TxnID, rmsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1012")
	// A reactivation transaction is unknown to deactivate and confirm, and back.
	e.sb.Advance(31 * time.Second)
	rt, rmsg = e.startReactivation(wire.AuthMethodMobileOTP, "meena.iyer@sbx")
	wantHIS(t, e.confirm(wire.AuthMethodMobileOTP, rt.TxnID, rmsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	login, loginMsg := e.startLogin(wire.AuthMethodMobileOTP, "asha.verma@sbx")
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, login.TxnID, loginMsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1026")
	// Expiry.
	e.sb.Advance(11 * time.Minute)
	e.newSession()
	wantHIS(t, e.v2Reactivate(wire.AuthMethodMobileOTP, rt.TxnID, rmsg.OTP), http.StatusUnprocessableEntity, "HIS-422", "HIS-1056")
}

func TestSunitaDeactivatesOnV2(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.requestOTP(wire.PathAadhaarOTP, sunita)
	if txn.MobileNumber != "XXXXXX5670" {
		t.Errorf("Aadhaar mobile %s", txn.MobileNumber)
	}
	if r := e.deactivate(sunita, deactivateReq(t, txn.TxnID, msg.OTP)); r.status != http.StatusNoContent {
		t.Fatalf("v2 deactivate Sunita: %d %s", r.status, r.body)
	}
	// v3 tells a deactivated account from a benefit-linked one only while active.
	wantV3Message(t, e.v3OTP(wire.PathV3AccountRequestOTP,
		otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-9956-7890-1234", wire.OTPSystemAadhaar), e.token(sunita)),
		http.StatusUnauthorized, "X-token expired")
}
