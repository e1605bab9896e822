package sandbox_test

import (
	"bytes"
	"encoding/base64"
	"image/jpeg"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestV3SignInAadhaarOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// loginId with its dashes, scopes in any order.
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, []string{wire.ScopeAadhaarVerify, wire.ScopeABHALogin}, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), "")
	if txn.Message != "OTP is sent to Aadhaar registered mobile number ending with ******3210" ||
		msg.Purpose != sandbox.PurposeLoginAadhaar || msg.ABHANumber != "91-5512-3456-7890" || msg.MaskedMobile != "XXXXXX3210" {
		t.Errorf("reply %+v, message %+v", txn, msg)
	}
	v := e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP), "")
	if v.TxnID != txn.TxnID || v.Message != "OTP verified successfully" || v.Token == "" || v.ExpiresIn != 1800 ||
		v.RefreshToken == "" || strings.Count(v.RefreshToken, ".") != 2 || v.RefreshExpiresIn != 1296000 || len(v.Accounts) != 1 {
		t.Fatalf("verify %+v", v)
	}
	a := v.Accounts[0]
	if a.ABHANumber != "91-5512-3456-7890" || a.PreferredABHAAddress != "asha.verma@sbx" || a.Name != "Asha Verma" ||
		a.Gender != "F" || a.Status != "ACTIVE" || a.ProfilePhoto == "" {
		t.Errorf("account %+v", a)
	}

	r := e.v3(http.MethodGet, wire.PathV3Account, withX(v.Token), "")
	wantStatus(t, r, http.StatusOK)
	var p wire.V3Profile
	decode(t, r, &p)
	if p.ABHANumber != "91-5512-3456-7890" || p.PreferredABHAAddress != "asha.verma@sbx" || p.Name != "Asha Verma" ||
		p.FirstName != "Asha" || p.LastName != "Verma" || p.Gender != "F" || p.YearOfBirth != "1988" ||
		p.MonthOfBirth == "" || p.DayOfBirth == "" || p.Mobile != "XXXXXX3210" || p.Status != "ACTIVE" ||
		!slices.Equal(p.AuthMethods, []string{"AADHAAR_OTP", "MOBILE_OTP"}) || p.ProfilePhoto != a.ProfilePhoto {
		t.Errorf("profile %+v", p)
	}
	// A v3 X-token works on v2 too.
	if r := e.hid(http.MethodGet, wire.PathProfile, v.Token, ""); r.status != http.StatusOK {
		t.Errorf("v2 profile with a v3 token: %d %s", r.status, r.body)
	}
	// The transaction is finished.
	wantV3Flat(t, e.v3Verify(wire.PathV3LoginVerify, verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP), ""),
		http.StatusBadRequest, "ABDM-1017", "Invalid Transaction Id")
}

func TestV3SignInMobileOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// loginId without dashes; Ravi has no Aadhaar mobile, but his own one works.
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginMobile, wire.LoginHintABHANumber, "91773456789012", wire.OTPSystemABDM), "")
	if txn.Message != "OTP is sent to the mobile number ending with ******6655" || msg.Purpose != sandbox.PurposeLoginMobile {
		t.Errorf("reply %+v, message %+v", txn, msg)
	}
	v := e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesLoginMobile, txn.TxnID, msg.OTP), "")
	r := e.v3(http.MethodGet, wire.PathV3Account, withX(v.Token), "")
	var p wire.V3Profile
	decode(t, r, &p)
	if p.Name != "Ravi Kumar" || !slices.Equal(p.AuthMethods, []string{"MOBILE_OTP"}) {
		t.Errorf("profile %+v", p)
	}
}

