package sandbox

import (
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// Account statuses as the sandbox reports them (the same as searchByHealthId's).
const (
	StatusActive      = wire.StatusActive
	StatusDeactivated = wire.StatusDeactivated
)

// ErrUnknownAccount is returned for an ABHA number the sandbox does not hold.
var ErrUnknownAccount = errors.New("sandbox: no such ABHA account")

// Account is a snapshot of one demo account.
type Account struct {
	ABHANumber    string    `json:"abhaNumber"` // 91-5512-3456-7890 form
	Address       string    `json:"address"`    // ABHA address, e.g. asha.verma@sbx
	Name          string    `json:"name"`
	Mobile        string    `json:"mobile"` // full number of the ABHA's own mobile
	Status        string    `json:"status"` // StatusActive or StatusDeactivated
	Note          string    `json:"note"`   // one line on what the account demonstrates
	XToken        string    `json:"xToken"` // a currently valid patient token
	XTokenExpires time.Time `json:"xTokenExpires"`
}

// Deactivation records how an account was last deactivated in the sandbox,
// by either API generation. The record stays after a reactivation.
type Deactivation struct {
	Time       time.Time `json:"time"`
	AuthMethod string    `json:"authMethod"`          // AADHAAR_OTP or MOBILE_OTP, on both generations
	OTPSystem  string    `json:"otpSystem,omitempty"` // v3 only: "aadhaar" or "abdm"
	Reasons    []string  `json:"reasons"`
}

// accountSeed is the initial state of a demo account.
type accountSeed struct {
	number, address          string
	name, first, last        string
	gender                   string
	yearOfBirth              string
	monthOfBirth, dayOfBirth string
	mobile, aadhaarMobile    string // aadhaarMobile "" = none linked to the Aadhaar
	status, note             string
	benefitLinked            bool       // v3 refuses to deactivate it (ABDM-1228)
	photoBackground          color.RGBA // of the profile photo
}

// demoSeeds lists the demo accounts, in the order Accounts reports them.
func demoSeeds() []accountSeed {
	return []accountSeed{
		{number: "91-5512-3456-7890", address: "asha.verma@sbx", name: "Asha Verma", first: "Asha", last: "Verma",
			gender: "F", yearOfBirth: "1988", monthOfBirth: "04", dayOfBirth: "12",
			mobile: "9876543210", aadhaarMobile: "9876543210",
			status: StatusActive, note: "normal", photoBackground: color.RGBA{0x2e, 0x7d, 0x6b, 0xff}},
		{number: "91-6623-4567-8901", address: "rahul.mehta@sbx", name: "Rahul Mehta", first: "Rahul", last: "Mehta",
			gender: "M", yearOfBirth: "1979", monthOfBirth: "11", dayOfBirth: "03",
			mobile: "9123456789", aadhaarMobile: "9123456789",
			status: StatusActive, note: "normal", photoBackground: color.RGBA{0x34, 0x55, 0x9e, 0xff}},
		{number: "91-7734-5678-9012", address: "ravi.kumar@sbx", name: "Ravi Kumar", first: "Ravi", last: "Kumar",
			gender: "M", yearOfBirth: "1965", monthOfBirth: "01", dayOfBirth: "26",
			mobile: "9988776655", aadhaarMobile: "",
			status: StatusActive, note: "no mobile linked to Aadhaar (HIS-3005)", photoBackground: color.RGBA{0x8a, 0x5a, 0x2b, 0xff}},
		{number: "91-8845-6789-0123", address: "meena.iyer@sbx", name: "Meena Iyer", first: "Meena", last: "Iyer",
			gender: "F", yearOfBirth: "1992", monthOfBirth: "08", dayOfBirth: "15",
			mobile: "9871203456", aadhaarMobile: "9871203456",
			status: StatusDeactivated, note: "already deactivated", photoBackground: color.RGBA{0x7b, 0x3f, 0x8c, 0xff}},
		{number: "91-9956-7890-1234", address: "sunita.devi@sbx", name: "Sunita Devi", first: "Sunita", last: "Devi",
			gender: "F", yearOfBirth: "1975", monthOfBirth: "06", dayOfBirth: "21",
			mobile: "9988776655", aadhaarMobile: "9812345670", benefitLinked: true,
			status: StatusActive, note: "linked to a government benefit (ABDM-1228 on v3)", photoBackground: color.RGBA{0xa8, 0x3a, 0x3a, 0xff}},
	}
}

// account is the live state of a demo account, guarded by Server.mu.
type account struct {
	seed          accountSeed
	status        string
	note          string
	xToken        string // the latest token issued
	xTokenExp     time.Time
	deactivation  *Deactivation
	deactivatedAt time.Time   // the latest deactivation in the sandbox (zero: none)
	deactSeq      uint64      // Server.seq at that deactivation: X-Tokens issued before it are dead on v3
	reactivations []time.Time // every reactivation in the sandbox, oldest first
	flows         [numFlows]otpFlow
}

func newAccount(seed accountSeed) *account {
	return &account{seed: seed, status: seed.status, note: seed.note}
}

// xToken is an issued patient token.
type xToken struct {
	account *account
	issued  time.Time
	seq     uint64 // Server.seq at issue, to order it against deactivations at the same instant
	expires time.Time
}

// nextSeqLocked numbers the events whose order matters beyond what the
// (possibly stopped) clock can tell: token issues and deactivations.
func (s *Server) nextSeqLocked() uint64 {
	s.seq++
	return s.seq
}

// issueXTokenLocked gives a a fresh X-Token and forgets expired ones.
// Earlier tokens stay valid until they expire, like real JWTs (but v3
// refuses those issued before a deactivation: see liveOnV3).
func (s *Server) issueXTokenLocked(a *account, now time.Time) string {
	for tok, xt := range s.xTokens {
		if !now.Before(xt.expires) {
			delete(s.xTokens, tok)
		}
	}
	exp := now.Add(s.cfg.tokenTTL)
	tok := newJWT(s.cfg.random, "Transaction", a.seed.address, "abha-user", now, exp)
	s.xTokens[tok] = xToken{account: a, issued: now, seq: s.nextSeqLocked(), expires: exp}
	a.xToken, a.xTokenExp = tok, exp
	return tok
}

// liveOnV3 reports whether an unexpired X-Token is still good on v3: its
// account is active and it was issued after the account's latest
// deactivation.
func (xt xToken) liveOnV3() bool {
	return xt.account.status == StatusActive && xt.seq > xt.account.deactSeq
}

// deactivateLocked deactivates a with the record d (either generation).
func (s *Server) deactivateLocked(a *account, d Deactivation) {
	a.status = StatusDeactivated
	a.deactivation = &d
	a.deactivatedAt = d.Time
	a.deactSeq = s.nextSeqLocked()
	a.note = "deactivated in the sandbox at " + d.Time.Format("15:04:05")
}

// reactivateLocked makes a active again (either generation). The
// deactivation record stays; X-Tokens issued before the deactivation stay
// dead on v3.
func (s *Server) reactivateLocked(a *account, now time.Time) {
	a.status = StatusActive
	a.reactivations = append(a.reactivations, now)
	a.note = "reactivated in the sandbox at " + now.Format("15:04:05")
}

// findLocked returns the account with this ABHA number (hyphens and spaces
// optional) or ABHA address.
func (s *Server) findLocked(id string) (*account, error) {
	id = strings.TrimSpace(id)
	d := digits(id)
	for _, a := range s.accounts {
		if (len(d) == 14 && d == digits(a.seed.number)) || strings.EqualFold(id, a.seed.address) {
			return a, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownAccount, id)
}

// Accounts returns a snapshot of the demo accounts in their fixed order. An
// account whose latest X-Token has expired (or, for an active account, no
// longer works on v3 because it predates a deactivation) gets a fresh one
// first, so XToken is always usable.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		if xt, ok := s.xTokens[a.xToken]; !ok || !now.Before(a.xTokenExp) || (a.status == StatusActive && !xt.liveOnV3()) {
			s.issueXTokenLocked(a, now)
		}
		out = append(out, Account{
			ABHANumber: a.seed.number, Address: a.seed.address, Name: a.seed.name,
			Mobile: a.seed.mobile, Status: a.status, Note: a.note,
			XToken: a.xToken, XTokenExpires: a.xTokenExp,
		})
	}
	return out
}

