package abdm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// LoginMethod is how the patient signs in to give this tool their token.
type LoginMethod string

// The ways a patient can sign in. LoginPastedToken means staff pasted a token
// the patient obtained elsewhere.
const (
	LoginAadhaarOTP  LoginMethod = wire.AuthMethodAadhaarOTP // OTP to the Aadhaar-linked mobile
	LoginMobileOTP   LoginMethod = wire.AuthMethodMobileOTP  // OTP to the ABHA's own mobile
	LoginPastedToken LoginMethod = "X_TOKEN"
)

// Account is what a search tells about an ABHA before anyone signs in.
type Account struct {
	Name        string
	ABHANumber  string // 91-1234-5678-9012
	ABHAAddress string
	Status      string // ACTIVE, DEACTIVATED, ...
	AuthMethods []string
}

// Active reports whether the ABHA is active.
func (a Account) Active() bool { return strings.EqualFold(a.Status, "ACTIVE") }

// MaskedABHANumber is the ABHA number with all but its last four digits hidden.
func (a Account) MaskedABHANumber() string { return MaskABHANumber(a.ABHANumber) }

// PatientToken is the patient's X-Token from a sign-in and when it expires.
type PatientToken struct {
	Token     string
	ExpiresAt time.Time
}

// ErrABHAFormat is returned, before any call, for input that is neither a
// 14-digit ABHA number nor an ABHA address.
var ErrABHAFormat = errors.New("enter the 14-digit ABHA number (for example 91-1234-5678-9012) or the ABHA address (for example name@abdm)")

// ParseABHA checks what staff typed to find a patient: a 14-digit ABHA
// number, hyphens and spaces optional (returned as 91-1234-5678-9012), or an
// ABHA address such as name@abdm (returned trimmed and in lower case).
func ParseABHA(s string) (string, error) {
	s = strings.TrimSpace(s)
	compact := strings.NewReplacer("-", "", " ", "").Replace(s)
	if compact != "" && strings.Trim(compact, "0123456789") == "" {
		if len(compact) != 14 {
			return "", ErrABHAFormat
		}
		return FormatABHANumber(compact), nil
	}
	if at := strings.IndexByte(s, '@'); at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t/\\\"'") {
		return strings.ToLower(s), nil
	}
	return "", ErrABHAFormat
}

// Search looks an ABHA up by number or address (searchByHealthId). It needs
// no patient token.
func (c *Client) Search(ctx context.Context, abha string) (Account, error) {
	const op = "look up the ABHA"
	id, err := ParseABHA(abha)
	if err != nil {
		return Account{}, err
	}
	rep, err := c.do(ctx, call{op: op, method: http.MethodPost, url: c.endpoints.HealthID + wire.PathSearchByHealthID,
		body: wire.SearchRequest{HealthID: id}, auth: true})
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
		ABHAAddress: r.HealthID, Status: strings.ToUpper(strings.TrimSpace(r.Status)), AuthMethods: r.AuthMethods}, nil
}

// StartLogin asks ABDM to send the patient a sign-in OTP (/v2/auth/init).
func (c *Client) StartLogin(ctx context.Context, abha string, method LoginMethod) (SentOTP, error) {
	const op = "start the patient's sign-in"
	id, err := ParseABHA(abha)
	if err != nil {
		return SentOTP{}, err
	}
	if method != LoginAadhaarOTP && method != LoginMobileOTP {
		return SentOTP{}, errors.New(op + ": unknown sign-in method " + string(method))
	}
	rep, err := c.do(ctx, call{op: op, method: http.MethodPost, url: c.endpoints.HealthID + wire.PathAuthInit,
		body: wire.AuthInitRequest{AuthMethod: string(method), HealthID: id}, auth: true})
	if err != nil {
		return SentOTP{}, err
	}
	return decodeTxn(op, rep)
}

// loginConfirmPath is the v1 confirm call of each sign-in method. These
// calls take the OTP as plain digits, unlike the v2 deactivate call, which
// takes it encrypted: ConfirmLogin is the one place that sends an OTP in
// the clear (over TLS), and its test pins that down.
var loginConfirmPath = map[LoginMethod]string{
	LoginAadhaarOTP: wire.PathConfirmAadhaarOTP,
	LoginMobileOTP:  wire.PathConfirmMobileOTP,
}

// ConfirmLogin completes a sign-in with the OTP the patient received and
// returns their X-Token, which front ends keep in memory only.
func (c *Client) ConfirmLogin(ctx context.Context, method LoginMethod, txnID, otp string) (PatientToken, error) {
	const op = "confirm the patient's sign-in"
	path, ok := loginConfirmPath[method]
	if !ok {
		return PatientToken{}, errors.New(op + ": unknown sign-in method " + string(method))
	}
	otp = strings.TrimSpace(otp)
	if !isOTP(otp) {
		return PatientToken{}, ErrOTPFormat
	}
	c.addSecret(otp)
	rep, err := c.do(ctx, call{op: op, method: http.MethodPost, url: c.endpoints.HealthID + path,
		body: wire.ConfirmOTPRequest{OTP: otp, TxnID: txnID}, auth: true})
	if err != nil {
		return PatientToken{}, err
	}
	var r wire.JwtResponse
	if err := decode(op, rep, &r); err != nil {
		return PatientToken{}, err
	}
	tok := NormalizeToken(r.Token)
	if checkToken(tok) != nil {
		return PatientToken{}, &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply has no token"}
	}
	c.addSecret(tok)
	c.addSecret(r.RefreshToken)
	life := time.Duration(r.ExpiresIn) * time.Second
	if life <= 0 {
		life = 30 * time.Minute
	}
	return PatientToken{Token: tok, ExpiresAt: c.now().Add(life)}, nil
}
