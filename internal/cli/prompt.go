package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// errNoInput is returned when standard input ends before an answer.
var errNoInput = errors.New("no more input")

// lines reads standard input one line at a time in the background, so that
// waiting for an answer can be abandoned when the context ends.
type lines struct {
	ch  chan string
	err chan error
}

func newLines(r io.Reader) *lines {
	l := &lines{ch: make(chan string), err: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		for sc.Scan() {
			l.ch <- sc.Text()
		}
		if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
			l.err <- usageError{"the answer typed is longer than 1 MiB: type only what is asked (the 6-digit OTP)"}
		} else if err != nil {
			l.err <- err
		} else {
			l.err <- errNoInput
		}
		close(l.ch)
	}()
	return l
}

// ask writes prompt to w and returns the next line, trimmed.
func (l *lines) ask(ctx context.Context, w io.Writer, prompt string) (string, error) {
	fmt.Fprint(w, prompt)
	select {
	case s, ok := <-l.ch:
		if !ok {
			return "", <-l.err
		}
		return strings.TrimSpace(s), nil
	case <-ctx.Done():
		fmt.Fprintln(w)
		return "", ctx.Err()
	}
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// askSecret reads a line from the terminal without echoing it.
func askSecret(in io.Reader, w io.Writer, prompt string) (string, error) {
	f, ok := in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("not a terminal")
	}
	fmt.Fprint(w, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(w)
	if err != nil {
		return "", fmt.Errorf("read from the terminal: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
