package abdm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm/wire"
)

// Defaults of a Client; each can be changed with an Option.
const (
	DefaultCallTimeout  = 30 * time.Second
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB: ABDM's replies are a few KiB
	DefaultKeyTTL       = 6 * time.Hour
	DefaultRenewMargin  = 60 * time.Second
)

// Credentials identify the facility to ABDM. Their String method hides the secret.
type Credentials struct {
	ClientID     string
	ClientSecret string
	HIPID        string
}

// String shows the client ID and HIP ID but never the secret.
func (c Credentials) String() string {
	return fmt.Sprintf("client %q, HIP %q", c.ClientID, c.HIPID)
}

// GoString hides the secret from %#v as well.
func (c Credentials) GoString() string { return "abdm.Credentials{" + c.String() + "}" }

// Client calls ABDM's gateway and ABHA (HealthID) services in one API
// generation, chosen when it is built (Endpoints.Generation). It is safe for
// concurrent use.
type Client struct {
	endpoints   Endpoints
	api         api // the operations of the generation
	creds       Credentials
	http        *http.Client
	now         func() time.Time
	callTimeout time.Duration
	maxBody     int64
	keyTTL      time.Duration
	renewMargin time.Duration
	log         logrus.FieldLogger
	userAgent   string

	sessions sessionCache
	keys     keyCache

	secretsMu sync.RWMutex
	secrets   []string     // values to scrub from any text ABDM sends back
	onSecret  func(string) // told of every secret value the client handles
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (transport, proxy, TLS settings).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithClock sets the clock used for token and key lifetimes.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithCallTimeout bounds each HTTP call, from dial to the last byte of the reply.
func WithCallTimeout(d time.Duration) Option { return func(c *Client) { c.callTimeout = d } }

// WithMaxBodyBytes limits how much of a reply is read.
func WithMaxBodyBytes(n int64) Option { return func(c *Client) { c.maxBody = n } }

// WithKeyTTL sets how long the public key is cached.
func WithKeyTTL(d time.Duration) Option { return func(c *Client) { c.keyTTL = d } }

// WithRenewMargin renews the gateway token this long before it expires.
func WithRenewMargin(d time.Duration) Option { return func(c *Client) { c.renewMargin = d } }

// WithLogger sets where the client logs (method, path, status, duration; never a header or body).
func WithLogger(l logrus.FieldLogger) Option { return func(c *Client) { c.log = l } }

// WithSecretObserver is told of every secret value the client handles (client
// secret, gateway tokens, patient token, OTP), so that a log redactor can mask
// them. fn must be safe for concurrent use.
func WithSecretObserver(fn func(secret string)) Option { return func(c *Client) { c.onSecret = fn } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client for the given endpoints and facility credentials. The
// generation of ep (V3 when empty) decides every path, header, body and
// cipher the client uses. The HIP ID is required by v2, which sends it as
// X-HIP-ID on every call; v3 does not send it.
func New(ep Endpoints, creds Credentials, opts ...Option) (*Client, error) {
	if ep.Generation == "" {
		ep.Generation = DefaultGeneration
	}
	if _, err := ParseGeneration(string(ep.Generation)); err != nil {
		return nil, err
	}
	if err := CheckBaseURL(ep.Gateway); err != nil {
		return nil, fmt.Errorf("gateway URL: %w", err)
	}
	if err := CheckBaseURL(ep.HealthID); err != nil {
		return nil, fmt.Errorf("%s URL: %w", ep.Generation.ServiceName(), err)
	}
	ep.Gateway = strings.TrimRight(ep.Gateway, "/")
	ep.HealthID = strings.TrimRight(ep.HealthID, "/")
	if ep.Generation == V3 && ep.CMID == "" {
		ep.CMID = CMIDFor(ep.Gateway)
	}
	creds.ClientID = strings.TrimSpace(creds.ClientID)
	creds.HIPID = strings.TrimSpace(creds.HIPID)
	switch {
	case creds.ClientID == "":
		return nil, errors.New("the client ID is empty")
	case creds.ClientSecret == "":
		return nil, errors.New("the client secret is empty")
	case creds.HIPID == "" && ep.Generation == V2:
		return nil, errors.New("the HIP ID is empty")
	}
	c := &Client{
		endpoints:   ep,
		creds:       creds,
		http:        &http.Client{Transport: NewTransport(TransportConfig{}), CheckRedirect: noRedirects},
		now:         time.Now,
		callTimeout: DefaultCallTimeout,
		maxBody:     DefaultMaxBodyBytes,
		keyTTL:      DefaultKeyTTL,
		renewMargin: DefaultRenewMargin,
		log:         logrus.StandardLogger(),
		userAgent:   "abha-deactivate",
	}
	for _, o := range opts {
		o(c)
	}
	c.api = newAPI(c)
	c.sessions.init()
	c.addSecret(creds.ClientSecret)
	return c, nil
}

// Endpoints returns the base URLs the client calls.
func (c *Client) Endpoints() Endpoints { return c.endpoints }

// Generation returns the API generation the client speaks.
func (c *Client) Generation() Generation { return c.endpoints.Generation }

// ClientID returns the facility's client ID.
func (c *Client) ClientID() string { return c.creds.ClientID }

// HIPID returns the facility's HIP ID (sent as X-HIP-ID by v2).
func (c *Client) HIPID() string { return c.creds.HIPID }

// addSecret remembers a value that must never appear in an error message.
func (c *Client) addSecret(s string) {
	if len(s) < 4 {
		return
	}
	if c.onSecret != nil {
		c.onSecret(s)
	}
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	for _, have := range c.secrets {
		if have == s {
			return
		}
	}
	if len(c.secrets) >= maxScrubbed {
		// Keep the client secret (first) and drop the oldest token.
		c.secrets = append(c.secrets[:1], c.secrets[2:]...)
	}
	c.secrets = append(c.secrets, s)
}

// maxScrubbed bounds the list of remembered secrets; old tokens are long expired.
const maxScrubbed = 64

// scrub removes every known secret from text that came from ABDM.
func (c *Client) scrub(s string) string {
	c.secretsMu.RLock()
	defer c.secretsMu.RUnlock()
	for _, v := range c.secrets {
		s = strings.ReplaceAll(s, v, "[redacted]")
	}
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// call describes one HTTP request to ABDM. The generation's decorate sets
// the headers it implies.
type call struct {
	op           string // for errors and logs, e.g. "request OTP"
	method       string
	url          string
	body         any    // JSON-encoded when not nil
	auth         bool   // send the gateway bearer token (and, in v2, X-HIP-ID)
	xToken       string // the patient's token (v2 X-Token, v3 X-token), when not empty
	tToken       string // v3: the transfer token of a mobile sign-in (T-token), when not empty
	session      bool   // this is the gateway session endpoint
	irreversible bool   // never retried once written; a lost reply is "outcome unknown"
}

// patient reports whether the call acts with one of the patient's tokens.
func (cl call) patient() bool { return cl.xToken != "" || cl.tToken != "" }

// reply is a successful HTTP reply.
type reply struct {
	status int
	body   []byte
	// incomplete is set, for an irreversible call only, when a 2xx reply's
	// body was cut off or too large: the status arrived, the body did not.
	incomplete bool
}

// do sends c, renewing the gateway session and retrying once when ABDM says
// the bearer token is no longer valid.
func (c *Client) do(ctx context.Context, cl call) (reply, error) {
	if !cl.auth {
		return c.send(ctx, cl, "")
	}
	token, fresh, err := c.accessToken(ctx)
	if err != nil {
		return reply{}, err
	}
	rep, err := c.send(ctx, cl, token)
	var apiErr *Error
	if err == nil || !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		return rep, err
	}
	gatewayRefused := apiErr.Code == wire.CodeGatewayInvalidCredentials
	switch {
	case fresh, !gatewayRefused && apiErr.Code != "",
		!gatewayRefused && apiErr.Kind == KindPatientToken && apiErr.ABDMText != "":
		// A token obtained moments ago was refused, or ABDM named another
		// cause: a new session would not help, so do not loop.
		return rep, err
	case cl.irreversible && !gatewayRefused:
		// Only the gateway's own 900901 proves the request never reached
		// the service; any other 401 to the irreversible call is final.
		return rep, err
	}
	c.log.WithField("op", cl.op).Debug("gateway token refused; renewing the session and retrying once")
	c.sessions.invalidate(token)
	if token, _, err = c.accessToken(ctx); err != nil {
		return reply{}, err
	}
	return c.send(ctx, cl, token)
}

// send performs one HTTP request and reads its reply within the size limit.
func (c *Client) send(ctx context.Context, cl call, token string) (reply, error) {
	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return reply{}, fmt.Errorf("%s: encode request: %w", cl.op, err)
		}
		body = bytes.NewReader(b)
	}
	callCtx, cancel := context.WithTimeout(ctx, c.callTimeout)
	defer cancel()
	var wroteMu sync.Mutex
	written := false
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		wroteMu.Lock()
		written = written || info.Err == nil
		wroteMu.Unlock()
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(callCtx, trace), cl.method, cl.url, body)
	if err != nil {
		return reply{}, fmt.Errorf("%s: build request: %w", cl.op, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.auth {
		req.Header.Set(wire.HeaderAuthorization, "Bearer "+token)
	}
	c.api.decorate(req.Header, cl)

	start := c.now()
	resp, err := c.http.Do(req)
	wasWritten := func() bool { wroteMu.Lock(); defer wroteMu.Unlock(); return written }
	if err != nil {
		return reply{}, c.transportError(ctx, cl, err, wasWritten())
	}
	defer resp.Body.Close()

	data, readErr := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	log := c.log.WithFields(logrus.Fields{"op": cl.op, "status": resp.StatusCode,
		"ms": c.now().Sub(start).Milliseconds()})
	tooBig := int64(len(data)) > c.maxBody
	if tooBig {
		data = nil
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	switch {
	case ok && cl.irreversible:
		// The status arrived: the generation judges the body (v2's 204 has
		// none; v3's authResult is in it), and a body that did not arrive
		// whole is marked rather than refused.
		log.Debug("ABDM call done")
		return reply{status: resp.StatusCode, body: data, incomplete: tooBig || readErr != nil}, nil
	case ok && tooBig:
		log.Warn("ABDM reply too large")
		return reply{}, &Error{Op: cl.op, Status: resp.StatusCode, Kind: KindBadReply,
			ABDMText: fmt.Sprintf("the reply is larger than %d bytes", c.maxBody)}
	case ok && readErr != nil:
		log.WithError(readErr).Warn("ABDM reply cut off")
		return reply{}, &Error{Op: cl.op, Status: resp.StatusCode, Kind: KindBadReply,
			ABDMText: "the reply was cut off", Err: c.cleanErr(readErr)}
	case ok:
		log.Debug("ABDM call done")
		return reply{status: resp.StatusCode, body: data}, nil
	}
	code, text, field := parseErrorBody(data)
	e := &Error{Op: cl.op, Status: resp.StatusCode, Code: code, ABDMText: c.scrub(text),
		Kind: classifyMessage(classify(resp.StatusCode, code, cl.session, cl.patient()), code, text)}
	if field != "" && code == "" && !cl.session && resp.StatusCode < 500 {
		e.Kind = fieldKind(field, text) // {"txnId":"Invalid Transaction Id"}
	}
	if cl.irreversible && code == "" && (resp.StatusCode == 500 || resp.StatusCode == 502 || resp.StatusCode == 504) {
		// A bare server or gateway error after the request arrived: the service
		// may have acted on it before failing, so its outcome is not known.
		e.Kind = KindOutcomeUnknown
	}
	if e.Kind == KindRateLimited {
		e.RetryAfter = retryAfter(code, resp.Header.Get("Retry-After"))
	}
	log.WithField("code", code).Info("ABDM refused the call")
	return reply{}, e
}

// transportError classifies a failure that left no reply. For an irreversible
// call whose request was written, the outcome is unknown.
func (c *Client) transportError(ctx context.Context, cl call, err error, written bool) error {
	cause := c.cleanErr(err)
	c.log.WithFields(logrus.Fields{"op": cl.op, "written": written}).WithError(cause).Warn("ABDM call failed")
	if cl.irreversible && written {
		return &Error{Op: cl.op, Kind: KindOutcomeUnknown, Err: cause}
	}
	if ctx.Err() != nil {
		// The caller gave up (Cancel or its own deadline): not ABDM's fault.
		return fmt.Errorf("%s: %w", cl.op, ctx.Err())
	}
	kind := transportKind(err)
	e := &Error{Op: cl.op, Kind: kind, Err: cause}
	if errors.Is(err, context.DeadlineExceeded) {
		e.ABDMText = fmt.Sprintf("no answer within %s", c.callTimeout)
	}
	return e
}

// cleanErr keeps the error chain (for errors.Is) but scrubs its text.
func (c *Client) cleanErr(err error) error {
	if err == nil {
		return nil
	}
	return &scrubbedError{text: c.scrub(err.Error()), err: err}
}

type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }

// retryAfter reads the wait ABDM asks for: from the code, else the Retry-After header.
func retryAfter(code, header string) time.Duration {
	if d, ok := retryAfterByCode[code]; ok {
		return d
	}
	if secs, err := time.ParseDuration(strings.TrimSpace(header) + "s"); err == nil && secs > 0 {
		return secs
	}
	return retryAfterDefault[code]
}

// decode unmarshals a reply body, turning a malformed body into KindBadReply.
func decode(op string, rep reply, v any) error {
	if err := json.Unmarshal(rep.body, v); err != nil {
		return &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply is not valid JSON"}
	}
	return nil
}
