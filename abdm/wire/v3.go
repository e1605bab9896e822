package wire

// This file is the current generation: ABDM's ABHA v3 APIs and the v3 gateway
// session (ABDM-V3.md). Names carry a V3 where the v2 file has the same idea.

// Path relative to the v3 gateway base URL (e.g. https://dev.abdm.gov.in/api/hiecm/gateway).
const PathV3Sessions = "/v3/sessions"

// Paths relative to the ABHA v3 service base URL (e.g. https://abhasbx.abdm.gov.in/abha/api).
const (
	PathV3Certificate       = "/v3/profile/public/certificate"
	PathV3LoginRequestOTP   = "/v3/profile/login/request/otp"
	PathV3LoginVerify       = "/v3/profile/login/verify"
	PathV3LoginVerifyUser   = "/v3/profile/login/verify/user"
	PathV3Account           = "/v3/profile/account"
	PathV3AccountRequestOTP = "/v3/profile/account/request/otp"
	PathV3AccountVerify     = "/v3/profile/account/verify"
	PathV3AccountLogout     = "/v3/profile/account/request/logout"
)

// Headers of the v3 calls. Header names are case-insensitive on the wire;
// these are the spellings of NHA's guide.
const (
	HeaderRequestID = "REQUEST-ID" // a fresh UUID per request
	HeaderTimestamp = "TIMESTAMP"  // UTC, milliseconds, "Z": see TimestampLayout
	HeaderCMID      = "X-CM-ID"    // on the session call: CMIDSandbox or CMIDProduction
	HeaderV3XToken  = "X-token"    // "Bearer <patient token>"
	HeaderTToken    = "T-token"    // "Bearer <transfer token>", on login/verify/user only
)

// TimestampLayout is the TIMESTAMP header's format (time.Format layout).
const TimestampLayout = "2006-01-02T15:04:05.000Z"

// Consent manager IDs sent as X-CM-ID.
const (
	CMIDSandbox    = "sbx"
	CMIDProduction = "abdm"
)

// Scopes, login hints, OTP systems and results of the v3 calls.
const (
	ScopeABHALogin     = "abha-login"
	ScopeAadhaarVerify = "aadhaar-verify"
	ScopeMobileVerify  = "mobile-verify"
	ScopeABHAProfile   = "abha-profile"
	ScopeDeactivate    = "de-activate"
	ScopeReactivate    = "re-activate"

	LoginHintABHANumber = "abha-number"
	LoginHintMobile     = "mobile"

	OTPSystemAadhaar = "aadhaar" // the OTP goes to the mobile linked to the Aadhaar
	OTPSystemABDM    = "abdm"    // the OTP goes to the ABHA's own mobile

	AuthMethodOTP = "otp"

	AuthResultSuccess = "success"
	AuthResultFailed  = "failed"

	// EncryptionOAEPSHA1 is the only encryptionAlgorithm the v3 certificate
	// is known to name: RSA-OAEP with SHA-1 and MGF1-SHA-1, empty label.
	EncryptionOAEPSHA1 = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding"

	V3StatusActive      = "ACTIVE"
	V3StatusDeactivated = "DEACTIVATED"
)

// V3SessionRequest is the body of POST {gateway}/v3/sessions (no refresh grant is documented).
type V3SessionRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	GrantType    string `json:"grantType"`
}

// V3SessionResponse is the reply to a v3 session request (200 or 202); lifetimes in seconds.
type V3SessionResponse = SessionResponse

// V3Certificate is the reply of GET {abha}/v3/profile/public/certificate:
// the key as bare base64 DER SubjectPublicKeyInfo.
type V3Certificate struct {
	PublicKey           string `json:"publicKey"`
	EncryptionAlgorithm string `json:"encryptionAlgorithm"`
}

// V3OTPRequest is the body of login/request/otp and account/request/otp.
// LoginID is RSA-OAEP encrypted, base64.
type V3OTPRequest struct {
	Scope     []string `json:"scope"`
	LoginHint string   `json:"loginHint"`
	LoginID   string   `json:"loginId"`
	OTPSystem string   `json:"otpSystem"`
}

// V3TxnResponse is the reply to an OTP request.
type V3TxnResponse struct {
	TxnID   string `json:"txnId"`
	Message string `json:"message"` // e.g. "OTP is sent to Aadhaar registered mobile number ending with ******0161"
}

// V3VerifyRequest is the body of login/verify and account/verify. Reasons
// is required by account/verify with the de-activate scope (free text),
// absent otherwise.
type V3VerifyRequest struct {
	Scope    []string   `json:"scope"`
	AuthData V3AuthData `json:"authData"`
	Reasons  []string   `json:"reasons,omitempty"`
}

// V3AuthData is how a verify call proves the patient's consent.
type V3AuthData struct {
	AuthMethods []string `json:"authMethods"`
	OTP         V3OTP    `json:"otp"`
}

