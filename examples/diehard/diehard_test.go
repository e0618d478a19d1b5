package diehard

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// explore runs a breadth-first exploration of the model c with the given
// number of workers.
func explore(t *testing.T, c Config, workers int) (*model.Model[State], *explorer.Result[State]) {
	t.Helper()
	m, err := Model(c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := explorer.Explore(t.Context(), m, explorer.Options{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return m, res
}

// checkTrace replays tr with the model's own actions and fails unless every
// step leads from one state of the trace to the next.
func checkTrace(t *testing.T, m *model.Model[State], tr model.Trace[State]) {
	t.Helper()
	if len(tr.States) != len(tr.Steps)+1 {
		t.Fatalf("trace has %d states for %d steps", len(tr.States), len(tr.Steps))
	}
	if tr.States[0] != m.Init[0] {
		t.Errorf("trace starts at %+v, want the initial state %+v", tr.States[0], m.Init[0])
	}
	for i, st := range tr.Steps {
		a := m.Action(st.Action)
		if a == nil {
			t.Fatalf("step %d: unknown action %q", i+1, st.Action)
		}
		prev := tr.States[i]
		if !a.Enabled(&prev, 0) {
			t.Errorf("step %d: %s is not enabled in %+v", i+1, st.Action, prev)
		}
		next := prev
		a.Effect(&next, 0)
		if next != tr.States[i+1] {
			t.Errorf("step %d: %s leads from %+v to %+v, trace says %+v", i+1, st.Action, prev, next, tr.States[i+1])
		}
	}
}

// jugs renders a trace as TLC prints its states: the action, then big and
// small.
func jugs(tr model.Trace[State]) []string {
	out := make([]string, len(tr.States))
	for i, s := range tr.States {
		action := "Init"
		if i > 0 {
			action = tr.Steps[i-1].Action
		}
		out[i] = fmt.Sprintf("%s big=%d small=%d", action, s.Big, s.Small)
	}
	return out
}

// Reference: DieHard.tla, invariant NotSolved. TLC's trace in
// tla-traces/tlc/DieHard.out.txt (states 1 to 7). The shortest path to
// big = 4 is unique (6 steps, ending at small = 3; big = 4 with small = 0
// takes 7), so a correct BFS must return exactly TLC's trace.
func TestModel_NotSolvedMatchesTLC(t *testing.T) {
	want := []string{
		"Init big=0 small=0",
		"FillBig big=5 small=0",
		"BigToSmall big=2 small=3",
		"EmptySmall big=2 small=0",
		"BigToSmall big=0 small=2",
		"FillBig big=5 small=2",
		"BigToSmall big=4 small=3",
	}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			m, res := explore(t, Config{}, workers)
			if res.Status != explorer.Violated || len(res.Violations) != 1 {
				t.Fatalf("status %v with %d violations, want one violation", res.Status, len(res.Violations))
			}
			v := res.Violations[0]
			if v.Kind != explorer.InvariantKind || v.Name != "NotSolved" {
				t.Fatalf("got %v, want invariant NotSolved violated", v)
			}
			if v.Trace.Len() != 6 || len(v.Trace.States) != 7 {
				t.Errorf("trace has %d steps and %d states, want 6 and 7", v.Trace.Len(), len(v.Trace.States))
			}
			checkTrace(t, m, v.Trace)
			if got := jugs(v.Trace); !slices.Equal(got, want) {
				t.Errorf("trace:\n%q\nwant TLC's:\n%q", got, want)
			}
			// TLC: "73 states generated, 14 distinct states found ... The
			// depth of the complete state graph search is 7". TLC counts
			// the initial state as generated and its depth in states; the
			// explorer counts 72 enabled steps evaluated (12 states
			// expanded, 6 actions each), 14 distinct states including the
			// violating one, and a depth of 6 steps.
			if res.Stats.Transitions != 72 || res.Stats.Distinct != 14 || res.Stats.MaxDepth != 6 {
				t.Errorf("%d transitions, %d distinct states, depth %d at the violation; want 72, 14, 6 (TLC: 73 generated, 14 distinct, depth 7 in states)",
					res.Stats.Transitions, res.Stats.Distinct, res.Stats.MaxDepth)
			}
		})
	}
}

// reachable is the reachable set of DieHard.tla worked out by hand: after
// any pour, fill or empty, at least one jug is empty or full; and every such
// state is reachable because gcd(3, 5) = 1. That is 2*6 states with the
// small jug empty or full, plus 2*2 with it partly filled and the big one
// empty or full: 16.
func reachable() map[State]bool {
	set := map[State]bool{}
	for small := 0; small <= SmallCap; small++ {
		for big := 0; big <= BigCap; big++ {
			if small == 0 || small == SmallCap || big == 0 || big == BigCap {
				set[State{Small: small, Big: big}] = true
			}
		}
	}
	return set
}