// IssueToken returns a fresh X-Token for the account with this ABHA number
// (hyphens optional) or ABHA address, as if the patient had just signed in.
func (s *Server) IssueToken(abhaNumber string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.findLocked(abhaNumber)
	if err != nil {
		return "", fmt.Errorf("issuing an X-Token: %w", err)
	}
	return s.issueXTokenLocked(a, s.Now()), nil
}

// AccountStatus returns StatusActive or StatusDeactivated for an account.
func (s *Server) AccountStatus(abhaNumber string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.findLocked(abhaNumber)
	if err != nil {
		return "", fmt.Errorf("reading account status: %w", err)
	}
	return a.status, nil
}

// Deactivation tells when, how and why the sandbox last deactivated an
// account, by either API generation; ok is false if it has not (an account
// deactivated from the start has no record). The record stays after a
// reactivation.
func (s *Server) Deactivation(abhaNumber string) (d Deactivation, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.findLocked(abhaNumber)
	if err != nil {
		return Deactivation{}, false, fmt.Errorf("reading deactivation record: %w", err)
	}
	if a.deactivation == nil {
		return Deactivation{}, false, nil
	}
	d = *a.deactivation
	d.Reasons = slices.Clone(d.Reasons)
	return d, true, nil
}

// Reactivation tells when the sandbox last reactivated an account (by v2
// reactivate or a v3 re-activate OTP); ok is false if it never has.
func (s *Server) Reactivation(abhaNumber string) (t time.Time, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.findLocked(abhaNumber)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("reading reactivation record: %w", err)
	}
	if n := len(a.reactivations); n > 0 {
		return a.reactivations[n-1], true, nil
	}
	return time.Time{}, false, nil
}

// byNumberLocked finds an account by its ABHA number given as 14 digits.
func (s *Server) byNumberLocked(number string) *account {
	for _, a := range s.accounts {
		if digits(a.seed.number) == number {
			return a
		}
	}
	return nil
}

// withMobileLocked lists the accounts whose own mobile is mobile (10 digits),
// active and deactivated alike, in demo order.
func (s *Server) withMobileLocked(mobile string) []*account {
	var out []*account
	for _, a := range s.accounts {
		if a.seed.mobile == mobile {
			out = append(out, a)
		}
	}
	return out
}

// profileOf builds the HealthID profile of an account.
func profileOf(a *account) wire.Profile {
	return wire.Profile{
		Name:           a.seed.name,
		FirstName:      a.seed.first,
		LastName:       a.seed.last,
		HealthIDNumber: a.seed.number,
		HealthID:       a.seed.address,
		Mobile:         a.seed.mobile,
		Gender:         a.seed.gender,
		YearOfBirth:    a.seed.yearOfBirth,
		ProfilePhoto:   profilePhoto(a.seed.number),
		AuthMethods:    []string{wire.AuthMethodAadhaarOTP, wire.AuthMethodMobileOTP},
		KYCVerified:    true,
	}
}
