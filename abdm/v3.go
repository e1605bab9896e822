package abdm

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"abha-deactivate/abdm/wire"
)

// v3API is the current generation: ABDM's ABHA v3 APIs (ABDM-V3.md). Every
// call carries REQUEST-ID and TIMESTAMP, the session call X-CM-ID; the
// patient's token goes as "X-token: Bearer ..."; every OTP and ID sent is
// encrypted with RSA-OAEP-SHA1. No X-HIP-ID is sent.
type v3API struct{ c *Client }

func (v v3API) url(path string) string { return v.c.endpoints.HealthID + path }

func (v v3API) decorate(h http.Header, cl call) {
	h.Set(wire.HeaderRequestID, newUUID())
	h.Set(wire.HeaderTimestamp, v.c.now().UTC().Format(wire.TimestampLayout))
	if cl.session {
		h.Set(wire.HeaderCMID, v.c.endpoints.CMID)
	}
	if cl.xToken != "" {
		h.Set(wire.HeaderV3XToken, "Bearer "+cl.xToken)
	}
	if cl.tToken != "" {
		h.Set(wire.HeaderTToken, "Bearer "+cl.tToken)
	}
}

// sessionCall always uses client credentials: no v3 refresh grant is
// documented, so the session is renewed by a new login before it expires.
func (v v3API) sessionCall(creds Credentials, _ string) call {
	return call{op: "open gateway session", method: http.MethodPost, url: v.c.endpoints.Gateway + wire.PathV3Sessions,
		body:    wire.V3SessionRequest{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, GrantType: wire.GrantClientCreds},
		session: true}
}

func (v v3API) refreshes() bool { return false }

func (v v3API) keyCall() call {
	return call{op: "get ABDM public key", method: http.MethodGet, url: v.url(wire.PathV3Certificate), auth: true}
}

// parseKey reads {"publicKey","encryptionAlgorithm"} and refuses an
// algorithm this client does not know (an absent one is taken as the
// documented OAEP-SHA1).
func (v v3API) parseKey(body []byte) (*rsa.PublicKey, error) {
	var cert wire.V3Certificate
	if err := json.Unmarshal(body, &cert); err != nil || strings.TrimSpace(cert.PublicKey) == "" {
		return nil, errors.New("the certificate reply is not JSON with a publicKey")
	}
	if alg := strings.TrimSpace(cert.EncryptionAlgorithm); alg != "" && !strings.EqualFold(alg, wire.EncryptionOAEPSHA1) {
		return nil, fmt.Errorf("ABDM asks for encryption %q, which this app does not know", alg)
	}
	return parseKeyText([]byte(cert.PublicKey))
}

func (v v3API) encrypt(key *rsa.PublicKey, plaintext string) (string, error) {
	return EncryptOAEP(key, plaintext)
}

