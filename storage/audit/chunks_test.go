package audit_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"abha-deactivate/storage/audit"
)

// Chunks gives the file back whole, in whole lines, with the right offsets,
// whatever the buffer size; LineAt reads a line at its offset.
func TestChunksReadWholeLinesForward(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // longer than any buffer below
	content := "first\n\n" + long + "\nshort\n" + strings.Repeat("y", 5000) + "\ncut-off last line"
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, size := range []int{1, 4096, 64 << 10, 1 << 20} {
		c, err := audit.Open(path).Chunks()
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		for {
			chunk, off, err := c.Next(ctx, make([]byte, 0, size))
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if off != int64(got.Len()) {
				t.Fatalf("buffer %d: chunk at %d, want %d", size, off, got.Len())
			}
			if last := chunk[len(chunk)-1]; last != '\n' && off+int64(len(chunk)) != int64(len(content)) {
				t.Fatalf("buffer %d: a chunk ends inside a line", size)
			}
			got.Write(chunk)
		}
		if got.String() != content {
			t.Fatalf("buffer %d: the chunks do not make the file (%d of %d bytes)", size, got.Len(), len(content))
		}
		for _, want := range []string{"first", long, "short", "cut-off last line"} {
			line, err := c.LineAt(ctx, int64(strings.Index(content, want)), nil)
			if err != nil || string(line) != want {
				t.Fatalf("LineAt: %d bytes, want %d (%v)", len(line), len(want), err)
			}
		}
		c.Close()
	}
	c, err := audit.Open(filepath.Join(t.TempDir(), "missing.jsonl")).Chunks()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Next(ctx, nil); !errors.Is(err, io.EOF) {
		t.Fatalf("a missing file: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := c.Next(cancelled, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled read: %v", err)
	}
}
