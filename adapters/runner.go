package adapters

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mbtgo/mbt/model"
)

// TB is the part of testing.TB the runner uses. *testing.T, *testing.B and
// *rapid.T satisfy it. If the value also has Name() string, failures print
// the go test -run command that reruns just that test.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// Step is one step a test drives: an action with its arguments, and whether
// it is a negative step.
type Step struct {
	Action string
	Args   []any
	// Refused marks a negative step: the action's guard is false in the
	// model, so the implementation must refuse it and keep its view.
	Refused bool
}

func (s Step) String() string {
	str := model.Step{Action: s.Action, Args: s.Args}.String()
	if s.Refused {
		str += " (must be refused)"
	}
	return str
}

// Options configure a Runner. The zero value uses a 10 s step timeout and
// exact comparison.
type Options struct {
	_ struct{}

	// StepTimeout bounds each call into the adapter (default 10 s), except
	// Reset.
	StepTimeout time.Duration
	// ResetTimeout bounds Reset, which may start processes (default 60 s,
	// and never less than StepTimeout).
	ResetTimeout time.Duration
	// Cmp are go-cmp options for comparing outputs and views, such as
	// cmpopts.IgnoreFields or cmpopts.SortSlices. A nil slice or map always
	// equals an empty one, as in the model's fingerprints (and as an
	// implementation that sends JSON cannot tell them apart).
	Cmp []cmp.Option
	// Package is the import path or ./dir of the test's package, for the
	// rerun command printed on failure.
	Package string
	// Init selects the model's initial state (default 0).
	Init int
	// Signature, when not 0, is the model signature a generated test was
	// made from ([model.Model.Signature]); NewRunner fails with ErrStale
	// when the model's definition has changed since.
	Signature uint64
}

// Runner drives steps through a model and an adapter together.
type Runner[S any] struct {
	m    *model.Model[S]
	b    *Binding
	opts Options
	cmp  []cmp.Option // EquateEmpty, then opts.Cmp
}

// NewRunner binds impl to m (see [Bind]) and returns a runner.
func NewRunner[S any](m *model.Model[S], impl any, opts Options) (*Runner[S], error) {
	if m == nil || m.Codec == nil {
		return nil, errors.New("adapters: model is nil or was not built")
	}
	if opts.Init < 0 || opts.Init >= len(m.Init) {
		return nil, fmt.Errorf("adapters: model %s has no initial state %d", m.Name, opts.Init)
	}
	if opts.Signature != 0 && opts.Signature != m.Signature() {
		return nil, fmt.Errorf("adapters: model %s: %w (the model's definition changed since the test was generated)", m.Name, ErrStale)
	}
	b, err := Bind(m.Erase(), impl)
	if err != nil {
		return nil, err
	}
	if opts.ResetTimeout <= 0 {
		opts.ResetTimeout = time.Minute
	}
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = 10 * time.Second
	}
	if opts.ResetTimeout < opts.StepTimeout {
		opts.ResetTimeout = opts.StepTimeout
	}
	cmpOpts := append([]cmp.Option{cmpopts.EquateEmpty()}, opts.Cmp...)
	return &Runner[S]{m: m, b: b, opts: opts, cmp: cmpOpts}, nil
}

// Binding returns the runner's adapter binding.
func (r *Runner[S]) Binding() *Binding { return r.b }

// ErrStale is wrapped by failures caused by a test that no longer matches
// its model: a step the model refuses is run as a positive step, or the
// other way round. Regenerate the test.
var ErrStale = errors.New("the test does not match the model; it is stale: run go generate")

// Failure is a step where the implementation and the model disagree.
type Failure struct {
	// Index is the 1-based number of the failing step; 0 for Reset.
	Index int
	// Step is the failing step.
	Step Step
	// Before are the steps that ran before it.
	Before []Step
	// Mismatches describe every difference found at this step.
	Mismatches []string
	// Rerun is the command that reruns the test, if known.
	Rerun string
	// Err is set when the step could not be compared at all (a stale test,
	// an argument outside the model's domain).
	Err   error
	total int
}

func (f *Failure) Unwrap() error { return f.Err }