// V3OTP is the OTP of a transaction; OTPValue is RSA-OAEP encrypted, base64.
type V3OTP struct {
	TxnID    string `json:"txnId"`
	OTPValue string `json:"otpValue"`
}

// V3VerifyResponse is the reply of a verify call. AuthResult other than
// AuthResultSuccess is a refusal even with HTTP 200. A reply with a
// RefreshToken carries the final patient token; without one (mobile
// sign-in) Token is a transfer token for login/verify/user.
type V3VerifyResponse struct {
	TxnID            string      `json:"txnId"`
	AuthResult       string      `json:"authResult"`
	Message          string      `json:"message"`
	Token            string      `json:"token,omitempty"`
	ExpiresIn        int64       `json:"expiresIn,omitempty"`
	RefreshToken     string      `json:"refreshToken,omitempty"`
	RefreshExpiresIn int64       `json:"refreshExpiresIn,omitempty"`
	Accounts         []V3Account `json:"accounts"`
}

// V3Account is one ABHA in a verify reply.
type V3Account struct {
	ABHANumber           string `json:"ABHANumber"`
	PreferredABHAAddress string `json:"preferredAbhaAddress,omitempty"`
	Name                 string `json:"name,omitempty"`
	Gender               string `json:"gender,omitempty"`
	Status               string `json:"status,omitempty"` // ACTIVE, DEACTIVATED
	ProfilePhoto         string `json:"profilePhoto,omitempty"`
}

// V3VerifyUserRequest is the body of login/verify/user, sent with the T-token.
type V3VerifyUserRequest struct {
	ABHANumber string `json:"ABHANumber"`
	TxnID      string `json:"txnId"`
}

// V3TokenResponse is the reply of login/verify/user: the patient token.
type V3TokenResponse struct {
	Token            string `json:"token"`
	ExpiresIn        int64  `json:"expiresIn"`
	RefreshToken     string `json:"refreshToken,omitempty"`
	RefreshExpiresIn int64  `json:"refreshExpiresIn,omitempty"`
}

// V3Profile is the part of GET {abha}/v3/profile/account this tool reads.
type V3Profile struct {
	ABHANumber           string   `json:"ABHANumber"`
	PreferredABHAAddress string   `json:"preferredAbhaAddress"`
	Name                 string   `json:"name"`
	FirstName            string   `json:"firstName,omitempty"`
	MiddleName           string   `json:"middleName,omitempty"`
	LastName             string   `json:"lastName,omitempty"`
	Gender               string   `json:"gender,omitempty"`
	YearOfBirth          string   `json:"yearOfBirth,omitempty"`
	MonthOfBirth         string   `json:"monthOfBirth,omitempty"`
	DayOfBirth           string   `json:"dayOfBirth,omitempty"`
	Mobile               string   `json:"mobile,omitempty"` // masked by ABDM
	ProfilePhoto         string   `json:"profilePhoto,omitempty"`
	Status               string   `json:"status,omitempty"`
	AuthMethods          []string `json:"authMethods,omitempty"`
}

// V3CodeError is the flat error body {code, message, timestamp}.
type V3CodeError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Timestamp string `json:"timestamp,omitempty"`
}

// V3MessageError is the error body without a code, e.g. {"message":"Invalid X-token"}.
type V3MessageError struct {
	Message   string `json:"message"`
	Timestamp string `json:"timestamp,omitempty"`
}

// V3Error is the nested error body {error:{code, message}}; the code may end in ": ".
type V3Error = SessionError

// ABDM's v3 error codes this tool acts on. A code may arrive with a trailing
// ": " ("ABDM-9999: "); match after trimming it.
const (
	CodeV3BadTimestamp        = "ABDM-1016"
	CodeV3InvalidTxn          = "ABDM-1017"
	CodeV3TooManyRequests     = "ABDM-1022"
	CodeV3FeatureOrToken      = "ABDM-1094" // "feature restricted, contact NHA" or "X-token expired": read the message
	CodeV3TooManyOTPs         = "ABDM-1100"
	CodeV3BadScopes           = "ABDM-1107"
	CodeV3MethodNotAllowed    = "ABDM-1118"
	CodeV3MethodNotAllowedAlt = "ABDM-1119"
	CodeV3Deactivated         = "ABDM-1134"
	CodeV3InvalidXToken       = "ABDM-1158"
	CodeV3UIDAIFailure        = "ABDM-1204"
	CodeV3BenefitLinked       = "ABDM-1228"
	CodeV3DeactivatedM2       = "ABDM-1407"
	CodeV3PersonToken         = "ABDM-2401"
	CodeV3ClockSkew           = "ABDM-2402"
	CodeV3Generic             = "ABDM-9999"
)
