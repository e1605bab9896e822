package wire

// This file is the legacy generation: the v1/v2 HealthID service and the
// v0.5 gateway session (DESIGN.md section 2).

// Paths relative to the gateway base URL.
const (
	PathSessions = "/v0.5/sessions"
)

// Paths relative to the HealthID base URL.
const (
	PathCert             = "/v1/auth/cert"
	PathCertV2           = "/v2/auth/cert"
	PathProfile          = "/v1/account/profile"
	PathAadhaarOTP       = "/v2/account/aadhaar/generateOTP"
	PathMobileOTP        = "/v2/account/mobile/generateOTP"
	PathDeactivate       = "/v2/account/profile/deactivate"
	HeaderHIPID          = "X-HIP-ID"
	HeaderXToken         = "X-Token"
	HeaderAuthorization  = "Authorization"
	GrantClientCreds     = "client_credentials"
	GrantRefreshToken    = "refresh_token"
	AuthMethodAadhaarOTP = "AADHAAR_OTP"
	AuthMethodMobileOTP  = "MOBILE_OTP"
)

// SessionRequest is the body of POST {gateway}/v0.5/sessions.
type SessionRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	GrantType    string `json:"grantType"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

// SessionResponse is the reply to a session request. Lifetimes are in seconds.
type SessionResponse struct {
	AccessToken      string `json:"accessToken"`
	ExpiresIn        int64  `json:"expiresIn"`
	RefreshExpiresIn int64  `json:"refreshExpiresIn"`
	RefreshToken     string `json:"refreshToken"`
	TokenType        string `json:"tokenType"`
}

// TxnResponse is the reply to an OTP request.
type TxnResponse struct {
	TxnID        string `json:"txnId"`
	MobileNumber string `json:"mobileNumber,omitempty"`
}

// DeactivateRequest is the body of POST {healthid}/v2/account/profile/deactivate.
// OTP is the RSA-encrypted, base64-encoded one-time password.
type DeactivateRequest struct {
	AuthMethod string   `json:"authMethod"`
	OTP        string   `json:"otp"`
	Reasons    []string `json:"reasons"`
	TxnID      string   `json:"txnId"`
}

// Profile is the part of ABDM's UserDTO this tool reads.
type Profile struct {
	Name           string   `json:"name"`
	FirstName      string   `json:"firstName,omitempty"`
	MiddleName     string   `json:"middleName,omitempty"`
	LastName       string   `json:"lastName,omitempty"`
	HealthIDNumber string   `json:"healthIdNumber"`
	HealthID       string   `json:"healthId"`
	Mobile         string   `json:"mobile,omitempty"`
	Gender         string   `json:"gender,omitempty"`
	YearOfBirth    string   `json:"yearOfBirth,omitempty"`
	ProfilePhoto   string   `json:"profilePhoto,omitempty"` // base64 JPEG, when the patient has one
	AuthMethods    []string `json:"authMethods,omitempty"`
	KYCVerified    bool     `json:"kycVerified,omitempty"`
}

// PublicKeyJSON is one of the accepted shapes of the /v1/auth/cert reply.
type PublicKeyJSON struct {
	PublicKey string `json:"publicKey"`
}

// HealthIDError is the error body of the HealthID service:
// {code, message, details:[{code, message, attribute}]}.
type HealthIDError struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Details []ErrorDetail `json:"details,omitempty"`
}

// ErrorDetail is one entry of HealthIDError.Details; the first carries the specific cause.
type ErrorDetail struct {
	Code      string          `json:"code"`
	Message   string          `json:"message"`
	Attribute *ErrorAttribute `json:"attribute,omitempty"`
}

// ErrorAttribute names the request field an error is about.
type ErrorAttribute struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// GatewayTokenError is the API gateway's reply to a bad or expired bearer token:
// {code:"900901", message:"Invalid Credentials", description}.
type GatewayTokenError struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
}

// SessionError is the gateway session service's error body: {error:{code, message}}.
type SessionError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// ABDM error codes this tool acts on.
const (
	CodeGatewayInvalidCredentials = "900901"
	CodeGatewayForbidden          = "900908"
	CodeWrongOTP                  = "HIS-2022"
	CodeWrongOTPAlt               = "HIS-1013"
	CodeOTPExpired                = "HIS-1056"
	CodeTxnNotFound               = "HIS-1026"
	CodeTxnFinished               = "HIS-1012"
	CodeResendTooSoon             = "HIS-1023"
	CodeTooManyOTPRequests        = "HIS-2017"
	CodeTooManyAttempts           = "HIS-1039"
	CodeTooManyAttemptsAlt        = "HIS-1041"
	CodeNoLinkedMobile            = "HIS-3005"
	CodeAccountDisabled           = "HIS-1007"
	CodeAccountNotFound           = "HIS-1008"
	CodeBadRequest                = "HIS-400"
	CodeUnprocessable             = "HIS-422"
	CodeInternal                  = "HIS-500"
)

// Paths of the login (patient authentication) calls, relative to the HealthID base URL.
const (
	PathSearchByHealthID  = "/v1/search/searchByHealthId"
	PathAuthInit          = "/v2/auth/init"
	PathConfirmAadhaarOTP = "/v1/auth/confirmWithAadhaarOtp"
	PathConfirmMobileOTP  = "/v1/auth/confirmWithMobileOTP"
)

// Account statuses as reported by searchByHealthId.
const (
	StatusActive      = "ACTIVE"
	StatusDeactivated = "DEACTIVATED"
)

// SearchRequest is the body of searchByHealthId: an ABHA number (with or without hyphens) or an ABHA address.
type SearchRequest struct {
	HealthID string `json:"healthId"`
}

// SearchResponse is ABDM's SearchResponseSingle.
type SearchResponse struct {
	HealthID       string   `json:"healthId"`       // ABHA address
	HealthIDNumber string   `json:"healthIdNumber"` // ABHA number
	Name           string   `json:"name"`
	Status         string   `json:"status"` // ACTIVE, DEACTIVATED, ...
	AuthMethods    []string `json:"authMethods,omitempty"`
}

// AuthInitRequest is the body of /v2/auth/init (note the lower-case "healthid").
type AuthInitRequest struct {
	AuthMethod string `json:"authMethod"`
	HealthID   string `json:"healthid"`
}

// ConfirmOTPRequest is the body of the v1 confirm calls: the OTP as plain digits, not encrypted.
type ConfirmOTPRequest struct {
	OTP   string `json:"otp"`
	TxnID string `json:"txnId"`
}

// JwtResponse is the patient's token from a confirm call; lifetimes in seconds.
type JwtResponse struct {
	Token            string `json:"token"`
	ExpiresIn        int64  `json:"expiresIn"`
	RefreshToken     string `json:"refreshToken,omitempty"`
	RefreshExpiresIn int64  `json:"refreshExpiresIn,omitempty"`
}

// Paths of the reactivation calls (Reactivate_ABHA_Via_*.json), relative to
// the HealthID base URL. They need no patient token: a deactivated ABHA
// cannot sign in.
const (
	PathReactivateInit = "/v2/auth/reactivate/init"
	PathReactivate     = "/v2/auth/reactivate"
)

// ReactivateInitRequest is the body of /v2/auth/reactivate/init; it has the
// shape of AuthInitRequest (note the lower-case "healthid").
type ReactivateInitRequest = AuthInitRequest

// ReactivateRequest is the body of /v2/auth/reactivate (ABDM's
// ChangeStatusByOtpAccountRequest): the OTP RSA-encrypted with PKCS#1 v1.5
// and base64-encoded, as for deactivate. The reply is a JwtResponse: the
// reactivated patient is signed in.
type ReactivateRequest struct {
	AuthMethod string `json:"authMethod"`
	OTP        string `json:"otp"`
	TxnID      string `json:"txnId"`
}
