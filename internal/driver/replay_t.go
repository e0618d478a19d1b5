package driver

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"testing"
)

// replayT is the testing.TB that mbt replay passes to an adapter's
// constructor (-adapter NewAdapter), which is written for go test. Logs go
// to standard error; Fatal, FailNow and Skip stop the replay, from the
// goroutine that runs it only, as in a test; Cleanup functions run when
// the replay ends; TempDir makes a directory that Cleanup removes. A
// constructor that takes a *testing.T cannot be called outside go test:
// make it take testing.TB, or an interface with the methods it uses.
//
// testing.TB has an unexported method, so nothing outside package testing
// implements it without embedding it. The embedded TB is nil: replayT
// declares every exported method of testing.TB itself, and
// TestReplayT_DeclaresEveryMethod fails when a Go release adds one that
// it does not (the call would otherwise compile and panic at run time).
type replayT struct {
	testing.TB // nil; see above

	name string
	ctx  context.Context
	out  io.Writer

	mu       sync.Mutex
	failed   bool
	skipped  bool
	cleanups []func()
	msgs     []string // Error and Fatal messages, for the report
}

// newT returns a T named name that logs to out.
func newReplayT(ctx context.Context, name string, out io.Writer) *replayT {
	return &replayT{name: name, ctx: ctx, out: out}
}

// stop is the panic value of FailNow and SkipNow.
type stop struct{ skip bool }

// ArtifactDir returns a temporary directory, as TempDir does.
func (t *replayT) ArtifactDir() string { return t.TempDir() }

// Attr logs a key and value.
func (t *replayT) Attr(key, value string) { t.Logf("=== ATTR %s %s", key, value) }

// Cleanup registers f to run when the replay ends, last registered first.
func (t *replayT) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

// Error logs args and marks the replay failed.
func (t *replayT) Error(args ...any) { t.fail(fmt.Sprintln(args...)) }

// Errorf logs the message and marks the replay failed.
func (t *replayT) Errorf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }

func (t *replayT) fail(msg string) {
	t.mu.Lock()
	t.failed = true
	t.msgs = append(t.msgs, trimNewline(msg))
	t.mu.Unlock()
	t.Log(trimNewline(msg))
}

func trimNewline(s string) string {
	for len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return s
}

// Fail marks the replay failed.
func (t *replayT) Fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
}

// FailNow marks the replay failed and stops it.
func (t *replayT) FailNow() {
	t.Fail()
	panic(stop{})
}

// Failed reports whether the replay failed.
func (t *replayT) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// Fatal is Error and FailNow.
func (t *replayT) Fatal(args ...any) {
	t.Error(args...)
	panic(stop{})
}

// Fatalf is Errorf and FailNow.
func (t *replayT) Fatalf(format string, args ...any) {
	t.Errorf(format, args...)
	panic(stop{})
}

// Helper does nothing.
func (t *replayT) Helper() {}

// Log writes args to standard error.
func (t *replayT) Log(args ...any) {
	fmt.Fprintf(t.out, "    %s: %s\n", t.name, trimNewline(fmt.Sprintln(args...)))
}

// Logf writes the message to standard error.
func (t *replayT) Logf(format string, args ...any) {
	fmt.Fprintf(t.out, "    %s: %s\n", t.name, trimNewline(fmt.Sprintf(format, args...)))
}

// Name returns the replay's name, like Replay/TwoPhase.out.txt.
func (t *replayT) Name() string { return t.name }

// Setenv sets an environment variable until the replay ends.
func (t *replayT) Setenv(key, value string) {
	old, had := os.LookupEnv(key)
	if err := os.Setenv(key, value); err != nil {
		t.Fatalf("Setenv(%q): %v", key, err)
	}
	t.Cleanup(func() {
		if had {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	})
}

// Chdir changes the working directory until the replay ends.
func (t *replayT) Chdir(dir string) {
	old, err := os.Getwd()
	if err != nil {
		t.Fatalf("Chdir: %v", err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatalf("Chdir: %v", err)
	}
	t.Cleanup(func() { os.Chdir(old) })
}

// Skip logs args and stops the replay.
func (t *replayT) Skip(args ...any) {
	t.Log(args...)
	t.SkipNow()
}

// SkipNow stops the replay, marking it skipped.
func (t *replayT) SkipNow() {
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	panic(stop{skip: true})
}

// Skipf logs the message and stops the replay.
func (t *replayT) Skipf(format string, args ...any) {
	t.Logf(format, args...)
	t.SkipNow()
}

// Skipped reports whether the replay was skipped.
func (t *replayT) Skipped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.skipped
}

// TempDir returns a new temporary directory, removed when the replay ends.
func (t *replayT) TempDir() string {
	dir, err := os.MkdirTemp("", "mbt-replay-")
	if err != nil {
		t.Fatalf("TempDir: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// Context returns the replay's context, canceled by an interrupt.
func (t *replayT) Context() context.Context { return t.ctx }

// Output returns standard error.
func (t *replayT) Output() io.Writer { return t.out }

// cleanup runs the Cleanup functions, last first.
func (t *replayT) cleanup() {
	t.mu.Lock()
	fs := slices.Clone(t.cleanups)
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		func() {
			defer func() {
				if v := recover(); v != nil {
					if _, ok := v.(stop); !ok {
						fmt.Fprintf(t.out, "    %s: a Cleanup function panicked: %v\n", t.name, v)
					}
				}
			}()
			fs[i]()
		}()
	}
}

// run calls f, turning FailNow and SkipNow into their results and a panic
// into an error.
func (t *replayT) run(f func()) (stopped bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(stop); ok {
				stopped = true
				return
			}
			err = fmt.Errorf("panicked: %v", v)
		}
	}()
	f()
	return false, nil
}
