package secrets

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultTimeout bounds a keyring call when NewKeyring is given no timeout.
const DefaultTimeout = 10 * time.Second

// backend is the part of go-keyring the Keyring uses; tests replace it.
type backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// goKeyring calls the go-keyring package functions (so keyring.MockInit works).
type goKeyring struct{}

func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (goKeyring) Set(service, user, pw string) error       { return keyring.Set(service, user, pw) }
func (goKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// Keyring is the Store backed by the operating system's keyring.
type Keyring struct {
	b       backend
	timeout time.Duration
	// checkBus, when set, is asked before each call whether the keyring can
	// be reached without starting a program (see bus_linux.go).
	checkBus func() error
}

// NewKeyring returns a Store in the system keyring (service Service, user
// the client ID). Each call gives up after timeout (DefaultTimeout if <= 0)
// or when ctx ends, whichever is first: a locked keyring may wait forever on
// an unlock prompt. The abandoned call keeps running in the background.
func NewKeyring(timeout time.Duration) Store {
	k := newKeyring(goKeyring{}, timeout)
	k.checkBus = checkBus
	return k
}

func newKeyring(b backend, timeout time.Duration) *Keyring {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Keyring{b: b, timeout: timeout}
}

// Get implements Store.
func (k *Keyring) Get(ctx context.Context, clientID string) (string, error) {
	var secret string
	err := k.call(ctx, "reading", clientID, func() error {
		var err error
		secret, err = k.b.Get(Service, clientID)
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Set implements Store.
func (k *Keyring) Set(ctx context.Context, clientID, secret string) error {
	if secret == "" {
		return ErrEmptySecret
	}
	return k.call(ctx, "saving", clientID, func() error { return k.b.Set(Service, clientID, secret) })
}

// Delete implements Store.
func (k *Keyring) Delete(ctx context.Context, clientID string) error {
	return k.call(ctx, "removing", clientID, func() error { return k.b.Delete(Service, clientID) })
}

// call runs fn in a goroutine bounded by ctx and the timeout, and maps its error.
func (k *Keyring) call(ctx context.Context, doing, clientID string, fn func() error) error {
	if clientID == "" {
		return ErrNoClientID
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s the client secret: %w", doing, err)
	}
	if k.checkBus != nil {
		if err := k.checkBus(); err != nil {
			return fmt.Errorf("%w: %s the client secret: %v", ErrUnavailable, doing, err)
		}
	}
	timer := time.NewTimer(k.timeout)
	defer timer.Stop()
	done := make(chan error, 1) // buffered: an abandoned call can still finish
	go func() { done <- fn() }()

	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, keyring.ErrNotFound):
			return ErrNotFound
		default:
			return fmt.Errorf("%w: %s the client secret: %v", ErrUnavailable, doing, err)
		}
	case <-timer.C:
		return fmt.Errorf("%w: %s the client secret: no answer within %v (the keyring may be locked and waiting for its password)",
			ErrUnavailable, doing, k.timeout)
	case <-ctx.Done():
		return fmt.Errorf("%s the client secret: %w", doing, ctx.Err())
	}
}
