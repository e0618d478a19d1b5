package explorer_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// tb is what the helpers need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// checkTable rejects a table row without a reason or with a duplicate name.
func checkTable(t *testing.T, i int, name, reason string, seen map[string]bool) {
	t.Helper()
	if reason == "" {
		t.Fatalf("test %d (%q) has no reason", i, name)
	}
	if seen[name] {
		t.Fatalf("duplicate test name %q", name)
	}
	seen[name] = true
}

// ref is what the reference BFS knows about a model.
type ref struct {
	distinct    int64
	transitions int64
	maxDepth    int
	depth       map[string]int // encoding -> BFS depth
	// Depth of the first state violating an invariant, of the first
	// deadlock, and of the first source of a transition violating a
	// property; -1 when there is none.
	invDepth, deadDepth, propDepth int
}

// refBFS is the obviously correct oracle: a sequential BFS over the
// model's fields, with a Go map of encodings as the set of seen states. It
// does not stop at violations; with maxDepth > 0 it does not expand states
// at that depth.
func refBFS[S any](m *model.Model[S], maxDepth int) ref {
	r := ref{depth: map[string]int{}, invDepth: -1, deadDepth: -1, propDepth: -1}
	first := func(p *int, d int) {
		if *p < 0 {
			*p = d
		}
	}
	key := func(s *S) string { return fmt.Sprintf("%#v", s) }
	var frontier []S
	for i := range m.Init {
		s := m.Clone(&m.Init[i])
		if _, ok := r.depth[key(&s)]; !ok {
			r.depth[key(&s)] = 0
			frontier = append(frontier, s)
		}
	}
	for d := 0; len(frontier) > 0; d++ {
		r.maxDepth = d
		var next []S
		for i := range frontier {
			s := &frontier[i]
			for _, inv := range m.Invariants {
				if !inv.Check(s) {
					first(&r.invDepth, d)
				}
			}
			if maxDepth > 0 && d >= maxDepth {
				continue
			}
			enabled := 0
			for _, a := range m.Actions {
				for c := range a.Choices {
					if !a.Enabled(s, c) {
						continue
					}
					enabled++
					r.transitions++
					n := m.Clone(s)
					a.Effect(&n, c)
					for _, p := range m.Properties {
						if !p.Check(s, model.Step{Action: a.Name, Args: a.Args(c)}, &n) {
							first(&r.propDepth, d)
						}
					}
					if ok, _ := m.Within(&n); !ok {
						// Outside the constraints: checked, as TLC does,
						// but neither counted nor expanded.
						for _, inv := range m.Invariants {
							if !inv.Check(&n) {
								first(&r.invDepth, d+1)
							}
						}
						continue
					}
					if _, ok := r.depth[key(&n)]; !ok {
						r.depth[key(&n)] = d + 1
						next = append(next, n)
					}
				}
			}
			if enabled == 0 && (m.Terminal == nil || !m.Terminal(s)) {
				first(&r.deadDepth, d)
			}
		}
		frontier = next
	}
	r.distinct = int64(len(r.depth))
	return r
}

// complete reports whether BFS should finish without a violation.
func (r ref) complete() bool { return r.invDepth < 0 && r.deadDepth < 0 && r.propDepth < 0 }

// bfsOutcomes returns the violations a BFS may report, as kind -> trace
// length. BFS expands level L, checking the invariants of the new states
// at depth L+1, the properties of the transitions from depth L, and
// deadlocks at depth L; it stops at the first level where anything fails,
// and any of the failures of that level may be the one reported. Initial
// states are checked before any level.
func (r ref) bfsOutcomes(noDeadlock bool) map[explorer.Kind]int {
	if r.invDepth == 0 {
		return map[explorer.Kind]int{explorer.InvariantKind: 0}
	}
	level := -1
	consider := func(l int) {
		if l >= 0 && (level < 0 || l < level) {
			level = l
		}
	}
	if r.invDepth > 0 {
		consider(r.invDepth - 1)
	}
	if !noDeadlock {
		consider(r.deadDepth)
	}
	consider(r.propDepth)
	out := map[explorer.Kind]int{}
	if level < 0 {
		return out
	}
	if r.invDepth > 0 && r.invDepth-1 == level {
		out[explorer.InvariantKind] = level + 1
	}
	if !noDeadlock && r.deadDepth == level {
		out[explorer.DeadlockKind] = level
	}
	if r.propDepth == level {
		out[explorer.PropertyKind] = level + 1
	}
	return out
}

// choiceOf returns the choice of a whose arguments are args, or -1.
func choiceOf[S any](a *model.Action[S], args []any) int {
	for c := range a.Choices {
		if reflect.DeepEqual(a.Args(c), args) {
			return c
		}
	}
	return -1
}

