package adapters

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
)

// run is the state of one execution of a list of steps: the model's state,
// the references bound so far, and the steps since the implementation was
// last observed.
type run[S any] struct {
	state S
	refs  *refs
	// unobserved counts the steps since the last observation; since is
	// the 1-based number of the first of them.
	unobserved, since int
}

// Exec is Run without a TB: it resets the implementation, drives the
// steps, and returns the first failing step, or nil.
func (r *Runner[S]) Exec(ctx context.Context, steps []model.Step) *Failure {
	x := &run[S]{refs: newRefs(r.namer)}
	if f := r.reset(ctx, x); f != nil {
		f.total = len(steps)
		return f
	}
	for i, st := range steps {
		var f *Failure
		if st.Action == ResetAction && len(st.Args) == 0 {
			f = r.reset(ctx, x)
		} else {
			f = r.step(ctx, x, st, i+1)
		}
		if f != nil {
			f.Index, f.Step, f.Before, f.total = i+1, st, steps[:i], len(steps)
			return f
		}
	}
	return nil
}

// reset resets the implementation and the model, forgets the references,
// and compares the implementation's view with the initial state's.
func (r *Runner[S]) reset(ctx context.Context, x *run[S]) *Failure {
	x.state = r.m.Clone(&r.m.Init[r.opts.Init])
	x.refs.clear()
	x.unobserved, x.since = 0, 0
	sctx, cancel := context.WithTimeout(ctx, r.opts.ResetTimeout)
	defer cancel()
	if err := r.b.Reset(sctx); err != nil {
		return &Failure{Err: fmt.Errorf("Reset failed: %w", err)}
	}
	var mism []string
	if m := r.compareView(ctx, x, "view after Reset"); m != "" {
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

// step runs step number n on both sides and advances the model. It returns
// nil when they agree.
func (r *Runner[S]) step(ctx context.Context, x *run[S], st model.Step, n int) *Failure {
	a, c, outside, err := r.lookup(st)
	if err != nil {
		return &Failure{Err: err}
	}
	if outside {
		for i, arg := range st.Args {
			if ref, ok := arg.(model.Ref); ok && a.Params[i].Index(arg) < 0 {
				if _, made := x.refs.toImpl[ref]; made {
					return &Failure{Err: fmt.Errorf("argument %s = %s is outside the domain of %s, but a step of this test made it: "+
						"the domain (dsl.Refs) must hold every reference the model can make", a.Params[i].Name, ref, a.Params[i].Name)}
				}
			}
		}
	}
	enabled := !outside && a.Enabled(&x.state, c)
	switch {
	case enabled && st.Refused:
		return &Failure{Err: fmt.Errorf("%w (the model allows this step, the test expects it refused)", ErrStale)}
	case !enabled && !st.Refused:
		return &Failure{Err: fmt.Errorf("%w (the model refuses this step, the test expects it to run)", ErrStale)}
	}
	var want any
	if enabled && a.Output != nil {
		want = a.Output(&x.state, c)
	}
	var outType reflect.Type
	if _, isErr := want.(error); want != nil && !isErr {
		outType = reflect.TypeOf(want)
	}
	sctx, cancel := context.WithTimeout(ctx, r.opts.StepTimeout)
	got, gotErr := r.b.do(sctx, model.Step{Action: st.Action, Args: x.refs.args(st.Args)}, outType)
	timedOut := sctx.Err() != nil && ctx.Err() == nil
	cancel()
	var mism []string
	switch {
	case errors.Is(gotErr, ErrBroken), errors.Is(gotErr, errArgument):
		// The implementation is gone or unreadable: its view and
		// invariants cannot be asked for either.
		return &Failure{Err: gotErr}
	case timedOut:
		mism = append(mism, fmt.Sprintf("the implementation did not answer within %v", r.opts.StepTimeout))
	}
	switch {
	case enabled:
		next := r.m.Clone(&x.state)
		a.Effect(&next, c)
		x.state = next
		wantErr, _ := want.(error)
		switch {
		case wantErr != nil && gotErr == nil:
			mism = append(mism, fmt.Sprintf("the model expects the error %q, the implementation returned none", wantErr))
		case wantErr == nil && gotErr != nil:
			mism = append(mism, fmt.Sprintf("the implementation refused a step the model allows: %v", gotErr))
		case wantErr == nil && a.Output != nil && r.b.actions[a.Name].hasOut:
			if rt, ok := want.(model.Ref); ok {
				_ = rt
				if gv := reflect.ValueOf(got); gv.IsValid() && gv.Kind() == reflect.String && gv.Type() != refType {
					got = model.Ref(gv.String())
				}
			}
			mism = append(mism, x.refs.bind(want, got)...)
			if d := r.diff(want, x.refs.toModelValue(got)); d != "" {
				mism = append(mism, "output (-model +impl):\n"+d)
			}
		}
	case outside:
		if gotErr == nil {
			mism = append(mism, "the implementation accepted a step with "+r.outsideArgs(a, st)+"; it must return an error and change nothing "+
				"(if it may accept the value, the domain is only a bound of the model: declare the values it must refuse with the parameter's Outside)")
		}
	case gotErr == nil:
		mism = append(mism, "the implementation accepted a step the model refuses (its guard is false); it must return an error and change nothing")
	}
	if st.NoView && len(mism) == 0 {
		if x.unobserved == 0 {
			x.since = n
		}
		x.unobserved++
	} else {
		what := "view after the step"
		switch {
		case x.unobserved == 1:
			what = fmt.Sprintf("view after the step (step %d before it ran unobserved)", x.since)
		case x.unobserved > 1:
			what = fmt.Sprintf("view after the step (steps %s before it ran unobserved)", span(x.since, n-1))
		}
		if m := r.compareView(ctx, x, what); m != "" {
			mism = append(mism, m)
		}
		if m := r.checkInvariants(ctx, "after the step"); m != "" {
			mism = append(mism, m)
		}
		x.unobserved, x.since = 0, 0
	}
	if len(mism) > 0 {
		return &Failure{Mismatches: mism}
	}
	return nil
}

// span renders the steps from..to as "3" or "3-5".
func span(from, to int) string {
	if from == to {
		return fmt.Sprint(from)
	}
	return fmt.Sprintf("%d-%d", from, to)
}

// outsideArgs names the arguments of st that are outside their domains.
func (r *Runner[S]) outsideArgs(a *model.Action[S], st model.Step) string {
	var parts []string
	for i, p := range a.Params {
		if p.Index(st.Args[i]) < 0 {
			parts = append(parts, fmt.Sprintf("%s = %#v", p.Name, st.Args[i]))
		}
	}
	return strings.Join(parts, ", ") + " outside its domain"
}

// compareView compares the implementation's view with the model's view of
// the current state and describes the difference, or returns "". Unless
// Options.ObserveOnce is set, it reads the view twice: observing must not
// change the implementation.
func (r *Runner[S]) compareView(ctx context.Context, x *run[S], what string) string {
	got, err := r.view(ctx, x)
	if err != nil {
		return fmt.Sprintf("%s: View failed: %v", what, err)
	}
	if d := r.diff(r.m.ViewOf(&x.state), got); d != "" {
		return what + " (-model +impl):\n" + d
	}
	if r.opts.ObserveOnce {
		return ""
	}
	again, err := r.view(ctx, x)
	if err != nil {
		return fmt.Sprintf("%s: View failed the second time it was read: %v", what, err)
	}
	if d := r.diff(got, again); d != "" {
		return what + ": observing the implementation changed it: a second View right after the first differs (-first +second):\n" + d
	}
	return ""
}

// view reads the implementation's view, with its names translated into the
// model's references.
func (r *Runner[S]) view(ctx context.Context, x *run[S]) (any, error) {
	sctx, cancel := context.WithTimeout(ctx, r.opts.StepTimeout)
	defer cancel()
	got, err := r.b.View(sctx)
	if err != nil {
		return nil, err
	}
	return x.refs.toModelValue(got), nil
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

// lookup finds the model action and argument choice of a step. outside
// reports a negative step whose arguments include values just outside their
// domains (model.Param.Invalid); its choice is meaningless.
func (r *Runner[S]) lookup(st model.Step) (a *model.Action[S], choice int, outside bool, err error) {
	a = r.m.Action(st.Action)
	if a == nil {
		return nil, 0, false, fmt.Errorf("model %s has no action %q", r.m.Name, st.Action)
	}
	if len(st.Args) != len(a.Params) {
		return nil, 0, false, fmt.Errorf("action %s takes %d %s, got %d", a.Name, len(a.Params), text.Plural(len(a.Params), "argument", "arguments"), len(st.Args))
	}
	choice, i := a.Choice(st.Args)
	if i < 0 {
		return a, choice, false, nil
	}
	// A negative step may hold values just outside their domains; any
	// other value is not the model's.
	for i, p := range a.Params {
		if p.Index(st.Args[i]) < 0 && !(st.Refused && p.IsInvalid(st.Args[i])) {
			return nil, 0, false, fmt.Errorf("action %s: argument %s = %#v is not in the model's domain", a.Name, p.Name, st.Args[i])
		}
	}
	return a, -1, true, nil
}
