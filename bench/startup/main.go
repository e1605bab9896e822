// Command startup measures how the wizard starts on a desktop compared with
// the smallest Fyne program (bench/barewindow), both built by `make bench` in
// the same run with the same flags, and prints one `name: value` line per
// figure on stdout (progress goes to stderr):
//
//	binary_mb_app, binary_mb_bare, binary_size_ratio (and _unstripped)
//	startup_window_ms_app, startup_window_ms_bare, startup_window_ratio
//	startup_first_frame_ms_app, startup_first_frame_ms_bare, startup_ratio
//	startup_cpu_ms_app, startup_cpu_ms_bare, startup_cpu_ratio
//	peak_rss_mb_app, peak_rss_mb_bare, peak_rss_ratio
//	startup_first_frame_ms_demo, startup_ratio_demo, startup_cpu_ms_demo,
//	peak_rss_mb_demo, peak_rss_ratio_demo                       (-demo)
//	startup_first_frame_ms_app_warm, startup_first_frame_ms_bare_warm,
//	startup_ratio_warm, peak_rss_ratio_warm                     (-warm)
//	startup_first_frame_ms_floor, startup_floor_ratio, startup_ratio_to_floor,
//	startup_cpu_ms_floor, startup_cpu_ratio_to_floor, peak_rss_mb_floor,
//	peak_rss_floor_ratio, peak_rss_ratio_to_floor (and _warm)  (-floor)
//	startup_runs
//
// It builds nothing. Each program gets a private Xvfb (the first free display
// of :80..:89, 1280x900x24, black root, no window manager). A start runs the
// program in a fresh temporary HOME and XDG folders (the "warm" figures: one
// HOME kept across that program's starts, so font and shader caches exist)
// with LANG=en_US.UTF-8 and no D-Bus session, then polls the X server every
// -poll (10 ms) until a viewable window with the program's title exists
// ("window": mapped) and until that window shows more than one flat colour
// ("first frame": the program has drawn); the CPU time the program has used
// by then (all threads, from /proc) is kept too, a figure that a busy machine
// disturbs much less than wall time. It leaves the program running for -hold
// (1 s), closes the window as a window manager would (WM_DELETE_WINDOW;
// SIGTERM after 10 s) and reads the peak RSS from the child's rusage. One
// warm-up start of each program is not counted; then the programs take turns
// for -runs rounds, so that a change in the machine's load affects all of
// them alike. The figures are medians; a ratio is the app's median divided
// by the bare window's. With -floor, bench/floorwindow (plain Fyne drawing
// what the wizard's first screen draws, at its size) takes turns too:
// _floor_ratio is it against the bare window, _ratio_to_floor the app
// against it.
//
// Usage:
//
//	startup -app bin/bench/abha-deactivate -bare bin/bench/barewindow \
//	        [-floor bin/bench/floorwindow] [-app-unstripped FILE -bare-unstripped FILE] [-runs 5] [-demo=false] [-warm=false] [-keep]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// Window titles, as the programs set them.
const (
	appTitle   = "ABHA Deactivation" // a prefix: the demo may add to it
	bareTitle  = "Bare Fyne window"
	floorTitle = "Fyne floor window"
)

// options are the command line.
type options struct {
	app, bare                  string
	floor                      string // -floor FILE: bench/floorwindow, optional
	appUnstripped, bareUnstrip string
	runs                       int
	poll, hold, timeout        time.Duration
	demo, warm, keep           bool
	profile                    string // -profile DIR: profile the starts instead of timing them
}

// target is one program to start.
type target struct {
	name  string // for the figure names: app, bare, floor, demo, app_warm, bare_warm, floor_warm
	warm  bool   // keep one HOME for all its starts (warmed by the warm-up start)
	plain bool   // plain Fyne (the floor window): takes no --profile-startup
	bin   string
	args  []string
	title string
	disp  *xvfb
	runs  []sample
}

// sample is one measured start.
type sample struct {
	window time.Duration // exec to a viewable window with the title
	frame  time.Duration // exec to that window showing a drawn frame
	cpu    time.Duration // CPU time (all threads, user + system) used by then
	rssKiB int64         // peak resident set size
}