// EncryptOAEP encrypts plaintext with RSA-OAEP, SHA-1 and MGF1-SHA-1, empty
// label (v3's RSA/ECB/OAEPWithSHA-1AndMGF1Padding), as standard base64.
func EncryptOAEP(key *rsa.PublicKey, plaintext string) (string, error) {
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, []byte(plaintext), nil)
	if err != nil {
		return "", fmt.Errorf("encrypt: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// ErrAddressNeedsV2 is returned, before any call, when a v3 client is asked
// to sign a patient in by ABHA address.
var ErrAddressNeedsV2 = errors.New("with ABDM's v3 APIs, enter the 14-digit ABHA number or the patient's mobile number (sign-in by ABHA address is not offered)")

// lookUp makes no call: v3 has no search by ABHA number. The account is
// known only by what staff typed until the patient signs in.
func (v v3API) lookUp(_ context.Context, id PatientID) (Account, error) {
	switch id.Kind {
	case IDAddress:
		return Account{}, ErrAddressNeedsV2
	case IDMobile:
		return Account{Via: id, Mobile: MaskMobile(id.Value)}, nil
	}
	return Account{Via: id, ABHANumber: id.Value}, nil
}

// signInScope is the scope, login hint and OTP system of a sign-in.
func signInScope(a Account, method LoginMethod, extra ...string) (scope []string, hint, system string) {
	switch {
	case a.Via.Kind == IDMobile:
		scope, hint, system = []string{wire.ScopeABHALogin, wire.ScopeMobileVerify}, wire.LoginHintMobile, wire.OTPSystemABDM
	case method == LoginMobileOTP:
		scope, hint, system = []string{wire.ScopeABHALogin, wire.ScopeMobileVerify}, wire.LoginHintABHANumber, wire.OTPSystemABDM
	default:
		scope, hint, system = []string{wire.ScopeABHALogin, wire.ScopeAadhaarVerify}, wire.LoginHintABHANumber, wire.OTPSystemAadhaar
	}
	return append(scope, extra...), hint, system
}

// loginID is what a v3 OTP request names: the mobile for a mobile sign-in,
// else the ABHA number with its dashes.
func loginID(a Account) string {
	if a.Via.Kind == IDMobile {
		return a.Via.Value
	}
	return FormatABHANumber(a.ABHANumber)
}

// requestOTPAt asks for an OTP at path with the encrypted loginId.
func (v v3API) requestOTPAt(ctx context.Context, op, path, xToken, id string, scope []string, hint, system string) (SentOTP, error) {
	var rep reply
	err := v.c.withFreshKey(ctx, func() error {
		enc, err := v.c.EncryptOTP(ctx, id)
		if err != nil {
			return err
		}
		rep, err = v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(path), auth: true, xToken: xToken, sendsOTP: true,
			body: wire.V3OTPRequest{Scope: scope, LoginHint: hint, LoginID: enc, OTPSystem: system}})
		return err
	})
	if err != nil {
		return SentOTP{}, err
	}
	var r wire.V3TxnResponse
	if err := decode(op, rep, &r); err != nil {
		return SentOTP{}, err
	}
	if strings.TrimSpace(r.TxnID) == "" {
		return SentOTP{}, &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply has no txnId"}
	}
	return SentOTP{TxnID: r.TxnID, MaskedMobile: maskedFromMessage(r.Message)}, nil
}

// trailingDigits finds the visible end of a masked number in ABDM's message
// ("... ending with ******0161").
var trailingDigits = regexp.MustCompile(`[*Xx]*(\d{4})\b[^\d]*$`)

// maskedFromMessage turns "OTP is sent to ... ending with ******0161" into
// XXXXXX0161, or "" when the message names no number.
func maskedFromMessage(msg string) string {
	m := trailingDigits.FindStringSubmatch(strings.TrimSpace(msg))
	if m == nil {
		return ""
	}
	return "XXXXXX" + m[1]
}

func (v v3API) startSignIn(ctx context.Context, a Account, method LoginMethod) (SentOTP, error) {
	scope, hint, system := signInScope(a, method)
	return v.requestOTPAt(ctx, "start the patient's sign-in", wire.PathV3LoginRequestOTP, "", loginID(a), scope, hint, system)
}

// verify sends an OTP to a verify path and reads the reply: any authResult
// but success is a refusal (ABDM answers a wrong or expired OTP with HTTP
// 200). For an irreversible call, a 2xx whose body did not arrive whole
// leaves the outcome unknown.
func (v v3API) verify(ctx context.Context, cl call, scope []string, txnID, otp string, reasons []string) (wire.V3VerifyResponse, error) {
	cl.method, cl.auth = http.MethodPost, true
	var r wire.V3VerifyResponse
	err := v.c.withFreshKey(ctx, func() error {
		enc, err := v.c.EncryptOTP(ctx, otp)
		if err != nil {
			return err
		}
		cl.body = wire.V3VerifyRequest{Scope: scope, Reasons: reasons, AuthData: wire.V3AuthData{
			AuthMethods: []string{wire.AuthMethodOTP}, OTP: wire.V3OTP{TxnID: txnID, OTPValue: enc}}}
		rep, err := v.c.do(ctx, cl)
		if err != nil {
			return err
		}
		r, err = v.verifyReply(cl, rep)
		return err
	})
	return r, err
}

