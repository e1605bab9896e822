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
	"strings"
	"syscall"
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

func run(o options) error {
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
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(os.Stderr, "startup: load average before: %s", load)
	}

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
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(os.Stderr, "startup: load average after: %s", load)
	}

	med := map[string]sample{}
	for _, t := range targets {
		med[t.name] = sample{
			window: time.Duration(median(t.runs, func(s sample) int64 { return int64(s.window) })),
			frame:  time.Duration(median(t.runs, func(s sample) int64 { return int64(s.frame) })),
			cpu:    time.Duration(median(t.runs, func(s sample) int64 { return int64(s.cpu) })),
			rssKiB: median(t.runs, func(s sample) int64 { return s.rssKiB }),
		}
	}
	bare, app := med["bare"], med["app"]
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond)) }
	mb := func(kib int64) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }
	ratio := func(a, b int64) string { return fmt.Sprintf("%.2f", float64(a)/float64(b)) }
	fmt.Println("startup_window_ms_app:", ms(app.window))
	fmt.Println("startup_window_ms_bare:", ms(bare.window))
	fmt.Println("startup_window_ratio:", ratio(int64(app.window), int64(bare.window)))
	fmt.Println("startup_first_frame_ms_app:", ms(app.frame))
	fmt.Println("startup_first_frame_ms_bare:", ms(bare.frame))
	fmt.Println("startup_ratio:", ratio(int64(app.frame), int64(bare.frame)))
	fmt.Println("startup_cpu_ms_app:", ms(app.cpu))
	fmt.Println("startup_cpu_ms_bare:", ms(bare.cpu))
	fmt.Println("startup_cpu_ratio:", ratio(int64(app.cpu), int64(bare.cpu)))
	fmt.Println("peak_rss_mb_app:", mb(app.rssKiB))
	fmt.Println("peak_rss_mb_bare:", mb(bare.rssKiB))
	fmt.Println("peak_rss_ratio:", ratio(app.rssKiB, bare.rssKiB))
	if demo, ok := med["demo"]; ok {
		fmt.Println("startup_first_frame_ms_demo:", ms(demo.frame))
		fmt.Println("startup_ratio_demo:", ratio(int64(demo.frame), int64(bare.frame)))
		fmt.Println("startup_cpu_ms_demo:", ms(demo.cpu))
		fmt.Println("peak_rss_mb_demo:", mb(demo.rssKiB))
		fmt.Println("peak_rss_ratio_demo:", ratio(demo.rssKiB, bare.rssKiB))
	}
	if aw, ok := med["app_warm"]; ok {
		bw := med["bare_warm"]
		fmt.Println("startup_first_frame_ms_app_warm:", ms(aw.frame))
		fmt.Println("startup_first_frame_ms_bare_warm:", ms(bw.frame))
		fmt.Println("startup_ratio_warm:", ratio(int64(aw.frame), int64(bw.frame)))
		fmt.Println("peak_rss_ratio_warm:", ratio(aw.rssKiB, bw.rssKiB))
	}
	if floor, ok := med["floor"]; ok {
		// The floor against the bare window is the best start any program
		// drawing this screen could show; the wizard against the floor is
		// what its own code adds.
		fmt.Println("startup_first_frame_ms_floor:", ms(floor.frame))
		fmt.Println("startup_floor_ratio:", ratio(int64(floor.frame), int64(bare.frame)))
		fmt.Println("startup_ratio_to_floor:", ratio(int64(app.frame), int64(floor.frame)))
		fmt.Println("startup_cpu_ms_floor:", ms(floor.cpu))
		fmt.Println("startup_cpu_ratio_to_floor:", ratio(int64(app.cpu), int64(floor.cpu)))
		fmt.Println("peak_rss_mb_floor:", mb(floor.rssKiB))
		fmt.Println("peak_rss_floor_ratio:", ratio(floor.rssKiB, bare.rssKiB))
		fmt.Println("peak_rss_ratio_to_floor:", ratio(app.rssKiB, floor.rssKiB))
		if fw, ok := med["floor_warm"]; ok {
			aw, bw := med["app_warm"], med["bare_warm"]
			fmt.Println("startup_first_frame_ms_floor_warm:", ms(fw.frame))
			fmt.Println("startup_floor_ratio_warm:", ratio(int64(fw.frame), int64(bw.frame)))
			fmt.Println("startup_ratio_to_floor_warm:", ratio(int64(aw.frame), int64(fw.frame)))
		}
	}
	fmt.Println("startup_runs:", o.runs)
	return nil
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

// printSizes prints the sizes of the two binaries and their ratio.
func printSizes(suffix, app, bare string) error {
	sa, err := os.Stat(app)
	if err != nil {
		return err
	}
	sb, err := os.Stat(bare)
	if err != nil {
		return err
	}
	const mib = 1 << 20
	fmt.Printf("binary_mb_app%s: %.1f\n", suffix, float64(sa.Size())/mib)
	fmt.Printf("binary_mb_bare%s: %.1f\n", suffix, float64(sb.Size())/mib)
	fmt.Printf("binary_size_ratio%s: %.2f\n", suffix, float64(sa.Size())/float64(sb.Size()))
	return nil
}

