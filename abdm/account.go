package abdm

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// Profile is who a patient token belongs to.
type Profile struct {
	Name         string // full name as ABDM holds it
	ABHANumber   string // 14 digits, as 91-1234-5678-9012
	ABHAAddress  string // e.g. name@abdm
	MaskedMobile string // e.g. XXXXXX2125, empty if none
	Gender       string // as ABDM sends it: M, F, O, T (see GenderWord)
	YearOfBirth  string
	Status       string // ACTIVE or DEACTIVATED, as ABDM reports it
	// Photo is the profile photo (JPEG or PNG bytes) when ABDM sends one,
	// for staff to check the person in front of them. Never logged.
	Photo []byte
}

// MaskedABHANumber is the ABHA number with all but its last four digits hidden.
func (p Profile) MaskedABHANumber() string { return MaskABHANumber(p.ABHANumber) }

// GenderWord is the gender in plain English: "Female", "Male", "Other" or ""
// when ABDM sent none.
func (p Profile) GenderWord() string {
	switch strings.ToUpper(strings.TrimSpace(p.Gender)) {
	case "F", "FEMALE":
		return "Female"
	case "M", "MALE":
		return "Male"
	case "":
		return ""
	}
	return "Other"
}

// maxPhotoBytes bounds a profile photo this tool keeps (ABDM's are a few KiB).
const maxPhotoBytes = 512 << 10

// newProfile builds a Profile from the fields both generations send.
func newProfile(name, first, middle, last, number, address, mobile, gender, year, photo, status string) Profile {
	name = strings.TrimSpace(name)
	if name == "" {
		name = strings.Join(strings.Fields(first+" "+middle+" "+last), " ")
	}
	masked := ""
	if mobile != "" {
		masked = MaskMobile(mobile)
	}
	return Profile{Name: name, ABHANumber: FormatABHANumber(number), ABHAAddress: address, MaskedMobile: masked,
		Gender: strings.TrimSpace(gender), YearOfBirth: strings.TrimSpace(year), Photo: decodePhoto(photo),
		Status: strings.ToUpper(strings.TrimSpace(status))}
}

// decodePhoto reads a base64 photo (a data: URL prefix allowed); anything
// unreadable or too large is no photo.
func decodePhoto(s string) []byte {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ";base64,"); strings.HasPrefix(s, "data:") && i > 0 {
		s = s[i+len(";base64,"):]
	}
	if s == "" || len(s) > maxPhotoBytes*4/3+4 {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return nil
		}
	}
	return b
}

// OTPMethod says where an OTP that confirms a change (deactivation,
// reactivation) is sent.
type OTPMethod string

// The two ways ABDM can confirm a change.
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
// the client encrypts. v2 sends each reason's code, v3 its English label.
type DeactivateRequest struct {
	Method  OTPMethod
	TxnID   string
	OTP     string
	Reasons []Reason
}

// Profile reads who xToken belongs to. It is read-only, so it also tells
// whether an account is still active.
func (c *Client) Profile(ctx context.Context, xToken string) (Profile, error) {
	if err := checkToken(xToken); err != nil {
		return Profile{}, err
	}
	c.addSecret(xToken)
	return c.api.profile(ctx, xToken)
}

// RequestOTP asks ABDM to send a deactivation OTP by method for the patient
// p whose token xToken is, and returns the transaction it opened.
func (c *Client) RequestOTP(ctx context.Context, xToken string, p Profile, method OTPMethod) (SentOTP, error) {
	if err := checkToken(xToken); err != nil {
		return SentOTP{}, err
	}
	if method != OTPAadhaar && method != OTPMobile {
		return SentOTP{}, errors.New("request OTP: unknown OTP method " + string(method))
	}
	c.addSecret(xToken)
	return c.api.requestOTP(ctx, xToken, p, method)
}

// Deactivate deactivates the ABHA of p, whose token xToken is. It is
// irreversible from this tool and is never retried once the request has been
// written: if the reply is lost, the error is of KindOutcomeUnknown.
func (c *Client) Deactivate(ctx context.Context, xToken string, p Profile, req DeactivateRequest) error {
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
	return c.api.deactivate(ctx, xToken, p, req)
}

// Status tells whether the ABHA of p is active, with the patient's token
// when there is one: the profile call. When the token no longer works (it
// expired, or ABDM ended it with the deactivation), it asks by ABHA number
// instead (see StatusByNumber).
func (c *Client) Status(ctx context.Context, xToken string, p Profile) (AccountStatus, error) {
	if checkToken(xToken) == nil {
		c.addSecret(xToken)
		prof, err := c.api.profile(ctx, xToken)
		switch {
		case err == nil && prof.Status == wire.V3StatusDeactivated:
			return StatusDeactivated, nil
		case err == nil:
			return StatusActive, nil
		case IsKind(err, KindAccountInactive):
			return StatusDeactivated, nil
		case !IsKind(err, KindPatientToken) || p.ABHANumber == "":
			return 0, err
		}
		c.log.Info("the patient's token no longer works; asking for the status by ABHA number")
	}
	return c.StatusByNumber(ctx, p.ABHANumber)
}

// StatusByNumber tells whether an ABHA is active without the patient's
// token. v2 searches it (read-only); v3 has no such search, so it asks for a
// sign-in OTP, which ABDM refuses at once for a deactivated ABHA: an active
// patient receives an OTP they may ignore.
func (c *Client) StatusByNumber(ctx context.Context, abhaNumber string) (AccountStatus, error) {
	if strings.TrimSpace(abhaNumber) == "" {
		return 0, errors.New("check the status: the ABHA number is not known")
	}
	return c.api.statusByNumber(ctx, abhaNumber)
}

// Default lifetimes of patient tokens when ABDM does not send expiresIn.
const (
	patientTokenLife  = 30 * time.Minute
	transferTokenLife = 300 * time.Second
)

// newPatientToken records a token ABDM handed out and when it expires
// (expiresIn seconds, else fallback).
func (c *Client) newPatientToken(token string, expiresIn int64, fallback time.Duration) PatientToken {
	tok := NormalizeToken(token)
	c.addSecret(tok)
	life := time.Duration(expiresIn) * time.Second
	if life <= 0 {
		life = fallback
	}
	return PatientToken{Token: tok, ExpiresAt: c.now().Add(life)}
}

// patientToken reads a {token, expiresIn, refreshToken} reply.
func (c *Client) patientToken(op string, rep reply) (PatientToken, error) {
	var r wire.JwtResponse
	if err := decode(op, rep, &r); err != nil {
		return PatientToken{}, err
	}
	c.addSecret(r.RefreshToken)
	tok := c.newPatientToken(r.Token, r.ExpiresIn, patientTokenLife)
	if checkToken(tok.Token) != nil {
		return PatientToken{}, &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply has no token"}
	}
	return tok, nil
}

// decodeTxn reads the reply to a v2 call that sends an OTP.
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
