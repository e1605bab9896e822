package abdm

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	keyOnce          sync.Once
	key2048, key4096 *rsa.PrivateKey
)

// testKeys loads the test keys (made once with openssl genrsa, for tests
// only) instead of generating them: a 4096-bit key takes seconds.
func testKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		key2048 = loadTestKey("testdata/test-key-2048.pem")
		key4096 = loadTestKey("testdata/test-key-4096.pem")
	})
	return key2048, key4096
}

func loadTestKey(path string) *rsa.PrivateKey {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		panic("no PEM in " + path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		if k1, err1 := x509.ParsePKCS1PrivateKey(block.Bytes); err1 == nil {
			return k1
		}
		panic(err)
	}
	return k.(*rsa.PrivateKey)
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func wrap64(s string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	b.WriteString(s)
	return b.String()
}

func TestParsePublicKeyEveryForm(t *testing.T) {
	k2048, k4096 := testKeys(t)
	for _, priv := range []*rsa.PrivateKey{k2048, k4096} {
		pub := &priv.PublicKey
		pkix, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		pkcs1 := x509.MarshalPKCS1PublicKey(pub)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix2("ABDM test"),
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
		if err != nil {
			t.Fatal(err)
		}
		b64 := base64.StdEncoding.EncodeToString(pkix)
		jsonPEM, _ := json.Marshal(map[string]string{"publicKey": pemOf("PUBLIC KEY", pkix)})
		jsonB64, _ := json.Marshal(map[string]string{"publicKey": b64})
		jsonStr, _ := json.Marshal(pemOf("PUBLIC KEY", pkix))
		forms := map[string]string{
			"pem pkix":              pemOf("PUBLIC KEY", pkix),
			"pem pkix crlf":         strings.ReplaceAll(pemOf("PUBLIC KEY", pkix), "\n", "\r\n"),
			"pem pkcs1":             pemOf("RSA PUBLIC KEY", pkcs1),
			"pem certificate":       pemOf("CERTIFICATE", cert),
			"bare base64 pkix":      b64,
			"bare base64 wrapped":   wrap64(b64) + "\n",
			"bare base64 pkcs1":     base64.StdEncoding.EncodeToString(pkcs1),
			"bare base64 unpadded":  base64.RawStdEncoding.EncodeToString(pkix),
			"json publicKey pem":    string(jsonPEM),
			"json publicKey base64": string(jsonB64),
			"json string":           string(jsonStr),
			"bom and spaces":        "\xef\xbb\xbf  " + pemOf("PUBLIC KEY", pkix) + "  ",
		}
		for name, body := range forms {
			got, err := ParsePublicKey([]byte(body))
			if err != nil {
				t.Errorf("%d bits, %s: %v", priv.N.BitLen(), name, err)
				continue
			}
			if !got.Equal(pub) {
				t.Errorf("%d bits, %s: parsed a different key", priv.N.BitLen(), name)
			}
		}
	}
}

func pkix2(cn string) pkix.Name { return pkix.Name{CommonName: cn} }

func TestParsePublicKeyRefusesBadInput(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallDER, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	bad := map[string]string{
		"empty":            "",
		"garbage":          "hello world",
		"html":             "<html>error</html>",
		"json without key": `{"other":1}`,
		"json broken":      `{"publicKey":`,
		"private key pem":  pemOf("PRIVATE KEY", []byte{1, 2, 3}),
		"broken pem":       "-----BEGIN PUBLIC KEY-----\nAAAA",
		"1024-bit":         pemOf("PUBLIC KEY", smallDER),
		"ec key":           pemOf("PUBLIC KEY", ecDER),
		"base64 of junk":   base64.StdEncoding.EncodeToString([]byte("not a key at all")),
	}
	for name, body := range bad {
		if _, err := ParsePublicKey([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestEncryptRoundTrip4096(t *testing.T) {
	_, k4096 := testKeys(t)
	enc, err := EncryptWithKey(&k4096.PublicKey, "123456")
	if err != nil {
		t.Fatal(err)
	}
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("not standard base64: %v", err)
	}
	if len(ct) != 512 {
		t.Fatalf("ciphertext is %d bytes, want 512 for a 4096-bit key", len(ct))
	}
	//lint:ignore SA1019 the test decrypts as ABDM does.
	plain, err := rsa.DecryptPKCS1v15(nil, k4096, ct)
	if err != nil || string(plain) != "123456" {
		t.Fatalf("decrypt: %q, %v", plain, err)
	}
	again, _ := EncryptWithKey(&k4096.PublicKey, "123456")
	if again == enc {
		t.Fatal("PKCS#1 v1.5 encryption must be randomised")
	}
}

func FuzzParsePublicKey(f *testing.F) {
	// A fixed key from testdata: generating one here would slow every worker.
	pemData, err := os.ReadFile("testdata/public-2048.pem")
	if err != nil {
		f.Fatal(err)
	}
	block, _ := pem.Decode(pemData)
	der := block.Bytes
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pemData)
	f.Add([]byte(base64.StdEncoding.EncodeToString(der)))
	f.Add([]byte(`{"publicKey":"` + base64.StdEncoding.EncodeToString(der) + `"}`))
	f.Add([]byte(pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(pub.(*rsa.PublicKey)))))
	f.Add([]byte(`"abc"`))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePublicKey(data)
		if err == nil && (k == nil || k.N.BitLen() < MinKeyBits) {
			t.Fatalf("accepted an unusable key")
		}
	})
}
