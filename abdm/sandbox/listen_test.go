package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestListen(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.WithPrivateKey(testKey))
	run, err := sb.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(run.BaseURL(), "http://127.0.0.1:") ||
		run.GatewayURL() != run.BaseURL()+"/gateway" || run.HealthIDURL() != run.BaseURL()+"/api" {
		t.Errorf("URLs %q %q %q", run.BaseURL(), run.GatewayURL(), run.HealthIDURL())
	}
	c := sb.Credentials()
	body, _ := json.Marshal(wire.SessionRequest{ClientID: c.ClientID, ClientSecret: c.ClientSecret, GrantType: wire.GrantClientCreds})
	res, err := http.Post(run.GatewayURL()+wire.PathSessions, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("session: %d", res.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := run.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := http.Get(run.BaseURL() + "/_sandbox/info"); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestListenLoopbackOnly(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.WithPrivateKey(testKey))
	run, err := sb.Listen("localhost:0")
	if err != nil {
		t.Fatalf("Listen(localhost:0): %v", err)
	}
	if err := run.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{":0", "0.0.0.0:0", "192.0.2.1:0", "nonsense"} {
		if run, err := sb.Listen(addr); err == nil {
			_ = run.Close(context.Background())
			t.Errorf("Listen(%q) succeeded", addr)
		}
	}
}
