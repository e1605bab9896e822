package abdm

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"abha-deactivate/abdm/wire"
)

// v2API is the legacy generation: the v0.5 gateway session and the v1/v2
// HealthID service (DESIGN.md section 2). X-HIP-ID on every call, X-Token
// for the patient, RSA PKCS#1 v1.5 for encrypted OTPs, the v1 sign-in calls
// with the OTP in plain digits.
type v2API struct{ c *Client }

func (v v2API) url(path string) string { return v.c.endpoints.HealthID + path }

func (v v2API) decorate(h http.Header, cl call) {
	if cl.auth {
		h.Set(wire.HeaderHIPID, v.c.creds.HIPID)
	}
	if cl.xToken != "" {
		h.Set(wire.HeaderXToken, "Bearer "+cl.xToken)
	}
}

func (v v2API) sessionCall(creds Credentials, refresh string) call {
	req := wire.SessionRequest{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, GrantType: wire.GrantClientCreds}
	if refresh != "" {
		req.GrantType, req.RefreshToken = wire.GrantRefreshToken, refresh
	}
	return call{op: "open gateway session", method: http.MethodPost,
		url: v.c.endpoints.Gateway + wire.PathSessions, body: req, session: true}
}

func (v v2API) refreshes() bool { return true }

func (v v2API) keyCall() call {
	return call{op: "get ABDM public key", method: http.MethodGet, url: v.url(wire.PathCert), auth: true}
}

func (v v2API) parseKey(body []byte) (*rsa.PublicKey, error) { return ParsePublicKey(body) }

func (v v2API) encrypt(key *rsa.PublicKey, plaintext string) (string, error) {
	return EncryptWithKey(key, plaintext)
}

// ErrMobileNeedsV3 is returned, before any call, when a v2 client is asked to
// sign a patient in by mobile number.
var ErrMobileNeedsV3 = errors.New("signing in with a mobile number needs ABDM's current APIs (v3): enter the ABHA number or ABHA address, or choose API generation v3")

func (v v2API) lookUp(ctx context.Context, id PatientID) (Account, error) {
	const op = "look up the ABHA"
	if id.Kind == IDMobile {
		return Account{}, ErrMobileNeedsV3
	}
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(wire.PathSearchByHealthID),
		body: wire.SearchRequest{HealthID: id.Value}, auth: true})
	if err != nil {
		return Account{}, err
	}
	var r wire.SearchResponse
	if err := decode(op, rep, &r); err != nil {
		return Account{}, err
	}
	if r.HealthIDNumber == "" && r.HealthID == "" {
		return Account{}, &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply names no ABHA"}
	}
	return Account{Name: strings.TrimSpace(r.Name), ABHANumber: FormatABHANumber(r.HealthIDNumber),
		ABHAAddress: r.HealthID, Status: strings.ToUpper(strings.TrimSpace(r.Status)), AuthMethods: r.AuthMethods,
		Known: true, Via: id}, nil
}

func (v v2API) startSignIn(ctx context.Context, a Account, method LoginMethod) (SentOTP, error) {
	const op = "start the patient's sign-in"
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(wire.PathAuthInit),
		body: wire.AuthInitRequest{AuthMethod: string(method), HealthID: a.id()}, auth: true, sendsOTP: true})
	if err != nil {
		return SentOTP{}, err
	}
	return decodeTxn(op, rep)
}

// v2ConfirmPath is the v1 confirm call of each sign-in method. These calls
// take the OTP as plain digits, unlike the v2 deactivate call, which takes it
// encrypted: finishSignIn is the one place that sends an OTP in the clear
// (over TLS), and its test pins that down.
var v2ConfirmPath = map[LoginMethod]string{
	LoginAadhaarOTP: wire.PathConfirmAadhaarOTP,
	LoginMobileOTP:  wire.PathConfirmMobileOTP,
}

func (v v2API) finishSignIn(ctx context.Context, _ Account, method LoginMethod, txnID, otp string) (signedIn, error) {
	const op = "confirm the patient's sign-in"
	path, ok := v2ConfirmPath[method]
	if !ok {
		return signedIn{}, errors.New(op + ": unknown sign-in method " + string(method))
	}
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(path),
		body: wire.ConfirmOTPRequest{OTP: otp, TxnID: txnID}, auth: true})
	if err != nil {
		return signedIn{}, err
	}
	tok, err := v.c.patientToken(op, rep)
	return signedIn{token: tok}, err
}

func (v v2API) chooseAccount(context.Context, string, string, string) (PatientToken, error) {
	return PatientToken{}, ErrMobileNeedsV3 // v2 has no mobile sign-in, so nothing to choose
}

