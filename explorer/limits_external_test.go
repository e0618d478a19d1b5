package explorer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mbtgo/mbt/examples/counters"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// huge is a model that no test can finish: 31^8 states.
func huge(t *testing.T) *model.Model[counters.State] {
	t.Helper()
	m, err := counters.Model(counters.Config{K: 8, M: 30})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// backstop bounds a test whose limit fails to stop the exploration: the
// exploration then ends as canceled or out of time, which the test
// rejects.
const backstop = 30 * time.Second

func TestExplore_Limits(t *testing.T) {
	m := huge(t)
	type limit struct {
		name   string
		opts   explorer.Options
		cancel time.Duration // cancel the context after this long; < 0: before Explore
		want   explorer.Reason
		check  func(t *testing.T, res *explorer.Result[counters.State])
		reason string
	}
	atMost := func(n int64) func(t *testing.T, res *explorer.Result[counters.State]) {
		return func(t *testing.T, res *explorer.Result[counters.State]) {
			if res.Stats.Distinct > n || res.Stats.Distinct < n/2 {
				t.Errorf("Distinct = %d, want at most MaxStates = %d (and near it)", res.Stats.Distinct, n)
			}
		}
	}
	depth := func(d int) func(t *testing.T, res *explorer.Result[counters.State]) {
		return func(t *testing.T, res *explorer.Result[counters.State]) {
			// States within d steps of 0 in 8 counters: sum over k<=d of C(k+7, 7).
			want := map[int]int64{3: 1 + 8 + 36 + 120}[d]
			if res.Stats.MaxDepth != d || res.Stats.Distinct != want {
				t.Errorf("MaxDepth = %d, Distinct = %d; want %d and %d", res.Stats.MaxDepth, res.Stats.Distinct, d, want)
			}
		}
	}
	quick := func(d time.Duration) func(t *testing.T, res *explorer.Result[counters.State]) {
		return func(t *testing.T, res *explorer.Result[counters.State]) {
			if res.Stats.Elapsed > d {
				t.Errorf("Elapsed = %v, want it stopped within %v", res.Stats.Elapsed, d)
			}
		}
	}
	var tests []limit
	for _, st := range []explorer.Strategy{explorer.BFS, explorer.DFS, explorer.Random} {
		opts := func(o explorer.Options) explorer.Options {
			o.Strategy, o.Workers = st, 2
			if st == explorer.Random {
				o.Walks = 1 << 30
			}
			return o
		}
		name := st.String() + "/"
		tests = append(tests,
			limit{name: name + "states", opts: opts(explorer.Options{MaxStates: 5000}), want: explorer.StateLimit,
				check: atMost(5000), reason: "MaxStates stops at that many distinct states"},
			limit{name: name + "time", opts: opts(explorer.Options{MaxTime: 200 * time.Millisecond}), want: explorer.TimeLimit,
				check: quick(5 * time.Second), reason: "MaxTime stops after that long"},
			limit{name: name + "memory", opts: opts(explorer.Options{MaxMemory: 1}), want: explorer.MemoryLimit,
				check: quick(5 * time.Second), reason: "MaxMemory stops when the process holds more; any process holds more than a byte"},
			limit{name: name + "cancel", opts: opts(explorer.Options{}), cancel: 100 * time.Millisecond, want: explorer.Canceled,
				check: quick(5 * time.Second), reason: "canceling the context stops the exploration"},
			limit{name: name + "canceled_before", opts: opts(explorer.Options{}), cancel: -1, want: explorer.Canceled,
				check: quick(5 * time.Second), reason: "an already canceled context stops it too"},
		)
	}
	tests = append(tests,
		limit{name: "bfs/depth", opts: explorer.Options{MaxDepth: 3, Workers: 2}, want: explorer.DepthLimit,
			check: depth(3), reason: "BFS does not expand states at MaxDepth"},
		limit{name: "dfs/depth", opts: explorer.Options{Strategy: explorer.DFS, MaxDepth: 3}, want: explorer.DepthLimit,
			check: depth(3), reason: "DFS finds exactly the states within MaxDepth"},
		limit{name: "random/walks", opts: explorer.Options{Strategy: explorer.Random, Walks: 50, MaxDepth: 10, Seed: 1}, want: explorer.WalkLimit,
			check: func(t *testing.T, res *explorer.Result[counters.State]) {
				if res.Stats.Walks != 50 || res.Stats.MaxDepth != 10 {
					t.Errorf("Walks = %d, MaxDepth = %d; want 50 walks of 10 steps", res.Stats.Walks, res.Stats.MaxDepth)
				}
			}, reason: "Random runs Walks walks of MaxDepth steps"},
	)
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, stop := context.WithTimeout(context.Background(), backstop)
			defer stop()
			if tt.cancel != 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				if tt.cancel < 0 {
					cancel()
				} else {
					time.AfterFunc(tt.cancel, cancel)
				}
			}
			opts := tt.opts
			if opts.MaxTime == 0 {
				opts.MaxTime = backstop // in case the context is what is broken
			}
			// The last resort, should the monitor be broken too.
			watchdog := time.AfterFunc(2*backstop, func() { panic(tt.name + ": Explore did not stop") })
			res := explore(t, ctx, m, opts)
			watchdog.Stop()
			if res.Status != explorer.Incomplete || res.Reason != tt.want {
				t.Fatalf("Explore() = status %v, reason %q; want incomplete, %q (%s)", res.Status, res.Reason, tt.want, tt.reason)
			}
			if len(res.Violations) != 0 {
				t.Errorf("Explore() reported violations %v", res.Violations)
			}
			if res.Stats.Distinct == 0 && tt.cancel >= 0 {
				t.Errorf("Distinct = 0: a partial result must say what was found")
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

// TestExplore_DepthLimitExactStates checks BFS and DFS with MaxDepth
// against the reference BFS levels on a model where revisits on shorter
// paths matter for DFS.
func TestExplore_DepthLimitExactStates(t *testing.T) {
	m, err := counters.Model(counters.Config{K: 3, M: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []int{1, 2, 5, 8} {
		r := refBFS(m, d)
		for _, opts := range []explorer.Options{
			{MaxDepth: d, Workers: 1},
			{MaxDepth: d, Workers: 2},
			{MaxDepth: d, Strategy: explorer.DFS},
		} {
			res := explore(t, context.Background(), m, opts)
			if res.Status != explorer.Incomplete || res.Reason != explorer.DepthLimit {
				t.Errorf("%s MaxDepth=%d: status %v, reason %q; want incomplete, depth limit", opts.Strategy, d, res.Status, res.Reason)
			}
			if res.Stats.Distinct != r.distinct {
				t.Errorf("%s MaxDepth=%d workers=%d: %d states, the reference finds %d within the depth",
					opts.Strategy, d, opts.Workers, res.Stats.Distinct, r.distinct)
			}
			if opts.Strategy == explorer.BFS && (res.Stats.MaxDepth != d || res.Stats.Transitions != r.transitions) {
				t.Errorf("BFS MaxDepth=%d: MaxDepth %d, %d transitions; want %d, %d", d, res.Stats.MaxDepth, res.Stats.Transitions, d, r.transitions)
			}
			if opts.Strategy == explorer.DFS && res.Stats.MaxDepth != d {
				t.Errorf("DFS MaxDepth=%d: deepest state %d", d, res.Stats.MaxDepth)
			}
		}
	}
}

// TestExplore_LimitNotReached checks that a limit larger than the model
// leaves the result complete.
func TestExplore_LimitNotReached(t *testing.T) {
	m := dieHard(t)
	m.Invariants = nil
	r := refBFS(m, 0)
	for _, opts := range []explorer.Options{
		{MaxStates: r.distinct, Workers: 1},
		{MaxStates: r.distinct, Workers: 2},
		{MaxDepth: r.maxDepth + 1},
		{MaxTime: time.Hour, MaxMemory: 1 << 40},
		{Strategy: explorer.DFS, MaxStates: r.distinct},
	} {
		res := explore(t, context.Background(), m, opts)
		if res.Status != explorer.Complete || res.Stats.Distinct != r.distinct {
			t.Errorf("%+v: status %v (%q), %d states; want complete with %d", opts, res.Status, res.Reason, res.Stats.Distinct, r.distinct)
		}
	}
}

func TestExplore_Errors(t *testing.T) {
	m := dieHard(t)
	unbuilt := &model.Model[Jugs]{Init: []Jugs{{}}}
	tests := []struct {
		name   string
		run    func() (*explorer.Result[Jugs], error)
		is     error
		reason string
	}{
		{"nil_model", func() (*explorer.Result[Jugs], error) {
			return explorer.Explore[Jugs](context.Background(), nil, explorer.Options{})
		}, explorer.ErrNoModel, "nothing to explore"},
		{"unbuilt_model", func() (*explorer.Result[Jugs], error) {
			return explorer.Explore(context.Background(), unbuilt, explorer.Options{})
		}, explorer.ErrNoModel, "a model without actions was not built"},
		{"no_init", func() (*explorer.Result[Jugs], error) {
			return explorer.Explore(context.Background(), &model.Model[Jugs]{Actions: m.Actions}, explorer.Options{})
		}, explorer.ErrNoModel, "a model without initial states was not built"},
		{"negative_workers", func() (*explorer.Result[Jugs], error) {
			return explorer.Explore(context.Background(), m, explorer.Options{Workers: -1})
		}, nil, "options that make no sense are an error"},
		{"negative_states", func() (*explorer.Result[Jugs], error) {
			return explorer.Explore(context.Background(), m, explorer.Options{MaxStates: -1})
		}, nil, "a negative limit"},
		{"negative_time", func() (*explorer.Result[Jugs], error) {
			return explorer.Explore(context.Background(), m, explorer.Options{MaxTime: -time.Second})
		}, nil, "a negative limit"},
		{"unknown_strategy", func() (*explorer.Result[Jugs], error) {
			return explorer.Explore(context.Background(), m, explorer.Options{Strategy: 7})
		}, nil, "no such strategy"},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		res, err := tt.run()
		if err == nil || res != nil {
			t.Errorf("%s: Explore() = %v, %v; want an error (%s)", tt.name, res, err, tt.reason)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: Explore() error %v, want %v", tt.name, err, tt.is)
		}
	}
}

func TestParseStrategy(t *testing.T) {
	for _, s := range []explorer.Strategy{explorer.BFS, explorer.DFS, explorer.Random} {
		got, err := explorer.ParseStrategy(s.String())
		if err != nil || got != s {
			t.Errorf("ParseStrategy(%q) = %v, %v; want %v", s.String(), got, err, s)
		}
	}
	if _, err := explorer.ParseStrategy("bfs2"); err == nil {
		t.Errorf("ParseStrategy(bfs2) = nil error")
	}
	if got := explorer.Strategy(9).String(); got != "Strategy(9)" {
		t.Errorf("Strategy(9).String() = %q", got)
	}
}
