package cli

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
)

// secretLog collects every secret value a run could leak: the gateway
// tokens the simulator hands out are caught on their way to the client.
type secretLog struct {
	mu     sync.Mutex
	values map[string]string // value -> what it is
}

func (s *secretLog) add(kind, v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[v] = kind
}

// tokenCatcher records the tokens in session replies.
type tokenCatcher struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (c *tokenCatcher) Write(p []byte) (int, error) {
	c.buf.Write(p)
	return c.ResponseWriter.Write(p)
}

// A full headless run (success, wrong OTP then right, a sign-in, failures,
// a reactivation, status, audit) with debug logging, in each API generation,
// must leave none of its secrets in any file under the user's folders, nor
// on stdout or stderr.
func TestE2ENoSecretLeaks(t *testing.T) {
	for _, gen := range []abdm.Generation{abdm.V3, abdm.V2} {
		t.Run(string(gen), func(t *testing.T) { testNoSecretLeaks(t, gen) })
	}
}

func testNoSecretLeaks(t *testing.T, gen abdm.Generation) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sim := sandbox.New(sandbox.WithPrivateKey(key))
	secrets := &secretLog{values: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every token in every reply: gateway sessions, sign-ins (v2
		// confirm, v3 verify, verify/user), reactivations.
		c := &tokenCatcher{ResponseWriter: w}
		sim.ServeHTTP(c, r)
		var s struct {
			AccessToken  string `json:"accessToken"`
			RefreshToken string `json:"refreshToken"`
			Token        string `json:"token"`
		}
		if json.Unmarshal(c.buf.Bytes(), &s) == nil {
			secrets.add("access token", s.AccessToken)
			secrets.add("refresh token", s.RefreshToken)
			secrets.add("patient token", s.Token)
		}
	}))
	defer srv.Close()
	creds := sim.Credentials()
	secrets.add("client secret", creds.ClientSecret)
	home := t.TempDir()
	var outputs []string

	run := func(abha string, stdin func(w io.Writer), args ...string) {
		t.Helper()
		tok, err := sim.IssueToken(abha)
		if err != nil {
			t.Fatal(err)
		}
		secrets.add("X-Token", tok)
		tokenFile := filepath.Join(t.TempDir(), "x-token")
		if err := os.WriteFile(tokenFile, []byte("Bearer "+tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		gw, svc := srv.URL+sandbox.GatewayV3Base, srv.URL+sandbox.ABHAV3Base
		if gen == abdm.V2 {
			gw, svc = srv.URL+sandbox.GatewayBase, srv.URL+sandbox.HealthIDBase
		}
		args = append(args, "--api", string(gen), "--gateway-url", gw, "--healthid-url", svc,
			"--client-id", creds.ClientID, "--hip-id", creds.HIPID, "--log-level", "debug")
		if args[0] != "reactivate" && !slices.Contains(args, "--abha-number") {
			args = append(args, "--x-token-file", tokenFile)
		}
		cmd := exec.Command(binPath, args...)
		cmd.Env = append(envFor(home), "ABDM_CLIENT_SECRET="+creds.ClientSecret)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		in, _ := cmd.StdinPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if stdin != nil {
			stdin(in)
		}
		in.Close()
		_ = cmd.Wait()
		outputs = append(outputs, stdout.String(), stderr.String())
	}
	nextOTP := func() string {
		ctx, cancel := contextWithTimeout(20 * time.Second)
		defer cancel()
		m, err := sim.WaitOTP(ctx, len(sim.Outbox()))
		if err != nil {
			t.Fatal(err)
		}
		secrets.add("OTP", m.OTP)
		return m.OTP
	}
	// Success.
	run(asha, func(w io.Writer) { io.WriteString(w, nextOTP()+"\n") }, deactivateArgs()...)
	// Wrong OTP, then right, for another patient.
	sim.Advance(time.Minute)
	run(rahul, func(w io.Writer) {
		otp := nextOTP()
		wrong := "000000"
		if otp == wrong {
			wrong = "111111"
		}
		io.WriteString(w, wrong+"\n"+otp+"\n")
	}, deactivateArgs()...)
	// Failures: no linked mobile; already deactivated; expired OTP; a
	// dropped connection; then status and the audit trail.
	run(ravi, nil, deactivateArgs()...)
	run(meena, nil, deactivateArgs()...)
	sim.Reset()
	run(asha, func(w io.Writer) {
		otp := nextOTP()
		sim.Advance(11 * time.Minute)
		io.WriteString(w, otp+"\n")
	}, deactivateArgs()...)
	sim.Advance(time.Minute)
	run(asha, func(w io.Writer) {
		otp := nextOTP()
		route := sandbox.RouteV3AccountVerify
		if gen == abdm.V2 {
			route = sandbox.RouteDeactivate
		}
		sim.SetFault(route, sandbox.Fault{Drop: true, Process: true})
		io.WriteString(w, otp+"\n")
	}, deactivateArgs()...)
	sim.ClearFaults()
	run(asha, nil, "status")
	run(asha, nil, "status", "--abha-number", asha)
	// A sign-in (a token in the reply), then a reactivation (another).
	sim.Reset()
	run(rahul, func(w io.Writer) {
		io.WriteString(w, nextOTP()+"\n")
		io.WriteString(w, nextOTP()+"\n")
	}, "deactivate", "--abha-number", rahul, "--reasons", "101", "--yes")
	run(meena, func(w io.Writer) { io.WriteString(w, nextOTP()+"\n") }, "reactivate", "--abha-number", meena, "--yes")
	audit := exec.Command(binPath, "audit", "--csv")
	audit.Env = envFor(home)
	out, _ := audit.CombinedOutput()
	outputs = append(outputs, string(out))
	if !strings.Contains(string(out), "deactivated") || !strings.Contains(string(out), "outcome-unknown") ||
		!strings.Contains(string(out), "reactivated") {
		t.Fatalf("the runs did not happen as planned; audit:\n%s", out)
	}

	// Every full ABHA number, with and without hyphens.
	for _, a := range sim.Accounts() {
		secrets.add("ABHA number", a.ABHANumber)
		secrets.add("ABHA number", strings.ReplaceAll(a.ABHANumber, "-", ""))
	}
	if len(secrets.values) < 12 {
		t.Fatalf("only %d secret values collected", len(secrets.values))
	}
	check := func(where, text string) {
		for v, kind := range secrets.values {
			if strings.Contains(text, v) {
				t.Errorf("%s leaked into %s", kind, where)
			}
		}
	}
	for i, o := range outputs {
		check("output "+string(rune('A'+i)), o)
	}
	files := 0
	err = filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		check(strings.TrimPrefix(path, home), string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 2 {
		t.Fatalf("only %d files written: the log and the audit trail are missing", files)
	}
	t.Logf("%d secret values checked against %d files and %d outputs", len(secrets.values), files, len(outputs))
}
