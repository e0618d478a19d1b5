package subprocess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"
	"github.com/mbtgo/mbt/internal/suggest"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
)

// Options configure how the program is run. The zero value runs it in the
// current directory with the test's environment and the default timeouts.
type Options struct {
	_ struct{}

	// Dir is the program's working directory; "" is the caller's.
	Dir string
	// Env are "KEY=value" entries added to os.Environ(); they win over
	// inherited ones.
	Env []string
	// StartTimeout bounds the wait for the answer to hello (default 10 s),
	// and the caller's context bounds it too.
	StartTimeout time.Duration
	// StopTimeout is how long the program has to exit after its standard
	// input is closed, or after it closed its standard output, before it is
	// killed (default 2 s). A Go program built with -race sleeps 1 s at exit
	// unless its environment has GORACE=atexit_sleep_ms=0.
	StopTimeout time.Duration
	// Log, if set, gets a copy of the program's standard error as it comes,
	// from another goroutine. Close returns only when the program's
	// standard error is drained, so a writer that logs to the test may be
	// used.
	Log io.Writer
}

// Adapter drives a program through protocol 1 (see the package doc). It is
// an [adapters.Dynamic] adapter, an [adapters.ModelChecker] and has
// [adapters.Invariants].
//
// Its methods are safe for concurrent use. Requests are serialized: one
// conversation at a time. Crash and Close do not wait for a request in
// flight; they end the program, and the request reports it.
type Adapter struct {
	opts    Options
	command string
	args    []string
	log     io.Writer // opts.Log, safe for concurrent writers

	// reqMu is held for a whole conversation: Reset, Do, Observe,
	// Invariants, CheckModel, Restart. It orders before mu.
	reqMu sync.Mutex

	mu     sync.Mutex
	p      *proc          // the running program; nil when not running
	last   *proc          // the program last started, for Stderr
	procs  map[*proc]bool // started and maybe not yet drained, for Close
	down   string         // why p is nil: "it exited (exit status 2) during …"
	closed bool
	hello  *Request // the model and actions hello sends; nil without a model
	name   string   // from the last hello
}

// Start starts the program command with args, in a process group of its
// own (see the package doc). ctx bounds the start only: the program runs
// until [Adapter.Close], which the caller must call. The hello is sent
// lazily: by [Adapter.CheckModel], with the model's name and actions (which
// [adapters.Bind] calls), or else before the first other request.
//
// A command without a path separator is looked up in $PATH; a relative
// path is relative to opts.Dir.
func Start(ctx context.Context, opts Options, command string, args ...string) (*Adapter, error) {
	if command == "" {
		return nil, errors.New("subprocess: start: the command is empty")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("subprocess: start %s: %w", cmdline(command, args), err)
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 10 * time.Second
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = 2 * time.Second
	}
	a := &Adapter{opts: opts, command: command, args: args, procs: map[*proc]bool{}}
	if opts.Log != nil {
		a.log = &syncWriter{w: opts.Log}
	}
	if _, err := a.start(); err != nil {
		return nil, err
	}
	return a, nil
}

// TB is the part of testing.TB that [New] uses.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// New is [Start] for tests: it fails the test with t.Fatalf when the
// program does not start, and closes the adapter when the test ends,
// failing the test if the program does not exit cleanly then.
func New(t TB, opts Options, command string, args ...string) *Adapter {
	t.Helper()
	a, err := Start(context.Background(), opts, command, args...)
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Fatalf("%v", err)
		}
	})
	return a
}

// Reset brings the program back to the model's initial state with the op
// "reset". When the program is not running (it exited, or was killed after
// a protocol error, or by Crash), Reset starts it again and says hello
// first.
func (a *Adapter) Reset(ctx context.Context) error {
	a.reqMu.Lock()
	defer a.reqMu.Unlock()
	p, err := a.ready(ctx, opReset, true)
	if err != nil {
		return err
	}
	resp, err := a.call(ctx, p, opReset, Request{Op: opReset})
	if err != nil {
		return err
	}
	if !resp.OK {
		return a.broken(p, nil, "the program failed to reset: "+errorText(resp, "it gave no error"))
	}
	return nil
}

