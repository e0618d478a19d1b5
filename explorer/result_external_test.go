package explorer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/examples/counters"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/golden"
	"github.com/mbtgo/mbt/model"
)

func TestRandom_DeterministicAcrossWorkers(t *testing.T) {
	tests := []struct {
		name   string
		run    func(t *testing.T, workers int) (explorer.Stats, any)
		reason string
	}{
		{
			name: "twophase_no_violation",
			run: func(t *testing.T, workers int) (explorer.Stats, any) {
				m, err := twophase.Model(twophase.Config{RM: 4})
				if err != nil {
					t.Fatal(err)
				}
				res := explore(t, context.Background(), m, explorer.Options{Strategy: explorer.Random, Seed: 7, Walks: 300, MaxDepth: 12, Workers: workers})
				if res.Status != explorer.Incomplete || res.Reason != explorer.WalkLimit {
					t.Fatalf("status %v (%q), want incomplete, walks done", res.Status, res.Reason)
				}
				return res.Stats, res.Violations
			},
			reason: "walk k is seeded with (Seed, k), so the walks, hence the states seen, do not depend on the workers",
		},
		{
			name: "twophase_buggy",
			run: func(t *testing.T, workers int) (explorer.Stats, any) {
				m, err := twophase.Model(twophase.Config{RM: 4, Buggy: true})
				if err != nil {
					t.Fatal(err)
				}
				res := explore(t, context.Background(), m, explorer.Options{Strategy: explorer.Random, Seed: 3, Walks: 500, MaxDepth: 20, Workers: workers})
				checkTrace(t, "random", m, single(t, res))
				return explorer.Stats{}, res.Violations
			},
			reason: "the reported violation is the one of the lowest-numbered failing walk",
		},
		{
			name: "every_walk_fails",
			run: func(t *testing.T, workers int) (explorer.Stats, any) {
				// Every walk deadlocks after about 15000 random steps, each
				// on its own path: only the walk number decides which is
				// reported. Long walks make parallel walks overlap.
				m := dsl.New[Small]("Fork")
				m.Init(Small{})
				dsl.Action1(m, "Step", dsl.Range("d", 1, 3), func(s Small, _ int) bool { return s.X < 30000 },
					func(s *Small, d int) { s.X += d })
				built := m.MustBuild()
				res := explore(t, context.Background(), built, explorer.Options{Strategy: explorer.Random, Seed: 5, Walks: 64, MaxDepth: 20000, Workers: workers})
				v := single(t, res)
				checkTrace(t, "random", built, v)
				return explorer.Stats{}, res.Violations
			},
			reason: "of many failing walks, the lowest-numbered one is reported",
		},
		{
			name: "diehard",
			run: func(t *testing.T, workers int) (explorer.Stats, any) {
				m := dieHard(t)
				res := explore(t, context.Background(), m, explorer.Options{Strategy: explorer.Random, Seed: 1, Walks: 2000, MaxDepth: 30, Workers: workers})
				v := single(t, res)
				checkTrace(t, "random", m, v)
				return explorer.Stats{}, res.Violations
			},
			reason: "same seed, same counterexample",
		},
	}
	ignore := cmpopts.IgnoreFields(explorer.Stats{}, "Elapsed", "StatesPerSec", "TableBytes", "PeakMemory", "Workers", "Queue")
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			stats1, v1 := tt.run(t, 1)
			for _, w := range []int{2, 4} {
				stats, v := tt.run(t, w)
				if d := cmp.Diff(stats1, stats, ignore); d != "" {
					t.Errorf("workers=%d: stats differ from workers=1 (%s) (-1 +%d):\n%s", w, tt.reason, w, d)
				}
				if reflect.DeepEqual(v1, v) {
					continue // cmp.Diff is slow on long traces
				}
				if d := cmp.Diff(v1, v); d != "" {
					t.Errorf("workers=%d: violations differ from workers=1 (%s) (-1 +%d):\n%s", w, tt.reason, w, d)
				}
			}
		})
	}
}