func TestV3MobileSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginMobile, wire.LoginHintMobile, "9988776655", wire.OTPSystemABDM), "")
	if msg.ABHANumber != "" || msg.MaskedMobile != "XXXXXX6655" || msg.Purpose != sandbox.PurposeLoginMobile {
		t.Errorf("message %+v", msg)
	}
	r := e.v3Verify(wire.PathV3LoginVerify, verifyReq(t, scopesLoginMobile, txn.TxnID, msg.OTP), "")
	wantStatus(t, r, http.StatusOK)
	if bytes.Contains(r.body, []byte("refreshToken")) {
		t.Errorf("a transfer token with a refresh token: %s", r.body)
	}
	var v wire.V3VerifyResponse
	decode(t, r, &v)
	if v.AuthResult != "success" || v.Token == "" || v.ExpiresIn != 300 || len(v.Accounts) != 2 ||
		v.Accounts[0].Name != "Ravi Kumar" || v.Accounts[1].Name != "Sunita Devi" {
		t.Fatalf("verify %+v", v)
	}
	// The transfer token is not an X-token.
	wantV3Nested(t, e.v3(http.MethodGet, wire.PathV3Account, withX(v.Token), ""), http.StatusUnauthorized, "ABDM-1158", "Invalid X-Token")

	user := func(tHeader string, req wire.V3VerifyUserRequest) resp {
		return e.v3(http.MethodPost, wire.PathV3LoginVerifyUser, map[string]string{wire.HeaderTToken: tHeader}, jsonBody(t, req))
	}
	good := wire.V3VerifyUserRequest{ABHANumber: "91995678901234", TxnID: txn.TxnID}
	for _, h := range []string{"", v.Token, "Bearer nope"} {
		wantV3Message(t, user(h, good), http.StatusUnauthorized, "T-token expired")
	}
	wantV3Message(t, user("Bearer "+v.Token, wire.V3VerifyUserRequest{ABHANumber: good.ABHANumber, TxnID: newRequestID()}),
		http.StatusUnauthorized, "T-token expired")
	wantV3Field(t, user("Bearer "+v.Token, wire.V3VerifyUserRequest{ABHANumber: "91-5512-3456-7890", TxnID: txn.TxnID}),
		http.StatusBadRequest, "ABHANumber", "Invalid ABHA number")

	r = user("Bearer "+v.Token, good)
	wantStatus(t, r, http.StatusOK)
	var tok wire.V3TokenResponse
	decode(t, r, &tok)
	if tok.Token == "" || tok.ExpiresIn != 1800 || tok.RefreshToken == "" || tok.RefreshExpiresIn != 1296000 {
		t.Fatalf("verify/user %+v", tok)
	}
	var p wire.V3Profile
	decode(t, e.v3(http.MethodGet, wire.PathV3Account, withX(tok.Token), ""), &p)
	if p.Name != "Sunita Devi" || p.Mobile != "XXXXXX6655" {
		t.Errorf("profile %+v", p)
	}
	// The transfer token works for the other account with dashes, until it expires.
	if r := user("Bearer "+v.Token, wire.V3VerifyUserRequest{ABHANumber: "91-7734-5678-9012", TxnID: txn.TxnID}); r.status != http.StatusOK {
		t.Errorf("second account: %d %s", r.status, r.body)
	}
	e.sb.Advance(301 * time.Second)
	wantV3Message(t, user("Bearer "+v.Token, good), http.StatusUnauthorized, "T-token expired")
}

func TestV3MobileSignInDeactivatedAndUnknown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Meena's mobile lists her, DEACTIVATED; verify/user refuses her.
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginMobile, wire.LoginHintMobile, "9871203456", wire.OTPSystemABDM), "")
	v := e.v3VerifyOK(wire.PathV3LoginVerify, verifyReq(t, scopesLoginMobile, txn.TxnID, msg.OTP), "")
	if len(v.Accounts) != 1 || v.Accounts[0].Status != "DEACTIVATED" {
		t.Fatalf("accounts %+v", v.Accounts)
	}
	r := e.v3(http.MethodPost, wire.PathV3LoginVerifyUser, map[string]string{wire.HeaderTToken: "Bearer " + v.Token},
		jsonBody(t, wire.V3VerifyUserRequest{ABHANumber: "91-8845-6789-0123", TxnID: txn.TxnID}))
	wantV3Nested(t, r, http.StatusBadRequest, "ABDM-1134", "Deactivated ABHA Account")

	// A mobile no account has still gets its OTP; the list is empty.
	txn, msg = e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginMobile, wire.LoginHintMobile, "9000000001", wire.OTPSystemABDM), "")
	r = e.v3Verify(wire.PathV3LoginVerify, verifyReq(t, scopesLoginMobile, txn.TxnID, msg.OTP), "")
	wantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.body, []byte(`"accounts":[]`)) {
		t.Errorf("no accounts: %s", r.body)
	}
}

