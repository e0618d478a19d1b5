package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadExample loads a package of this repository for a driver build, with
// a temporary directory and a driver cache of the test's own.
func loadExample(t *testing.T, pattern string) (*target, []byte, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds driver programs with the go command")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("MBT_CACHE", t.TempDir())
	tgt, err := load(t.Context(), pattern)
	if err != nil {
		t.Fatal(err)
	}
	src, err := driverSource(tgt)
	if err != nil {
		t.Fatal(err)
	}
	return tgt, src, tmp
}

// leftovers returns the directories that buildDriver left in tmp.
func leftovers(t *testing.T, tmp string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(tmp, "mbt-driver-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBuildDriver_Failures: a failed build returns the go command's own
// message and no cleanup function, and leaves no temporary directory.
// Before, every failure panicked in a deferred call of the nil cleanup
// function, and the message and the directory were lost.
func TestBuildDriver_Failures(t *testing.T) {
	tgt, _, tmp := loadExample(t, "../../examples/twophase")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		src     string
		wantErr string
		reason  string
	}{
		{"does not compile", context.Background(), "package main\n\nfunc main() { undefinedThing() }\n",
			"undefined: undefinedThing",
			"a driver that does not compile (a driver package of another version, say) fails in go list with the compiler's message"},
		{"canceled", canceled, "package main\n\nfunc main() {}\n",
			"context canceled",
			"Ctrl-C before the build: the go command does not start"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			bin, cleanup, err := buildDriver(tt.ctx, tgt, []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("buildDriver() error = %v, want one with %q", err, tt.wantErr)
			}
			if bin != "" || cleanup != nil {
				t.Errorf("buildDriver() = %q, %v, want no binary and no cleanup function", bin, cleanup != nil)
			}
			if l := leftovers(t, tmp); len(l) > 0 {
				t.Errorf("buildDriver() left %v", l)
			}
		})
	}
}

// TestBuildDriver_Cache: a second build of the same driver is the cached
// binary, although each build reads its own copy of go.mod; cleanup
// leaves nothing in the temporary directory.
func TestBuildDriver_Cache(t *testing.T) {
	tgt, src, tmp := loadExample(t, "../../examples/twophase")
	var bins []string
	for range 2 {
		bin, cleanup, err := buildDriver(t.Context(), tgt, src)
		if err != nil {
			t.Fatal(err)
		}
		cleanup()
		bins = append(bins, bin)
	}
	if bins[0] != bins[1] {
		t.Errorf("the second build is %s, want the cached %s", bins[1], bins[0])
	}
	if _, err := os.Stat(bins[0]); err != nil {
		t.Errorf("the cached driver: %v", err)
	}
	if l := leftovers(t, tmp); len(l) > 0 {
		t.Errorf("buildDriver() left %v", l)
	}
}

// TestBuildDriver_Interrupted interrupts the build while the go command
// runs the compiler, as Ctrl-C does: the context is canceled (mbt then
// interrupts the go command) and the compiler dies (a terminal interrupts
// every process of the group). buildDriver returns the context's error,
// with no cleanup function, and leaves no temporary directory, nor the go
// command's (which it does not remove when interrupted).
func TestBuildDriver_Interrupted(t *testing.T) {
	tgt, src, tmp := loadExample(t, "../../examples/twophase")
	// A source of its own, so that the go command compiles it rather
	// than finding it in its cache.
	src = fmt.Appendf(src, "\n// %s %d\n", t.Name(), time.Now().UnixNano())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("MBT_TEST_BLOCK", ln.Addr().String())
	t.Setenv("GOFLAGS", "-toolexec=mbt-test-block")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		bin     string
		cleanup func()
		err     error
	}
	done := make(chan result, 1)
	go func() {
		bin, cleanup, err := buildDriver(ctx, tgt, src)
		done <- result{bin, cleanup, err}
	}()
	// The first tool the go command runs connects and waits.
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	var conn net.Conn
	select {
	case conn = <-accepted:
		ln.Close() // any other tool fails at once
	case r := <-done:
		t.Fatalf("buildDriver() returned before it ran a tool: %v", r.err)
	}
	cancel()
	conn.Close() // the tool exits, as the compiler does on Ctrl-C
	r := <-done
	if !errors.Is(r.err, context.Canceled) {
		t.Errorf("buildDriver() error = %v, want context.Canceled", r.err)
	}
	if r.bin != "" || r.cleanup != nil {
		t.Errorf("buildDriver() = %q, %v, want no binary and no cleanup function", r.bin, r.cleanup != nil)
	}
	if l := leftovers(t, tmp); len(l) > 0 {
		t.Errorf("buildDriver() left %v", l)
	}
	if m, _ := filepath.Glob(filepath.Join(tmp, "go-build*")); len(m) > 0 {
		t.Errorf("the go command left %v", m)
	}
}

// blockMain is the program mbt-test-block, a -toolexec wrapper. It runs
// the tool when the go command asks for its version (-V=full); for real
// work, it connects to $MBT_TEST_BLOCK and waits until the test closes the
// connection, then fails: a compiler that Ctrl-C stops.
func blockMain() {
	if len(os.Args) > 2 && strings.HasPrefix(os.Args[2], "-V") {
		cmd := exec.Command(os.Args[1], os.Args[2:]...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "mbt-test-block: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	conn, err := net.DialTimeout("tcp", os.Getenv("MBT_TEST_BLOCK"), time.Minute)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mbt-test-block: %v\n", err)
		os.Exit(2)
	}
	bufio.NewReader(conn).ReadByte() // until the test closes the connection, or dies
	fmt.Fprintln(os.Stderr, "mbt-test-block: interrupted")
	os.Exit(1)
}