// Do performs step with the op "step". A response with ok false is the
// program's refusal of the step: Do returns its error, which does not wrap
// [adapters.ErrBroken]. When out is not nil, the output is decoded into a
// value of type out, strictly: an unknown field, a wrong type or a missing
// output is a protocol error.
func (a *Adapter) Do(ctx context.Context, step model.Step, out reflect.Type) (any, error) {
	a.reqMu.Lock()
	defer a.reqMu.Unlock()
	what := "step " + shorten(model.Step{Action: step.Action, Args: step.Args}.String())
	p, err := a.ready(ctx, what, false)
	if err != nil {
		return nil, err
	}
	args := make([]json.RawMessage, len(step.Args))
	for i, arg := range step.Args {
		b, err := json.Marshal(arg)
		if err != nil {
			return nil, &brokenError{program: a.label(), msg: fmt.Sprintf("cannot encode argument %d of %s: %v", i+1, what, err), err: err}
		}
		args[i] = b
	}
	resp, err := a.call(ctx, p, what, Request{Op: opStep, Action: step.Action, Args: args})
	if err != nil {
		return nil, err
	}
	if !resp.OK {
		return nil, errors.New(errorText(resp, "refused, without an error message"))
	}
	if out == nil {
		return nil, nil
	}
	if len(resp.Output) == 0 || isNull(resp.Output) && !nullable(out) {
		return nil, a.broken(p, nil, fmt.Sprintf(`the program answered no "output" during %s; the model expects an output of type %v`, what, out))
	}
	v, err := decodeValue(resp.Output, out)
	if err != nil {
		return nil, a.broken(p, err, fmt.Sprintf("the program's output during %s does not decode into %v: %v; output: %s", what, out, err, shortJSON(resp.Output)))
	}
	return v, nil
}

// Observe asks for the program's view with the op "view" and decodes it
// into a value of type view, strictly.
func (a *Adapter) Observe(ctx context.Context, view reflect.Type) (any, error) {
	a.reqMu.Lock()
	defer a.reqMu.Unlock()
	p, err := a.ready(ctx, opView, false)
	if err != nil {
		return nil, err
	}
	resp, err := a.call(ctx, p, opView, Request{Op: opView})
	if err != nil {
		return nil, err
	}
	if !resp.OK {
		return nil, a.broken(p, nil, "the program failed to answer view: "+errorText(resp, "it gave no error"))
	}
	if len(resp.View) == 0 || view != nil && isNull(resp.View) && !nullable(view) {
		return nil, a.broken(p, nil, `the program answered no "view" during view`)
	}
	v, err := decodeValue(resp.View, view)
	if err != nil {
		return nil, a.broken(p, err, fmt.Sprintf("the program's view does not decode into %v: %v; view: %s", view, err, shortJSON(resp.View)))
	}
	return v, nil
}

// Invariants asks the program to check its invariants with the op
// "invariants", if its hello said "invariants": true; otherwise it sends
// nothing and returns nil. A response with ok false is a violation: its
// error does not wrap [adapters.ErrBroken].
func (a *Adapter) Invariants(ctx context.Context) error {
	a.reqMu.Lock()
	defer a.reqMu.Unlock()
	p, err := a.ready(ctx, opInvariants, false)
	if err != nil {
		return err
	}
	if !p.hello.Invariants {
		return nil
	}
	resp, err := a.call(ctx, p, opInvariants, Request{Op: opInvariants})
	if err != nil {
		return err
	}
	if !resp.OK {
		return errors.New(errorText(resp, "violated, without an error message"))
	}
	return nil
}