func TestRandom_SeedMatters(t *testing.T) {
	m := dieHard(t)
	m.Invariants = nil
	var distinct []int64
	for seed := range int64(2) {
		res := explore(t, context.Background(), m, explorer.Options{Strategy: explorer.Random, Seed: seed, Walks: 3, MaxDepth: 5, Workers: 1})
		distinct = append(distinct, res.Stats.Distinct, res.Stats.Transitions)
		if res.Stats.Walks != 3 || res.Stats.MaxDepth != 5 {
			t.Errorf("seed %d: %d walks, depth %d; want 3 walks of 5 steps", seed, res.Stats.Walks, res.Stats.MaxDepth)
		}
	}
	again := explore(t, context.Background(), m, explorer.Options{Strategy: explorer.Random, Seed: 1, Walks: 3, MaxDepth: 5, Workers: 1})
	if again.Stats.Distinct != distinct[2] {
		t.Errorf("seed 1 twice: %d then %d states", distinct[2], again.Stats.Distinct)
	}
}

func TestRandom_FindsDieHard(t *testing.T) {
	m := dieHard(t)
	res := explore(t, context.Background(), m, explorer.Options{Strategy: explorer.Random, Seed: 42, Walks: 2000, MaxDepth: 30})
	v := single(t, res)
	if v.Kind != explorer.InvariantKind || v.Name != "NotSolved" {
		t.Fatalf("got %v, want NotSolved violated", v)
	}
	if last := v.Trace.States[v.Trace.Len()]; last.Big != 4 {
		t.Errorf("trace ends at %+v, want Big = 4", last)
	}
	checkTrace(t, "random", m, v)
	// The random trace is a counterexample, but no shorter than BFS's.
	if v.Trace.Len() < 6 {
		t.Errorf("random trace of %d steps, shorter than the shortest (6)", v.Trace.Len())
	}
	if res.Stats.Distinct > refBFS(m, 0).distinct {
		t.Errorf("Random saw %d distinct states, more than exist", res.Stats.Distinct)
	}
}

// Small is the coverage model: X in 0..2.
type Small struct{ X int }

