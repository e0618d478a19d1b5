package fault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Spec describes a process to start. Zero fields take their defaults.
type Spec struct {
	_ struct{} // use keyed literals

	Name string   // for messages: "rm1"; default: the base name of Path
	Path string   // the program to run
	Args []string // its arguments, without the program name
	Env  []string // "KEY=value" entries added to os.Environ()
	Dir  string   // its working directory; "" = the caller's
	// Ready is polled after the process starts until it returns nil or
	// ReadyTimeout passes; nil means Start does not wait. See [ReadyTCP]
	// and [ReadyHTTP].
	Ready        func(ctx context.Context) error
	ReadyTimeout time.Duration // default 10 s
	// StopTimeout is how long Stop waits after SIGTERM before it sends
	// SIGKILL; default 2 s.
	StopTimeout time.Duration
}

// ErrExited is wrapped by the error of [Process.Crash] and [Process.Stop]
// when the process has exited on its own since it was last started, rather
// than by Crash or Stop: the implementation died by itself. Its exit
// status follows in the message.
var ErrExited = errors.New("exited on its own")

const (
	outputSize  = 64 << 10
	killTimeout = 10 * time.Second
	waitDelay   = time.Second
)

// A Process is a started program under test, in a process group of its
// own, with its combined output kept in memory.
//
// On Linux, a Process is started with SysProcAttr{Setpgid: true,
// Pdeathsig: SIGKILL}: it leads a new process group, which Crash and Stop
// signal as a whole, and the kernel kills it when the test binary dies,
// even by SIGKILL. Pdeathsig reaches only the program started, not its
// children; those die with it only through Crash or Stop (the group), so a
// wrapper script should exec the server rather than fork it. On other Unix
// systems there is no Pdeathsig; on other systems, Stop kills at once and
// children are not signaled.
//
// The methods are safe for concurrent use; Crash, Stop and Restart are
// serialized.
type Process struct {
	spec Spec
	out  *ring
	op   sync.Mutex // serializes start, Crash, Stop and Restart

	mu   sync.Mutex
	cur  *run
	runs int
}

// run is one start of a Process.
type run struct {
	cmd      *exec.Cmd
	done     chan struct{} // closed when the process has been reaped
	err      error         // Wait's error; read after done
	signaled bool          // killed or stopped by us; guarded by Process.op
	outStart int64         // output offset at the start
}

func (r *run) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// Start starts the process described by spec and waits until spec.Ready
// returns nil. ctx bounds the start and the wait for readiness, not the
// life of the process: the process runs until Crash or Stop (or the test
// binary's death, on Linux).
//
// If the process exits before it is ready, or is not ready within
// ReadyTimeout, Start kills its process group and returns an error that
// includes the process's output.
func Start(ctx context.Context, spec Spec) (*Process, error) {
	if spec.Path == "" {
		return nil, errors.New("fault: start: Spec.Path is empty")
	}
	if spec.Name == "" {
		spec.Name = filepath.Base(spec.Path)
	}
	if spec.ReadyTimeout <= 0 {
		spec.ReadyTimeout = 10 * time.Second
	}
	if spec.StopTimeout <= 0 {
		spec.StopTimeout = 2 * time.Second
	}
	p := &Process{spec: spec, out: newRing(outputSize)}
	p.op.Lock()
	defer p.op.Unlock()
	if err := p.start(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// start starts a run and waits until it is ready; p.op is held.
func (p *Process) start(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fault: start %s: %w", p.spec.Name, err)
	}
	cmd := exec.Command(p.spec.Path, p.spec.Args...)
	cmd.Env = append(os.Environ(), p.spec.Env...)
	cmd.Dir = p.spec.Dir
	cmd.Stdout = p.out
	cmd.Stderr = p.out
	cmd.WaitDelay = waitDelay
	setProcAttr(cmd)
	r := &run{cmd: cmd, done: make(chan struct{}), outStart: p.out.written()}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("fault: start %s: %w", p.spec.Name, err)
	}
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	p.mu.Lock()
	p.cur = r
	p.runs++
	p.mu.Unlock()
	if err := p.waitReady(ctx, r); err != nil {
		r.signaled = true
		if kerr := p.kill(r); kerr != nil {
			err = fmt.Errorf("%v; %v", err, kerr)
		}
		out := strings.TrimRight(p.out.since(r.outStart), "\n")
		if out == "" {
			out = "(none)"
		}
		return fmt.Errorf("fault: start %s: %v; output:\n%s", p.spec.Name, err, out)
	}
	return nil
}

