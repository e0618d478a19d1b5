package adapters

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mbtgo/mbt/model"
)

// TB is the part of testing.TB the runner and adapter constructors use.
// *testing.T and *testing.B satisfy it. If the value also has Name()
// string, failures print the go test -run command that reruns just that
// test. Adapters may register teardown with Cleanup; it runs when the test
// (or, for [Check], the walk) ends.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

// ResetAction is the action of a step that resets the implementation in
// the middle of a test, {Action: "Reset"}: the runner calls the adapter's
// Reset, the model goes back to its initial state, and the view must be
// the initial one again. No model action may have this name.
const ResetAction = "Reset"

// describeStep renders a step for messages: as model.Step does, and a
// ResetAction step as a reset.
func describeStep(s model.Step) string {
	if s.Action == ResetAction && len(s.Args) == 0 {
		return "Reset (back to the initial state)"
	}
	s.Output = nil
	return s.String()
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
	// ObserveOnce reads the view once per comparison. By default the runner
	// reads it twice and fails when the two differ: observing the
	// implementation must not change it.
	ObserveOnce bool
}

// Runner drives steps through a model and an adapter together.
type Runner[S any] struct {
	m     *model.Model[S]
	b     *Binding
	opts  Options
	cmp   []cmp.Option // EquateEmpty, then opts.Cmp
	namer RefNamer     // the adapter's, or nil
}

// NewRunner binds impl to m (see [Bind]) and returns a runner.
func NewRunner[S any](m *model.Model[S], impl any, opts Options) (*Runner[S], error) {
	if m == nil || len(m.Init) == 0 {
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
	namer, _ := impl.(RefNamer)
	return &Runner[S]{m: m, b: b, opts: opts, cmp: cmpOpts, namer: namer}, nil
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
	Step model.Step
	// Before are the steps that ran before it.
	Before []model.Step
	// Mismatches describe every difference found at this step.
	Mismatches []string
	// Rerun is the command that reruns the test, if known.
	Rerun string
	// Err is set when the step could not be compared at all (a stale test,
	// an argument outside the model's domain).
	Err error
	// Notes explain the failure further, such as what happened when the
	// steps ran again with the implementation observed after each.
	Notes []string
	total int
}

func (f *Failure) Unwrap() error { return f.Err }

func (f *Failure) Error() string {
	var b strings.Builder
	if f.Index == 0 {
		b.WriteString("after Reset:")
	} else {
		fmt.Fprintf(&b, "step %d of %d: %v:", f.Index, f.total, describeStep(f.Step))
	}
	if f.Err != nil {
		b.WriteString(" " + f.Err.Error())
	}
	for _, m := range f.Mismatches {
		b.WriteString("\n\t" + strings.ReplaceAll(strings.TrimRight(m, "\n"), "\n", "\n\t"))
	}
	for _, n := range f.Notes {
		b.WriteString("\nnote: " + n)
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
func (r *Runner[S]) Run(ctx context.Context, t TB, steps []model.Step) bool {
	t.Helper()
	f := r.Exec(ctx, steps)
	if f == nil {
		return true
	}
	r.explainUnobserved(ctx, f, steps)
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

// explainUnobserved adds a note to f when steps before it went
// unobserved: the same steps run again, observed after each, either fail
// sooner, which points at the step that went wrong, or pass, which means
// that observing the implementation changes what it does.
func (r *Runner[S]) explainUnobserved(ctx context.Context, f *Failure, steps []model.Step) {
	if f.Index == 0 || f.Err != nil {
		return
	}
	hidden := false
	for _, st := range steps[:f.Index-1] {
		hidden = hidden || st.NoView
	}
	if !hidden {
		return
	}
	observed := make([]model.Step, f.Index)
	copy(observed, steps)
	for i := range observed {
		observed[i].NoView = false
	}
	switch g := r.Exec(ctx, observed); {
	case g == nil:
		f.Notes = append(f.Notes, "with the implementation observed after every step, these steps pass: "+
			"observing it (View, Invariants) changes what it does, and hides this failure")
	case g.Index < f.Index:
		var ms []string
		for _, m := range g.Mismatches {
			ms = append(ms, strings.TrimRight(m, "\n"))
		}
		f.Notes = append(f.Notes, fmt.Sprintf("with the implementation observed after every step, the test fails sooner, at step %d: %v:\n\t%s",
			g.Index, describeStep(g.Step), strings.ReplaceAll(strings.Join(ms, "\n"), "\n", "\n\t")))
	}
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