// CheckModel says hello with m's name and actions, and reports every
// action of m that the program's hello does not list, all at once. A
// program that lists no actions is not checked. If the program was already
// greeted without m, it is stopped and started again so that its hello
// names the model.
func (a *Adapter) CheckModel(m model.Machine) error {
	a.reqMu.Lock()
	defer a.reqMu.Unlock()
	hello := &Request{Model: m.Name()}
	for _, ai := range m.Actions() {
		d := ActionDecl{Name: ai.Name, Params: []string{}}
		for _, p := range ai.Params {
			d.Params = append(d.Params, p.Name)
		}
		hello.Actions = append(hello.Actions, d)
	}
	a.mu.Lock()
	same := a.hello != nil && reflect.DeepEqual(a.hello, hello)
	a.hello = hello
	p := a.p
	a.mu.Unlock()
	if p != nil && p.hello != nil {
		if same {
			return a.compare(p, *p.hello)
		}
		// The program was greeted without this model; a hello comes
		// only first, so it starts again.
		_ = a.stop(p)
		a.drop(p, "it was stopped to greet it with model "+m.Name())
	}
	_, err := a.ready(context.Background(), opHello, true)
	return err
}

// Crash kills the program and its process group with SIGKILL, as a crash
// would: files it wrote stay. It does nothing when the program is not
// running. A request in flight fails; the next Reset or Restart starts the
// program again.
func (a *Adapter) Crash() error {
	a.mu.Lock()
	p := a.p
	if p != nil {
		a.p = nil
		a.down = "Crash killed it"
	}
	a.mu.Unlock()
	if p == nil {
		return nil
	}
	p.crashed.Store(true)
	if err := p.kill(); err != nil {
		return fmt.Errorf("subprocess: %s: crash: %w", a.label(), err)
	}
	return nil
}

// Restart crashes the program if it is running (see [Adapter.Crash]),
// starts it again with the same command, options and environment, and says
// hello again, with the model of the last [Adapter.CheckModel]. It does not
// reset: the program starts from whatever it recovers, such as the files it
// wrote.
func (a *Adapter) Restart(ctx context.Context) error {
	a.reqMu.Lock()
	defer a.reqMu.Unlock()
	if err := a.Crash(); err != nil {
		return err
	}
	_, err := a.ready(ctx, opHello, true)
	return err
}

// Close closes the program's standard input, waits StopTimeout for it to
// exit, then kills its process group. It returns an error when the program
// had to be killed or exited with a failure status, with the last lines of
// its stderr. Close returns within StopTimeout and a few seconds, whatever
// the program does; it may be called more than once, and later calls return
// nil. Other methods fail after Close.
func (a *Adapter) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	p := a.p
	a.p = nil
	a.down = "the adapter is closed"
	var others []*proc
	for q := range a.procs {
		if q != p {
			others = append(others, q)
		}
	}
	a.procs = nil
	a.mu.Unlock()
	var err error
	if p != nil {
		err = a.stop(p)
	}
	for _, q := range others {
		_ = q.kill()
		q.waitDrained()
	}
	return err
}

// Name returns the program's name from its hello, or its command line
// before the hello or when the hello gave none.
func (a *Adapter) Name() string { return a.label() }

// Stderr returns the last 4 KiB the program wrote to its standard error
// since it was last started. It is read concurrently with the program's
// answers, so a line written just before an answer may not be there yet;
// once the program has exited, and after Close, it is complete.
func (a *Adapter) Stderr() string {
	a.mu.Lock()
	p := a.last
	a.mu.Unlock()
	if p == nil {
		return ""
	}
	return p.tail.String()
}

// label names the program in messages.
func (a *Adapter) label() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.name != "" {
		return a.name
	}
	return cmdline(filepath.Base(a.command), a.args)
}

