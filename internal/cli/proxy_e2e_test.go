package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/internal/testnet"
)

// A facility behind a proxy that inspects TLS: the proxy comes from the
// environment (HTTPS_PROXY), the extra CA from --ca-bundle, and the
// command reaches ABDM (the simulator over TLS) through both.
func TestE2EProxyFromTheEnvironmentAndCABundle(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sim := sandbox.New(sandbox.WithPrivateKey(key))
	srv := httptest.NewTLSServer(sim)
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy := &testnet.ConnectProxy{Target: srv.Listener.Addr().String()}
	ps := httptest.NewServer(proxy)
	defer proxy.Close()
	defer ps.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	base := "https://example.com:" + port // resolved by the proxy only
	creds := sim.Credentials()
	tok, _ := sim.IssueToken(asha)

	run := func(extraEnv ...string) (int, result, string) {
		cmd := exec.Command(binPath, "status", "--json", "--gateway-url", base+sandbox.GatewayV3Base, "--healthid-url", base+sandbox.ABHAV3Base,
			"--client-id", creds.ClientID, "--ca-bundle", ca, "--timeout", "5s")
		env, _ := isolatedEnv(t)
		cmd.Env = append(env, append([]string{"ABDM_CLIENT_SECRET=" + creds.ClientSecret, "ABHA_X_TOKEN=" + tok}, extraEnv...)...)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		_ = cmd.Run()
		var res result
		_ = json.Unmarshal([]byte(out.String()), &res)
		return cmd.ProcessState.ExitCode(), res, errb.String()
	}
	code, res, stderr := run("HTTPS_PROXY=" + ps.URL)
	if code != exitOK || res.Outcome != "active" {
		t.Fatalf("through the proxy: exit %d, %+v\n%s", code, res, stderr)
	}
	if proxy.Tunnels() == 0 {
		t.Fatal("the environment's proxy was not used")
	}
	// A proxy that wants a sign-in is named as the problem.
	refuser := &testnet.ConnectProxy{Refuse: true}
	refusing := httptest.NewServer(refuser)
	defer refuser.Close()
	defer refusing.Close()
	code, res, _ = run("HTTPS_PROXY=" + refusing.URL)
	if code != exitUnavailable || res.Error == nil || res.Error.Kind != "proxy" || !strings.Contains(res.Error.NextAction, "proxy") {
		t.Fatalf("refusing proxy: exit %d, %+v", code, res)
	}
}
