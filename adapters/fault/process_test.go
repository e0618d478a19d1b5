package fault

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// childSpec is the Spec of a child program (see child) working in dir;
// it is ready when the address it wrote to dir/addr accepts connections.
func childSpec(t testing.TB, mode, dir string, env ...string) Spec {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Spec{
		Name:  mode,
		Path:  exe,
		Env:   append([]string{"FAULT_CHILD=" + mode, "FAULT_DIR=" + dir}, env...),
		Ready: readyAddr(dir),
	}
}

func readyAddr(dir string) func(context.Context) error {
	return func(ctx context.Context) error {
		b, err := os.ReadFile(filepath.Join(dir, "addr"))
		if err != nil {
			return err
		}
		return ReadyTCP(string(b))(ctx)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readPid(t testing.TB, path string) int {
	t.Helper()
	pid, err := strconv.Atoi(readFile(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// gone waits up to 5 s for the process pid to be gone.
func gone(t testing.TB, pid int, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (pid %d) is still alive", what, pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestProcess_CrashRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := StartT(t, childSpec(t, "echo", dir))
	addr := readFile(t, filepath.Join(dir, "addr"))
	if !p.Running() || p.Pid() != readPid(t, filepath.Join(dir, "pid")) {
		t.Fatalf("Running() = %v, Pid() = %d; want true and the child's pid", p.Running(), p.Pid())
	}
	c := dial(t, addr)
	for _, want := range []string{"1", "2"} {
		if got, err := c.call("inc", wait); err != nil || got != want {
			t.Fatalf("inc = %q, %v; want %s", got, err, want)
		}
	}
	pid, id := p.Pid(), listenerID(t, addr)
	if err := p.Crash(); err != nil {
		t.Fatalf("Crash() = %v", err)
	}
	if p.Running() {
		t.Error("Running() after Crash")
	}
	if got := outcome(c.call("inc", wait)); got != "reset" && !strings.Contains(got, "EOF") {
		t.Errorf("open connection after Crash: %s, want reset or EOF", got)
	}
	notListening(t, addr, id, "the crashed process")
	gone(t, pid, "crashed process")
	if err := p.Crash(); err != nil {
		t.Errorf("second Crash() = %v, want nil", err)
	}

	if err := p.Restart(t.Context()); err != nil {
		t.Fatalf("Restart() = %v", err)
	}
	if !p.Running() || p.Pid() == pid {
		t.Fatalf("after Restart: Running() = %v, Pid() = %d (was %d)", p.Running(), p.Pid(), pid)
	}
	addr = readFile(t, filepath.Join(dir, "addr")) // the port may have changed
	if got := count(t, addr); got != "2" {
		t.Errorf("count after Crash and Restart = %s, want 2: the file must survive", got)
	}
	// The output comes through a pipe, copied by another goroutine: the
	// second run may be ready before its line is in Output().
	eventually(t, "the second run's output", func() bool { return strings.Count(p.Output(), "listening on") == 2 })
	out := p.Output()
	if strings.Count(out, "listening on") != 2 || !strings.Contains(out, "\n--- fault: echo restarted (run 2) ---\nlistening on") {
		t.Errorf("Output() must hold both runs with the restart marked:\n%s", out)
	}
	if !strings.Contains(out, "with count 2") {
		t.Errorf("Output() of the second run must show the count from the file:\n%s", out)
	}
}

// Crash kills the whole process group, the children of the process too.
func TestProcess_CrashKillsGroup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := StartT(t, childSpec(t, "parent", dir))
	sub := readPid(t, filepath.Join(dir, "subpid"))
	if !alive(sub) {
		t.Fatalf("the child's child (pid %d) is not running", sub)
	}
	if err := p.Crash(); err != nil {
		t.Fatal(err)
	}
	gone(t, sub, "the child's child")
}

func TestProcess_Stop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		env         []string
		stopTimeout time.Duration
		atLeast     time.Duration
		reason      string
	}{
		{name: "graceful", reason: "a process that exits on SIGTERM is stopped by it"},
		{name: "ignores SIGTERM", env: []string{"FAULT_IGNORE_TERM=1"}, stopTimeout: 300 * time.Millisecond,
			atLeast: 300 * time.Millisecond,
			reason:  "a process that ignores SIGTERM gets SIGKILL after StopTimeout"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		checkTable(t, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			spec := childSpec(t, "parent", dir, tt.env...)
			spec.StopTimeout = tt.stopTimeout
			p := StartT(t, spec)
			pid, sub := p.Pid(), readPid(t, filepath.Join(dir, "subpid"))
			start := time.Now()
			if err := p.Stop(); err != nil {
				t.Fatalf("Stop() = %v (%s)", err, tt.reason)
			}
			if el := time.Since(start); el < tt.atLeast {
				t.Errorf("Stop took %v, want at least %v (%s)", el, tt.atLeast, tt.reason)
			}
			if p.Running() {
				t.Error("Running() after Stop")
			}
			gone(t, pid, "stopped process")
			gone(t, sub, "the stopped process's child")
			if err := p.Stop(); err != nil {
				t.Errorf("second Stop() = %v, want nil", err)
			}
		})
	}
}

func TestProcess_ExitedOnItsOwn(t *testing.T) {
	t.Parallel()
	spec := childSpec(t, "exit", t.TempDir())
	spec.Ready = nil
	p, err := Start(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "exited", func() bool { return !p.Running() })
	for name, f := range map[string]func() error{"Crash": p.Crash, "Stop": p.Stop} {
		if err := f(); !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "exit status 3") {
			t.Errorf("%s() of a process that exited on its own = %v, want ErrExited with the status", name, err)
		}
	}
	if !strings.Contains(p.Output(), "boom: bad config") {
		t.Errorf("Output() = %q, want the child's stderr", p.Output())
	}
}

func TestStart_Errors(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		mode   string
		spec   func(s *Spec, dir string)
		ctx    context.Context
		want   []string
		reason string
	}{
		{name: "exits at once", mode: "exit",
			want:   []string{"fault: start exit: exited before it was ready: exit status 3; output:\n", "starting", "boom: bad config"},
			reason: "a process that exits before it is ready is reported with its output"},
		{name: "never ready", mode: "echo",
			spec: func(s *Spec, dir string) {
				// Never ready, but only once the child has printed, however
				// slow the machine: this Ready ignores ctx while it waits.
				addr := filepath.Join(dir, "addr")
				s.Ready = func(context.Context) error {
					for end := time.Now().Add(wait); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
						if _, err := os.Stat(addr); err == nil {
							break
						}
					}
					return errors.New("no luck")
				}
				s.ReadyTimeout = 300 * time.Millisecond
			},
			want:   []string{"fault: start echo: not ready after 300ms: no luck; output:\n", "listening on"},
			reason: "a process that is never ready is killed and reported with its output"},
		{name: "canceled", mode: "echo", ctx: canceled,
			want:   []string{"fault: start echo: context canceled"},
			reason: "a canceled context starts nothing"},
		{name: "no program", mode: "echo",
			spec:   func(s *Spec, dir string) { s.Path = filepath.Join(dir, "nonexistent") },
			want:   []string{"fault: start echo: fork/exec"},
			reason: "a program that cannot be run is an error"},
		{name: "no path", mode: "echo",
			spec:   func(s *Spec, _ string) { s.Path = "" },
			want:   []string{"fault: start: Spec.Path is empty"},
			reason: "a Spec without a program is an error"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		checkTable(t, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			spec := childSpec(t, tt.mode, dir)
			if tt.spec != nil {
				tt.spec(&spec, dir)
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			p, err := Start(ctx, spec)
			if err == nil {
				p.Crash()
				t.Fatalf("Start succeeded; want an error (%s)", tt.reason)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Start() error lacks %q (%s):\n%v", w, tt.reason, err)
				}
			}
			if b, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil {
				pid, _ := strconv.Atoi(string(b))
				gone(t, pid, "the process that failed to start")
			}
		})
	}
}