// checkTrace replays v's trace through the model from its initial state:
// the first state is an initial state, each step is enabled and leads to
// the next state, and the violation shows where the trace ends.
func checkTrace[S any](t tb, what string, m *model.Model[S], v *explorer.Violation[S]) {
	t.Helper()
	t = prefixed{t, what + ": " + v.String() + ": "}
	tr := v.Trace
	if len(tr.States) != len(tr.Steps)+1 {
		t.Fatalf("trace has %d states and %d steps", len(tr.States), len(tr.Steps))
	}
	enc := func(s *S) uint64 { return m.Fingerprint(s) }
	isInit := false
	for i := range m.Init {
		isInit = isInit || enc(&m.Init[i]) == enc(&tr.States[0])
	}
	if !isInit {
		t.Fatalf("trace starts at %+v, which is not an initial state", tr.States[0])
	}
	for i, st := range tr.Steps {
		a := m.Action(st.Action)
		if a == nil {
			t.Fatalf("step %d: no action %q", i+1, st.Action)
		}
		c := choiceOf(a, st.Args)
		if c < 0 {
			t.Fatalf("step %d: %v has arguments outside the domains", i+1, st)
		}
		prev := m.Clone(&tr.States[i])
		if !a.Enabled(&prev, c) {
			t.Fatalf("step %d: %v is not enabled in %+v", i+1, st, tr.States[i])
		}
		if a.Output != nil && !reflect.DeepEqual(a.Output(&prev, c), st.Output) {
			t.Errorf("step %d: %v has output %v, the model says %v", i+1, st, st.Output, a.Output(&prev, c))
		}
		next := m.Clone(&prev)
		a.Effect(&next, c)
		if enc(&next) != enc(&tr.States[i+1]) {
			t.Fatalf("step %d: %v leads to %+v, the trace says %+v", i+1, st, next, tr.States[i+1])
		}
	}
	last := &tr.States[len(tr.States)-1]
	switch v.Kind {
	case explorer.InvariantKind:
		for _, inv := range m.Invariants {
			if inv.Name == v.Name {
				if inv.Check(last) {
					t.Fatalf("invariant %s holds at the end of the trace, %+v", v.Name, *last)
				}
				return
			}
		}
		t.Fatalf("violation names invariant %q, which the model lacks", v.Name)
	case explorer.DeadlockKind:
		for _, a := range m.Actions {
			for c := range a.Choices {
				if a.Enabled(last, c) {
					t.Fatalf("deadlock reported at %+v, but %s is enabled", *last, a.Label(c))
				}
			}
		}
		if m.Terminal != nil && m.Terminal(last) {
			t.Fatalf("deadlock reported at a terminal state %+v", *last)
		}
	case explorer.PropertyKind:
		if tr.Len() == 0 {
			t.Fatalf("property violation with an empty trace")
		}
		st := tr.Steps[tr.Len()-1]
		for _, p := range m.Properties {
			if p.Name == v.Name {
				if p.Check(&tr.States[tr.Len()-1], model.Step{Action: st.Action, Args: st.Args}, last) {
					t.Fatalf("property %s holds for the last step %v", v.Name, st)
				}
				return
			}
		}
		t.Fatalf("violation names property %q, which the model lacks", v.Name)
	case explorer.PanicKind, explorer.ImpureKind:
		if v.Attempted != nil {
			if a := m.Action(v.Attempted.Action); a == nil || choiceOf(a, v.Attempted.Args) < 0 {
				t.Fatalf("attempted step %v is not a step of the model", *v.Attempted)
			}
		}
	}
}

// prefixed prefixes every message.
type prefixed struct {
	tb
	prefix string
}

func (p prefixed) Errorf(format string, args ...any) {
	p.tb.Helper()
	p.tb.Errorf(p.prefix+format, args...)
}

func (p prefixed) Fatalf(format string, args ...any) {
	p.tb.Helper()
	p.tb.Fatalf(p.prefix+format, args...)
}

// explore runs Explore and fails the test on an error or a panic out of
// Explore, which must never panic.
func explore[S any](t tb, ctx context.Context, m *model.Model[S], opts explorer.Options) (res *explorer.Result[S]) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("Explore(%s) panicked: %v", opts.Strategy, v)
		}
	}()
	res, err := explorer.Explore(ctx, m, opts)
	if err != nil {
		t.Fatalf("Explore(%s) error: %v", opts.Strategy, err)
	}
	return res
}

// single returns the one violation of res.
func single[S any](t tb, res *explorer.Result[S]) *explorer.Violation[S] {
	t.Helper()
	if res.Status != explorer.Violated || len(res.Violations) != 1 {
		t.Fatalf("Explore() = status %v reason %q with %d violations, want one violation", res.Status, res.Reason, len(res.Violations))
	}
	return res.Violations[0]
}

// Small models shared by the tests.

// Jugs is the DieHard puzzle.
type Jugs struct{ Small, Big int }

func dieHard(t tb) *model.Model[Jugs] {
	t.Helper()
	m := dsl.New[Jugs]("DieHard")
	m.Init(Jugs{})
	m.Action("FillSmall", nil, func(s *Jugs) { s.Small = 3 })
	m.Action("FillBig", nil, func(s *Jugs) { s.Big = 5 })
	m.Action("EmptySmall", nil, func(s *Jugs) { s.Small = 0 })
	m.Action("EmptyBig", nil, func(s *Jugs) { s.Big = 0 })
	m.Action("SmallToBig", nil, func(s *Jugs) { n := min(s.Small, 5-s.Big); s.Small, s.Big = s.Small-n, s.Big+n })
	m.Action("BigToSmall", nil, func(s *Jugs) { n := min(s.Big, 3-s.Small); s.Small, s.Big = s.Small+n, s.Big-n })
	m.Invariant("NotSolved", func(s Jugs) bool { return s.Big != 4 })
	out, err := m.Build()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// Counter is the state of chain models.
type Counter struct{ X int }

// chain counts from 0 to n and stops there; opts adds to the model before
// it is built.
func chain(t tb, n int, opts ...func(*dsl.Model[Counter])) *model.Model[Counter] {
	t.Helper()
	m := dsl.New[Counter]("Chain")
	m.Init(Counter{})
	m.Action("Inc", func(s Counter) bool { return s.X < n }, func(s *Counter) { s.X++ })
	for _, o := range opts {
		o(m)
	}
	out, err := m.Build()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}
