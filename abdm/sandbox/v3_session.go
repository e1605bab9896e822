package sandbox

import (
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"abha-deactivate/abdm/wire"
)

// Messages of the v3 gateway session service.
const (
	msgV3BadCMID           = "Invalid X-CM-ID"
	msgV3UnsupportedGrant  = "Unsupported grantType"
	msgV3Locked            = "Invalid user credentials"
	msgV3BadClient         = "Invalid Credentials"
	descriptionV3BadClient = "Invalid client id or client secret"
)

// v3Session serves POST {gateway v3}/v3/sessions (after the REQUEST-ID and
// TIMESTAMP checks). Only client_credentials is a grant; bad credentials
// count towards the lock-out the v2 session call also uses.
func (s *Server) v3Session(r *http.Request, body []byte) reply {
	if strings.TrimSpace(r.Header.Get(wire.HeaderCMID)) != wire.CMIDSandbox {
		return v3Nested(http.StatusBadRequest, codeSessionError, msgV3BadCMID)
	}
	var req wire.V3SessionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return v3Nested(http.StatusBadRequest, codeSessionError, msgMalformedSession)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	ours := req.ClientID == s.cfg.clientID
	if ours && now.Before(s.login.until) {
		return v3Nested(http.StatusUnauthorized, codeSessionError, msgV3Locked)
	}
	if req.GrantType != wire.GrantClientCreds {
		return v3Nested(http.StatusBadRequest, codeSessionError, msgV3UnsupportedGrant)
	}
	if !ours || subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(s.cfg.clientSecret)) != 1 {
		if ours {
			s.login.failures++
			if s.login.failures >= maxLoginFailures {
				s.login = loginLock{until: now.Add(lockDuration)}
			}
		}
		return jsonReply(http.StatusUnauthorized, wire.GatewayTokenError{
			Code: wire.CodeGatewayInvalidCredentials, Message: msgV3BadClient, Description: descriptionV3BadClient})
	}
	s.login.failures = 0
	var resp wire.V3SessionResponse = s.issueSessionLocked(now, s.cfg.sessionTTLV3)
	return jsonReply(http.StatusAccepted, resp)
}

// v3Certificate serves GET {abha}/v3/profile/public/certificate: the public
// key as bare base64 DER SubjectPublicKeyInfo and the only cipher v3 takes.
func (s *Server) v3Certificate(r *http.Request) reply {
	pub, err := s.PublicKey(r.Context())
	if err != nil {
		return s.v3KeyMissing()
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return s.v3KeyMissing()
	}
	return jsonReply(http.StatusOK, wire.V3Certificate{
		PublicKey:           base64.StdEncoding.EncodeToString(der),
		EncryptionAlgorithm: wire.EncryptionOAEPSHA1,
	})
}