// measure starts t once and measures it. Its output and pictures go to dir;
// its HOME and XDG folders are under home (dir itself for a fresh start).
func measure(ctx context.Context, o options, t *target, dir, home string) (sample, error) {
	var s sample
	folders := map[string]string{
		"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_DATA_HOME": "data",
		"XDG_CACHE_HOME": "cache", "XDG_RUNTIME_DIR": "run",
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return s, err
	}
	env := cleanEnv()
	for k, sub := range folders {
		p := filepath.Join(home, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			return s, err
		}
		env = append(env, k+"="+p)
	}
	env = append(env, "LANG=en_US.UTF-8", fmt.Sprintf("DISPLAY=:%d", t.disp.num),
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(dir, "no-such-bus"))
	logFile, err := os.Create(filepath.Join(dir, "output.log"))
	if err != nil {
		return s, err
	}
	defer logFile.Close()

	cmd := exec.Command(t.bin, t.args...)
	cmd.Env, cmd.Dir = env, dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, logFile, logFile
	x := t.disp.conn

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return s, err
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	kill := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	fail := func(err error) (sample, error) {
		kill()
		return s, fmt.Errorf("%w%s", err, tail(logFile.Name()))
	}

	// Poll until the window is viewable and then drawn.
	var wid uint32
	var frame *frameWatch
	deadline := start.Add(o.timeout)
	for {
		select {
		case <-exited:
			return s, fmt.Errorf("the program exited before its first frame (%v)%s", waitErr, tail(logFile.Name()))
		case <-ctx.Done():
			return fail(ctx.Err())
		default:
		}
		if wid == 0 {
			w, err := x.findViewable(t.title)
			if err != nil {
				return fail(err)
			}
			if w != 0 {
				if s.window == 0 {
					s.window = time.Since(start)
				}
				wid, frame = w, &frameWatch{x: x, w: w}
			}
		}
		if wid != 0 {
			ok, err := frame.drawn()
			var xe *xError
			switch {
			case errors.As(err, &xe): // the window went away: look for it again
				wid = 0
			case err != nil:
				return fail(err)
			}
			if ok {
				s.frame = time.Since(start)
				s.cpu = cpuTime(cmd.Process.Pid)
				if o.keep {
					_ = x.savePNG(wid, filepath.Join(dir, "first-frame.png"))
				}
				break
			}
		}
		if time.Now().After(deadline) {
			if wid == 0 {
				return fail(fmt.Errorf("no viewable window titled %q within %s", t.title, o.timeout))
			}
			return fail(fmt.Errorf("window %q stayed blank for %s", t.title, o.timeout))
		}
		time.Sleep(o.poll)
	}

	// Let it run, then close it as a window manager would.
	select {
	case <-exited:
		return s, fmt.Errorf("the program exited %s after its first frame (%v)%s",
			time.Since(start)-s.frame, waitErr, tail(logFile.Name()))
	case <-ctx.Done():
		return fail(ctx.Err())
	case <-time.After(o.hold):
	}
	if o.keep {
		_ = x.savePNG(wid, filepath.Join(dir, "after-hold.png"))
	}
	how := "WM_DELETE_WINDOW"
	if err := x.askToClose(wid); err != nil {
		how = "SIGTERM"
		fmt.Fprintf(os.Stderr, "startup: %s: could not close the window (%v); sending SIGTERM\n", t.name, err)
		_ = cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		if how == "SIGTERM" {
			return fail(errors.New("still running 10 s after SIGTERM"))
		}
		fmt.Fprintf(os.Stderr, "startup: %s: still running 10 s after WM_DELETE_WINDOW; sending SIGTERM\n", t.name)
		how = "SIGTERM"
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			return fail(errors.New("still running 10 s after SIGTERM"))
		}
	}
	if waitErr != nil && how == "WM_DELETE_WINDOW" {
		fmt.Fprintf(os.Stderr, "startup: %s: exited with %v after its window was closed%s\n", t.name, waitErr, tail(logFile.Name()))
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return s, errors.New("no rusage for the child (Linux only)")
	}
	s.rssKiB = ru.Maxrss // KiB on Linux
	return s, nil
}

// cleanEnv is this process's environment without what would make the
// programs' start depend on the caller's session: home and XDG folders,
// display, D-Bus, locale and Fyne settings. measure sets its own.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME", k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "LANG", k == "LANGUAGE",
			strings.HasPrefix(k, "XDG_"), strings.HasPrefix(k, "DBUS_"), strings.HasPrefix(k, "LC_"),
			strings.HasPrefix(k, "FYNE_"), k == "XAUTHORITY":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// cpuTime is the CPU time process pid has used so far, all its threads
// together, user and system, from /proc/PID/stat (10 ms steps); 0 if unknown.
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses: state is
	// field 3, utime 14 and stime 15, in clock ticks (USER_HZ, 100 on Linux).
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	if _, err := fmt.Sscan(f[11]+" "+f[12], &utime, &stime); err != nil {
		return 0
	}
	const tick = 10 * time.Millisecond
	return time.Duration(utime+stime) * tick
}

// tail returns the end of a program's output, for an error message.
func tail(file string) string {
	data, err := os.ReadFile(file)
	if err != nil || len(data) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	lines = lines[max(0, len(lines)-15):]
	return "; its last output:\n  " + strings.Join(lines, "\n  ")
}

// median of the values key picks out of ss (the lower middle one for an even count).
func median(ss []sample, key func(sample) int64) int64 {
	vs := make([]int64, len(ss))
	for i, s := range ss {
		vs[i] = key(s)
	}
	slices.Sort(vs)
	return vs[(len(vs)-1)/2]
}
