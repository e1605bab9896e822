package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"io"
	"time"
)

// Defaults used when no option says otherwise.
const (
	DefaultKeyBits    = 4096
	DefaultClientID   = "demo-clinic"
	DefaultHIPID      = "DEMO-HIP-001"
	DefaultSessionTTL = 600 * time.Second
	// DefaultSessionTTLV3 is the lifetime of access tokens from the v3 session call.
	DefaultSessionTTLV3 = 1200 * time.Second
	DefaultRefreshTTL   = 1800 * time.Second
	DefaultTokenTTL     = 1800 * time.Second
)

// config is what the options set; New fills in the defaults.
type config struct {
	keyBits      int
	key          *rsa.PrivateKey
	clock        Clock
	clientID     string
	clientSecret string
	hipID        string
	latency      time.Duration
	sessionTTL   time.Duration // v2 session call
	sessionTTLV3 time.Duration // v3 session call
	refreshTTL   time.Duration
	tokenTTL     time.Duration
	otpListener  func(OTPMessage)
	random       *entropy
	keyOnDemand  bool
	keyGate      <-chan struct{} // tests only: key generation waits for it
}

// Option changes how New builds a Server.
type Option func(*config)

// WithKeyBits sets the size of the RSA key generated in the background
// (default 4096, as ABDM uses; 2048 makes tests fast). Sizes Go refuses
// (below 1024) leave the server without a key: KeyReady reports the error.
func WithKeyBits(bits int) Option {
	return func(c *config) { c.keyBits = bits }
}

// WithPrivateKey uses k instead of generating a key, so tests can share one.
func WithPrivateKey(k *rsa.PrivateKey) Option {
	return func(c *config) { c.key = k }
}

// WithClock sets the clock under the sandbox's own offset (default: real time).
func WithClock(clk Clock) Option {
	return func(c *config) {
		if clk != nil {
			c.clock = clk
		}
	}
}

// WithCredentials sets the facility's client id, client secret and HIP id.
// Empty values keep the defaults ("demo-clinic", a random secret, "DEMO-HIP-001").
func WithCredentials(clientID, clientSecret, hipID string) Option {
	return func(c *config) {
		if clientID != "" {
			c.clientID = clientID
		}
		if clientSecret != "" {
			c.clientSecret = clientSecret
		}
		if hipID != "" {
			c.hipID = hipID
		}
	}
}

// WithLatency delays every non-admin reply by d (a simulated round trip).
// Server.SetLatency changes it later.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = max(d, 0) }
}

// WithSessionTTL sets the lifetime of gateway access tokens of both
// generations (default 600 s from the v2 session call, 1200 s from the v3
// one). Refresh tokens live 1800 s, or as long as access tokens if that is
// longer.
func WithSessionTTL(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.sessionTTL, c.sessionTTLV3 = d, d
		}
	}
}

// WithTokenTTL sets the lifetime of patient X-Tokens of both generations
// (default 1800 s). v3 transfer tokens always live 300 s.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.tokenTTL = d
		}
	}
}

// WithOTPListener has fn called for every OTP the sandbox "sends". It runs on
// the request's goroutine once the reply is decided, with no lock held, so it
// may call back into the Server; a slow fn delays that reply.
func WithOTPListener(fn func(OTPMessage)) Option {
	return func(c *config) { c.otpListener = fn }
}

func defaultConfig() config {
	return config{
		keyBits:      DefaultKeyBits,
		clock:        realClock{},
		clientID:     DefaultClientID,
		hipID:        DefaultHIPID,
		sessionTTL:   DefaultSessionTTL,
		sessionTTLV3: DefaultSessionTTLV3,
		refreshTTL:   DefaultRefreshTTL,
		tokenTTL:     DefaultTokenTTL,
		random:       &entropy{r: rand.Reader},
	}
}

// WithKeyOnDemand puts the key generation off until the key is first needed
// (a certificate route, a call with an encrypted field, or KeyReady), so that a 4096-bit key does
// not take a core away from the start-up of a program that embeds the sandbox.
func WithKeyOnDemand() Option { return func(c *config) { c.keyOnDemand = true } }

// WithRandom makes every random value the sandbox creates (secret, tokens,
// transaction IDs, OTPs) come from r. A fixed stream makes runs repeatable
// for screenshot and golden tests; the default is crypto/rand. The RSA key
// is not affected (use WithPrivateKey).
func WithRandom(r io.Reader) Option { return func(c *config) { c.random = &entropy{r: r} } }