// verifyReply reads a verify call's reply: any authResult but success is a
// refusal; for an irreversible call, a reply that cannot be read leaves the
// outcome unknown.
func (v v3API) verifyReply(cl call, rep reply) (wire.V3VerifyResponse, error) {
	var r wire.V3VerifyResponse
	if rep.incomplete || decode(cl.op, rep, &r) != nil {
		if cl.irreversible {
			return r, &Error{Op: cl.op, Status: rep.status, Kind: KindOutcomeUnknown,
				ABDMText: "ABDM answered, but its reply could not be read"}
		}
		return r, &Error{Op: cl.op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply is not valid JSON"}
	}
	switch strings.ToLower(strings.TrimSpace(r.AuthResult)) {
	case wire.AuthResultSuccess:
		v.c.addSecret(r.Token)
		v.c.addSecret(r.RefreshToken)
		return r, nil
	case wire.AuthResultFailed:
		return r, &Error{Op: cl.op, Status: rep.status, Kind: KindWrongOTP, ABDMText: v.c.scrub(r.Message)}
	case "":
		if cl.irreversible {
			return r, &Error{Op: cl.op, Status: rep.status, Kind: KindOutcomeUnknown,
				ABDMText: "ABDM answered without saying whether it was done"}
		}
		return r, &Error{Op: cl.op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply has no authResult"}
	}
	return r, &Error{Op: cl.op, Status: rep.status, Kind: KindUnknown,
		ABDMText: v.c.scrub(strings.TrimSpace(r.AuthResult + ": " + r.Message))}
}

func (v v3API) finishSignIn(ctx context.Context, a Account, method LoginMethod, txnID, otp string) (signedIn, error) {
	const op = "confirm the patient's sign-in"
	scope, _, _ := signInScope(a, method)
	r, err := v.verify(ctx, call{op: op, url: v.url(wire.PathV3LoginVerify)}, scope, txnID, otp, nil)
	if err != nil {
		return signedIn{}, err
	}
	transfer := r.RefreshToken == "" && a.Via.Kind == IDMobile
	life := patientTokenLife
	if transfer {
		life = transferTokenLife
	}
	tok := v.c.newPatientToken(r.Token, r.ExpiresIn, life)
	if checkToken(tok.Token) != nil {
		return signedIn{}, &Error{Op: op, Kind: KindBadReply, ABDMText: "the reply has no token"}
	}
	accounts := make([]Account, 0, len(r.Accounts))
	for _, acc := range r.Accounts {
		accounts = append(accounts, v3Account(acc, a.Via))
	}
	if transfer {
		// A transfer token: the patient chooses one of the ABHAs on the mobile.
		return signedIn{transfer: tok, accounts: accounts}, nil
	}
	return signedIn{token: tok, accounts: accounts}, nil
}

func v3Account(acc wire.V3Account, via PatientID) Account {
	return Account{Name: strings.TrimSpace(acc.Name), ABHANumber: FormatABHANumber(acc.ABHANumber),
		ABHAAddress: acc.PreferredABHAAddress, Status: strings.ToUpper(strings.TrimSpace(acc.Status)), Known: true, Via: via}
}

func (v v3API) chooseAccount(ctx context.Context, transfer, txnID, abhaNumber string) (PatientToken, error) {
	const op = "sign in with the chosen ABHA"
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodPost, url: v.url(wire.PathV3LoginVerifyUser), auth: true,
		tToken: transfer, body: wire.V3VerifyUserRequest{ABHANumber: FormatABHANumber(abhaNumber), TxnID: txnID}})
	if err != nil {
		return PatientToken{}, err
	}
	return v.c.patientToken(op, rep)
}

func (v v3API) profile(ctx context.Context, xToken string) (Profile, error) {
	const op = "read patient profile"
	rep, err := v.c.do(ctx, call{op: op, method: http.MethodGet, url: v.url(wire.PathV3Account), auth: true, xToken: xToken})
	if err != nil {
		return Profile{}, err
	}
	var p wire.V3Profile
	if err := decode(op, rep, &p); err != nil {
		return Profile{}, err
	}
	if p.ABHANumber == "" {
		return Profile{}, &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the profile has no ABHA number"}
	}
	status := p.Status
	if status == "" {
		status = wire.V3StatusActive
	}
	return newProfile(p.Name, p.FirstName, p.MiddleName, p.LastName, p.ABHANumber, p.PreferredABHAAddress,
		p.Mobile, p.Gender, p.YearOfBirth, p.ProfilePhoto, status), nil
}

var deactivationScope = []string{wire.ScopeABHAProfile, wire.ScopeDeactivate}

// otpSystem is where a v3 OTP goes for an OTPMethod.
func otpSystem(m OTPMethod) string {
	if m == OTPMobile {
		return wire.OTPSystemABDM
	}
	return wire.OTPSystemAadhaar
}