func (f *Failure) Error() string {
	var b strings.Builder
	if f.Index == 0 {
		b.WriteString("after Reset:")
	} else {
		fmt.Fprintf(&b, "step %d of %d: %v:", f.Index, f.total, f.Step)
	}
	if f.Err != nil {
		b.WriteString(" " + f.Err.Error())
	}
	for _, m := range f.Mismatches {
		b.WriteString("\n\t" + strings.ReplaceAll(strings.TrimRight(m, "\n"), "\n", "\n\t"))
	}
	if len(f.Before) > 0 {
		b.WriteString("\nsteps before:")
		for i, s := range f.Before {
			fmt.Fprintf(&b, "\n\t%d. %v", i+1, s)
		}
	}
	if f.Rerun != "" {
		b.WriteString("\nrerun: " + f.Rerun)
	}
	return b.String()
}

// Run resets the implementation and drives steps through it and the model.
// At the first step where they disagree it reports every mismatch of that
// step with t.Fatalf and returns false.
func (r *Runner[S]) Run(ctx context.Context, t TB, steps []Step) bool {
	t.Helper()
	f := r.Exec(ctx, steps)
	if f == nil {
		return true
	}
	if f.Rerun == "" {
		if n, ok := t.(interface{ Name() string }); ok {
			f.Rerun = rerun(n.Name(), r.opts.Package)
			if e, ok := r.b.impl.(RerunEnver); ok {
				f.Rerun = envPrefix(e.RerunEnv()) + f.Rerun
			}
		}
	}
	t.Fatalf("mbt: %v", f)
	return false
}

// RerunEnver is an optional adapter method: the environment variables,
// as NAME=value, that the command printed to rerun a failed test must set
// again, such as the switch that selected the implementation or planted a
// bug.
type RerunEnver interface {
	RerunEnv() []string
}

// envPrefix renders env as the start of a shell command, quoting values
// that need it.
func envPrefix(env []string) string {
	var b strings.Builder
	for _, kv := range env {
		name, val, _ := strings.Cut(kv, "=")
		if val == "" || strings.Trim(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+@%") != "" {
			val = "'" + strings.ReplaceAll(val, "'", `'\''`) + "'"
		}
		b.WriteString(name + "=" + val + " ")
	}
	return b.String()
}

// rerun renders the go test command for one test.
func rerun(name, pkg string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	cmd := fmt.Sprintf("go test -run '%s'", strings.Join(parts, "/"))
	if pkg != "" {
		cmd += " " + pkg
	}
	return cmd
}

// Exec is Run without a TB: it returns the first failing step, or nil.
func (r *Runner[S]) Exec(ctx context.Context, steps []Step) *Failure {
	state := r.m.Codec.Clone(&r.m.Init[r.opts.Init])
	if f := r.reset(ctx, &state); f != nil {
		f.total = len(steps)
		return f
	}
	for i, st := range steps {
		if f := r.step(ctx, &state, st); f != nil {
			f.Index, f.Step, f.Before, f.total = i+1, st, steps[:i], len(steps)
			return f
		}
	}
	return nil
}

// reset resets the implementation and compares its view with the model's
// initial state.
func (r *Runner[S]) reset(ctx context.Context, state *S) *Failure {
	sctx, cancel := context.WithTimeout(ctx, r.opts.ResetTimeout)
	defer cancel()
	if err := r.b.Reset(sctx); err != nil {
		return &Failure{Err: fmt.Errorf("Reset failed: %w", err)}
	}
	var mism []string
	if m := r.compareView(ctx, state, "view after Reset"); m != "" {
		mism = append(mism, m)
	}
	if m := r.checkInvariants(ctx, "after Reset"); m != "" {
		mism = append(mism, m)
	}
	if len(mism) > 0 {
		return &Failure{Mismatches: mism}
	}
	return nil
}

// checkInvariants runs the adapter's Invariants method, if any, and
// describes its error, or returns "".
func (r *Runner[S]) checkInvariants(ctx context.Context, when string) string {
	if r.b.invariants == nil {
		return ""
	}
	sctx, cancel := context.WithTimeout(ctx, r.opts.StepTimeout)
	defer cancel()
	if err := r.b.Invariants(sctx); err != nil {
		msg := strings.TrimRight(err.Error(), "\n")
		if !strings.Contains(msg, "\n") {
			return fmt.Sprintf("the implementation's invariants fail %s: %s", when, msg)
		}
		// One problem a line, as errors.Join writes them.
		return fmt.Sprintf("the implementation's invariants fail %s:\n  %s", when, strings.ReplaceAll(msg, "\n", "\n  "))
	}
	return ""
}