func TestV3LoginRequestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := wire.PathV3LoginRequestOTP
	asha := "91-5512-3456-7890"
	for _, scopes := range [][]string{nil, {wire.ScopeABHALogin}, scopesDeactivate,
		{wire.ScopeABHALogin, wire.ScopeAadhaarVerify, wire.ScopeMobileVerify}, {"ABHA-LOGIN", "aadhaar-verify"}} {
		wantV3Flat(t, e.v3OTP(path, otpReq(t, scopes, wire.LoginHintABHANumber, asha, wire.OTPSystemAadhaar), ""),
			http.StatusBadRequest, "ABDM-1107", "Invalid combination of scopes")
	}
	for _, req := range []wire.V3OTPRequest{
		otpReq(t, scopesLoginAadhaar, "abha-address", asha, wire.OTPSystemAadhaar),
		otpReq(t, scopesLoginAadhaar, wire.LoginHintMobile, "9876543210", wire.OTPSystemAadhaar),
	} {
		r := e.v3OTP(path, req, "")
		wantStatus(t, r, http.StatusBadRequest)
		var arr []wire.V3CodeError
		decode(t, r, &arr)
		if len(arr) != 1 || arr[0].Code != "ABDM-9999: " || arr[0].Message != "Invalid Login Hint" {
			t.Errorf("login hint %q: %s", req.LoginHint, r.body)
		}
	}
	wantV3Field(t, e.v3OTP(path, otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, asha, wire.OTPSystemABDM), ""),
		http.StatusBadRequest, "otpSystem", "Invalid otpSystem")
	wantV3Field(t, e.v3OTP(path, otpReq(t, scopesLoginMobile, wire.LoginHintABHANumber, asha, "sms"), ""),
		http.StatusBadRequest, "otpSystem", "Invalid otpSystem")
	wantV3Field(t, e.v3OTP(path, otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-1111-2222-3333", wire.OTPSystemAadhaar), ""),
		http.StatusBadRequest, "loginId", "ABHA number not found")

	// loginIds that do not decrypt with OAEP-SHA-1, or are not ABHA numbers.
	bad := []string{encrypt(t, asha), oaep256(t, asha), "not base64!", "", oaep(t, "asha.verma@sbx"), oaep(t, "91-5512-34567890")}
	for _, id := range bad {
		req := wire.V3OTPRequest{Scope: scopesLoginAadhaar, LoginHint: wire.LoginHintABHANumber, LoginID: id, OTPSystem: wire.OTPSystemAadhaar}
		wantV3Field(t, e.v3OTP(path, req, ""), http.StatusBadRequest, "loginId", "Invalid LoginId")
	}
	mobileReq := wire.V3OTPRequest{Scope: scopesLoginMobile, LoginHint: wire.LoginHintMobile, LoginID: encrypt(t, "9876543210"), OTPSystem: wire.OTPSystemABDM}
	wantV3Field(t, e.v3OTP(path, mobileReq, ""), http.StatusBadRequest, "loginId", "Invalid LoginId")
	wantV3Field(t, e.v3OTP(path, otpReq(t, scopesLoginMobile, wire.LoginHintMobile, "98765", wire.OTPSystemABDM), ""),
		http.StatusBadRequest, "loginId", "Invalid LoginId")

	wantV3Nested(t, e.v3OTP(path, otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-8845-6789-0123", wire.OTPSystemAadhaar), ""),
		http.StatusBadRequest, "ABDM-1134", "Deactivated ABHA Account")
	wantV3Nested(t, e.v3OTP(path, otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-7734-5678-9012", wire.OTPSystemAadhaar), ""),
		http.StatusBadRequest, "ABDM-1204", "UIDAI Error: no mobile number is linked with this Aadhaar")
	wantV3Flat(t, e.v3(http.MethodPost, path, nil, `{"scope":"abha-login"}`), http.StatusBadRequest, "ABDM-9999", "")
	if n := len(e.sb.Outbox()); n != 0 {
		t.Errorf("%d OTPs sent by refused requests", n)
	}
}

func TestV3LoginRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-6623-4567-8901", wire.OTPSystemAadhaar)
	e.v3RequestOTP(wire.PathV3LoginRequestOTP, req, "")
	r := e.v3OTP(wire.PathV3LoginRequestOTP, req, "")
	wantV3Flat(t, r, http.StatusTooManyRequests, "ABDM-1022", "Too many requests, please try again after some time")
	if r.header.Get("Retry-After") != "30" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// Another flow (deactivation) has its own counter.
	tok := e.token(rahul)
	e.v3RequestOTP(wire.PathV3AccountRequestOTP, otpReq(t, scopesDeactivate, wire.LoginHintABHANumber, "91-6623-4567-8901", wire.OTPSystemAadhaar), tok)
	for range 4 {
		e.sb.Advance(31 * time.Second)
		e.v3RequestOTP(wire.PathV3LoginRequestOTP, req, "")
	}
	e.sb.Advance(31 * time.Second)
	wantV3Flat(t, e.v3OTP(wire.PathV3LoginRequestOTP, req, ""), http.StatusTooManyRequests, "ABDM-1100",
		"You have requested too many OTPs. Please try again after 30 minutes")
	e.sb.Advance(30 * time.Minute)
	e.access = ""
	e.v3RequestOTP(wire.PathV3LoginRequestOTP, req, "")
}

func TestV3VerifyErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := wire.PathV3LoginVerify
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginAadhaar, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemAadhaar), "")

	for _, methods := range [][]string{nil, {"password"}, {"otp", "otp"}, {"OTP"}} {
		req := verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP)
		req.AuthData.AuthMethods = methods
		wantV3Field(t, e.v3Verify(path, req, ""), http.StatusBadRequest, "authMethods", "Invalid authMethods")
	}
	wantV3Flat(t, e.v3Verify(path, verifyReq(t, scopesLoginMobile, txn.TxnID, msg.OTP), ""), http.StatusBadRequest, "ABDM-1107", "")
	wantV3Flat(t, e.v3Verify(path, verifyReq(t, scopesDeactivate, txn.TxnID, msg.OTP), ""), http.StatusBadRequest, "ABDM-1107", "")
	wantV3Field(t, e.v3Verify(path, verifyReq(t, scopesLoginAadhaar, "txn-1", msg.OTP), ""), http.StatusBadRequest, "txnId", "Invalid Transaction Id")
	wantV3Flat(t, e.v3Verify(path, verifyReq(t, scopesLoginAadhaar, newRequestID(), msg.OTP), ""), http.StatusBadRequest, "ABDM-1017", "Invalid Transaction Id")

	// Wrong OTP, then the right OTP encrypted with v2's PKCS#1 v1.5: both
	// are wrong Aadhaar OTPs, refused as ABDM passes on UIDAI's refusal
	// (422 ABDM-1204); the third attempt ends it.
	const uidai400 = "UIDAI Error code : 400 : Invalid Aadhaar OTP value."
	wantV3Nested(t, e.v3Verify(path, verifyReq(t, scopesLoginAadhaar, txn.TxnID, wrongOTP(msg.OTP)), ""),
		http.StatusUnprocessableEntity, "ABDM-1204", uidai400)
	pkcs := verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP)
	pkcs.AuthData.OTP.OTPValue = encrypt(t, msg.OTP)
	wantV3Nested(t, e.v3Verify(path, pkcs, ""), http.StatusUnprocessableEntity, "ABDM-1204", uidai400)
	sha256 := verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP)
	sha256.AuthData.OTP.OTPValue = oaep256(t, msg.OTP)
	wantV3Flat(t, e.v3Verify(path, sha256, ""), http.StatusTooManyRequests, "ABDM-1100",
		"Maximum OTP attempts exceeded. Please try again after 30 minutes")
	wantV3Flat(t, e.v3Verify(path, verifyReq(t, scopesLoginAadhaar, txn.TxnID, msg.OTP), ""), http.StatusBadRequest, "ABDM-1017", "")

	wantV3Flat(t, e.v3(http.MethodPost, path, nil, `[]`), http.StatusBadRequest, "ABDM-9999", "")
}

