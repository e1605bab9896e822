package abdm

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"abha-deactivate/abdm/wire"
)

// Profile is who a patient token belongs to.
type Profile struct {
	Name         string // full name as ABDM holds it
	ABHANumber   string // 14 digits, as 91-1234-5678-9012
	ABHAAddress  string // e.g. name@abdm
	MaskedMobile string // e.g. XXXXXX2125, empty if none
	Gender       string
	YearOfBirth  string
}

// MaskedABHANumber is the ABHA number with all but its last four digits hidden.
func (p Profile) MaskedABHANumber() string { return MaskABHANumber(p.ABHANumber) }

// OTPMethod says where the deactivation OTP is sent.
type OTPMethod string

// The two ways ABDM can confirm a deactivation.
const (
	OTPAadhaar OTPMethod = wire.AuthMethodAadhaarOTP // to the mobile linked to the patient's Aadhaar
	OTPMobile  OTPMethod = wire.AuthMethodMobileOTP  // to the mobile linked to the ABHA
)

// SentOTP is ABDM's answer to an OTP request.
type SentOTP struct {
	TxnID        string
	MaskedMobile string // as ABDM reports it, e.g. XXXXXX2125
}

// DeactivateRequest is what Deactivate sends; OTP is the plain digits, which
// the client encrypts.
type DeactivateRequest struct {
	Method  OTPMethod
	TxnID   string
	OTP     string
	Reasons []string
}

// Profile reads who xToken belongs to (GET /v1/account/profile). It is
// read-only, so it also tells whether an account is still active.
func (c *Client) Profile(ctx context.Context, xToken string) (Profile, error) {
	const op = "read patient profile"
	if err := checkToken(xToken); err != nil {
		return Profile{}, err
	}
	c.addSecret(xToken)
	rep, err := c.do(ctx, call{op: op, method: http.MethodGet,
		url: c.endpoints.HealthID + wire.PathProfile, auth: true, xToken: xToken})
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
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = strings.Join(strings.Fields(p.FirstName+" "+p.MiddleName+" "+p.LastName), " ")
	}
	masked := ""
	if p.Mobile != "" {
		masked = MaskMobile(p.Mobile)
	}
	return Profile{Name: name, ABHANumber: FormatABHANumber(p.HealthIDNumber), ABHAAddress: p.HealthID,
		MaskedMobile: masked, Gender: p.Gender, YearOfBirth: p.YearOfBirth}, nil
}

// RequestOTP asks ABDM to send a deactivation OTP by method and returns the
// transaction it opened.
func (c *Client) RequestOTP(ctx context.Context, xToken string, method OTPMethod) (SentOTP, error) {
	const op = "request OTP"
	if err := checkToken(xToken); err != nil {
		return SentOTP{}, err
	}
	path := wire.PathAadhaarOTP
	switch method {
	case OTPAadhaar:
	case OTPMobile:
		path = wire.PathMobileOTP
	default:
		return SentOTP{}, errors.New("request OTP: unknown OTP method " + string(method))
	}
	c.addSecret(xToken)
	rep, err := c.do(ctx, call{op: op, method: http.MethodPost, url: c.endpoints.HealthID + path,
		body: struct{}{}, auth: true, xToken: xToken})
	if err != nil {
		return SentOTP{}, err
	}
	return decodeTxn(op, rep)
}

// decodeTxn reads the reply to a call that sends an OTP.
func decodeTxn(op string, rep reply) (SentOTP, error) {
	var r wire.TxnResponse
	if err := decode(op, rep, &r); err != nil {
		return SentOTP{}, err
	}
	if strings.TrimSpace(r.TxnID) == "" {
		return SentOTP{}, &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply has no txnId"}
	}
	return SentOTP{TxnID: r.TxnID, MaskedMobile: r.MobileNumber}, nil
}

// Deactivate deactivates the ABHA that xToken belongs to. It is irreversible
// from this tool and is never retried once the request has been written: if
// the reply is lost, the error is of KindOutcomeUnknown.
func (c *Client) Deactivate(ctx context.Context, xToken string, req DeactivateRequest) error {
	const op = "deactivate ABHA"
	if err := checkToken(xToken); err != nil {
		return err
	}
	if req.Method == "" {
		req.Method = OTPAadhaar
	}
	if len(req.Reasons) == 0 {
		return ErrNoReason
	}
	c.addSecret(xToken)
	c.addSecret(req.OTP)
	enc, err := c.EncryptOTP(ctx, req.OTP)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{op: op, method: http.MethodPost, url: c.endpoints.HealthID + wire.PathDeactivate,
		body: wire.DeactivateRequest{AuthMethod: string(req.Method), OTP: enc, Reasons: req.Reasons, TxnID: req.TxnID},
		auth: true, xToken: xToken, irreversible: true})
	return err
}

// NormalizeToken trims a pasted patient token and drops a "Bearer " prefix.
func NormalizeToken(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	return s
}

// ErrTokenFormat is returned for a patient token that is empty or contains spaces.
var ErrTokenFormat = errors.New("the patient token is empty or has spaces in it; paste it again")

func checkToken(t string) error {
	if t == "" || strings.ContainsAny(t, " \t\r\n") {
		return ErrTokenFormat
	}
	return nil
}
