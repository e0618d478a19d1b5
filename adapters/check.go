package adapters

import (
	"context"
	"testing"

	"github.com/mbtgo/mbt/model"
	"pgregory.net/rapid"
)

// CheckOptions configure [Check].
type CheckOptions struct {
	_ struct{}

	// Options are the runner's options.
	Options Options
	// Steps is the largest number of steps in one walk (default 30).
	Steps int
	// NegativePercent is the share of steps, in percent, that try an action
	// whose guard is false, when there is one (default 10).
	NegativePercent int
}

// Check runs random walks of the model against the implementation with
// pgregory.net/rapid: each walk resets the adapter made by newImpl, then
// picks enabled steps (and, now and then, negative steps) and compares the
// implementation with the model after each. A failing walk is shrunk to a
// minimal sequence of steps; rapid saves it under testdata/rapid/ and
// replays it first on the next run, and prints the seed (-rapid.seed) and the
// number of walks (-rapid.checks) to use.
//
// newImpl is called once per walk; the adapter may register cleanups on t.
func Check[S any](t *testing.T, m *model.Model[S], newImpl func(t TB) any, opts CheckOptions) {
	t.Helper()
	steps := opts.Steps
	if steps <= 0 {
		steps = 30
	}
	neg := opts.NegativePercent
	if neg == 0 {
		neg = 10
	}
	rapid.Check(t, func(rt *rapid.T) {
		r, err := NewRunner(m, newImpl(rt), opts.Options)
		if err != nil {
			rt.Fatalf("%v", err)
		}
		ctx := context.Background()
		state := m.Codec.Clone(&m.Init[r.opts.Init])
		if f := r.reset(ctx, &state); f != nil {
			rt.Fatalf("mbt: %v", f)
		}
		n := rapid.IntRange(1, steps).Draw(rt, "steps")
		var done []Step
		for i := range n {
			var on, off []Step
			for _, a := range m.Actions {
				for c := range a.Choices {
					st := Step{Action: a.Name, Args: a.Args(c)}
					if a.Enabled(&state, c) {
						on = append(on, st)
					} else {
						st.Refused = true
						off = append(off, st)
					}
				}
			}
			// Draws shrink towards 0: towards positive steps and the first
			// action.
			pool := on
			if len(off) > 0 && (len(on) == 0 || rapid.IntRange(0, 99).Draw(rt, "negative?") >= 100-neg) {
				pool = off
			}
			if len(pool) == 0 {
				break
			}
			st := pool[rapid.IntRange(0, len(pool)-1).Draw(rt, "step")]
			if f := r.step(ctx, &state, st); f != nil {
				f.Index, f.Step, f.Before, f.total = i+1, st, done, n
				rt.Fatalf("mbt: %v", f)
			}
			done = append(done, st)
		}
	})
}