func TestV3VerifyExpiredOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	txn, msg := e.v3RequestOTP(wire.PathV3LoginRequestOTP,
		otpReq(t, scopesLoginMobile, wire.LoginHintABHANumber, "91-5512-3456-7890", wire.OTPSystemABDM), "")
	e.sb.Advance(11 * time.Minute)
	e.access = "" // the gateway session expired too
	wantFailedOTP(t, e.v3Verify(wire.PathV3LoginVerify, verifyReq(t, scopesLoginMobile, txn.TxnID, msg.OTP), ""), txn.TxnID)
}

func TestV3XTokenChecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := wire.PathV3Account
	wantV3Message(t, e.v3(http.MethodGet, path, nil, ""), http.StatusUnauthorized, "X-token is required")
	wantV3Message(t, e.v3(http.MethodGet, path, map[string]string{wire.HeaderV3XToken: e.token(asha)}, ""), http.StatusBadRequest, "Invalid X-token")
	wantV3Message(t, e.v3(http.MethodGet, path, map[string]string{wire.HeaderV3XToken: "Bearer"}, ""), http.StatusBadRequest, "Invalid X-token")
	wantV3Nested(t, e.v3(http.MethodGet, path, withX("eyJ.unknown.token"), ""), http.StatusUnauthorized, "ABDM-1158", "Invalid X-Token")
	// Header names are case-insensitive; the Bearer scheme too.
	if r := e.v3(http.MethodGet, path, map[string]string{"x-TOKEN": "bearer " + e.token(asha)}, ""); r.status != http.StatusOK {
		t.Errorf("x-TOKEN: %d %s", r.status, r.body)
	}
	// A deactivated account's token is expired on v3 (v2 says HIS-1007).
	wantV3Message(t, e.v3(http.MethodGet, path, withX(e.token(meena)), ""), http.StatusUnauthorized, "X-token expired")
	tok := e.token(asha)
	e.sb.Advance(31 * time.Minute)
	e.access = ""
	wantV3Message(t, e.v3(http.MethodGet, path, withX(tok), ""), http.StatusUnauthorized, "X-token expired")
}