// fakeTB records what the ...T helpers do with a TB.
type fakeTB struct {
	cleanups []func()
	fatal    []string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Cleanup(c func())               { f.cleanups = append(f.cleanups, c) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.fatal = append(f.fatal, format) }
func (f *fakeTB) Errorf(format string, a ...any) { f.fatal = append(f.fatal, format) }
func (f *fakeTB) Logf(string, ...any)            {}
func (f *fakeTB) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestT_Cleanup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tb := &fakeTB{}
	p := StartT(tb, childSpec(t, "parent", dir))
	sub := readPid(t, filepath.Join(dir, "subpid"))
	proxy := NewProxyT(tb, readFile(t, filepath.Join(dir, "addr")))
	n := NewNetworkT(tb)
	link, err := n.Link("x", "y", proxy.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dial(t, link.Addr()).call("echo through two proxies", wait); err != nil || got != "through two proxies" {
		t.Fatalf("call = %q, %v", got, err)
	}
	if len(tb.cleanups) != 3 || len(tb.fatal) != 0 {
		t.Fatalf("registered %d cleanups and %d failures, want 3 and 0", len(tb.cleanups), len(tb.fatal))
	}
	ids := map[string]string{proxy.Addr(): listenerID(t, proxy.Addr()), link.Addr(): listenerID(t, link.Addr())}
	tb.cleanup()
	if len(tb.fatal) != 0 {
		t.Errorf("cleanups failed: %q", tb.fatal)
	}
	if p.Running() {
		t.Error("process still running after cleanup")
	}
	gone(t, sub, "the process's child")
	for _, addr := range []string{proxy.Addr(), link.Addr()} {
		notListening(t, addr, ids[addr], "the proxy, after cleanup,")
	}

	tb = &fakeTB{}
	spec := childSpec(t, "exit", t.TempDir())
	if p := StartT(tb, spec); p != nil || len(tb.fatal) != 1 || len(tb.cleanups) != 0 {
		t.Errorf("StartT of a failing process: %v, %d failures, %d cleanups; want nil, 1, 0", p, len(tb.fatal), len(tb.cleanups))
	}
}

func TestRing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		writes    []string
		want      string
		since     int64
		wantSince string
		reason    string
	}{
		{"empty", nil, "", 0, "", "nothing written, nothing kept"},
		{"fits", []string{"ab", "cd"}, "abcd", 2, "cd", "everything is kept while it fits"},
		{"exactly full", []string{"abcd", "efgh"}, "abcdefgh", 3, "defgh", "a full buffer keeps everything"},
		{"wraps", []string{"abcde", "fghij"}, "cdefghij", 6, "ghij", "the oldest bytes go first"},
		{"one big write", []string{"0123456789abc"}, "56789abc", 1, "56789abc", "a write larger than the buffer keeps its end"},
		{"since lost", []string{"abcdefgh", "ij"}, "cdefghij", 0, "cdefghij", "since returns what is still kept"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		checkTable(t, tt.name, tt.reason, seen)
		r := newRing(8)
		for _, w := range tt.writes {
			if n, err := r.Write([]byte(w)); n != len(w) || err != nil {
				t.Fatalf("%s: Write = %d, %v", tt.name, n, err)
			}
		}
		if got := r.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q (%s)", tt.name, got, tt.want, tt.reason)
		}
		if got := r.since(tt.since); got != tt.wantSince {
			t.Errorf("%s: since(%d) = %q, want %q (%s)", tt.name, tt.since, got, tt.wantSince, tt.reason)
		}
	}
}

func TestReady(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not yet", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	down := downAddr(t)
	tests := []struct {
		name   string
		ready  func(context.Context) error
		ok     bool
		reason string
	}{
		{"tcp up", ReadyTCP(srv.Listener.Addr().String()), true, "a listening port is ready"},
		{"tcp down", ReadyTCP(down), false, "a closed port is not"},
		{"http any status", ReadyHTTP(srv.URL), true, "an HTTP answer is ready, whatever its status"},
		{"http down", ReadyHTTP("http://" + down + "/"), false, "no answer is not ready"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		checkTable(t, tt.name, tt.reason, seen)
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		err := tt.ready(ctx)
		cancel()
		if (err == nil) != tt.ok {
			t.Errorf("%s: ready = %v, want ok=%v (%s)", tt.name, err, tt.ok, tt.reason)
		}
	}
}
