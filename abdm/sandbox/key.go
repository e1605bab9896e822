package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// startKey uses the configured key or generates one in the background:
// at once, or with WithKeyOnDemand when the key is first needed.
func (s *Server) startKey() {
	if s.cfg.key != nil {
		s.key = s.cfg.key
		close(s.keyDone)
		return
	}
	if !s.cfg.keyOnDemand {
		s.keyStart.Do(s.generateKey)
	}
}

// generateKey makes the RSA key in a goroutine; keyDone closes when it exists.
func (s *Server) generateKey() {
	s.keyStarted.Store(true)
	bits, gate := s.cfg.keyBits, s.cfg.keyGate
	go func() {
		if gate != nil {
			<-gate
		}
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			s.keyErr = fmt.Errorf("sandbox: generating a %d-bit RSA key: %w", bits, err)
		}
		s.key = k
		close(s.keyDone)
	}()
}

// KeyReady waits until the RSA key exists, starting its generation if
// WithKeyOnDemand put it off. It returns the error of key
// generation, if any, or ctx's error if ctx ends first.
func (s *Server) KeyReady(ctx context.Context) error {
	if s.cfg.key == nil {
		s.keyStart.Do(s.generateKey)
	}
	select {
	case <-s.keyDone:
		return s.keyErr
	case <-ctx.Done():
		return fmt.Errorf("sandbox: waiting for the RSA key: %w", ctx.Err())
	}
}

// PublicKey waits for the key like KeyReady and returns its public half,
// the key /v1/auth/cert (PEM) and /v3/profile/public/certificate (base64
// DER) serve.
func (s *Server) PublicKey(ctx context.Context) (*rsa.PublicKey, error) {
	if err := s.KeyReady(ctx); err != nil {
		return nil, err
	}
	return &s.privateKey().PublicKey, nil
}

// privateKey is the key in use: the one made at start, or the one
// RotateKey put in its place.
func (s *Server) privateKey() *rsa.PrivateKey {
	if k := s.rotated.Load(); k != nil {
		return k
	}
	return s.key
}

// RotateKey replaces the simulator's RSA key, as ABDM may change its own:
// values encrypted with the old public key are refused from now on, as
// ABDM refuses them (a wrong value, not a crypto error).
func (s *Server) RotateKey(k *rsa.PrivateKey) { s.rotated.Store(k) }

// publicKeyPEM encodes the public key as a PKIX "PUBLIC KEY" PEM block.
func (s *Server) publicKeyPEM(ctx context.Context) ([]byte, error) {
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("sandbox: encoding the public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