func TestProfilePhotos(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seen := map[string]bool{}
	for i := range e.sb.Accounts() {
		r := e.hid(http.MethodGet, wire.PathProfile, e.token(i), "")
		if i == meena {
			continue // deactivated: no v2 profile
		}
		var p wire.Profile
		decode(t, r, &p)
		raw, err := base64.StdEncoding.DecodeString(p.ProfilePhoto)
		if err != nil {
			t.Fatalf("%s: photo not base64: %v", p.Name, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: photo not a JPEG: %v", p.Name, err)
		}
		if b := img.Bounds(); b.Dx() != 96 || b.Dy() != 96 {
			t.Errorf("%s: photo %v", p.Name, b)
		}
		// Corner: the background; centre of the head: lighter.
		cr, cg, cb, _ := img.At(2, 2).RGBA()
		hr, hg, hb, _ := img.At(48, 37).RGBA()
		if hr+hg+hb <= cr+cg+cb {
			t.Errorf("%s: the head is not lighter than the background", p.Name)
		}
		if seen[p.ProfilePhoto] {
			t.Errorf("%s: same photo as another account", p.Name)
		}
		seen[p.ProfilePhoto] = true
	}
	// Deterministic: another server sends the same photos.
	other := newEnv(t)
	var a, b wire.Profile
	decode(t, e.hid(http.MethodGet, wire.PathProfile, e.token(rahul), ""), &a)
	decode(t, other.hid(http.MethodGet, wire.PathProfile, other.token(rahul), ""), &b)
	if a.ProfilePhoto != b.ProfilePhoto || len(a.ProfilePhoto) > 8000 {
		t.Errorf("photo differs between servers or is large (%d bytes)", len(a.ProfilePhoto))
	}
}
