package abdm

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/internal/testnet"
)

// tlsSandbox serves the simulator over TLS with httptest's certificate
// (valid for 127.0.0.1 and example.com) and writes that certificate to a
// PEM file, as a facility's IT would hand out a CA bundle.
func tlsSandbox(t *testing.T, configure func(*tls.Config)) (srv *httptest.Server, caFile string, creds sandbox.Credentials) {
	t.Helper()
	k2048, _ := testKeys(t)
	sim := sandbox.New(sandbox.WithPrivateKey(k2048))
	srv = httptest.NewUnstartedServer(sim)
	if configure != nil {
		srv.TLS = &tls.Config{}
		configure(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "facility-ca.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, caFile, sim.Credentials()
}

func clientFor(t *testing.T, base string, creds sandbox.Credentials, cfg TransportConfig) *Client {
	t.Helper()
	hc, err := NewHTTPClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(simEndpoints(base, V2),
		Credentials{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, HIPID: creds.HIPID},
		WithHTTPClient(hc), WithCallTimeout(5*time.Second), WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTLSVerificationIsAlwaysOn(t *testing.T) {
	srv, caFile, creds := tlsSandbox(t, nil)
	// Unknown authority: refused with a TLS error the user can act on.
	err := NewFlow(clientFor(t, srv.URL, creds, TransportConfig{})).Connect(context.Background())
	wantKind(t, err, KindTLS)
	if !strings.Contains(KindTLS.NextAction(), "Extra CA certificates") {
		t.Fatal("the TLS advice does not point to the CA setting")
	}
	// With the facility's CA bundle, the same server is trusted.
	if err := NewFlow(clientFor(t, srv.URL, creds, TransportConfig{CABundleFile: caFile})).Connect(context.Background()); err != nil {
		t.Fatalf("with the CA bundle: %v", err)
	}
}

func TestTLSOlderThan12IsRefused(t *testing.T) {
	srv, caFile, creds := tlsSandbox(t, func(c *tls.Config) { c.MaxVersion = tls.VersionTLS11 })
	err := NewFlow(clientFor(t, srv.URL, creds, TransportConfig{CABundleFile: caFile})).Connect(context.Background())
	wantKind(t, err, KindTLS)
}

func TestBadTransportSettings(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]TransportConfig{
		"missing CA file":              {CABundleFile: filepath.Join(t.TempDir(), "none.pem")},
		"CA file without certificates": {CABundleFile: junk},
		"proxy without host":           {ProxyURL: "http://"},
		"proxy with unknown scheme":    {ProxyURL: "ftp://proxy:21"},
	} {
		if _, err := BuildTransport(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestProxyFromSettings(t *testing.T) {
	srv, caFile, creds := tlsSandbox(t, nil)
	proxy := &testnet.ConnectProxy{Target: srv.Listener.Addr().String()}
	ps := httptest.NewServer(proxy)
	t.Cleanup(func() { ps.Close(); proxy.Close() })
	// ABDM's host name goes to the proxy; the proxy reaches the server.
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	base := "https://example.com:" + port
	c := clientFor(t, base, creds, TransportConfig{ProxyURL: ps.URL, CABundleFile: caFile})
	if err := NewFlow(c).Connect(context.Background()); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	if proxy.Tunnels() == 0 {
		t.Fatal("the proxy was not used")
	}
	c.http.CloseIdleConnections()
}

func TestProxyErrorsAreNamed(t *testing.T) {
	srv, caFile, creds := tlsSandbox(t, nil)
	refuser := &testnet.ConnectProxy{Refuse: true}
	refusing := httptest.NewServer(refuser)
	t.Cleanup(func() { refusing.Close(); refuser.Close() })
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for name, proxyURL := range map[string]string{"407 from the proxy": refusing.URL, "proxy not reachable": deadURL} {
		c := clientFor(t, "https://example.com:"+port, creds, TransportConfig{ProxyURL: proxyURL, CABundleFile: caFile})
		err := NewFlow(c).Connect(context.Background())
		if KindOf(err) != KindProxy {
			t.Errorf("%s: kind %v (%v), want proxy", name, KindOf(err), err)
		}
	}
}