// cmdline renders a command line for messages, shortened.
func cmdline(command string, args []string) string {
	s := strings.Join(append([]string{command}, args...), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

// shorten bounds a step as messages name it: an argument may be large.
func shorten(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}

// start starts the program and makes it the running one.
func (a *Adapter) start() (*proc, error) {
	p, err := spawn(a.command, a.args, a.opts, a.log)
	if err != nil {
		return nil, fmt.Errorf("subprocess: start %s: %w", cmdline(a.command, a.args), err)
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		_ = p.kill()
		p.waitDrained()
		return nil, fmt.Errorf("subprocess: %s: the adapter is closed", a.label())
	}
	for q := range a.procs {
		select {
		case <-q.drained:
			delete(a.procs, q)
		default:
		}
	}
	a.p, a.last, a.procs[p], a.down = p, p, true, ""
	a.mu.Unlock()
	return p, nil
}

// ready returns the running program, greeted. When it is not running,
// ready starts it again if restart is set, and fails otherwise. what names
// the request for messages. The caller holds reqMu.
func (a *Adapter) ready(ctx context.Context, what string, restart bool) (*proc, error) {
	a.mu.Lock()
	closed, p, down := a.closed, a.p, a.down
	a.mu.Unlock()
	if closed {
		return nil, &brokenError{program: a.label(), msg: "the adapter is closed, during " + what}
	}
	if p != nil && restart && p.isExited() {
		// It exited after its last answer; start afresh.
		a.drop(p, "it exited")
		p = nil
	}
	if p == nil {
		if !restart {
			return nil, &brokenError{program: a.label(), msg: fmt.Sprintf("the program is not running during %s (%s); Reset starts it again", what, down)}
		}
		var err error
		if p, err = a.start(); err != nil {
			return nil, err
		}
	}
	if p.hello == nil {
		if err := a.greet(ctx, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// greet says hello to a program just started.
func (a *Adapter) greet(ctx context.Context, p *proc) error {
	ctx, cancel := context.WithTimeout(ctx, a.opts.StartTimeout)
	defer cancel()
	req := Request{Op: opHello, Protocol: Protocol}
	a.mu.Lock()
	if a.hello != nil {
		req.Model, req.Actions = a.hello.Model, a.hello.Actions
	}
	a.mu.Unlock()
	resp, err := a.call(ctx, p, opHello, req)
	if err != nil {
		return err
	}
	var msg string
	switch {
	case !resp.OK:
		msg = "the program refused the session during hello: " + errorText(resp, "it gave no error")
	case resp.Protocol == 0:
		msg = fmt.Sprintf(`the program's answer to hello has no "protocol"; mbt speaks protocol %d`, Protocol)
	case resp.Protocol != Protocol:
		msg = fmt.Sprintf("the program speaks protocol %d, mbt speaks protocol %d", resp.Protocol, Protocol)
	}
	if msg != "" {
		_ = a.stop(p)
		a.drop(p, "it failed the hello")
		return a.broken(p, nil, msg)
	}
	p.hello = &resp
	a.mu.Lock()
	a.name = resp.Name
	a.mu.Unlock()
	return a.compare(p, resp)
}

// compare reports every action of the model that the program's hello does
// not list.
func (a *Adapter) compare(p *proc, resp Response) error {
	a.mu.Lock()
	hello := a.hello
	a.mu.Unlock()
	if hello == nil || resp.Actions == nil {
		return nil
	}
	have := map[string]bool{}
	for _, name := range resp.Actions {
		have[name] = true
	}
	want := map[string]bool{}
	for _, d := range hello.Actions {
		want[d.Name] = true
	}
	var extra []string
	for _, name := range resp.Actions {
		if !want[name] {
			extra = append(extra, name)
		}
	}
	var merr *multierror.Error
	for _, d := range hello.Actions {
		if have[d.Name] {
			continue
		}
		msg := fmt.Sprintf("action %s is missing", d.Name)
		if s := suggest.Closest(d.Name, extra); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		merr = multierror.Append(merr, errors.New(msg))
	}
	if merr == nil {
		return nil
	}
	merr.ErrorFormat = func(es []error) string {
		var b strings.Builder
		problems := fmt.Sprintf("%d %s", len(es), text.Plural(len(es), "problem", "problems"))
		fmt.Fprintf(&b, "the program does not implement model %s (%s); its hello lists the actions %q:", hello.Model, problems, resp.Actions)
		for _, e := range es {
			b.WriteString("\n\t" + e.Error())
		}
		return b.String()
	}
	return &brokenError{program: a.label(), msg: merr.Error(), err: merr}
}

// call sends req to p and returns the response with the same id. Any
// failure to get one is a protocol error; after one that leaves the
// program's state unknown (no answer, an unreadable answer), the program
// is killed.
func (a *Adapter) call(ctx context.Context, p *proc, what string, req Request) (Response, error) {
	// The id is used only once the request is sent, so that the program
	// sees 1, 2, 3, … without gaps.
	req.ID = p.nextID + 1
	b, err := json.Marshal(req)
	if err != nil {
		return Response{}, &brokenError{program: a.label(), msg: fmt.Sprintf("cannot encode the request for %s: %v", what, err), err: err}
	}
	b = append(b, '\n')
	if err := ctx.Err(); err != nil {
		return Response{}, &brokenError{program: a.label(), msg: fmt.Sprintf("no time left for %s: %v", what, err), err: err}
	}
	p.nextID = req.ID
	deadline, _ := ctx.Deadline()
	_ = p.stdin.SetWriteDeadline(deadline)
	start := time.Now()
	if err := writeCtx(ctx, p.stdin, b); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if errors.Is(ctx.Err(), context.Canceled) {
				return Response{}, a.fail(p, what, ctx.Err(), true, "the write of the request was canceled after %v during %s, as the program did not read its standard input; mbt killed it, as its state is unknown", since(start), what)
			}
			return Response{}, a.fail(p, what, err, true, "the program did not read its standard input within %v during %s; mbt killed it, as its state is unknown", since(start), what)
		}
		return Response{}, a.lost(p, what, "input")
	}
	exited := p.exited
	for {
		line, rerr := p.out.next()
		switch {
		case line != nil:
			return a.answer(p, what, req.ID, line)
		case rerr == io.EOF:
			return Response{}, a.lost(p, what, "output")
		case rerr != nil:
			return Response{}, a.fail(p, what, rerr, true, "%v during %s; mbt killed it", rerr, what)
		}
		select {
		case <-p.out.ready:
		case <-exited:
			// Its last lines may still be in the pipe; a child it left
			// may hold the pipe open, until drainWait.
			exited = nil
			p.waitDrained()
		case <-ctx.Done():
			// A line begun and not ended is the usual cause: say so.
			// The program is killed and its output drained first, so
			// that the message sees all it wrote, even when the reader
			// had not run yet (a loaded machine).
			waited := since(start)
			note := a.killNow(p, what)
			var hint string
			if pend := p.out.pending(); pend != "" {
				hint = fmt.Sprintf("; its standard output ends with %s without a newline: end each response with a newline, and flush", pend)
			}
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return Response{}, a.fail(p, what, ctx.Err(), false, "the program did not answer within %v during %s; mbt killed it, as its state is unknown (the next Reset starts it again)%s%s", waited, what, hint, note)
			}
			return Response{}, a.fail(p, what, ctx.Err(), false, "the wait for the answer was canceled after %v during %s; mbt killed the program, as its state is unknown (the next Reset starts it again)%s%s", waited, what, hint, note)
		}
	}
}

// writeCtx writes b to f, whose write deadline is ctx's, and gives up when
// ctx is canceled too, with os.ErrDeadlineExceeded.
func writeCtx(ctx context.Context, f *os.File, b []byte) error {
	var mu sync.Mutex
	writing := true
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if writing {
			_ = f.SetWriteDeadline(time.Unix(1, 0))
		}
	})
	defer stop()
	_, err := f.Write(b)
	mu.Lock()
	writing = false
	mu.Unlock()
	return err
}

