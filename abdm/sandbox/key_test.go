package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
	"abha-deactivate/abdm/wire"
)

func TestKeyReadyWaitsForKey(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	sb := sandbox.New(sandbox.WithKeyBits(2048), sandbox.WithKeyGate(gate))
	e := &env{t: t, sb: sb}
	e.ts = newServer(t, sb)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := sb.KeyReady(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("KeyReady before the key exists: %v", err)
	}
	// The cert handler waits too, until the client gives up.
	_, err := e.doErr(ctx, http.MethodGet, sandbox.HealthIDBase+wire.PathCert, e.headers(""), "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cert before the key exists: %v", err)
	}

	close(gate)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel2()
	if err := sb.KeyReady(ctx2); err != nil {
		t.Fatalf("KeyReady: %v", err)
	}
	pub, err := sb.PublicKey(ctx2)
	if err != nil || pub.N.BitLen() != 2048 {
		t.Fatalf("PublicKey: %v", err)
	}
	if r := e.hid(http.MethodGet, wire.PathCert, "", ""); r.status != http.StatusOK {
		t.Fatalf("cert: %d", r.status)
	}
}

func TestBadKeySize(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.WithKeyBits(256))
	e := &env{t: t, sb: sb}
	e.ts = newServer(t, sb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sb.KeyReady(ctx); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("KeyReady with a 256-bit key: %v", err)
	}
	wantHIS(t, e.hid(http.MethodGet, wire.PathCert, "", ""), http.StatusInternalServerError, "HIS-500", "HIS-500")
}

func TestKeyOnDemandWaitsForTheFirstUse(t *testing.T) {
	s := sandbox.New(sandbox.WithKeyBits(2048), sandbox.WithKeyOnDemand())
	if sandbox.KeyGenerationStarted(s) {
		t.Fatal("the key generation started before anything needed the key")
	}
	if _, err := s.PublicKey(context.Background()); err != nil {
		t.Fatalf("the first use must start the generation and get the key: %v", err)
	}
	if err := s.KeyReady(context.Background()); err != nil || !sandbox.KeyGenerationStarted(s) {
		t.Fatal(err)
	}
	eager := sandbox.New(sandbox.WithKeyBits(2048))
	if !sandbox.KeyGenerationStarted(eager) {
		t.Fatal("without WithKeyOnDemand the generation starts in New")
	}
}
