package explorer_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/examples/counters"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// stats are the counts that BFS and the reference must agree on.
type stats struct {
	Distinct, Transitions int64
	MaxDepth              int
}

// differential explores m with BFS on 1 and 2 workers and with DFS, and
// compares them with the reference BFS.
func differential[S any](t tb, m *model.Model[S]) {
	t.Helper()
	r := refBFS(m, 0)
	ctx := context.Background()
	for _, workers := range []int{1, 2} {
		res := explore(t, ctx, m, explorer.Options{Workers: workers})
		if r.complete() {
			if res.Status != explorer.Complete {
				t.Fatalf("BFS workers=%d: status %v (%v), want complete", workers, res.Status, res.Violations)
			}
			want := stats{r.distinct, r.transitions, r.maxDepth}
			got := stats{res.Stats.Distinct, res.Stats.Transitions, res.Stats.MaxDepth}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("BFS workers=%d: stats mismatch with the reference BFS (-want +got):\n%s", workers, d)
			}
			if res.Stats.Queue != 0 {
				t.Errorf("BFS workers=%d: Queue = %d after a complete exploration", workers, res.Stats.Queue)
			}
			continue
		}
		v := single(t, res)
		want := r.bfsOutcomes(false)
		if n, ok := want[v.Kind]; !ok || v.Trace.Len() != n {
			t.Fatalf("BFS workers=%d: %v with a %d-step trace; the reference allows %v (shortest counterexamples)", workers, v, v.Trace.Len(), want)
		}
		checkTrace(t, fmt.Sprintf("BFS workers=%d", workers), m, v)
	}

	res := explore(t, ctx, m, explorer.Options{Strategy: explorer.DFS})
	if r.complete() {
		if res.Status != explorer.Complete {
			t.Fatalf("DFS: status %v (%v), want complete", res.Status, res.Violations)
		}
		// Without a depth bound DFS expands each state once, so it
		// evaluates as many transitions as BFS.
		if res.Stats.Distinct != r.distinct || res.Stats.Transitions != r.transitions {
			t.Fatalf("DFS: %d distinct states and %d transitions, the reference BFS finds %d and %d",
				res.Stats.Distinct, res.Stats.Transitions, r.distinct, r.transitions)
		}
		return
	}
	checkTrace(t, "DFS", m, single(t, res))
}

func TestExplore_DifferentialTwoPhase(t *testing.T) {
	for _, rm := range []int{3, 4, 5} {
		for _, buggy := range []bool{false, true} {
			t.Run(fmt.Sprintf("RM=%d,buggy=%v", rm, buggy), func(t *testing.T) {
				t.Parallel()
				m, err := twophase.Model(twophase.Config{RM: rm, Buggy: buggy})
				if err != nil {
					t.Fatal(err)
				}
				differential(t, m)
			})
		}
	}
}

func TestExplore_DifferentialCounters(t *testing.T) {
	for _, c := range []counters.Config{{K: 1, M: 5}, {K: 3, M: 4}, {K: 4, M: 6}} {
		t.Run(fmt.Sprintf("K=%d,M=%d", c.K, c.M), func(t *testing.T) {
			t.Parallel()
			m, err := counters.Model(c)
			if err != nil {
				t.Fatal(err)
			}
			differential(t, m)
		})
	}
}

func TestExplore_DifferentialDieHard(t *testing.T) {
	differential(t, dieHard(t))
}

// Vec is the state of generated models.
type Vec struct {
	V []int
	// Hist remembers the last action names, to give the cloner maps to copy.
	Hist map[string]int
}

