package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// snapshot is what the process holds at one moment.
type snapshot struct {
	rss, heap  uint64 // bytes: resident set, live Go heap after a GC
	goroutines int
	files      int // open file descriptors
}

// sample takes a snapshot after a garbage collection, so that the heap
// figure is what is live.
func sample() snapshot {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s := snapshot{heap: m.HeapAlloc, goroutines: runtime.NumGoroutine()}
	s.rss, _ = residentBytes()
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		s.files = len(fds)
	}
	return s
}

func (s snapshot) print(when string, patients int) {
	fmt.Fprintf(os.Stderr, "soak: %-5s %3d patients: RSS %.1f MB, heap %.1f MB, %d goroutines, %d open files\n",
		when, patients, float64(s.rss)/1e6, float64(s.heap)/1e6, s.goroutines, s.files)
}

// residentBytes reads VmRSS from /proc/self/status (Linux).
func residentBytes() (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, errNoProc
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmRSS %q: %w", rest, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}
