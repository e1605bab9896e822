package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// xvfb is a private X server and a connection to it.
type xvfb struct {
	num  int
	cmd  *exec.Cmd
	conn *xConn
	done chan struct{}
}

// startXvfb starts Xvfb on the first free display of :80..:89 (1280x900,
// 24 bits, black root so that an undrawn window is one flat colour, no TCP)
// and connects to it. Its output goes to a file under dir.
func startXvfb(ctx context.Context, dir string) (*xvfb, error) {
	for n := 80; n <= 89; n++ {
		if exists(fmt.Sprintf("/tmp/.X11-unix/X%d", n)) || exists(fmt.Sprintf("/tmp/.X%d-lock", n)) {
			continue
		}
		logFile, err := os.Create(filepath.Join(dir, fmt.Sprintf("xvfb-%d.log", n)))
		if err != nil {
			return nil, err
		}
		cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-br")
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			logFile.Close()
			return nil, fmt.Errorf("start Xvfb: %w", err)
		}
		logFile.Close()
		d := &xvfb{num: n, cmd: cmd, done: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(d.done) }()
		deadline := time.Now().Add(10 * time.Second)
		for d.conn == nil && time.Now().Before(deadline) && ctx.Err() == nil {
			select {
			case <-d.done: // lost a race for this display, or Xvfb is broken
				deadline = time.Time{}
				continue
			case <-time.After(20 * time.Millisecond):
			}
			if conn, err := dialX(n, time.Second); err == nil {
				d.conn = conn
			}
		}
		if d.conn != nil {
			return d, nil
		}
		d.stop()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return nil, fmt.Errorf("could not start Xvfb on any display :80..:89 (see the logs in %s)", dir)
}

// stop ends the X server.
func (d *xvfb) stop() {
	if d.conn != nil {
		d.conn.Close()
	}
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// signalContext ends on Ctrl+C or SIGTERM, so that the X servers and the
// program being measured are stopped on the way out.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
