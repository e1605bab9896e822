package abdm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"
)

// TransportConfig says how to reach ABDM from a facility network.
type TransportConfig struct {
	// ProxyURL, when set, is used for every call; otherwise HTTPS_PROXY,
	// HTTP_PROXY and NO_PROXY from the environment apply.
	ProxyURL string
	// CABundleFile, when set, is a PEM file of extra certificate authorities
	// trusted beside the system's (for TLS-inspecting proxies).
	CABundleFile string
}

// NewTransport returns an HTTP transport with TLS 1.2 or newer and
// certificate verification always on. A bad proxy URL or CA file makes every
// call fail with a clear error rather than silently going direct.
func NewTransport(cfg TransportConfig) http.RoundTripper {
	t, err := BuildTransport(cfg)
	if err != nil {
		return failingTransport{err}
	}
	return t
}

// BuildTransport is NewTransport that reports a bad configuration at once.
func BuildTransport(cfg TransportConfig) (*http.Transport, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CABundleFile != "" {
		pool, err := loadCAPool(cfg.CABundleFile)
		if err != nil {
			return nil, err
		}
		tlsCfg.RootCAs = pool
	}
	proxy := http.ProxyFromEnvironment
	if cfg.ProxyURL != "" {
		u, err := url.Parse(cfg.ProxyURL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("proxy address %q is not valid", cfg.ProxyURL)
		}
		switch u.Scheme {
		case "http", "https", "socks5":
		default:
			return nil, fmt.Errorf("proxy address %q must start with http://, https:// or socks5://", cfg.ProxyURL)
		}
		proxy = http.ProxyURL(u)
	}
	return &http.Transport{
		Proxy: proxy,
		OnProxyConnectResponse: func(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
			if resp.StatusCode != http.StatusOK {
				return &ProxyError{Status: resp.Status}
			}
			return nil
		},
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsCfg,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 0, // bounded by each call's context instead
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}, nil
}

// loadCAPool returns the system pool plus the certificates in file.
func loadCAPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read CA bundle: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA bundle %s holds no PEM certificate", file)
	}
	return pool, nil
}

// failingTransport reports a configuration error on every call.
type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return nil, fmt.Errorf("connection settings: %w", f.err)
}

// NewHTTPClient returns an HTTP client for ABDM calls: the transport of
// BuildTransport, and no redirects followed (ABDM's APIs do not redirect, and a
// redirect must never carry the tokens to another address).
func NewHTTPClient(cfg TransportConfig) (*http.Client, error) {
	t, err := BuildTransport(cfg)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t, CheckRedirect: noRedirects}, nil
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
