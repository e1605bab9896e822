package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// measure starts t once and measures it. Its output and pictures go to dir;
// its HOME and XDG folders are under home (dir itself for a fresh start).
func measure(ctx context.Context, o options, t *target, dir, home string) (sample, error) {
	var s sample
	p, err := launch(o, t, dir, home)
	if err != nil {
		return s, err
	}
	defer p.log.Close()
	wid, err := p.waitFrame(ctx, &s)
	if err != nil {
		return s, err
	}
	if err := p.holdThenClose(ctx, wid, s.frame); err != nil {
		return s, err
	}
	ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return s, errors.New("no rusage for the child (Linux only)")
	}
	s.rssKiB = ru.Maxrss // KiB on Linux
	return s, nil
}

// started is a program started by measure.
type started struct {
	o       options
	t       *target
	dir     string
	cmd     *exec.Cmd
	log     *os.File // its output
	begin   time.Time
	exited  chan struct{} // closed when it has exited
	waitErr error         // how it exited, once exited is closed
}

// launch starts t with its output in dir and its HOME and XDG folders under home.
func launch(o options, t *target, dir, home string) (*started, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	env, err := startEnv(t, dir, home)
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "output.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(t.bin, t.args...)
	cmd.Env, cmd.Dir = env, dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, logFile, logFile
	p := &started{o: o, t: t, dir: dir, cmd: cmd, log: logFile, begin: time.Now(), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	go func() { p.waitErr = cmd.Wait(); close(p.exited) }()
	return p, nil
}

// startEnv is the environment of a start of t: cleanEnv with fresh (or,
// warm, kept) HOME and XDG folders under home, the target's display and a
// D-Bus address where no bus is.
func startEnv(t *target, dir, home string) ([]string, error) {
	folders := map[string]string{
		"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_DATA_HOME": "data",
		"XDG_CACHE_HOME": "cache", "XDG_RUNTIME_DIR": "run",
	}
	env := cleanEnv()
	for k, sub := range folders {
		p := filepath.Join(home, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			return nil, err
		}
		env = append(env, k+"="+p)
	}
	return append(env, "LANG=en_US.UTF-8", fmt.Sprintf("DISPLAY=:%d", t.disp.num),
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(dir, "no-such-bus")), nil
}

// fail kills the program and returns err with the end of its output.
func (p *started) fail(err error) error {
	_ = p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("%w%s", err, tail(p.log.Name()))
}

// windowWatch is the program's window, once found.
type windowWatch struct {
	wid   uint32
	frame *frameWatch
}

// waitFrame polls the X server until the program's window is viewable and
// then drawn, and returns the window. It sets s.window, s.frame and s.cpu.
func (p *started) waitFrame(ctx context.Context, s *sample) (uint32, error) {
	var w windowWatch
	deadline := p.begin.Add(p.o.timeout)
	for {
		select {
		case <-p.exited:
			return 0, fmt.Errorf("the program exited before its first frame (%v)%s", p.waitErr, tail(p.log.Name()))
		case <-ctx.Done():
			return 0, p.fail(ctx.Err())
		default:
		}
		drawn, err := p.poll(&w, s)
		if err != nil {
			return 0, p.fail(err)
		}
		if drawn {
			return w.wid, nil
		}
		if time.Now().After(deadline) {
			if w.wid == 0 {
				return 0, p.fail(fmt.Errorf("no viewable window titled %q within %s", p.t.title, p.o.timeout))
			}
			return 0, p.fail(fmt.Errorf("window %q stayed blank for %s", p.t.title, p.o.timeout))
		}
		time.Sleep(p.o.poll)
	}
}

// poll looks once for the window, if not found yet, then whether it is
// drawn; a window that went away is looked for again at the next poll.
func (p *started) poll(w *windowWatch, s *sample) (drawn bool, err error) {
	x := p.t.disp.conn
	if w.wid == 0 {
		id, err := x.findViewable(p.t.title)
		if err != nil || id == 0 {
			return false, err
		}
		if s.window == 0 {
			s.window = time.Since(p.begin)
		}
		w.wid, w.frame = id, &frameWatch{x: x, w: id}
	}
	ok, err := w.frame.drawn()
	var xe *xError
	switch {
	case errors.As(err, &xe): // the window went away: look for it again
		w.wid = 0
	case err != nil:
		return false, err
	}
	if !ok {
		return false, nil
	}
	s.frame = time.Since(p.begin)
	s.cpu = cpuTime(p.cmd.Process.Pid)
	if p.o.keep {
		_ = x.savePNG(w.wid, filepath.Join(p.dir, "first-frame.png"))
	}
	return true, nil
}

// holdThenClose lets the program run for -hold after its first frame (at
// frame), then closes window wid as a window manager would (SIGTERM if that
// fails or is ignored for 10 s) and waits for the program to exit.
func (p *started) holdThenClose(ctx context.Context, wid uint32, frame time.Duration) error {
	select {
	case <-p.exited:
		return fmt.Errorf("the program exited %s after its first frame (%v)%s",
			time.Since(p.begin)-frame, p.waitErr, tail(p.log.Name()))
	case <-ctx.Done():
		return p.fail(ctx.Err())
	case <-time.After(p.o.hold):
	}
	x := p.t.disp.conn
	if p.o.keep {
		_ = x.savePNG(wid, filepath.Join(p.dir, "after-hold.png"))
	}
	how := "WM_DELETE_WINDOW"
	if err := x.askToClose(wid); err != nil {
		how = "SIGTERM"
		fmt.Fprintf(os.Stderr, "startup: %s: could not close the window (%v); sending SIGTERM\n", p.t.name, err)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	if !p.exitsWithin(10 * time.Second) {
		if how == "SIGTERM" {
			return p.fail(errors.New("still running 10 s after SIGTERM"))
		}
		fmt.Fprintf(os.Stderr, "startup: %s: still running 10 s after WM_DELETE_WINDOW; sending SIGTERM\n", p.t.name)
		how = "SIGTERM"
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		if !p.exitsWithin(10 * time.Second) {
			return p.fail(errors.New("still running 10 s after SIGTERM"))
		}
	}
	if p.waitErr != nil && how == "WM_DELETE_WINDOW" {
		fmt.Fprintf(os.Stderr, "startup: %s: exited with %v after its window was closed%s\n", p.t.name, p.waitErr, tail(p.log.Name()))
	}
	return nil
}

// exitsWithin reports whether the program exits within d.
func (p *started) exitsWithin(d time.Duration) bool {
	select {
	case <-p.exited:
		return true
	case <-time.After(d):
		return false
	}
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
