package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteReplacesAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "f.json")
	for _, want := range []string{"first\n", "second, longer\n", "3\n"} {
		if err := Write(target, []byte(want)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(target); err != nil || string(got) != want {
			t.Fatalf("got %q %v, want %q", got, err, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files in the folder, want only the target: %v", len(entries), entries)
	}
	if err := Write(filepath.Join(dir, "missing", "f"), nil); err == nil {
		t.Fatal("a write into a missing folder succeeded")
	}
}

// WriteWith gives the file the mode asked for, and a failing writer leaves
// the target as it was and no temporary file.
func TestWriteWithModeAndFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "r.pdf")
	if err := WriteWith(target, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, "old"); return err }); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(target); err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o644) {
		t.Fatalf("mode %v (%v), want 0644", st.Mode(), err)
	}
	boom := errors.New("boom")
	err := WriteWith(target, 0o644, func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want the writer's", err)
	}
	if got, _ := os.ReadFile(target); string(got) != "old" {
		t.Fatalf("target %q after a failed write, want the old contents", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files in the folder, want only the target", len(entries))
	}
}
