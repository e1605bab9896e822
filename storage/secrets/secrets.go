// Package secrets keeps the ABDM client secret in the operating system's
// keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
// Windows) behind a small interface, with an in-memory fallback for one
// session. It never writes a secret to a plain file.
package secrets

import (
	"context"
	"errors"
)

// Service is the keyring service name; the client ID is the user name, so on
// Linux `secret-tool lookup service abha-deactivate username CLIENT_ID` finds it.
const Service = "abha-deactivate"

var (
	// ErrNotFound means no secret is saved for this client ID yet.
	ErrNotFound = errors.New("no secret saved")
	// ErrUnavailable means the system keyring could not be used (no keyring
	// service, locked, no answer in time, ...). Errors wrap it with the reason.
	ErrUnavailable = errors.New("system keyring unavailable")
	// ErrNoClientID is returned for an empty client ID.
	ErrNoClientID = errors.New("no client ID given: the secret is stored under the client ID")
	// ErrEmptySecret is returned by Set for an empty secret.
	ErrEmptySecret = errors.New("the client secret is empty")
)

// Store keeps one secret per client ID.
type Store interface {
	// Get returns the secret, ErrNotFound or an error wrapping ErrUnavailable.
	Get(ctx context.Context, clientID string) (string, error)
	// Set saves or replaces the secret.
	Set(ctx context.Context, clientID, secret string) error
	// Delete removes the secret; ErrNotFound if there was none.
	Delete(ctx context.Context, clientID string) error
}
