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
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm/wire"
	"abha-deactivate/internal/safetext"
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
	sendsOTP     bool   // the call has ABDM send the patient an OTP
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
	callCtx, cancel := context.WithTimeout(ctx, c.callTimeout)
	defer cancel()
	req, err := c.newRequest(callCtx, cl, token)
	if err != nil {
		return reply{}, err
	}
	start := c.now()
	resp, err := c.roundTrip(ctx, cl, req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b := readLimited(resp.Body, c.maxBody)
	log := c.log.WithFields(logrus.Fields{"op": cl.op, "status": resp.StatusCode,
		"ms": c.now().Sub(start).Milliseconds()})
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		e := c.refusal(cl, resp, b.data)
		log.WithField("code", e.Code).Info("ABDM refused the call")
		return reply{}, e
	}
	return c.accept(cl, resp.StatusCode, b, log)
}

// newRequest builds the request for cl: its JSON body, the common headers,
// the bearer token when cl needs one, and the headers of the generation.
func (c *Client) newRequest(ctx context.Context, cl call, token string) (*http.Request, error) {
	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("%s: encode request: %w", cl.op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, cl.url, body)
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", cl.op, err)
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
	return req, nil
}

// roundTrip sends req, tracing whether it was written in full: for an
// irreversible call, a failure after that leaves the outcome unknown. A
// failure is classified with the caller's ctx.
func (c *Client) roundTrip(ctx context.Context, cl call, req *http.Request) (*http.Response, error) {
	var written atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			written.Store(true)
		}
	}}
	resp, err := c.http.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	if err != nil {
		return nil, c.transportError(ctx, cl, err, written.Load())
	}
	return resp, nil
}

// replyBody is a reply body read within the size limit.
type replyBody struct {
	data   []byte // nil when tooBig
	tooBig bool   // the body is larger than the limit
	err    error  // the read failed part way: the body was cut off
}

// readLimited reads r up to limit bytes, noting a body over the limit.
func readLimited(r io.Reader, limit int64) replyBody {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return replyBody{tooBig: true, err: err}
	}
	return replyBody{data: data, err: err}
}

// refusal turns a non-2xx reply to cl into an *Error cleaned of secrets.
func (c *Client) refusal(cl call, resp *http.Response, body []byte) *Error {
	e := replyError(cl, resp.StatusCode, resp.Header, body)
	// ABDM's code and text are shown to staff: no control, escape or
	// bidirectional character of the server's choosing gets through.
	e.Code, e.ABDMText = safetext.Text(e.Code), safetext.Text(c.scrub(e.ABDMText))
	return e
}

// accept turns a 2xx reply into a reply. For an irreversible call the status
// is what counts: the generation judges the body (v2's 204 has none; v3's
// authResult is in it), and a body that did not arrive whole is marked
// rather than refused. For any other call, such a body is KindBadReply.
func (c *Client) accept(cl call, status int, b replyBody, log logrus.FieldLogger) (reply, error) {
	switch {
	case cl.irreversible:
		log.Debug("ABDM call done")
		return reply{status: status, body: b.data, incomplete: b.tooBig || b.err != nil}, nil
	case b.tooBig:
		log.Warn("ABDM reply too large")
		return reply{}, &Error{Op: cl.op, Status: status, Kind: KindBadReply,
			ABDMText: fmt.Sprintf("the reply is larger than %d bytes", c.maxBody)}
	case b.err != nil:
		log.WithError(b.err).Warn("ABDM reply cut off")
		return reply{}, &Error{Op: cl.op, Status: status, Kind: KindBadReply,
			ABDMText: "the reply was cut off", Err: c.cleanErr(b.err)}
	}
	log.Debug("ABDM call done")
	return reply{status: status, body: b.data}, nil
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
		return &StoppedError{Op: cl.op, OTPSend: cl.sendsOTP && written, Err: ctx.Err()}
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

// decode unmarshals a reply body, turning a malformed body into KindBadReply.
// Every string it decodes is made safe to show (safetext.Fields): names,
// addresses and messages chosen by the server reach no terminal or label raw.
func decode(op string, rep reply, v any) error {
	if err := json.Unmarshal(rep.body, v); err != nil {
		return &Error{Op: op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply is not valid JSON"}
	}
	safetext.Fields(v)
	return nil
}