func (v v3API) requestOTP(ctx context.Context, xToken string, p Profile, method OTPMethod) (SentOTP, error) {
	if p.ABHANumber == "" {
		return SentOTP{}, errors.New("request OTP: the patient's ABHA number is not known")
	}
	return v.requestOTPAt(ctx, "request OTP", wire.PathV3AccountRequestOTP, xToken, FormatABHANumber(p.ABHANumber),
		deactivationScope, wire.LoginHintABHANumber, otpSystem(method))
}

// deactivate sends v3's account/verify with the reasons as text (the English
// label of each), as v3 clients do; 200 with authResult success is done.
func (v v3API) deactivate(ctx context.Context, xToken string, _ Profile, req DeactivateRequest) error {
	labels := make([]string, len(req.Reasons))
	for i, r := range req.Reasons {
		labels[i] = r.English
		if strings.TrimSpace(labels[i]) == "" {
			labels[i] = r.Code
		}
	}
	_, err := v.verify(ctx, call{op: "deactivate ABHA", url: v.url(wire.PathV3AccountVerify), xToken: xToken, irreversible: true},
		deactivationScope, req.TxnID, req.OTP, labels)
	return err
}

// statusByNumber asks for a sign-in OTP to the ABHA's mobile: ABDM refuses a
// deactivated ABHA at once (ABDM-1134) and sends nothing; an active one gets
// the OTP, which the patient may ignore. v3 has no read-only look-up.
func (v v3API) statusByNumber(ctx context.Context, abhaNumber string) (AccountStatus, error) {
	a := Account{ABHANumber: FormatABHANumber(abhaNumber), Via: PatientID{Kind: IDNumber, Value: FormatABHANumber(abhaNumber)}}
	_, err := v.startSignIn(ctx, a, LoginMobileOTP)
	switch {
	case err == nil:
		return StatusActive, nil
	case IsKind(err, KindAccountInactive):
		return StatusDeactivated, nil
	}
	return 0, err
}

// reactivationScope is the scope of a v3 reactivation by method.
func reactivationScope(m OTPMethod) []string {
	verify := wire.ScopeAadhaarVerify
	if m == OTPMobile {
		verify = wire.ScopeMobileVerify
	}
	return []string{wire.ScopeABHALogin, verify, wire.ScopeReactivate}
}

// startReactivation asks at NHA's account/request/otp; two clients use
// login/request/otp with the same body instead (ABDM-V3.md section 5), so a
// 4xx that names the path or the scope is followed by one try there.
func (v v3API) startReactivation(ctx context.Context, a Account, method OTPMethod) (SentOTP, error) {
	const op = "request the reactivation OTP"
	id := FormatABHANumber(a.ABHANumber)
	scope := reactivationScope(method)
	sent, err := v.requestOTPAt(ctx, op, wire.PathV3AccountRequestOTP, "", id, scope, wire.LoginHintABHANumber, otpSystem(method))
	if err == nil || !namesPathOrScope(err) {
		return sent, err
	}
	v.c.log.WithError(err).Info("reactivation refused at account/request/otp; trying login/request/otp")
	return v.requestOTPAt(ctx, op, wire.PathV3LoginRequestOTP, "", id, scope, wire.LoginHintABHANumber, otpSystem(method))
}

// namesPathOrScope reports a refusal of the address or of the scope itself:
// 404/405, ABDM-1107, or a 4xx whose message is about the scope or path.
func namesPathOrScope(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Status < 400 || e.Status >= 500 || e.Status == http.StatusUnauthorized {
		return false
	}
	text := strings.ToLower(e.ABDMText)
	return e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed ||
		e.Code == wire.CodeV3BadScopes || strings.Contains(text, "scope") || strings.Contains(text, "path")
}

func (v v3API) reactivate(ctx context.Context, _ Account, method OTPMethod, txnID, otp string) (PatientToken, error) {
	r, err := v.verify(ctx, call{op: "reactivate ABHA", url: v.url(wire.PathV3LoginVerify), irreversible: true},
		reactivationScope(method), txnID, otp, nil)
	if err != nil {
		return PatientToken{}, err
	}
	return v.c.newPatientToken(r.Token, r.ExpiresIn, patientTokenLife), nil
}
