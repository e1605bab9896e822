package secrets

import (
	"context"
	"errors"
	"sync"
)

// SessionOnlyMessage is what the user is told when the keyring cannot keep the secret.
const SessionOnlyMessage = "The system keyring is not available, so the secret will be kept only until you close the app."

// SessionOnlyError is returned by Session.Set when the secret was kept in
// memory because the keyring was unavailable. Its message is
// SessionOnlyMessage; it unwraps to the keyring error (and so to ErrUnavailable).
type SessionOnlyError struct {
	Err error // the keyring's error, for the log
}

func (e *SessionOnlyError) Error() string { return SessionOnlyMessage }

func (e *SessionOnlyError) Unwrap() error { return e.Err }

// Session is a Store over a backend (normally the keyring) that remembers
// secrets for this process and falls back to memory alone when the backend
// is unavailable. It never writes a plain file. Safe for concurrent use.
type Session struct {
	backend Store
	mem     *Memory

	mu          sync.Mutex
	sessionOnly bool
}

var _ Store = (*Session)(nil)

// NewSession wraps backend.
func NewSession(backend Store) *Session {
	return &Session{backend: backend, mem: newMemory()}
}

// Get returns the secret from memory, else from the backend (and then
// remembers it, so the keyring is asked at most once per client ID).
func (s *Session) Get(ctx context.Context, clientID string) (string, error) {
	if v, err := s.mem.Get(ctx, clientID); err == nil || errors.Is(err, ErrNoClientID) {
		return v, err
	}
	v, err := s.backend.Get(ctx, clientID)
	if err != nil {
		return "", err
	}
	_ = s.mem.Set(ctx, clientID, v)
	return v, nil
}

// Set saves the secret in the backend and in memory. If the backend is
// unavailable the secret is kept in memory only and a *SessionOnlyError
// (wrapping ErrUnavailable) is returned; SessionOnly then reports true.
// Other errors (empty ID, cancelled context) change nothing.
func (s *Session) Set(ctx context.Context, clientID, secret string) error {
	if clientID == "" {
		return ErrNoClientID
	}
	if secret == "" {
		return ErrEmptySecret
	}
	err := s.backend.Set(ctx, clientID, secret)
	if err != nil && !errors.Is(err, ErrUnavailable) {
		return err
	}
	if memErr := s.mem.Set(ctx, clientID, secret); memErr != nil {
		return memErr
	}
	s.mu.Lock()
	s.sessionOnly = err != nil
	s.mu.Unlock()
	if err != nil {
		return &SessionOnlyError{Err: err}
	}
	return nil
}

// SetSessionOnly keeps the secret in memory only, for a user who chose not
// to save it in the keyring. It does not touch the backend.
func (s *Session) SetSessionOnly(clientID, secret string) error {
	return s.mem.Set(context.Background(), clientID, secret)
}

// SessionOnly reports whether the last Set kept the secret in memory only
// because the keyring was unavailable. Delete resets it.
func (s *Session) SessionOnly() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessionOnly
}

// Delete removes the secret from memory and from the backend. It returns
// ErrNotFound only if neither had it, and the backend's error if it could
// not be asked (the memory copy is gone even then).
func (s *Session) Delete(ctx context.Context, clientID string) error {
	memErr := s.mem.Delete(ctx, clientID)
	if errors.Is(memErr, ErrNoClientID) {
		return memErr
	}
	s.mu.Lock()
	s.sessionOnly = false
	s.mu.Unlock()
	err := s.backend.Delete(ctx, clientID)
	if errors.Is(err, ErrNotFound) && memErr == nil {
		return nil
	}
	return err
}
