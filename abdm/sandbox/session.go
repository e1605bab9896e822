package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"abha-deactivate/abdm/wire"
)

// Lock-out of the gateway client after repeated bad logins.
const (
	maxLoginFailures = 5
	lockDuration     = 15 * time.Minute
)

// Messages of the gateway session service.
const (
	codeSessionError     = "ABDM-9999: " // sic: ABDM puts ": " in the code
	msgBadClient         = "Invalid client credentials"
	msgBadRefresh        = "Invalid refresh token"
	msgLocked            = "Client temporarily locked after repeated failed logins. Try again after 15 minutes."
	msgMalformedSession  = "Malformed request body"
	msgUnsupportedGrant  = "Unsupported grantType: use client_credentials or refresh_token"
	gatewayDescriptionFm = "Access failure for API: %s, version: %s status: (900901) - Invalid Credentials. Make sure you have provided the correct security credentials"
)

// gwToken is an issued gateway token.
type gwToken struct {
	clientID string
	refresh  bool
	expires  time.Time
}

// loginLock counts consecutive bad logins of the configured client.
type loginLock struct {
	failures int
	until    time.Time // locked while the sandbox clock is before this
}

// sessionError is the gateway session service's error reply.
func sessionError(status int, msg string) reply {
	var e wire.SessionError
	e.Error.Code = codeSessionError
	e.Error.Message = msg
	return jsonReply(status, e)
}

// session serves POST {gateway}/v0.5/sessions.
func (s *Server) session(body []byte) reply {
	var req wire.SessionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return sessionError(http.StatusBadRequest, msgMalformedSession)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	ours := req.ClientID == s.cfg.clientID
	if ours && now.Before(s.login.until) {
		return sessionError(http.StatusUnauthorized, msgLocked)
	}
	switch req.GrantType {
	case wire.GrantClientCreds:
		// Postman's "refresh" sample sends client_credentials with a
		// refreshToken; ABDM treats it as a fresh login, and so do we.
		if !ours || subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(s.cfg.clientSecret)) != 1 {
			if ours {
				s.login.failures++
				if s.login.failures >= maxLoginFailures {
					s.login = loginLock{until: now.Add(lockDuration)}
				}
			}
			return sessionError(http.StatusUnauthorized, msgBadClient)
		}
		s.login.failures = 0
		return jsonReply(http.StatusOK, s.issueSessionLocked(now, s.cfg.sessionTTL))
	case wire.GrantRefreshToken:
		t, ok := s.gwTokens[req.RefreshToken]
		if req.RefreshToken == "" || !ok || !t.refresh || t.clientID != req.ClientID || !now.Before(t.expires) {
			return sessionError(http.StatusUnauthorized, msgBadRefresh)
		}
		return jsonReply(http.StatusOK, s.issueSessionLocked(now, s.cfg.sessionTTL))
	}
	return sessionError(http.StatusBadRequest, msgUnsupportedGrant)
}

// issueSessionLocked creates an access token living ttl and a refresh token
// and forgets expired ones. Tokens of either generation's session call work
// on both generations' APIs.
func (s *Server) issueSessionLocked(now time.Time, ttl time.Duration) wire.SessionResponse {
	for tok, t := range s.gwTokens {
		if !now.Before(t.expires) {
			delete(s.gwTokens, tok)
		}
	}
	accessExp, refreshExp := now.Add(ttl), now.Add(s.cfg.refreshTTL)
	access := newJWT(s.cfg.random, "Bearer", s.cfg.clientID, s.cfg.clientID, now, accessExp)
	refresh := newJWT(s.cfg.random, "Refresh", s.cfg.clientID, s.cfg.clientID, now, refreshExp)
	s.gwTokens[access] = gwToken{clientID: s.cfg.clientID, expires: accessExp}
	s.gwTokens[refresh] = gwToken{clientID: s.cfg.clientID, refresh: true, expires: refreshExp}
	return wire.SessionResponse{
		AccessToken:      access,
		ExpiresIn:        int64(ttl / time.Second),
		RefreshExpiresIn: int64(s.cfg.refreshTTL / time.Second),
		RefreshToken:     refresh,
		TokenType:        "bearer",
	}
}

// ExpireSessions makes every gateway access and refresh token issued so far
// invalid, as when ABDM expires sessions on its side.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.gwTokens)
}

// checkGateway accepts a request whose Authorization header carries a valid,
// unexpired gateway access token; otherwise it returns the gateway's 401.
func (s *Server) checkGateway(r *http.Request) (reply, bool) {
	tok, ok := bearer(r.Header.Get(wire.HeaderAuthorization))
	if ok {
		s.mu.Lock()
		t, found := s.gwTokens[tok]
		ok = found && !t.refresh && s.Now().Before(t.expires)
		s.mu.Unlock()
	}
	if ok {
		return reply{}, true
	}
	return jsonReply(http.StatusUnauthorized, wire.GatewayTokenError{
		Code:        wire.CodeGatewayInvalidCredentials,
		Message:     "Invalid Credentials",
		Description: gatewayDescription(r.URL.Path),
	}), false
}

// gatewayDescription is the API gateway's wording for a refused token.
func gatewayDescription(path string) string {
	version := "v1"
	switch {
	case strings.HasPrefix(path, HealthIDBase+"/v2/"):
		version = "v2"
	case strings.HasPrefix(path, ABHAV3Base+"/v3/"):
		version = "v3"
	}
	return fmt.Sprintf(gatewayDescriptionFm, path, version)
}

// bearer takes the token out of "Bearer <token>" (scheme in any case).
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}
