package secrets

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// counting wraps a Store and counts Get calls.
type counting struct {
	Store
	mu   sync.Mutex
	gets int
}

func (c *counting) Get(ctx context.Context, id string) (string, error) {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	return c.Store.Get(ctx, id)
}

func TestSessionUsesBackend(t *testing.T) {
	ctx := context.Background()
	backend := &counting{Store: NewMemory()}
	s := NewSession(backend)
	if err := s.Set(ctx, "SBX_1", "abc123"); err != nil {
		t.Fatal(err)
	}
	if s.SessionOnly() {
		t.Error("SessionOnly after a saved Set")
	}
	if v, err := backend.Store.Get(ctx, "SBX_1"); err != nil || v != "abc123" {
		t.Fatalf("backend: %q, %v", v, err)
	}
	if v, err := s.Get(ctx, "SBX_1"); err != nil || v != "abc123" {
		t.Fatalf("Get: %q, %v", v, err)
	}
	if backend.gets != 0 {
		t.Errorf("memory not asked first: %d backend reads", backend.gets)
	}
}

func TestSessionReadsBackendOnce(t *testing.T) {
	ctx := context.Background()
	mem := NewMemory()
	_ = mem.Set(ctx, "SBX_1", "saved-earlier")
	backend := &counting{Store: mem}
	s := NewSession(backend)
	for range 3 {
		if v, err := s.Get(ctx, "SBX_1"); err != nil || v != "saved-earlier" {
			t.Fatalf("Get: %q, %v", v, err)
		}
	}
	if backend.gets != 1 {
		t.Errorf("%d backend reads, want 1", backend.gets)
	}
	if _, err := s.Get(ctx, "other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
}

func TestSessionFallsBackWhenUnavailable(t *testing.T) {
	keyring.MockInitWithError(errors.New("dbus: connection refused"))
	mockBus(t)
	defer keyring.MockInit()
	ctx := context.Background()
	s := NewSession(NewKeyring(time.Second))

	err := s.Set(ctx, "SBX_1", "abc123")
	assertSessionOnly(t, s, err)
	if v, err := s.Get(ctx, "SBX_1"); err != nil || v != "abc123" {
		t.Fatalf("Get: %q, %v", v, err)
	}
	if _, err := s.Get(ctx, "SBX_2"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get of an unknown ID: %v, want ErrUnavailable", err)
	}
	// Delete clears memory but reports that the keyring could not be asked.
	if err := s.Delete(ctx, "SBX_1"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Delete: %v", err)
	}
	if s.SessionOnly() {
		t.Error("SessionOnly after Delete")
	}
	if _, err := s.Get(ctx, "SBX_1"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get after Delete: %v", err)
	}

	// Once the keyring works again, Set saves there and clears the flag.
	keyring.MockInit()
	if err := s.Set(ctx, "SBX_1", "abc123"); err != nil || s.SessionOnly() {
		t.Errorf("Set with a working keyring: %v, SessionOnly %v", err, s.SessionOnly())
	}
}

// assertSessionOnly checks the contract of a Set that fell back to memory.
func assertSessionOnly(t *testing.T, s *Session, err error) {
	t.Helper()
	var so *SessionOnlyError
	if !errors.As(err, &so) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Set: %v, want a SessionOnlyError wrapping ErrUnavailable", err)
	}
	if err.Error() != SessionOnlyMessage {
		t.Errorf("message %q", err.Error())
	}
	if !s.SessionOnly() {
		t.Error("SessionOnly() = false")
	}
}

func TestSessionOtherErrorsChangeNothing(t *testing.T) {
	ctx := context.Background()
	s := NewSession(NewMemory())
	if err := s.Set(ctx, "", "x"); !errors.Is(err, ErrNoClientID) {
		t.Errorf("empty ID: %v", err)
	}
	if err := s.Set(ctx, "SBX_1", ""); !errors.Is(err, ErrEmptySecret) {
		t.Errorf("empty secret: %v", err)
	}
	if _, err := s.Get(ctx, ""); !errors.Is(err, ErrNoClientID) {
		t.Errorf("Get empty ID: %v", err)
	}
	if err := s.Delete(ctx, ""); !errors.Is(err, ErrNoClientID) {
		t.Errorf("Delete empty ID: %v", err)
	}

	h := hanging{release: make(chan struct{})}
	defer close(h.release)
	s = NewSession(newKeyring(h, time.Hour))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Set(cctx, "SBX_1", "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Set: %v", err)
	}
	if s.SessionOnly() {
		t.Error("a cancelled Set fell back to memory")
	}
}

func TestSessionDelete(t *testing.T) {
	ctx := context.Background()
	backend := NewMemory()
	s := NewSession(backend)
	if err := s.Delete(ctx, "SBX_1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of nothing: %v", err)
	}
	_ = s.Set(ctx, "SBX_1", "abc123")
	if err := s.Delete(ctx, "SBX_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := backend.Get(ctx, "SBX_1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("backend still has it: %v", err)
	}
	if _, err := s.Get(ctx, "SBX_1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("session still has it: %v", err)
	}
	// A memory-only secret deletes fine even though the backend never had it.
	if err := s.SetSessionOnly("SBX_2", "xyz789"); err != nil {
		t.Fatal(err)
	}
	if _, err := backend.Get(ctx, "SBX_2"); !errors.Is(err, ErrNotFound) {
		t.Error("SetSessionOnly wrote to the backend")
	}
	if v, _ := s.Get(ctx, "SBX_2"); v != "xyz789" {
		t.Errorf("Get after SetSessionOnly: %q", v)
	}
	if err := s.Delete(ctx, "SBX_2"); err != nil {
		t.Errorf("Delete of a session-only secret: %v", err)
	}
}

func TestSessionConcurrent(t *testing.T) {
	ctx := context.Background()
	s := NewSession(NewMemory())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			id := fmt.Sprintf("C%d", g%3)
			for i := range 200 {
				_ = s.Set(ctx, id, fmt.Sprint("v", i))
				_, _ = s.Get(ctx, id)
				_ = s.SessionOnly()
				if i%50 == 0 {
					_ = s.Delete(ctx, id)
				}
			}
		})
	}
	wg.Wait()
}

func TestMemory(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	if _, err := m.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if err := m.Set(ctx, "a", "1234"); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(ctx, "a"); v != "1234" {
		t.Fatal(v)
	}
	if err := m.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := m.Delete(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}
