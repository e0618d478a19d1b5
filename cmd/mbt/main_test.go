package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mbtgo/mbt/internal/golden"
)

// TestMain lets the test binary run as the mbt command in scripts, and
// as the -toolexec wrapper mbt-test-block.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"mbt": main, "mbt-test-block": blockMain})
}

// goPassEnv are the go command's settings that scripts get from the host,
// so that the go commands in them find the host's caches and proxy, as a
// user's would.
var goPassEnv = []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOSUMDB", "GONOSUMDB",
	"GOPRIVATE", "GONOPROXY", "GOINSECURE"}

// TestScript runs the scripts in testdata/script. Each one may `cd $REPO`
// (this checkout) or make a module of its own that replaces mbt with it.
// All scripts share one driver cache, so a package's driver is built once.
//
// The go commands in scripts share the host's build and module caches and
// proxy settings: a script's module that requires mbt needs the modules
// that mbt needs, which the host's module cache holds once this package's
// tests are built, and anything else comes from the proxy, as it would
// for a user.
func TestScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds driver programs with the go command")
	}
	goEnv := goEnv(t, append([]string{"GOMOD"}, goPassEnv...)...)
	repo := filepath.Dir(goEnv["GOMOD"])
	driverCache := t.TempDir()
	home, _ := os.UserHomeDir()
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       golden.Update(),
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", repo)
			e.Setenv("HOME", home)
			for _, k := range goPassEnv {
				e.Setenv(k, goEnv[k])
			}
			e.Setenv("GOTOOLCHAIN", "local")
			e.Setenv("MBT_CACHE", driverCache)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":     cmdExits,
			"validjson": cmdValidJSON,
			"interrupt": cmdInterrupt,
			"tmpclean":  cmdTmpClean,
		},
	})
}

// goEnv returns the values of go env for keys.
func goEnv(t *testing.T, keys ...string) map[string]string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"env", "-json"}, keys...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("go env -json: %v", err)
	}
	if m["GOMOD"] == "" || m["GOMOD"] == os.DevNull {
		t.Fatal("the test does not run in a module")
	}
	return m
}

// cmdExits runs a command and checks its exit code:
//
//	exits 2 mbt explore -bogus
//
// Its output is kept for stdout and stderr, as exec's is.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits code command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad exit code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdValidJSON checks that the last command's stdout is one JSON value.
func cmdValidJSON(ts *testscript.TestScript, neg bool, args []string) {
	data := []byte(ts.ReadFile("stdout"))
	if json.Valid(data) == neg {
		ts.Fatalf("stdout is valid JSON: %v", !neg)
	}
}

// cmdTmpClean checks that $TMPDIR holds no temporary directory of mbt's
// driver builds, nor of the go command:
//
//	tmpclean
func cmdTmpClean(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 0 {
		ts.Fatalf("usage: tmpclean")
	}
	var left []string
	for _, pattern := range []string{"mbt-driver-*", "go-build*"} {
		m, err := filepath.Glob(filepath.Join(ts.Getenv("TMPDIR"), pattern))
		ts.Check(err)
		left = append(left, m...)
	}
	if len(left) > 0 {
		ts.Fatalf("left in $TMPDIR: %s", strings.Join(left, " "))
	}
}

// cmdInterrupt runs a command that reports progress on stderr, sends it an
// interrupt after its first progress line (of the exploration, or of the
// model function still building the model), and waits for it, like Ctrl-C
// on a terminal. It writes the command's output to the files
// $WORK/interrupted.stdout and $WORK/interrupted.stderr (never into the
// directory it ran in, which may be the repository) and fails if the
// command fails (succeeds, with !).
//
//	interrupt mbt explore ./examples/twophase -strategy random -walks 100000000 -progress 100ms
func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: interrupt command [args...]")
	}
	path := lookPath(ts, args[0])
	cmd := exec.Command(path, args[1:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range append([]string{"PATH", "HOME", "TMPDIR", "GOTOOLCHAIN", "MBT_CACHE", "SYSTEMROOT"}, goPassEnv...) {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		ts.Fatalf("interrupt: %v", err)
	}
	if err := cmd.Start(); err != nil {
		ts.Fatalf("interrupt: %v", err)
	}
	var stderr bytes.Buffer
	sent := make(chan bool, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(errPipe)
		signaled := false
		for sc.Scan() {
			stderr.Write(sc.Bytes())
			stderr.WriteByte('\n')
			if !signaled && (strings.Contains(sc.Text(), "distinct states") || strings.HasPrefix(sc.Text(), "building the model")) {
				signaled = true
				cmd.Process.Signal(os.Interrupt)
				sent <- true
			}
		}
		io.Copy(&stderr, errPipe)
		if !signaled {
			sent <- false
		}
	}()
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	signaled := <-sent
	<-done
	err = cmd.Wait()
	work := ts.Getenv("WORK")
	ts.Check(os.WriteFile(filepath.Join(work, "interrupted.stdout"), stdout.Bytes(), 0o666))
	ts.Check(os.WriteFile(filepath.Join(work, "interrupted.stderr"), stderr.Bytes(), 0o666))
	ts.Logf("[exit: %v]\n[stdout]\n%s[stderr]\n%s", cmd.ProcessState, &stdout, &stderr)
	if !signaled {
		ts.Fatalf("interrupt: the command ended without a progress line")
	}
	if (err != nil) != neg {
		ts.Fatalf("interrupt: unexpected result: %v", err)
	}
}

// lookPath finds a command in the script's PATH.
func lookPath(ts *testscript.TestScript, name string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		for _, ext := range []string{"", ".exe"} {
			p := filepath.Join(dir, name+ext)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p
			}
		}
	}
	ts.Fatalf("interrupt: %s not found in PATH", name)
	return ""
}
