package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// entropy is the source of the sandbox's random values.
type entropy struct {
	mu sync.Mutex
	r  io.Reader
}

// bytes returns n random bytes. crypto/rand never fails; a fixed stream
// given with WithRandom that runs dry falls back to crypto/rand.
func (e *entropy) bytes(n int) []byte {
	b := make([]byte, n)
	e.mu.Lock()
	_, err := io.ReadFull(e.r, b)
	e.mu.Unlock()
	if err != nil {
		_, _ = rand.Read(b)
	}
	return b
}

// newSecret returns 32 URL-safe characters.
func newSecret(e *entropy) string {
	return base64.RawURLEncoding.EncodeToString(e.bytes(24))
}

// newUUID returns a random (version 4) UUID.
func newUUID(e *entropy) string {
	b := e.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newOTP returns six random decimal digits, uniformly distributed.
func newOTP(e *entropy) string {
	const limit = 1_000_000
	const reject = (1 << 32) / limit * limit // largest multiple of limit below 2^32
	for {
		v := binary.BigEndian.Uint32(e.bytes(4))
		if uint64(v) < reject {
			return fmt.Sprintf("%06d", v%limit)
		}
	}
}

// newJWT returns a token that looks like a signed JWT: three base64url parts,
// a header, the claims and a random "signature". Only the sandbox's own
// token tables give it meaning; nothing ever parses it back.
func newJWT(e *entropy, typ, subject, audience string, issued, expires time.Time) string {
	header := `{"alg":"RS256","typ":"JWT","kid":"sandbox"}`
	claims, _ := json.Marshal(map[string]any{
		"jti": newUUID(e),
		"iat": issued.Unix(),
		"exp": expires.Unix(),
		"iss": "abdm-sandbox",
		"typ": typ,
		"sub": subject,
		"azp": audience,
	})
	enc := base64.RawURLEncoding
	return strings.Join([]string{
		enc.EncodeToString([]byte(header)),
		enc.EncodeToString(claims),
		enc.EncodeToString(e.bytes(32)),
	}, ".")
}
