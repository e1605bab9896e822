package abdm

import (
	"context"
	"fmt"
	"sync"
	"time"

	"abha-deactivate/abdm/wire"
)

// sessionCache holds the facility's gateway tokens. Renewal is single-flight:
// sem admits one renewal at a time, and waiting for it honours the context.
type sessionCache struct {
	mu         sync.Mutex
	access     string
	refresh    string
	accessExp  time.Time
	accessLife time.Duration
	refreshExp time.Time
	refused    error // sticky: ABDM refused the credentials; never retried on its own
	sem        chan struct{}
}

func (s *sessionCache) init() { s.sem = make(chan struct{}, 1) }

// valid returns the access token if it is good for longer than margin, or
// than a third of its life when that is shorter.
func (s *sessionCache) valid(now time.Time, margin time.Duration) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	margin = min(margin, s.accessLife/3)
	if s.access != "" && now.Before(s.accessExp.Add(-margin)) {
		return s.access, true
	}
	return "", false
}

// invalidate drops token if it is still the cached one (ABDM refused it).
func (s *sessionCache) invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access == token {
		s.access, s.accessExp = "", time.Time{}
	}
}

func (s *sessionCache) store(now time.Time, r wire.SessionResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	life := time.Duration(r.ExpiresIn) * time.Second
	if life <= 0 {
		life = 5 * time.Minute // ABDM always sends expiresIn; be careful if it does not
	}
	s.access, s.accessExp, s.accessLife = r.AccessToken, now.Add(life), life
	if r.RefreshToken != "" && r.RefreshExpiresIn > 0 {
		s.refresh, s.refreshExp = r.RefreshToken, now.Add(time.Duration(r.RefreshExpiresIn)*time.Second)
	} else {
		s.refresh, s.refreshExp = "", time.Time{}
	}
	s.refused = nil
}

func (s *sessionCache) refreshToken(now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refresh != "" && now.Before(s.refreshExp) {
		return s.refresh
	}
	return ""
}

func (s *sessionCache) refusedErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

func (s *sessionCache) setRefused(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = err
	s.access, s.refresh = "", ""
}

func (s *sessionCache) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access, s.refresh, s.refused = "", "", nil
	s.accessExp, s.refreshExp, s.accessLife = time.Time{}, time.Time{}, 0
}

func (s *sessionCache) expiry() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access == "" {
		return time.Time{}
	}
	return s.accessExp
}

// OpenSession makes sure a gateway session is open, obtaining one if needed.
// It is how a front end checks the facility's credentials.
func (c *Client) OpenSession(ctx context.Context) error {
	_, _, err := c.accessToken(ctx)
	return err
}

// warmMargin is how long before expiry Warm renews the session: twice the
// renewal margin, so that a call made meanwhile never has to renew first.
func (c *Client) warmMargin() time.Duration { return 2 * c.renewMargin }

// keyWarmAhead is how long before the key's TTL ends Warm fetches it again.
const keyWarmAhead = 15 * time.Minute

// Warm renews, ahead of time, a gateway session that is about to expire and
// a public key that is about to leave the cache, so that each user action
// costs one request. It does nothing before the first session and after
// ABDM refused the credentials.
func (c *Client) Warm(ctx context.Context) error {
	if c.sessions.expiry().IsZero() || c.sessions.refusedErr() != nil {
		return nil
	}
	if _, _, err := c.token(ctx, c.warmMargin()); err != nil {
		return err
	}
	if c.keys.get(c.now(), c.keyTTL-keyWarmAhead) == nil {
		if _, err := c.fetchKey(ctx); err != nil {
			return err
		}
	}
	return nil
}

// KeepWarm calls Warm every interval until ctx ends. Front ends run it in a
// goroutine once connected; failures are logged and tried again.
func (c *Client) KeepWarm(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.Warm(ctx); err != nil && ctx.Err() == nil {
				c.log.WithError(err).Debug("keeping the session warm failed; the next call will retry")
			}
		}
	}
}

// ResetSession forgets the gateway tokens and any earlier refusal of the
// credentials, so that the next call logs in again.
func (c *Client) ResetSession() { c.sessions.reset() }

// SessionExpiry is when the current gateway token expires (zero if none).
func (c *Client) SessionExpiry() time.Time { return c.sessions.expiry() }

// accessToken returns a valid gateway token, renewing it when it is close to
// expiry. fresh is true when the token was obtained by this call.
func (c *Client) accessToken(ctx context.Context) (token string, fresh bool, err error) {
	return c.token(ctx, c.renewMargin)
}

// token is accessToken with the renewal margin given.
func (c *Client) token(ctx context.Context, margin time.Duration) (token string, fresh bool, err error) {
	if tok, ok := c.sessions.valid(c.now(), margin); ok {
		return tok, false, nil
	}
	select {
	case c.sessions.sem <- struct{}{}:
	case <-ctx.Done():
		return "", false, fmt.Errorf("open gateway session: %w", ctx.Err())
	}
	defer func() { <-c.sessions.sem }()
	if tok, ok := c.sessions.valid(c.now(), margin); ok {
		return tok, false, nil // renewed by another caller meanwhile
	}
	if err := c.sessions.refusedErr(); err != nil {
		return "", false, err
	}
	tok, err := c.renewSession(ctx)
	return tok, err == nil, err
}

// renewSession uses the refresh token when the generation has a refresh
// grant and the token is still valid, and falls back to client credentials
// when ABDM refuses it. A refusal of the credentials is remembered so that
// the client never loops into ABDM's lock-out.
func (c *Client) renewSession(ctx context.Context) (string, error) {
	if refresh := c.sessions.refreshToken(c.now()); refresh != "" && c.api.refreshes() {
		tok, err := c.requestSession(ctx, refresh)
		if err == nil {
			return tok, nil
		}
		switch KindOf(err) {
		case KindGatewayCredentials, KindInvalidInput, KindUnknown, KindBadReply:
			c.log.WithError(err).Info("refresh token refused; logging in with client credentials")
		default:
			return "", err // network or service trouble: client credentials would fail too
		}
	}
	tok, err := c.requestSession(ctx, "")
	if err != nil && KindOf(err) == KindGatewayCredentials {
		c.sessions.setRefused(err)
	}
	return tok, err
}

// requestSession asks for a gateway session, with refresh when not empty.
func (c *Client) requestSession(ctx context.Context, refresh string) (string, error) {
	cl := c.api.sessionCall(c.creds, refresh)
	rep, err := c.send(ctx, cl, "")
	if err != nil {
		return "", err
	}
	var r wire.SessionResponse
	if err := decode(cl.op, rep, &r); err != nil {
		return "", err
	}
	if r.AccessToken == "" {
		return "", &Error{Op: cl.op, Status: rep.status, Kind: KindBadReply, ABDMText: "the reply has no access token"}
	}
	c.addSecret(r.AccessToken)
	c.addSecret(r.RefreshToken)
	c.sessions.store(c.now(), r)
	return r.AccessToken, nil
}
