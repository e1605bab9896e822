package abdm

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"abha-deactivate/abdm/wire"
)

// MinKeyBits is the smallest RSA key accepted for encrypting an OTP.
const MinKeyBits = 2048

// keyCache holds ABDM's public key and when it was fetched.
type keyCache struct {
	mu      sync.Mutex
	key     *rsa.PublicKey
	fetched time.Time
}

func (k *keyCache) get(now time.Time, ttl time.Duration) *rsa.PublicKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil && now.Sub(k.fetched) < ttl {
		return k.key
	}
	return nil
}

func (k *keyCache) set(key *rsa.PublicKey, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.key, k.fetched = key, now
}

func (k *keyCache) drop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.key = nil
}

// PublicKey returns ABDM's public key for encrypting OTPs and IDs, fetched
// from the generation's key call (v2 /v1/auth/cert, v3
// /v3/profile/public/certificate) and cached for the key TTL.
func (c *Client) PublicKey(ctx context.Context) (*rsa.PublicKey, error) {
	if k := c.keys.get(c.now(), c.keyTTL); k != nil {
		return k, nil
	}
	return c.fetchKey(ctx)
}

func (c *Client) fetchKey(ctx context.Context) (*rsa.PublicKey, error) {
	cl := c.api.keyCall()
	rep, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	key, err := c.api.parseKey(rep.body)
	if err != nil {
		return nil, &Error{Op: cl.op, Status: rep.status, Kind: KindBadReply, ABDMText: err.Error()}
	}
	c.keys.set(key, c.now())
	return key, nil
}

// cached is the key held, however old, or nil.
func (k *keyCache) cached() *rsa.PublicKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.key
}

// withFreshKey runs send, which encrypts with the key in use (EncryptOTP)
// and makes its call. ABDM may change its public key; a value encrypted with
// the old one is refused like a wrong value (v3: "Invalid LoginId"). So when
// send's call is refused with a 4xx that could be that, the key is fetched
// again, and if it has changed, send runs once more with the new key. A
// refused call was not acted on, so sending it again is safe, the
// irreversible one included. The same key means the refusal stands.
func (c *Client) withFreshKey(ctx context.Context, send func() error) error {
	err := send()
	if !refusedValue(err) {
		return err
	}
	old := c.keys.cached()
	c.keys.drop()
	key, kerr := c.fetchKey(ctx)
	if kerr != nil || (old != nil && old.Equal(key)) {
		return err
	}
	c.log.Info("ABDM's public key has changed: sending again with the new key")
	err = send()
	var e *Error
	if refusedValue(err) && !IsKind(err, KindWrongOTP) && errors.As(err, &e) {
		// Refused with the new key too, and not as a wrong OTP: the key may
		// have changed again (or the value is refused for another cause,
		// which ABDM's code and message still show).
		c.log.WithField("code", e.Code).Warn("refused again after ABDM's key changed")
		changed := *e
		changed.Kind = KindKeyChanged
		return &changed
	}
	return err
}

// refusedValue reports whether err is a refusal of what was sent, as an
// undecryptable value is refused: a 4xx, or v3's 200 with authResult
// "failed" (a wrong OTP).
func refusedValue(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if e.Status == 200 {
		return e.Kind == KindWrongOTP
	}
	return e.Status >= 400 && e.Status < 500 &&
		IsKind(err, KindInvalidInput, KindWrongOTP, KindUnknown, KindNotFound, KindTxnInvalid)
}

// EncryptOTP encrypts an OTP (or, v3, an ID) for ABDM with its public key
// and the generation's cipher. If encryption with the cached key fails, the
// key is fetched again once.
func (c *Client) EncryptOTP(ctx context.Context, plaintext string) (string, error) {
	key, err := c.PublicKey(ctx)
	if err != nil {
		return "", err
	}
	out, err := c.api.encrypt(key, plaintext)
	if err == nil {
		return out, nil
	}
	c.log.WithError(err).Warn("encryption with the cached public key failed; fetching the key again")
	c.keys.drop()
	if key, err = c.fetchKey(ctx); err != nil {
		return "", err
	}
	return c.api.encrypt(key, plaintext)
}

// ParsePublicKey reads the reply of v2's /v1/auth/cert: a PEM "PUBLIC KEY" (PKIX),
// "RSA PUBLIC KEY" (PKCS#1) or "CERTIFICATE"; bare base64 DER (PKIX or
// PKCS#1, line breaks allowed); or any of these in a JSON {"publicKey": ...}
// object or JSON string. The key must be RSA of at least MinKeyBits.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) == 0 {
		return nil, errors.New("the public key reply is empty")
	}
	switch data[0] {
	case '{':
		var j wire.PublicKeyJSON
		if err := json.Unmarshal(data, &j); err != nil || strings.TrimSpace(j.PublicKey) == "" {
			return nil, errors.New("the public key reply is JSON without a publicKey field")
		}
		return parseKeyText([]byte(j.PublicKey))
	case '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, errors.New("the public key reply is not a valid JSON string")
		}
		return parseKeyText([]byte(s))
	}
	return parseKeyText(data)
}

func parseKeyText(data []byte) (*rsa.PublicKey, error) {
	data = bytes.TrimSpace(data)
	if bytes.HasPrefix(data, []byte("-----BEGIN")) {
		block, _ := pem.Decode(data)
		if block == nil {
			return nil, errors.New("the public key PEM block is malformed")
		}
		switch block.Type {
		case "CERTIFICATE":
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parse public key certificate: %w", err)
			}
			return checkRSA(cert.PublicKey)
		case "RSA PUBLIC KEY":
			k, err := x509.ParsePKCS1PublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parse PKCS#1 public key: %w", err)
			}
			return checkRSA(k)
		case "PUBLIC KEY":
			return parseDER(block.Bytes)
		default:
			return nil, fmt.Errorf("the PEM block is a %q, not a public key", block.Type)
		}
	}
	compact := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, string(data))
	der, err := base64.StdEncoding.DecodeString(compact)
	if err != nil {
		if der, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(compact, "=")); err != nil {
			return nil, errors.New("the public key is neither PEM nor base64")
		}
	}
	return parseDER(der)
}

// parseDER tries PKIX, then PKCS#1.
func parseDER(der []byte) (*rsa.PublicKey, error) {
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		return checkRSA(k)
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return checkRSA(k)
	}
	return nil, errors.New("the public key is not a PKIX or PKCS#1 RSA key")
}

func checkRSA(k any) (*rsa.PublicKey, error) {
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the public key is %T, not RSA", k)
	}
	if bits := rk.N.BitLen(); bits < MinKeyBits {
		return nil, fmt.Errorf("the public key has %d bits; at least %d are needed", bits, MinKeyBits)
	}
	if rk.E < 3 || rk.E%2 == 0 {
		return nil, errors.New("the public key has an invalid exponent")
	}
	return rk, nil
}
