// Package startprof profiles the start of a GUI program, from the moment the
// process initialises its packages to the first frame its window draws: a CPU
// profile (cpu.pprof), a heap profile taken at the first frame (heap.pprof:
// in-use and allocated bytes, after a collection) and a summary
// (summary.txt: the time to the first frame, the Go memory statistics and
// the process's resident memory).
//
// Profiling starts while packages are initialised when the command line is
// that of the wizard (no subcommand) and has --profile-startup DIR (or
// -profile-startup=DIR): this package sorts before Fyne's among the
// packages to initialise and needs only the standard library, so Fyne's own
// set-up is profiled too. The program's flag parsing must still accept the
// flag. Watch then ends the profile on the window's first frame.
//
// The first frame: Fyne 2.7's GL driver paints a window's canvas objects,
// creating the texture of a canvas.Raster (calling its generator) while it
// paints the first frame that shows it, and runs functions queued with
// fyne.Do only between frames. Watch adds a transparent 1x1 raster above
// the window's content; its generator queues the end of the profile, which
// thus runs right after the first frame was painted and swapped.
package startprof

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// Flag is the command-line flag that turns profiling on.
const Flag = "profile-startup"

// MemProfileRate is the heap profile's sampling interval in bytes while a
// start is profiled (Go's default is 512 KiB, too coarse for a start-up; a finer one would distort the CPU profile).
const MemProfileRate = 64 << 10

// Profile is one profiled start.
type Profile struct {
	dir   string
	start time.Time
	cpu   *os.File
	once  sync.Once
	err   error
	done  chan struct{}
}

var (
	activeMu sync.Mutex
	active   *Profile
)

func init() {
	if dir := dirFromArgs(os.Args[1:]); dir != "" {
		p, err := Start(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "profile-startup:", err)
			return
		}
		activeMu.Lock()
		active = p
		activeMu.Unlock()
	}
}

// dirFromArgs returns the value of --profile-startup in a command line that
// starts with a flag (the wizard's), or "".
func dirFromArgs(args []string) string {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-") {
		return ""
	}
	for i, a := range args {
		if a == "--" {
			return ""
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != Flag || !strings.HasPrefix(a, "-") {
			continue
		}
		if hasValue {
			return value
		}
		if i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// Active returns the profile started while packages were initialised, or
// nil.
func Active() *Profile {
	activeMu.Lock()
	defer activeMu.Unlock()
	return active
}

// Start creates dir and starts profiling now.
func Start(dir string) (*Profile, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	runtime.MemProfileRate = MemProfileRate
	f, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Profile{dir: dir, start: time.Now(), cpu: f, done: make(chan struct{})}, nil
}

// Dir is where the profile is written.
func (p *Profile) Dir() string { return p.dir }

// Done is closed once the profile is written.
func (p *Profile) Done() <-chan struct{} { return p.done }

// Marker returns the image generator of the first-frame marker: the
// generator of a canvas.Raster that calls queue(stop) the first time the
// raster is painted. queue is fyne.Do for a window; the caller places the
// raster (see the package comment).
func (p *Profile) Marker(queue func(func())) func(w, h int) image.Image {
	var once sync.Once
	return func(int, int) image.Image {
		once.Do(func() {
			at := time.Since(p.start)
			queue(func() { p.stop(at) })
		})
		return image.NewNRGBA(image.Rect(0, 0, 1, 1)) // transparent
	}
}

// Stop ends the profile now (if the first frame has not ended it) and
// returns the first error in writing it.
func (p *Profile) Stop() error {
	p.stop(time.Since(p.start))
	return p.err
}

func (p *Profile) stop(firstFrame time.Duration) {
	p.once.Do(func() {
		defer close(p.done)
		pprof.StopCPUProfile()
		p.err = p.cpu.Close()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		rss := procStatus()
		runtime.GC() // the heap profile shows the live heap as of the last GC
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if err := writeProfile(filepath.Join(p.dir, "heap.pprof"), "heap"); err != nil && p.err == nil {
			p.err = err
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "first_frame_ms: %d (from package initialisation)\n", firstFrame.Milliseconds())
		fmt.Fprintf(&b, "heap_alloc_mb_at_first_frame: %.1f\n", mb(before.HeapAlloc))
		fmt.Fprintf(&b, "heap_live_mb_after_gc: %.1f\n", mb(after.HeapAlloc))
		fmt.Fprintf(&b, "total_alloc_mb: %.1f\n", mb(before.TotalAlloc))
		fmt.Fprintf(&b, "go_sys_mb: %.1f\n", mb(before.Sys))
		fmt.Fprintf(&b, "gc_cycles_before_first_frame: %d\n", before.NumGC)
		b.WriteString(rss)
		if err := os.WriteFile(filepath.Join(p.dir, "summary.txt"), b.Bytes(), 0o644); err != nil && p.err == nil {
			p.err = err
		}
		runtime.MemProfileRate = 512 * 1024
	})
}

func writeProfile(path, name string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// procStatus returns the process's resident memory from /proc (Linux), as
// "name: value" lines, or "" elsewhere.
func procStatus() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return ""
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		switch k {
		case "VmHWM", "VmRSS", "RssAnon", "RssFile":
			if ok {
				fmt.Fprintf(&b, "%s: %s\n", strings.ToLower(k), strings.TrimSpace(v))
			}
		}
	}
	return b.String()
}