func (v v2API) profile(ctx context.Context, xToken string) (Profile, error) {
	const op = "read patient profile"
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodGet, url: v.url(wire.PathProfile), auth: true, xToken: xToken})
	if err != nil {
		return Profile{}, err
	}
	var p wire.Profile
	if err := decode(op, rep, &p); err != nil {
		return Profile{}, err
	}
	if p.HealthIDNumber == "" && p.HealthID == "" {
		return Profile{}, &Error{Op: op, Status: rep.status, Kind: KindBadReply,
			ABDMText: "the profile has neither an ABHA number nor an ABHA address"}
	}
	return newProfile(p.Name, p.FirstName, p.MiddleName, p.LastName, p.HealthIDNumber, p.HealthID,
		p.Mobile, p.Gender, p.YearOfBirth, p.ProfilePhoto, wire.StatusActive), nil
}

func (v v2API) requestOTP(ctx context.Context, xToken string, _ Profile, method OTPMethod) (SentOTP, error) {
	const op = "request OTP"
	path := wire.PathAadhaarOTP
	switch method {
	case OTPAadhaar:
	case OTPMobile:
		path = wire.PathMobileOTP
	default:
		return SentOTP{}, errors.New("request OTP: unknown OTP method " + string(method))
	}
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(path),
		body: struct{}{}, auth: true, xToken: xToken, sendsOTP: true})
	if err != nil {
		return SentOTP{}, err
	}
	return decodeTxn(op, rep)
}

// deactivate sends the v2 deactivation: the reason codes, the OTP encrypted
// with PKCS#1 v1.5; any 2xx is success whatever its body (204 has none).
func (v v2API) deactivate(ctx context.Context, xToken string, _ Profile, req DeactivateRequest) error {
	codes := make([]string, len(req.Reasons))
	for i, r := range req.Reasons {
		codes[i] = r.Code
	}
	return v.c.withFreshKey(ctx, func() error {
		enc, err := v.c.EncryptOTP(ctx, req.OTP)
		if err != nil {
			return err
		}
		_, err = v.c.do(ctx, call{op: "deactivate ABHA", method: http.MethodPost, url: v.url(wire.PathDeactivate),
			body: wire.DeactivateRequest{AuthMethod: string(req.Method), OTP: enc, Reasons: codes, TxnID: req.TxnID},
			auth: true, xToken: xToken, irreversible: true})
		return err
	})
}

// statusByNumber searches the ABHA: the search reports its status.
func (v v2API) statusByNumber(ctx context.Context, abhaNumber string) (AccountStatus, error) {
	id, err := ParsePatientID(abhaNumber)
	if err != nil {
		return 0, err
	}
	a, err := v.lookUp(ctx, id)
	if err != nil {
		return 0, err
	}
	return a.status(), nil
}

func (v v2API) startReactivation(ctx context.Context, a Account, method OTPMethod) (SentOTP, error) {
	const op = "request the reactivation OTP"
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(wire.PathReactivateInit),
		body: wire.ReactivateInitRequest{AuthMethod: string(method), HealthID: a.id()}, auth: true, sendsOTP: true})
	if err != nil {
		return SentOTP{}, err
	}
	return decodeTxn(op, rep)
}

// reactivate confirms with the OTP encrypted as for deactivate. Any 2xx is
// success; its JwtResponse signs the patient in when it can be read.
func (v v2API) reactivate(ctx context.Context, _ Account, method OTPMethod, txnID, otp string) (PatientToken, error) {
	const op = "reactivate ABHA"
	var rep reply
	err := v.c.withFreshKey(ctx, func() error {
		enc, err := v.c.EncryptOTP(ctx, otp)
		if err != nil {
			return err
		}
		rep, err = v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(wire.PathReactivate),
			body: wire.ReactivateRequest{AuthMethod: string(method), OTP: enc, TxnID: txnID}, auth: true, irreversible: true})
		return err
	})
	if err != nil {
		return PatientToken{}, err
	}
	tok, err := v.c.patientToken(op, rep)
	if err != nil {
		v.c.log.WithError(err).Info("reactivated, but the reply carries no usable token")
		return PatientToken{}, nil
	}
	return tok, nil
}

// EncryptWithKey encrypts plaintext with RSA PKCS#1 v1.5 (v2's
// RSA/ECB/PKCS1Padding) and returns it as standard base64 with padding.
func EncryptWithKey(key *rsa.PublicKey, plaintext string) (string, error) {
	//lint:ignore SA1019 ABDM's v2 API requires RSA/ECB/PKCS1Padding; OAEP is not accepted there.
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, key, []byte(plaintext))
	if err != nil {
		return "", fmt.Errorf("encrypt: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}
