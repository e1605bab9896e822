package abdm

import (
	"context"
	"errors"
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
	LoginMobileOTP   LoginMethod = wire.AuthMethodMobileOTP  // OTP to the ABHA's own mobile (or, v3, to the mobile number typed)
	LoginPastedToken LoginMethod = "X_TOKEN"
)

// IDKind says what staff typed to find a patient.
type IDKind int

// The kinds of patient identifier.
const (
	IDNumber  IDKind = iota + 1 // a 14-digit ABHA number
	IDAddress                   // an ABHA address such as name@abdm (v2)
	IDMobile                    // a 10-digit mobile number (v3 sign-in by mobile)
)

// PatientID is what staff typed to find a patient, checked and normalised:
// an ABHA number as 91-1234-5678-9012, an ABHA address in lower case, or a
// mobile number as its 10 digits.
type PatientID struct {
	Kind  IDKind
	Value string
}

// Account is what is known of an ABHA before the patient has signed in: from
// a v2 search, from a v3 sign-in answer, or only what staff typed.
type Account struct {
	Name        string
	ABHANumber  string // 91-1234-5678-9012; empty when found by mobile number and not chosen yet
	ABHAAddress string
	Status      string // ACTIVE, DEACTIVATED, ...; empty when not known
	AuthMethods []string
	Mobile      string // masked; set when the patient is found by mobile number
	// Known is true when ABDM confirmed the ABHA (a search or a sign-in
	// answer) and Name and Status are ABDM's; false when only what staff
	// typed is known (v3 has no search).
	Known bool
	Via   PatientID // what staff typed
}

// Active reports whether the ABHA is known to be active.
func (a Account) Active() bool { return strings.EqualFold(a.Status, wire.StatusActive) }

// Deactivated reports whether ABDM said the ABHA is not active.
func (a Account) Deactivated() bool { return a.Known && a.Status != "" && !a.Active() }

// MaskedABHANumber is the ABHA number with all but its last four digits hidden.
func (a Account) MaskedABHANumber() string { return MaskABHANumber(a.ABHANumber) }

// id is the ABHA number, else the address, to name the account in a call.
func (a Account) id() string {
	if a.ABHANumber != "" {
		return a.ABHANumber
	}
	if a.ABHAAddress != "" {
		return a.ABHAAddress
	}
	return a.Via.Value
}

// status is the account's status as an AccountStatus.
func (a Account) status() AccountStatus {
	if a.Active() {
		return StatusActive
	}
	return StatusDeactivated
}

// PatientToken is the patient's X-Token from a sign-in and when it expires.
type PatientToken struct {
	Token     string
	ExpiresAt time.Time
}

// ErrABHAFormat is returned, before any call, for input that is neither a
// 14-digit ABHA number nor an ABHA address.
var ErrABHAFormat = errors.New("enter the 14-digit ABHA number (for example 91-1234-5678-9012) or the ABHA address (for example name@abdm)")

// ErrPatientIDFormat is returned, before any call, for input that is not an
// ABHA number, an ABHA address or a mobile number.
var ErrPatientIDFormat = errors.New("enter the 14-digit ABHA number (for example 91-1234-5678-9012), the ABHA address (for example name@abdm) or the patient's 10-digit mobile number")

// ParseABHA checks an ABHA number or address: a 14-digit ABHA number,
// hyphens and spaces optional (returned as 91-1234-5678-9012), or an ABHA
// address such as name@abdm (returned trimmed and in lower case).
func ParseABHA(s string) (string, error) {
	id, err := ParsePatientID(s)
	if err != nil || id.Kind == IDMobile {
		return "", ErrABHAFormat
	}
	return id.Value, nil
}

// ParsePatientID checks what staff typed to find a patient: a 14-digit ABHA
// number, an ABHA address, or a 10-digit Indian mobile number (with an
// optional +91, 91 or 0 in front). Hyphens and spaces are ignored in numbers.
func ParsePatientID(s string) (PatientID, error) {
	s = strings.TrimSpace(s)
	compact := strings.NewReplacer("-", "", " ", "").Replace(s)
	if rest, plus := strings.CutPrefix(compact, "+"); plus {
		if !strings.HasPrefix(rest, "91") || len(rest) != 12 {
			return PatientID{}, ErrPatientIDFormat
		}
		compact = rest
	}
	if compact != "" && strings.Trim(compact, "0123456789") == "" {
		return parseNumberID(compact)
	}
	if at := strings.IndexByte(s, '@'); at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t/\\\"'") {
		return PatientID{Kind: IDAddress, Value: strings.ToLower(s)}, nil
	}
	return PatientID{}, ErrPatientIDFormat
}

// parseNumberID reads digits: a 14-digit ABHA number, or a 10-digit mobile
// number with an optional 91 or 0 in front.
func parseNumberID(compact string) (PatientID, error) {
	switch {
	case len(compact) == 14:
		return PatientID{Kind: IDNumber, Value: FormatABHANumber(compact)}, nil
	case len(compact) == 12 && strings.HasPrefix(compact, "91"):
		compact = compact[2:]
	case len(compact) == 11 && compact[0] == '0':
		compact = compact[1:]
	}
	if len(compact) == 10 && compact[0] >= '6' {
		return PatientID{Kind: IDMobile, Value: compact}, nil
	}
	return PatientID{}, ErrPatientIDFormat
}

// LookUp checks what staff typed and, where the generation can (v2), finds
// the ABHA and its status without the patient. v3 makes no call: the ABHA is
// confirmed when the patient signs in.
func (c *Client) LookUp(ctx context.Context, input string) (Account, error) {
	id, err := ParsePatientID(input)
	if err != nil {
		return Account{}, err
	}
	return c.api.lookUp(ctx, id)
}

// StartLogin asks ABDM to send the patient a sign-in OTP by method, for an
// account from LookUp.
func (c *Client) StartLogin(ctx context.Context, a Account, method LoginMethod) (SentOTP, error) {
	if method != LoginAadhaarOTP && method != LoginMobileOTP {
		return SentOTP{}, errors.New("start the patient's sign-in: unknown sign-in method " + string(method))
	}
	return c.api.startSignIn(ctx, a, method)
}

// ConfirmLogin completes a sign-in with the OTP the patient received and
// returns their token, which front ends keep in memory only. A v3 mobile
// sign-in returns instead a transfer token and the ABHAs on that mobile, to
// be exchanged with ChooseAccount.
func (c *Client) ConfirmLogin(ctx context.Context, a Account, method LoginMethod, txnID, otp string) (token, transfer PatientToken, accounts []Account, err error) {
	otp = strings.TrimSpace(otp)
	if !isOTP(otp) {
		return PatientToken{}, PatientToken{}, nil, ErrOTPFormat
	}
	c.addSecret(otp)
	got, err := c.api.finishSignIn(ctx, a, method, txnID, otp)
	return got.token, got.transfer, got.accounts, err
}

// ChooseAccount exchanges the transfer token of a mobile sign-in for the
// token of the ABHA chosen among those on the mobile.
func (c *Client) ChooseAccount(ctx context.Context, transfer PatientToken, txnID, abhaNumber string) (PatientToken, error) {
	if err := checkToken(transfer.Token); err != nil {
		return PatientToken{}, err
	}
	if c.now().After(transfer.ExpiresAt) {
		return PatientToken{}, &Error{Op: "sign in with the chosen ABHA", Kind: KindPatientToken,
			ABDMText: "the sign-in by mobile number has expired"}
	}
	return c.api.chooseAccount(ctx, transfer.Token, txnID, abhaNumber)
}