// step runs one step on both sides and advances *state. It returns nil
// when they agree.
func (r *Runner[S]) step(ctx context.Context, state *S, st Step) *Failure {
	a, c, err := r.lookup(st)
	if err != nil {
		return &Failure{Err: err}
	}
	enabled := a.Enabled(state, c)
	switch {
	case enabled && st.Refused:
		return &Failure{Err: fmt.Errorf("%w (the model allows this step, the test expects it refused)", ErrStale)}
	case !enabled && !st.Refused:
		return &Failure{Err: fmt.Errorf("%w (the model refuses this step, the test expects it to run)", ErrStale)}
	}
	var want any
	if enabled && a.Output != nil {
		want = a.Output(state, c)
	}
	var outType reflect.Type
	if _, isErr := want.(error); want != nil && !isErr {
		outType = reflect.TypeOf(want)
	}
	sctx, cancel := context.WithTimeout(ctx, r.opts.StepTimeout)
	got, gotErr := r.b.do(sctx, model.Step{Action: st.Action, Args: st.Args}, outType)
	timedOut := sctx.Err() != nil && ctx.Err() == nil
	cancel()
	var mism []string
	switch {
	case errors.Is(gotErr, ErrBroken):
		// The implementation is gone or unreadable: its view and
		// invariants cannot be asked for either.
		return &Failure{Err: gotErr}
	case timedOut:
		mism = append(mism, fmt.Sprintf("the implementation did not answer within %v", r.opts.StepTimeout))
	}
	if enabled {
		next := r.m.Codec.Clone(state)
		a.Effect(&next, c)
		*state = next
		wantErr, _ := want.(error)
		switch {
		case wantErr != nil && gotErr == nil:
			mism = append(mism, fmt.Sprintf("the model expects the error %q, the implementation returned none", wantErr))
		case wantErr == nil && gotErr != nil:
			mism = append(mism, fmt.Sprintf("the implementation refused a step the model allows: %v", gotErr))
		case wantErr == nil && a.Output != nil && r.b.actions[a.Name].hasOut:
			if d := r.diff(want, got); d != "" {
				mism = append(mism, "output (-model +impl):\n"+d)
			}
		}
	} else if gotErr == nil {
		mism = append(mism, "the implementation accepted a step the model refuses (its guard is false); it must return an error and change nothing")
	}
	if m := r.compareView(ctx, state, "view after the step"); m != "" {
		mism = append(mism, m)
	}
	if m := r.checkInvariants(ctx, "after the step"); m != "" {
		mism = append(mism, m)
	}
	if len(mism) > 0 {
		return &Failure{Mismatches: mism}
	}
	return nil
}

// compareView compares the implementation's view with the model's view of
// state and describes the difference, or returns "".
func (r *Runner[S]) compareView(ctx context.Context, state *S, what string) string {
	sctx, cancel := context.WithTimeout(ctx, r.opts.StepTimeout)
	defer cancel()
	got, err := r.b.View(sctx)
	if err != nil {
		return fmt.Sprintf("%s: View failed: %v", what, err)
	}
	if d := r.diff(r.m.ViewOf(state), got); d != "" {
		return what + " (-model +impl):\n" + d
	}
	return ""
}

// diff returns a go-cmp diff of want and got, or "" when they are equal.
func (r *Runner[S]) diff(want, got any) string {
	if len(r.opts.Cmp) == 0 && reflect.DeepEqual(want, got) {
		return ""
	}
	if cmp.Equal(want, got, r.cmp...) {
		return ""
	}
	return cmp.Diff(want, got, r.cmp...)
}

// lookup finds the model action and argument choice of a step.
func (r *Runner[S]) lookup(st Step) (*model.Action[S], int, error) {
	a := r.m.Action(st.Action)
	if a == nil {
		return nil, 0, fmt.Errorf("model %s has no action %q", r.m.Name, st.Action)
	}
	if len(st.Args) != len(a.Params) {
		return nil, 0, fmt.Errorf("action %s takes %d arguments, got %d", a.Name, len(a.Params), len(st.Args))
	}
	choice := 0
	for i, p := range a.Params {
		idx := -1
		for j, v := range p.Values {
			if equalArg(v, st.Args[i]) {
				idx = j
				break
			}
		}
		if idx < 0 {
			return nil, 0, fmt.Errorf("action %s: argument %s = %#v is not in the model's domain", a.Name, p.Name, st.Args[i])
		}
		choice = choice*len(p.Values) + idx
	}
	return a, choice, nil
}

// equalArg compares a domain value with a step argument.
func equalArg(v, arg any) bool {
	if t := reflect.TypeOf(v); t != nil && t == reflect.TypeOf(arg) && t.Comparable() {
		return v == arg
	}
	return reflect.DeepEqual(v, arg)
}