// coverageModel has hand-computed coverage. Its states are X = 0, 1, 2:
//
//	Inc:    X < 2          fires at 0, 1           false at 2
//	Set(v): v != X, v<=2   v in {0,1,2,5}: at each X two values fire,
//	                       X itself and 5 are false
//	Never:  false          false at 0, 1, 2
//	Stay:   nil guard      fires at 0, 1, 2
func coverageModel(t *testing.T) *model.Model[Small] {
	m := dsl.New[Small]("Coverage")
	m.Init(Small{})
	m.Action("Inc", func(s Small) bool { return s.X < 2 }, func(s *Small) { s.X++ })
	dsl.Action1(m, "Set", dsl.Values("v", 0, 1, 2, 5), func(s Small, v int) bool { return v != s.X && v <= 2 },
		func(s *Small, v int) { s.X = v })
	m.Action("Never", func(Small) bool { return false }, func(*Small) {})
	m.Action("Stay", nil, func(*Small) {})
	out, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExplore_Coverage(t *testing.T) {
	want := explorer.Coverage{Actions: []explorer.ActionCoverage{
		{Name: "Inc", Fired: 2, GuardFalse: 1, Params: []explorer.ParamCoverage{}},
		{Name: "Set", Fired: 6, GuardFalse: 6, Params: []explorer.ParamCoverage{{Name: "v", Values: []explorer.ValueCoverage{
			{Value: 0, Fired: 2}, {Value: 1, Fired: 2}, {Value: 2, Fired: 2}, {Value: 5, Fired: 0},
		}}}},
		{Name: "Never", Fired: 0, GuardFalse: 3, Params: []explorer.ParamCoverage{}},
		{Name: "Stay", Fired: 3, GuardFalse: 0, Params: []explorer.ParamCoverage{}},
	}}
	for _, o := range []explorer.Options{{Workers: 1}, {Workers: 2}, {Strategy: explorer.DFS}} {
		res := explore(t, context.Background(), coverageModel(t), o)
		if res.Status != explorer.Complete || res.Stats.Distinct != 3 || res.Stats.Transitions != 11 {
			t.Fatalf("%s: %v, %d states, %d transitions; want complete, 3, 11", name(o), res.Status, res.Stats.Distinct, res.Stats.Transitions)
		}
		if d := cmp.Diff(want, res.Coverage, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s: Coverage mismatch (-want +got):\n%s", name(o), d)
		}
		if d := cmp.Diff([]string{"Never"}, res.Coverage.NeverEnabled()); d != "" {
			t.Errorf("%s: NeverEnabled mismatch (-want +got):\n%s", name(o), d)
		}
		if d := cmp.Diff([]string{"Stay"}, res.Coverage.GuardNeverFalse()); d != "" {
			t.Errorf("%s: GuardNeverFalse mismatch (-want +got):\n%s", name(o), d)
		}
		if d := cmp.Diff(map[string][]string{"Set": {"v=5"}}, res.Coverage.UnusedValues()); d != "" {
			t.Errorf("%s: UnusedValues mismatch (-want +got):\n%s", name(o), d)
		}
	}
}

// TestExplore_CoverageMixedRadix checks per-value counts of a two-parameter
// action: each fired choice is credited to the right value of each
// parameter.
func TestExplore_CoverageMixedRadix(t *testing.T) {
	m := dsl.New[Small]("Radix")
	m.Init(Small{})
	// Enabled only for (a, b) = (1, "y") and (2, "x") at X = 0.
	dsl.Action2(m, "Pick", dsl.Values("a", 0, 1, 2), dsl.Values("b", "x", "y"),
		func(s Small, a int, b string) bool { return s.X == 0 && (a == 1 && b == "y" || a == 2 && b == "x") },
		func(s *Small, a int, b string) { s.X = a })
	m.Terminal(func(s Small) bool { return s.X != 0 })
	res := explore(t, context.Background(), m.MustBuild(), explorer.Options{Workers: 1})
	want := []explorer.ParamCoverage{
		{Name: "a", Values: []explorer.ValueCoverage{{Value: 0, Fired: 0}, {Value: 1, Fired: 1}, {Value: 2, Fired: 1}}},
		{Name: "b", Values: []explorer.ValueCoverage{{Value: "x", Fired: 1}, {Value: "y", Fired: 1}}},
	}
	if d := cmp.Diff(want, res.Coverage.Actions[0].Params); d != "" {
		t.Errorf("Params coverage mismatch (-want +got):\n%s", d)
	}
	if got := res.Coverage.Actions[0].GuardFalse; got != 4+6+6 {
		t.Errorf("GuardFalse = %d, want 4 at X=0 and 6 at each of X=1, X=2", got)
	}
}

func TestExplore_Progress(t *testing.T) {
	t.Run("final", func(t *testing.T) {
		var calls []explorer.Progress
		m := dieHard(t)
		m.Invariants = nil
		res := explore(t, context.Background(), m, explorer.Options{Progress: func(p explorer.Progress) { calls = append(calls, p) }})
		if len(calls) == 0 {
			t.Fatalf("Progress was never called")
		}
		last := calls[len(calls)-1]
		if !last.Done || last.Distinct != res.Stats.Distinct || last.Transitions != res.Stats.Transitions {
			t.Errorf("last Progress = %+v, want Done with the result's counts %+v", last, res.Stats)
		}
		for _, p := range calls[:len(calls)-1] {
			if p.Done {
				t.Errorf("Progress %+v before the end says Done", p)
			}
		}
	})
	t.Run("periodic", func(t *testing.T) {
		var mu sync.Mutex
		var calls []explorer.Progress
		var inside atomic.Int32
		res := explore(t, context.Background(), huge(t), explorer.Options{
			MaxTime:          300 * time.Millisecond,
			ProgressInterval: 20 * time.Millisecond,
			Progress: func(p explorer.Progress) {
				if inside.Add(1) != 1 {
					t.Errorf("Progress called concurrently with itself")
				}
				defer inside.Add(-1)
				mu.Lock()
				calls = append(calls, p)
				mu.Unlock()
			},
		})
		mu.Lock()
		defer mu.Unlock()
		if len(calls) < 3 {
			t.Fatalf("Progress called %d times in 300ms at a 20ms interval, want several", len(calls))
		}
		for i := 1; i < len(calls); i++ {
			if calls[i].Distinct < calls[i-1].Distinct || calls[i].Elapsed < calls[i-1].Elapsed {
				t.Errorf("Progress went backwards: %+v then %+v", calls[i-1], calls[i])
			}
		}
		last := calls[len(calls)-1]
		if !last.Done || last.Distinct != res.Stats.Distinct {
			t.Errorf("last Progress = %+v, want Done with %d states", last, res.Stats.Distinct)
		}
	})
}

// volatile matches the stats that depend on timing, memory layout or the
// machine.
var volatile = regexp.MustCompile(`"(elapsed_ns|states_per_sec|table_bytes|peak_memory_bytes|workers)":[0-9.e+-]+`)

// normalizeJSON zeroes the volatile stats and indents the rest.
func normalizeJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	if n := len(volatile.FindAll(b, -1)); n != 5 {
		t.Errorf("found %d of the 5 volatile stats in %s", n, b)
	}
	b = volatile.ReplaceAll(b, []byte(`"$1":0`))
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

func TestResult_JSON(t *testing.T) {
	tests := []struct {
		name   string
		run    func(t *testing.T) any
		reason string
	}{
		{"diehard_bfs", func(t *testing.T) any {
			return explore(t, context.Background(), dieHard(t), explorer.Options{Workers: 1})
		}, "a violation with its trace"},
		{"twophase_complete", func(t *testing.T) any {
			m, err := twophase.Model(twophase.Config{RM: 2})
			if err != nil {
				t.Fatal(err)
			}
			return explore(t, context.Background(), m, explorer.Options{Workers: 2})
		}, "a complete run with coverage per argument"},
		{"counters_depth", func(t *testing.T) any {
			m, err := counters.Model(counters.Config{K: 2, M: 3})
			if err != nil {
				t.Fatal(err)
			}
			return explore(t, context.Background(), m, explorer.Options{MaxDepth: 2})
		}, "an incomplete run with its reason"},
		{"deadlock_dfs", func(t *testing.T) any {
			return explore(t, context.Background(), chain(t, 2), explorer.Options{Strategy: explorer.DFS})
		}, "a deadlock found by DFS"},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			first, err := json.Marshal(tt.run(t))
			if err != nil {
				t.Fatal(err)
			}
			second, err := json.Marshal(tt.run(t))
			if err != nil {
				t.Fatal(err)
			}
			a, b := normalizeJSON(t, first), normalizeJSON(t, second)
			if !bytes.Equal(a, b) {
				t.Errorf("two runs marshal differently:\n%s", cmp.Diff(string(a), string(b)))
			}
			golden.Check(t, filepath.Join("testdata", "result_"+tt.name+".json"), a)
		})
	}
}

