package sandbox

import (
	"net/http"
	"time"

	"abha-deactivate/abdm/wire"
)

// Messages of the HealthID service.
const (
	msgAccountDeactivated = "ABHA number is deactivated"
)

// cert serves GET {healthid}/v1/auth/cert (and v2): the PEM public key.
func (s *Server) cert(r *http.Request) reply {
	pemBytes, err := s.publicKeyPEM(r.Context())
	if err != nil {
		return internalError("The encryption key is not available")
	}
	return reply{status: http.StatusOK, ctype: "text/plain; charset=utf-8", body: pemBytes}
}

// profile serves GET {healthid}/v1/account/profile.
func (s *Server) profile(r *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, rp, ok := s.patientLocked(r, s.Now())
	if !ok {
		return rp
	}
	return jsonReply(http.StatusOK, profileOf(a))
}

// patientLocked finds the account of the request's X-Token. A missing,
// unknown or expired token gets ABDM's empty 401; a deactivated account gets
// 422 HIS-1007.
func (s *Server) patientLocked(r *http.Request, now time.Time) (*account, reply, bool) {
	tok, ok := bearer(r.Header.Get(wire.HeaderXToken))
	if !ok {
		return nil, emptyReply(http.StatusUnauthorized), false
	}
	xt, ok := s.xTokens[tok]
	if !ok || !now.Before(xt.expires) {
		return nil, emptyReply(http.StatusUnauthorized), false
	}
	if xt.account.status == StatusDeactivated {
		return nil, unprocessable(wire.CodeAccountDisabled, msgAccountDeactivated), false
	}
	return xt.account, reply{}, true
}
