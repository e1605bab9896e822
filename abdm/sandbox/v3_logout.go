package sandbox

import (
	"net/http"

	"abha-deactivate/abdm/wire"
)

const msgV3LoggedOut = "User logged out successfully"

// v3Logout serves GET {abha}/v3/profile/account/request/logout with the
// X-token: the token is refused from then on.
func (s *Server) v3Logout(r *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, rp, ok := s.v3PatientLocked(r, s.Now()); !ok {
		return rp
	}
	tok, _ := bearer(r.Header.Get(wire.HeaderV3XToken))
	delete(s.xTokens, tok)
	s.logouts++
	return jsonReply(http.StatusOK, map[string]string{"message": msgV3LoggedOut})
}

// Logouts counts the patient sign-ins logged out (v3), for tests.
func (s *Server) Logouts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logouts
}