// waitReady polls the Ready function until it succeeds, the process
// exits, ReadyTimeout passes or ctx is done.
func (p *Process) waitReady(ctx context.Context, r *run) error {
	if p.spec.Ready == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, p.spec.ReadyTimeout)
	defer cancel()
	pause := 5 * time.Millisecond
	t := time.NewTimer(0)
	defer t.Stop()
	<-t.C
	for {
		if r.exited() {
			return fmt.Errorf("exited before it was ready: %v", r.err)
		}
		err := p.spec.Ready(rctx)
		if err == nil {
			return nil
		}
		t.Reset(pause)
		select {
		case <-r.done:
			return fmt.Errorf("exited before it was ready: %v", r.err)
		case <-rctx.Done():
			if ctx.Err() != nil {
				return fmt.Errorf("not ready: %w: %v", ctx.Err(), err)
			}
			return fmt.Errorf("not ready after %v: %v", p.spec.ReadyTimeout, err)
		case <-t.C:
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// kill sends SIGKILL to the run's process group and waits until it is
// reaped.
func (p *Process) kill(r *run) error {
	if err := signalGroup(r.cmd, true); err != nil && !r.exited() {
		return fmt.Errorf("kill %s (pid %d): %w", p.spec.Name, r.cmd.Process.Pid, err)
	}
	return p.reap(r, killTimeout)
}

// reap waits at most d for the run to be reaped.
func (p *Process) reap(r *run, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.done:
		return nil
	case <-t.C:
		return fmt.Errorf("%s (pid %d) still running %v after SIGKILL", p.spec.Name, r.cmd.Process.Pid, d)
	}
}

// check returns the run to signal, or nil and the error to return when it
// is not running.
func (p *Process) check(verb string) (*run, error) {
	p.mu.Lock()
	r := p.cur
	p.mu.Unlock()
	if r == nil {
		return nil, nil
	}
	if r.exited() {
		if !r.signaled {
			return nil, fmt.Errorf("fault: %s %s: %w: %v", verb, p.spec.Name, ErrExited, r.err)
		}
		return nil, nil
	}
	return r, nil
}

// Crash sends SIGKILL to the whole process group and waits until the
// process is reaped: its files stay, everything else (memory, unflushed
// buffers, connections) is lost. Its peers see their connections reset or
// closed, and new connections to its ports refused.
//
// Crash of a process that is not running returns nil, unless it exited on
// its own since it was last started: then the error wraps [ErrExited].
func (p *Process) Crash() error {
	p.op.Lock()
	defer p.op.Unlock()
	return p.crash()
}

func (p *Process) crash() error {
	r, err := p.check("crash")
	if r == nil {
		return err
	}
	r.signaled = true
	if err := p.kill(r); err != nil {
		return fmt.Errorf("fault: crash %s: %w", p.spec.Name, err)
	}
	return nil
}

// Stop sends SIGTERM to the process group, waits StopTimeout for the
// process to exit, then sends SIGKILL to the group (which also takes any
// children left behind) and waits until the process is reaped. Its exit
// status does not matter.
//
// Stop of a process that is not running returns nil, unless it exited on
// its own since it was last started: then the error wraps [ErrExited].
func (p *Process) Stop() error {
	p.op.Lock()
	defer p.op.Unlock()
	r, err := p.check("stop")
	if r == nil {
		return err
	}
	r.signaled = true
	if err := signalGroup(r.cmd, false); err == nil {
		_ = p.reap(r, p.spec.StopTimeout)
	}
	if err := p.kill(r); err != nil {
		return fmt.Errorf("fault: stop %s: %w", p.spec.Name, err)
	}
	return nil
}

// Restart starts the process again with the same Spec and waits until it
// is ready, as Start does. A running process is crashed first. Its files
// are kept; its output continues after a line that marks the restart.
func (p *Process) Restart(ctx context.Context) error {
	p.op.Lock()
	defer p.op.Unlock()
	if err := p.crash(); err != nil && !errors.Is(err, ErrExited) {
		return err
	}
	if !p.out.endsLine() {
		io.WriteString(p.out, "\n")
	}
	p.mu.Lock()
	n := p.runs + 1
	p.mu.Unlock()
	fmt.Fprintf(p.out, "--- fault: %s restarted (run %d) ---\n", p.spec.Name, n)
	return p.start(ctx)
}

// Running reports whether the process is running (started and not yet
// reaped).
func (p *Process) Running() bool {
	p.mu.Lock()
	r := p.cur
	p.mu.Unlock()
	return r != nil && !r.exited()
}

// Pid is the process id of the last start.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == nil {
		return 0
	}
	return p.cur.cmd.Process.Pid
}

// Spec returns the process's Spec, with defaults filled in.
func (p *Process) Spec() Spec { return p.spec }

// Output returns the last 64 KiB of the process's combined stdout and
// stderr, across restarts; each restart is marked by a line
// "--- fault: NAME restarted (run N) ---".
func (p *Process) Output() string { return p.out.String() }

// ReadyTCP returns a Ready function that succeeds when a TCP connection to
// addr can be opened.
func ReadyTCP(addr string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	}
}

// ReadyHTTP returns a Ready function that succeeds when a GET of url gets
// an answer, whatever its status. It does not keep connections open and
// does not use the proxy settings of the environment.
func ReadyHTTP(url string) func(ctx context.Context) error {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return resp.Body.Close()
	}
}