func main() {
	var o options
	flag.StringVar(&o.app, "app", "", "the wizard's binary (required)")
	flag.StringVar(&o.bare, "bare", "", "the bare Fyne window's binary (required)")
	flag.StringVar(&o.floor, "floor", "", "bench/floorwindow's binary: plain Fyne drawing what the wizard's first screen draws (optional; adds the _floor figures)")
	flag.StringVar(&o.appUnstripped, "app-unstripped", "", "the wizard built without -s -w (optional, size only)")
	flag.StringVar(&o.bareUnstrip, "bare-unstripped", "", "the bare window built without -s -w (optional, size only)")
	flag.IntVar(&o.runs, "runs", 5, "measured starts of each program (after one warm-up start)")
	flag.DurationVar(&o.poll, "poll", 10*time.Millisecond, "how often the X server is asked about the window")
	flag.DurationVar(&o.hold, "hold", time.Second, "how long a program runs after its first frame before it is closed")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "longest wait for a window's first frame")
	flag.BoolVar(&o.demo, "demo", true, "also start the wizard with --demo (in-process ABDM simulator)")
	flag.BoolVar(&o.warm, "warm", true, "also start both programs again and again in one HOME each (warm font and shader caches)")
	flag.StringVar(&o.profile, "profile", "", "instead of the figures, start each program (bare window built with -tags startprof) once cold and twice warm with --profile-startup DIR/NAME and print where the profiles are")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary folders (the programs' output, PNGs of the first frame and of the window after -hold) and print where they are")
	flag.Parse()
	if o.app == "" || o.bare == "" || o.runs < 1 || o.poll <= 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: startup -app FILE -bare FILE [-floor FILE] [-app-unstripped FILE -bare-unstripped FILE] [-runs N]")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

// run checks the binaries, prints their sizes, then times (or profiles) the
// starts of each target on its own Xvfb and prints the figures.
func run(o options) error {
	if err := o.resolve(); err != nil {
		return err
	}
	// Sizes first: they cannot fail halfway.
	if err := printSizes("", o.app, o.bare); err != nil {
		return err
	}
	if o.appUnstripped != "" && o.bareUnstrip != "" {
		if err := printSizes("_unstripped", o.appUnstripped, o.bareUnstrip); err != nil {
			return err
		}
	}

	tmp, err := os.MkdirTemp("", "abha-bench-startup-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "startup: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	printLoad("before")

	targets := o.targets()
	ctx, stop := signalContext()
	defer stop()
	for _, t := range targets {
		d, err := startXvfb(ctx, tmp)
		if err != nil {
			return err
		}
		defer d.stop()
		t.disp = d
		fmt.Fprintf(os.Stderr, "startup: %s on Xvfb :%d\n", t.name, d.num)
	}

	if o.profile != "" {
		return profile(ctx, o, tmp, targets)
	}
	if err := rounds(ctx, o, tmp, targets); err != nil {
		return err
	}
	printLoad("after")
	printFigures(medians(targets))
	fmt.Println("startup_runs:", o.runs)
	return nil
}

// resolve makes the programs' paths absolute, checks that they are
// executable files, and that Xvfb is installed.
func (o *options) resolve() error {
	for _, f := range []*string{&o.app, &o.bare, &o.floor} {
		if *f == "" {
			continue // -floor is optional
		}
		abs, err := filepath.Abs(*f)
		if err != nil {
			return err
		}
		if st, err := os.Stat(abs); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return fmt.Errorf("%s is not an executable file", *f)
		}
		*f = abs
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return errors.New("the Xvfb command is missing (scripts/install-deps.sh test)")
	}
	return nil
}

// targets are the programs to start, in the order they take turns.
func (o *options) targets() []*target {
	targets := []*target{
		{name: "bare", bin: o.bare, title: bareTitle},
		{name: "app", bin: o.app, title: appTitle},
	}
	if o.floor != "" {
		targets = append(targets, &target{name: "floor", plain: true, bin: o.floor, title: floorTitle})
	}
	if o.demo {
		targets = append(targets, &target{name: "demo", bin: o.app, args: []string{"--demo"}, title: appTitle})
	}
	if o.warm {
		targets = append(targets,
			&target{name: "bare_warm", warm: true, bin: o.bare, title: bareTitle},
			&target{name: "app_warm", warm: true, bin: o.app, title: appTitle})
		if o.floor != "" {
			targets = append(targets, &target{name: "floor_warm", warm: true, plain: true, bin: o.floor, title: floorTitle})
		}
	}
	return targets
}

// rounds starts every target once to warm up, then o.runs more times,
// taking turns, and keeps the measured starts in each target's runs.
func rounds(ctx context.Context, o options, tmp string, targets []*target) error {
	for round := 0; round <= o.runs; round++ {
		for _, t := range targets {
			dir := filepath.Join(tmp, fmt.Sprintf("%s-%d", t.name, round))
			home := dir
			if t.warm {
				home = filepath.Join(tmp, t.name+"-home")
			}
			s, err := measure(ctx, o, t, dir, home)
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", t.name, round, err)
			}
			label := fmt.Sprintf("run %d", round)
			if round == 0 {
				label = "warm-up (not counted)"
			} else {
				t.runs = append(t.runs, s)
			}
			fmt.Fprintf(os.Stderr, "startup: %-9s %s: window %4d ms, first frame %4d ms (CPU %4d ms), peak RSS %.1f MB\n",
				t.name, label, s.window.Milliseconds(), s.frame.Milliseconds(), s.cpu.Milliseconds(), float64(s.rssKiB)/1024)
		}
	}
	return nil
}

// printLoad prints the load average to stderr, when it is known.
func printLoad(when string) {
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(os.Stderr, "startup: load average %s: %s", when, load)
	}
}

// profile starts each target with --profile-startup: cold targets once,
// warm ones twice (the second, with the caches of the first, is kept), into
// o.profile/NAME, and prints each profile's summary.
func profile(ctx context.Context, o options, tmp string, targets []*target) error {
	out, err := filepath.Abs(o.profile)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.plain {
			continue
		}
		dir := filepath.Join(out, t.name)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		starts := 1
		if t.warm {
			starts = 2
		}
		args := t.args
		t.args = append(slices.Clone(args), "--profile-startup", dir)
		for i := 0; i < starts; i++ {
			home := filepath.Join(tmp, fmt.Sprintf("%s-profile-%d", t.name, i))
			if t.warm {
				home = filepath.Join(tmp, t.name+"-profile-home")
			}
			s, err := measure(ctx, o, t, filepath.Join(tmp, fmt.Sprintf("%s-profile-%d", t.name, i)), home)
			if err != nil {
				return fmt.Errorf("%s, profiled start: %w", t.name, err)
			}
			fmt.Fprintf(os.Stderr, "startup: %-9s profiled start %d: first frame %4d ms (CPU %4d ms), peak RSS %.1f MB\n",
				t.name, i+1, s.frame.Milliseconds(), s.cpu.Milliseconds(), float64(s.rssKiB)/1024)
		}
		t.args = args
		summary, err := os.ReadFile(filepath.Join(dir, "summary.txt"))
		if err != nil {
			return fmt.Errorf("%s: no profile written: %w", t.name, err)
		}
		fmt.Printf("== %s: %s\n%s", t.name, dir, summary)
	}
	return nil
}
