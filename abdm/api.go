package abdm

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
)

// api is what each generation of ABDM's ABHA APIs implements: the same small
// set of operations, each with its own paths, headers, bodies and cipher.
// Client picks one when it is built (see newAPI) and Flow drives it without
// knowing which it is. Implementations call back into the Client for the
// transport (do, send), the key cache and the scrubbing of secrets.
type api interface {
	// decorate sets the generation's headers on a request about to be sent
	// (the gateway bearer token is already set when cl.auth).
	decorate(h http.Header, cl call)

	// sessionCall is the gateway session request; refresh is a refresh
	// token to use when refreshes() says the generation has a refresh grant.
	sessionCall(creds Credentials, refresh string) call
	refreshes() bool

	// keyCall fetches ABDM's public key, parseKey reads the reply, and
	// encrypt is the generation's cipher for OTPs and IDs.
	keyCall() call
	parseKey(body []byte) (*rsa.PublicKey, error)
	encrypt(key *rsa.PublicKey, plaintext string) (string, error)

	// lookUp checks what staff typed before the patient signs in: v2
	// searches for the ABHA; v3 has no search and only checks the input.
	lookUp(ctx context.Context, id PatientID) (Account, error)
	startSignIn(ctx context.Context, a Account, method LoginMethod) (SentOTP, error)
	// finishSignIn verifies the sign-in OTP: a patient token, or (v3
	// mobile sign-in) a transfer token and the ABHAs to choose from.
	finishSignIn(ctx context.Context, a Account, method LoginMethod, txnID, otp string) (signedIn, error)
	// chooseAccount exchanges a transfer token for the chosen ABHA's token.
	chooseAccount(ctx context.Context, transfer, txnID, abhaNumber string) (PatientToken, error)

	profile(ctx context.Context, xToken string) (Profile, error)
	requestOTP(ctx context.Context, xToken string, p Profile, method OTPMethod) (SentOTP, error)
	deactivate(ctx context.Context, xToken string, p Profile, req DeactivateRequest) error

	// statusByNumber tells whether an ABHA is active without the patient's token.
	statusByNumber(ctx context.Context, abhaNumber string) (AccountStatus, error)

	startReactivation(ctx context.Context, a Account, method OTPMethod) (SentOTP, error)
	// reactivate confirms a reactivation; the answer signs the patient in
	// (the token may be empty when ABDM sends none).
	reactivate(ctx context.Context, a Account, method OTPMethod, txnID, otp string) (PatientToken, error)
}

// signedIn is the answer to a sign-in OTP: token, or a transfer token with
// the accounts to choose from.
type signedIn struct {
	token    PatientToken
	transfer PatientToken
	accounts []Account
}

// newAPI returns the operations of c's generation.
func newAPI(c *Client) api {
	if c.endpoints.Generation == V2 {
		return v2API{c}
	}
	return v3API{c}
}

// newUUID returns a random (version 4) UUID, for REQUEST-ID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