// since rounds the time since start for messages.
func since(start time.Time) time.Duration {
	return time.Since(start).Round(time.Millisecond)
}

// answer decodes a line of output as the response to the request id.
func (a *Adapter) answer(p *proc, what string, id int64, line []byte) (Response, error) {
	resp, err := decodeResponse(line)
	switch {
	case errors.Is(err, errNotJSON):
		why := err.Error()
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			why = se.Error()
		}
		return Response{}, a.fail(p, what, err, true, "the program wrote a line that is not JSON during %s: %s (%s); standard output is for responses only: write logs to standard error", what, preview(line), why)
	case err != nil:
		return Response{}, a.fail(p, what, err, true, "the program answered %s during %s, which is not a response: %v", preview(line), what, err)
	case resp.ID != id:
		return Response{}, a.fail(p, what, nil, true, "the program answered id %d during %s, whose request has id %d (does it write something else to standard output, or answer twice?)", resp.ID, what, id)
	}
	return resp, nil
}

// lost reports a program whose standard output ended, or whose standard
// input is closed (stream names which): it exited, or is about to, or is
// killed after StopTimeout.
func (a *Adapter) lost(p *proc, what, stream string) error {
	select {
	case <-p.exited:
	case <-time.After(a.opts.StopTimeout):
		return a.fail(p, what, nil, true, "the program closed its standard %s during %s but did not exit within %v; mbt killed it", stream, what, a.opts.StopTimeout)
	}
	p.waitDrained()
	msg := fmt.Sprintf("the program exited (%s) during %s", p.status(), what)
	a.drop(p, "it exited ("+p.status()+") during "+what)
	return a.broken(p, nil, msg)
}

