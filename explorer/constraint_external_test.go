package explorer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// bounded is a counter that the real service lets grow without end; the
// model bounds it with a constraint, not a guard.
func bounded(t tb, bound int, opts ...func(*dsl.Model[Counter])) *model.Model[Counter] {
	t.Helper()
	m := dsl.New[Counter]("Bounded")
	m.Init(Counter{})
	m.Action("Inc", nil, func(s *Counter) { s.X++ })
	m.Constraint("AtMost", func(s Counter) bool { return s.X <= bound })
	for _, o := range opts {
		o(m)
	}
	out, err := m.Build()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// TestExplore_Constraint checks the semantics of a constraint, which are
// TLC's: states outside are checked but not counted nor expanded, and a
// state whose only steps leave the bounds is not a deadlock.
func TestExplore_Constraint(t *testing.T) {
	for _, o := range strategies[:3] {
		t.Run(name(o), func(t *testing.T) {
			res := explore(t, context.Background(), bounded(t, 3), o)
			if res.Status != explorer.Complete {
				t.Fatalf("status %v (%v), want complete: X=3 only steps out of the bounds, which is no deadlock", res.Status, res.Violations)
			}
			want := explorer.Stats{Distinct: 4, Transitions: 4, Pruned: 1, MaxDepth: 3}
			got := explorer.Stats{Distinct: res.Stats.Distinct, Transitions: res.Stats.Transitions, Pruned: res.Stats.Pruned, MaxDepth: res.Stats.MaxDepth}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("stats mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestExplore_ConstraintRandom(t *testing.T) {
	res := explore(t, context.Background(), bounded(t, 3), explorer.Options{Strategy: explorer.Random, Workers: 1, Walks: 5, MaxDepth: 10})
	if res.Status != explorer.Incomplete || res.Stats.Distinct != 4 || res.Stats.MaxDepth != 3 {
		t.Errorf("random walks: status %v, %d distinct, depth %d; want incomplete (walks done), 4 and 3: walks end at the bound",
			res.Status, res.Stats.Distinct, res.Stats.MaxDepth)
	}
}

// TestExplore_ConstraintViolations: the step out of the bounds is still
// checked, and a panic in a constraint is a violation with its trace.
func TestExplore_ConstraintViolations(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		add      func(*dsl.Model[Counter])
		wantKind explorer.Kind
		wantLen  int
		wantMsg  string
	}{{
		name:     "invariant outside",
		reason:   "TLC checks the invariants of a state outside the constraint; so does mbt, with the step into it in the trace",
		add:      func(m *dsl.Model[Counter]) { m.Invariant("Small", func(s Counter) bool { return s.X < 4 }) },
		wantKind: explorer.InvariantKind, wantLen: 4,
		wantMsg: "invariant Small is false (in a state outside constraint AtMost)",
	}, {
		name:   "property on the step out",
		reason: "action properties hold for the step that leaves the bounds too",
		add: func(m *dsl.Model[Counter]) {
			m.Property("NotToFour", func(_ Counter, _ model.Step, n Counter) bool { return n.X != 4 })
		},
		wantKind: explorer.PropertyKind, wantLen: 4,
		wantMsg: "property NotToFour is false for step Inc",
	}, {
		name:   "constraint panics",
		reason: "a panic in a constraint is the model's bug, reported with the step that led to the state",
		add: func(m *dsl.Model[Counter]) {
			m.Constraint("Panics", func(s Counter) bool {
				if s.X == 2 {
					panic("two")
				}
				return true
			})
		},
		wantKind: explorer.PanicKind, wantLen: 2,
		wantMsg: "constraint Panics panicked: two",
	}}
	seen := map[string]bool{}
	for i, tc := range tests {
		checkTable(t, i, tc.name, tc.reason, seen)
		for _, o := range strategies {
			t.Run(tc.name+"/"+name(o), func(t *testing.T) {
				m := bounded(t, 3, tc.add)
				v := single(t, explore(t, context.Background(), m, o))
				if v.Kind != tc.wantKind || v.Trace.Len() != tc.wantLen || !strings.HasPrefix(v.Message, tc.wantMsg) {
					t.Errorf("got %v, %d steps, message %q; want %v, %d steps, message %q", v.Kind, v.Trace.Len(), v.Message, tc.wantKind, tc.wantLen, tc.wantMsg)
				}
			})
		}
	}
}

func TestBuildGraph_Pruned(t *testing.T) {
	g, err := explorer.BuildGraph(context.Background(), bounded(t, 2), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.States) != 3 || g.Transitions() != 2 {
		t.Errorf("graph has %d states and %d transitions, want 3 and 2 (X = 0, 1, 2)", len(g.States), g.Transitions())
	}
	want := [][]int32{nil, nil, {0}}
	if d := cmp.Diff(want, g.Pruned); d != "" {
		t.Errorf("Pruned mismatch (-want +got):\n%s", d)
	}
	if d := cmp.Diff([][]int32{nil, nil, nil}, g.Disabled); d != "" {
		t.Errorf("Disabled mismatch: a step out of the bounds is not a disabled step (-want +got):\n%s", d)
	}
}

func TestBuild_InitOutsideConstraint(t *testing.T) {
	m := dsl.New[Counter]("Bad")
	m.Init(Counter{X: 5})
	m.Action("Inc", nil, func(s *Counter) { s.X++ })
	m.Constraint("AtMost", func(s Counter) bool { return s.X <= 3 })
	_, err := m.Build()
	if err == nil || !strings.Contains(err.Error(), `initial state 1 is outside constraint "AtMost"`) {
		t.Errorf("Build() error = %v, want one about the initial state outside the constraint", err)
	}
}