// genModel draws a small model: a vector of n counters in 0..max, one or
// two initial states, actions from a menu with drawn guards, and maybe an
// invariant, a property and a terminal predicate.
func genModel(t *rapid.T) *model.Model[Vec] {
	n := rapid.IntRange(1, 4).Draw(t, "n")
	hi := rapid.IntRange(1, 4).Draw(t, "max")
	vec := rapid.SliceOfN(rapid.IntRange(0, hi), n, n)
	m := dsl.New[Vec]("Generated")
	var inits []Vec
	for range rapid.IntRange(1, 2).Draw(t, "inits") {
		inits = append(inits, Vec{V: vec.Draw(t, "init")})
	}
	m.Init(inits...)
	idx := dsl.Range("i", 0, n-1)
	note := func(s *Vec, name string) {
		if s.Hist == nil {
			s.Hist = map[string]int{}
		}
		s.Hist[name] = s.Hist[name] % 2 // bounded, but written
	}
	kinds := rapid.SliceOfN(rapid.IntRange(0, 5), 1, 4).Draw(t, "actions")
	for k, kind := range kinds {
		name := fmt.Sprintf("A%d", k)
		switch kind {
		case 0: // Inc(i) below a drawn bound
			bound := rapid.IntRange(0, hi).Draw(t, "bound")
			dsl.Action1(m, name, idx,
				func(s Vec, i int) bool { return s.V[i] < bound },
				func(s *Vec, i int) { s.V[i]++; note(s, name) }).
				Returns(func(s Vec, i int) any { return s.V[i] })
		case 1: // Dec(i)
			dsl.Action1(m, name, idx,
				func(s Vec, i int) bool { return s.V[i] > 0 },
				func(s *Vec, i int) { s.V[i]-- })
		case 2: // Copy(i, j)
			dsl.Action2(m, name, idx, dsl.Range("j", 0, n-1),
				func(s Vec, i, j int) bool { return s.V[i] != s.V[j] },
				func(s *Vec, i, j int) { s.V[j] = s.V[i] })
		case 3: // Set(v) at a drawn index when its neighbour has a drawn value
			at := rapid.IntRange(0, n-1).Draw(t, "at")
			when := rapid.IntRange(0, hi).Draw(t, "when")
			dsl.Action1(m, name, dsl.Range("v", 0, hi),
				func(s Vec, v int) bool { return s.V[at] != v && s.V[(at+1)%n] == when },
				func(s *Vec, v int) { s.V[at] = v; note(s, name) })
		case 4: // Rotate, always enabled
			m.Action(name, nil, func(s *Vec) { s.V = append(s.V[1:], s.V[0]) })
		case 5: // Wrap(i) when the sum has a drawn parity
			parity := rapid.IntRange(0, 1).Draw(t, "parity")
			dsl.Action3(m, name, idx, dsl.Values("by", 1), dsl.Values("tag", "x"),
				func(s Vec, i, by int, _ string) bool { return sum(s.V)%2 == parity },
				func(s *Vec, i, by int, _ string) { s.V[i] = (s.V[i] + by) % (hi + 1) })
		}
	}
	if rapid.Bool().Draw(t, "invariant") {
		avoid := vec.Draw(t, "avoid")
		m.Invariant("Avoid", func(s Vec) bool { return !slices.Equal(s.V, avoid) })
	}
	if rapid.Bool().Draw(t, "property") {
		limit := rapid.IntRange(1, 2*hi).Draw(t, "jump")
		m.Property("SmallJumps", func(prev Vec, _ model.Step, next Vec) bool {
			return abs(sum(next.V)-sum(prev.V)) <= limit
		})
	}
	if rapid.Bool().Draw(t, "terminal") {
		m.Terminal(func(s Vec) bool { return s.V[0] == hi })
	}
	if rapid.Bool().Draw(t, "constraint") {
		// A bound on the sum, at least that of every initial state, which
		// Build requires to be within it.
		floor := 0
		for _, s := range inits {
			floor = max(floor, sum(s.V))
		}
		bound := rapid.IntRange(floor, floor+hi).Draw(t, "bound")
		m.Constraint("SumBound", func(s Vec) bool { return sum(s.V) <= bound })
	}
	out, err := m.Build()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestExplore_DifferentialGenerated compares BFS (1 and 2 workers) and DFS
// with the reference BFS on generated models. It includes the property
// "BFS counterexamples are shortest": a violation's trace has exactly the
// length of the reference's first failing level.
func TestExplore_DifferentialGenerated(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		differential(t, genModel(t))
	})
}

// TestExplore_ShortestCounterexample is the property "BFS counterexamples
// are shortest" for invariants alone: with deadlocks off, the trace to a
// violated invariant is as long as the BFS depth of the first violating
// state, and ends there.
func TestExplore_ShortestCounterexample(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		m.Properties = nil // built models must not change, but this one is ours alone
		if len(m.Invariants) == 0 {
			avoid := rapid.SliceOfN(rapid.IntRange(0, 2), len(m.Init[0].V), len(m.Init[0].V)).Draw(t, "target")
			m.Invariants = []model.Invariant[Vec]{{Name: "Avoid", Check: func(s *Vec) bool { return !slices.Equal(s.V, avoid) }}}
		}
		r := refBFS(m, 0)
		workers := rapid.IntRange(1, 2).Draw(t, "workers")
		res := explore(t, context.Background(), m, explorer.Options{Workers: workers, NoDeadlock: true})
		if r.invDepth < 0 {
			if res.Status != explorer.Complete {
				t.Fatalf("status %v (%v), want complete: no reachable state violates the invariant", res.Status, res.Violations)
			}
			return
		}
		v := single(t, res)
		if v.Kind != explorer.InvariantKind || v.Trace.Len() != r.invDepth {
			t.Fatalf("%v with a %d-step trace; the first violating state is at depth %d", v, v.Trace.Len(), r.invDepth)
		}
		checkTrace(t, "BFS", m, v)
	})
}