func TestResult_Strings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{explorer.Complete.String(), "complete"},
		{explorer.Violated.String(), "violation"},
		{explorer.Incomplete.String(), "incomplete"},
		{explorer.StateLimit.String(), "state limit reached"},
		{explorer.Canceled.String(), "canceled"},
		{explorer.InvariantKind.String(), "invariant"},
		{explorer.ImpureKind.String(), "impure action"},
		{(&explorer.Violation[int]{Kind: explorer.DeadlockKind, Trace: model.Trace[int]{Steps: make([]model.Step, 2)}}).String(), "deadlock after 2 steps"},
		{(&explorer.Violation[int]{Kind: explorer.InvariantKind, Name: "Safe", Trace: model.Trace[int]{Steps: make([]model.Step, 1)}}).String(), "invariant Safe violated after 1 step"},
		{(&explorer.Violation[int]{Kind: explorer.PanicKind, Message: "effect of X panicked: boom"}).String(), "panic: effect of X panicked: boom"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
	if got := (explorer.Stats{Distinct: 4, TableBytes: 64}).BytesPerState(); got != 16 {
		t.Errorf("BytesPerState() = %v, want 16", got)
	}
	if got := (explorer.Stats{}).BytesPerState(); got != 0 {
		t.Errorf("BytesPerState() of nothing = %v, want 0", got)
	}
}
