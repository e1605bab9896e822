package sandbox

import (
	"errors"
	"fmt"
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

// Deactivation records how an account was deactivated in the sandbox.
type Deactivation struct {
	Time       time.Time `json:"time"`
	AuthMethod string    `json:"authMethod"`
	Reasons    []string  `json:"reasons"`
}

// accountSeed is the initial state of a demo account.
type accountSeed struct {
	number, address       string
	name, first, last     string
	gender, yearOfBirth   string
	mobile, aadhaarMobile string // aadhaarMobile "" = none linked to the Aadhaar
	status, note          string
}

// demoSeeds lists the demo accounts, in the order Accounts reports them.
func demoSeeds() []accountSeed {
	return []accountSeed{
		{number: "91-5512-3456-7890", address: "asha.verma@sbx", name: "Asha Verma", first: "Asha", last: "Verma",
			gender: "F", yearOfBirth: "1988", mobile: "9876543210", aadhaarMobile: "9876543210",
			status: StatusActive, note: "normal"},
		{number: "91-6623-4567-8901", address: "rahul.mehta@sbx", name: "Rahul Mehta", first: "Rahul", last: "Mehta",
			gender: "M", yearOfBirth: "1979", mobile: "9123456789", aadhaarMobile: "9123456789",
			status: StatusActive, note: "normal"},
		{number: "91-7734-5678-9012", address: "ravi.kumar@sbx", name: "Ravi Kumar", first: "Ravi", last: "Kumar",
			gender: "M", yearOfBirth: "1965", mobile: "9988776655", aadhaarMobile: "",
			status: StatusActive, note: "no mobile linked to Aadhaar (HIS-3005)"},
		{number: "91-8845-6789-0123", address: "meena.iyer@sbx", name: "Meena Iyer", first: "Meena", last: "Iyer",
			gender: "F", yearOfBirth: "1992", mobile: "9871203456", aadhaarMobile: "9871203456",
			status: StatusDeactivated, note: "already deactivated"},
	}
}

// account is the live state of a demo account, guarded by Server.mu.
type account struct {
	seed         accountSeed
	status       string
	note         string
	xToken       string // the latest token issued
	xTokenExp    time.Time
	deactivation *Deactivation
	otpTimes     []time.Time // when account OTPs (generateOTP) were sent, for rate limits
	txn          *txn        // the current account OTP transaction, if any
	loginTimes   []time.Time // when login OTPs (auth/init) were sent, for rate limits
	loginTxn     *txn        // the current login transaction, if any
}

func newAccount(seed accountSeed) *account {
	return &account{seed: seed, status: seed.status, note: seed.note}
}

// xToken is an issued patient token.
type xToken struct {
	account *account
	expires time.Time
}

// issueXTokenLocked gives a a fresh X-Token and forgets expired ones.
// Earlier tokens stay valid until they expire, like real JWTs.
func (s *Server) issueXTokenLocked(a *account, now time.Time) string {
	for tok, xt := range s.xTokens {
		if !now.Before(xt.expires) {
			delete(s.xTokens, tok)
		}
	}
	exp := now.Add(s.cfg.tokenTTL)
	tok := newJWT(s.cfg.random, "Transaction", a.seed.address, "abha-user", now, exp)
	s.xTokens[tok] = xToken{account: a, expires: exp}
	a.xToken, a.xTokenExp = tok, exp
	return tok
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
// account whose latest X-Token has expired gets a fresh one first, so XToken
// is always usable.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		if !now.Before(a.xTokenExp) {
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

// Deactivation tells when, how and why the sandbox deactivated an account;
// ok is false if it has not (an account deactivated from the start has no
// record).
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
		AuthMethods:    []string{wire.AuthMethodAadhaarOTP, wire.AuthMethodMobileOTP},
		KYCVerified:    true,
	}
}
