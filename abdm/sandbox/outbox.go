package sandbox

import (
	"context"
	"fmt"
	"time"
)

// OTP purposes, as found in OTPMessage.Purpose. The v3 calls use the same
// purposes as their v2 counterparts: deactivation OTPs are PurposeAadhaar or
// PurposeMobile, sign-in OTPs PurposeLoginAadhaar or PurposeLoginMobile (also
// for a sign-in by mobile number).
const (
	PurposeAadhaar      = "aadhaar"       // sent to the mobile linked to the Aadhaar
	PurposeMobile       = "mobile"        // sent to the ABHA's own mobile
	PurposeLoginAadhaar = "login-aadhaar" // login (auth/init AADHAAR_OTP), to the Aadhaar's mobile
	PurposeLoginMobile  = "login-mobile"  // login (auth/init MOBILE_OTP), to the ABHA's own mobile

	PurposeReactivateAadhaar = "reactivate-aadhaar" // reactivation, to the Aadhaar's mobile (v2 AADHAAR_OTP, v3 aadhaar)
	PurposeReactivateMobile  = "reactivate-mobile"  // reactivation, to the ABHA's own mobile (v2 MOBILE_OTP, v3 abdm)
)

// OTPMessage is one OTP the sandbox "sent" by SMS.
type OTPMessage struct {
	Time         time.Time `json:"time"` // sandbox clock
	TxnID        string    `json:"txnId"`
	OTP          string    `json:"otp"`
	ABHANumber   string    `json:"abhaNumber"` // "" for a v3 sign-in by mobile number
	MaskedMobile string    `json:"maskedMobile"`
	Purpose      string    `json:"purpose"` // one of the Purpose constants
}

// Outbox returns every OTP sent since New or Reset, oldest first.
func (s *Server) Outbox() []OTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]OTPMessage{}, s.outbox...)
}

// WaitOTP blocks until the outbox holds more than after messages and returns
// the one at index after (so WaitOTP(ctx, len(Outbox())) waits for the next
// OTP). It gives up when ctx ends.
func (s *Server) WaitOTP(ctx context.Context, after int) (OTPMessage, error) {
	after = max(after, 0)
	for {
		s.mu.Lock()
		if len(s.outbox) > after {
			m := s.outbox[after]
			s.mu.Unlock()
			return m, nil
		}
		ch := s.outboxCh
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return OTPMessage{}, fmt.Errorf("sandbox: waiting for OTP number %d: %w", after+1, ctx.Err())
		}
	}
}

// sendLocked puts m in the outbox and wakes WaitOTP callers.
func (s *Server) sendLocked(m OTPMessage) {
	s.outbox = append(s.outbox, m)
	close(s.outboxCh)
	s.outboxCh = make(chan struct{})
}
