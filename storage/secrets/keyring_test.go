package secrets

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestKeyringMapping(t *testing.T) {
	keyring.MockInit()
	mockBus(t)
	ctx := context.Background()
	k := NewKeyring(time.Second)

	if _, err := k.Get(ctx, "SBX_1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, "SBX_1", "s3cret-value"); err != nil {
		t.Fatal(err)
	}
	if v, err := keyring.Get(Service, "SBX_1"); err != nil || v != "s3cret-value" {
		t.Fatalf("stored under service %q user SBX_1: %q, %v", Service, v, err)
	}
	if v, err := k.Get(ctx, "SBX_1"); err != nil || v != "s3cret-value" {
		t.Fatalf("Get: %q, %v", v, err)
	}
	if err := k.Set(ctx, "SBX_1", "replaced"); err != nil {
		t.Fatal(err)
	}
	if v, _ := k.Get(ctx, "SBX_1"); v != "replaced" {
		t.Fatalf("Set did not replace: %q", v)
	}
	if err := k.Delete(ctx, "SBX_1"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, "SBX_1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
	if _, err := k.Get(ctx, "SBX_1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
}

func TestKeyringRejectsEmptyInput(t *testing.T) {
	keyring.MockInit()
	mockBus(t)
	ctx := context.Background()
	k := NewKeyring(0)
	if _, err := k.Get(ctx, ""); !errors.Is(err, ErrNoClientID) {
		t.Errorf("Get: %v", err)
	}
	if err := k.Set(ctx, "", "x"); !errors.Is(err, ErrNoClientID) {
		t.Errorf("Set: %v", err)
	}
	if err := k.Delete(ctx, ""); !errors.Is(err, ErrNoClientID) {
		t.Errorf("Delete: %v", err)
	}
	if err := k.Set(ctx, "SBX_1", ""); !errors.Is(err, ErrEmptySecret) {
		t.Errorf("Set empty secret: %v", err)
	}
	if !strings.Contains(ErrNoClientID.Error(), "client ID") {
		t.Error("ErrNoClientID should name the client ID")
	}
}

func TestKeyringFailureIsUnavailable(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	mockBus(t)
	defer keyring.MockInit()
	ctx := context.Background()
	k := NewKeyring(time.Second)
	err := k.Set(ctx, "SBX_1", "top-secret-value")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Set: %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "org.freedesktop.secrets") {
		t.Errorf("reason lost: %v", err)
	}
	if strings.Contains(err.Error(), "top-secret-value") {
		t.Errorf("error leaks the secret: %v", err)
	}
	if _, err := k.Get(ctx, "SBX_1"); !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) {
		t.Errorf("Get: %v", err)
	}
	if err := k.Delete(ctx, "SBX_1"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Delete: %v", err)
	}
}

// hanging is a backend that never answers until released, like a keyring
// waiting on an unlock prompt.
type hanging struct{ release chan struct{} }

func (h hanging) Get(string, string) (string, error) { <-h.release; return "", nil }
func (h hanging) Set(string, string, string) error   { <-h.release; return nil }
func (h hanging) Delete(string, string) error        { <-h.release; return nil }

func TestKeyringTimeout(t *testing.T) {
	h := hanging{release: make(chan struct{})}
	defer close(h.release)
	k := newKeyring(h, 50*time.Millisecond)
	start := time.Now()
	_, err := k.Get(context.Background(), "SBX_1")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("Get: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestKeyringContextEndsFirst(t *testing.T) {
	h := hanging{release: make(chan struct{})}
	defer close(h.release)
	k := newKeyring(h, time.Hour)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := k.Set(ctx, "SBX_1", "x")
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("Set: %v, want the context's error", err)
	}

	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := k.Delete(cancelled, "SBX_1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Delete with a cancelled context: %v", err)
	}
}

// mockBus gives the test a session bus address, as a desktop session has, so
// that keyring calls reach go-keyring's mock instead of stopping at the
// missing-bus check.
func mockBus(t *testing.T) {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/abha-deactivate-mock-bus")
}
