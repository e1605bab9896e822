package secrets

import (
	"context"
	"sync"
)

// Memory is a Store that keeps secrets in this process only: for tests, the
// demo mode and the session fallback.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemory returns an empty in-memory Store.
func NewMemory() Store { return newMemory() }

func newMemory() *Memory { return &Memory{m: map[string]string{}} }

// Get implements Store.
func (m *Memory) Get(ctx context.Context, clientID string) (string, error) {
	if clientID == "" {
		return "", ErrNoClientID
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[clientID]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set implements Store.
func (m *Memory) Set(ctx context.Context, clientID, secret string) error {
	if clientID == "" {
		return ErrNoClientID
	}
	if secret == "" {
		return ErrEmptySecret
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[clientID] = secret
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(ctx context.Context, clientID string) error {
	if clientID == "" {
		return ErrNoClientID
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[clientID]; !ok {
		return ErrNotFound
	}
	delete(m.m, clientID)
	return nil
}