// naiveBFS enumerates the states reachable in m with a map, the obviously
// correct way, and returns each with its distance from the initial state.
func naiveBFS(m *model.Model[State]) map[State]int {
	dist := map[State]int{m.Init[0]: 0}
	queue := []State{m.Init[0]}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, a := range m.Actions {
			if !a.Enabled(&s, 0) {
				continue
			}
			next := s
			a.Effect(&next, 0)
			if _, ok := dist[next]; !ok {
				dist[next] = dist[s] + 1
				queue = append(queue, next)
			}
		}
	}
	return dist
}

// Reference: DieHard.tla without NotSolved. TLC had found 14 distinct states
// when it stopped at the violation; the complete reachable set has 16.
func TestModel_FullSpace(t *testing.T) {
	want := reachable()
	if len(want) != 16 {
		t.Fatalf("hand-derived set has %d states, want 16", len(want))
	}
	m, err := Model(Config{SkipNotSolved: true})
	if err != nil {
		t.Fatal(err)
	}
	dist := naiveBFS(m)
	for s := range want {
		if _, ok := dist[s]; !ok {
			t.Errorf("%+v is not reachable", s)
		}
	}
	for s := range dist {
		if !want[s] {
			t.Errorf("%+v is reachable but has no jug empty or full", s)
		}
	}
	if d := dist[State{Small: 0, Big: Goal}]; d != 7 {
		t.Errorf("big=4 small=0 is %d steps away, want 7", d)
	}

	for _, workers := range []int{1, 2} {
		_, res := explore(t, Config{SkipNotSolved: true}, workers)
		if res.Status != explorer.Complete {
			t.Fatalf("workers=%d: status %v %v, want complete", workers, res.Status, res.Violations)
		}
		// Every action is enabled in every state: 16 states * 6 actions.
		// The deepest state, big=4 small=0, is 7 steps from the start.
		if res.Stats.Distinct != 16 || res.Stats.Transitions != 96 || res.Stats.MaxDepth != 7 {
			t.Errorf("workers=%d: %d distinct, %d transitions, depth %d; want 16, 96, 7",
				workers, res.Stats.Distinct, res.Stats.Transitions, res.Stats.MaxDepth)
		}
		if len(res.Coverage.Actions) != 6 {
			t.Fatalf("coverage of %d actions, want 6", len(res.Coverage.Actions))
		}
		for _, a := range res.Coverage.Actions {
			if a.Fired != 16 || a.GuardFalse != 0 {
				t.Errorf("workers=%d: %s fired %d times with %d false guards, want 16 and 0", workers, a.Name, a.Fired, a.GuardFalse)
			}
		}
	}
}

// Reference: DieHard.tla, property BigMonotone (big' >= big \/ big' = 0).
// Pouring the full big jug into the empty small one is the shortest step
// that breaks it.
func TestModel_BigMonotone(t *testing.T) {
	m, res := explore(t, Config{CheckMonotone: true}, 1)
	if res.Status != explorer.Violated || len(res.Violations) != 1 {
		t.Fatalf("status %v with %d violations, want one violation", res.Status, len(res.Violations))
	}
	v := res.Violations[0]
	if v.Kind != explorer.PropertyKind || v.Name != "BigMonotone" {
		t.Fatalf("got %v, want property BigMonotone violated", v)
	}
	checkTrace(t, m, v.Trace)
	want := []string{"Init big=0 small=0", "FillBig big=5 small=0", "BigToSmall big=2 small=3"}
	if got := jugs(v.Trace); !slices.Equal(got, want) {
		t.Errorf("trace:\n%q\nwant:\n%q", got, want)
	}
}

// With BigMonotone checked and NotSolved left out, the property still
// fails: it does not depend on the invariant stopping the search.
func TestModel_BigMonotoneAlone(t *testing.T) {
	_, res := explore(t, Config{SkipNotSolved: true, CheckMonotone: true}, 2)
	if res.Status != explorer.Violated || len(res.Violations) != 1 || res.Violations[0].Name != "BigMonotone" {
		t.Fatalf("status %v, violations %v; want BigMonotone violated", res.Status, res.Violations)
	}
	if n := res.Violations[0].Trace.Len(); n != 2 {
		t.Errorf("counterexample has %d steps, want 2", n)
	}
}