// fail makes a protocol error of the message about the request what,
// killing the program first when kill is set.
func (a *Adapter) fail(p *proc, what string, cause error, kill bool, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if kill {
		msg += a.killNow(p, what)
	}
	if p.isExited() {
		p.waitDrained()
	}
	return a.broken(p, cause, msg)
}

// killNow kills p after a protocol error during what, and waits, a bounded
// time, for its output to drain. It returns "", or "; " and why the kill
// failed, for the message.
func (a *Adapter) killNow(p *proc, what string) string {
	p.killed.Store(true)
	var note string
	if err := p.kill(); err != nil {
		note = "; " + err.Error()
	}
	a.drop(p, "mbt killed it after a protocol error during "+what)
	if p.isExited() {
		p.waitDrained()
	}
	return note
}

// broken makes a protocol error with the last lines of p's stderr.
func (a *Adapter) broken(p *proc, cause error, msg string) error {
	return &brokenError{program: a.label(), msg: msg, stderr: p.tail.lines(stderrLines), showStderr: true, err: cause}
}

// drop records that p is no longer the running program, and why.
func (a *Adapter) drop(p *proc, why string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.p == p {
		a.p = nil
		a.down = why
	}
}

// stop closes p's standard input and waits StopTimeout for it to exit,
// then kills it.
func (a *Adapter) stop(p *proc) error {
	p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(a.opts.StopTimeout):
		p.killed.Store(true)
		msg := fmt.Sprintf("the program did not exit within %v after its standard input was closed; mbt killed it", a.opts.StopTimeout)
		if err := p.kill(); err != nil {
			msg += "; " + err.Error()
		}
		p.waitDrained()
		return a.broken(p, nil, msg)
	}
	p.waitDrained()
	if p.state != nil && !p.state.Success() && !p.crashed.Load() && !p.killed.Load() {
		return a.broken(p, nil, fmt.Sprintf("the program exited (%s) after its standard input was closed", p.status()))
	}
	return nil
}

// errorText is the error of a response, or def when it has none.
func errorText(resp Response, def string) string {
	if resp.Error == "" {
		return def
	}
	return resp.Error
}
