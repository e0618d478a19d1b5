package explorer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

var strategies = []explorer.Options{
	{Strategy: explorer.BFS, Workers: 1},
	{Strategy: explorer.BFS, Workers: 2},
	{Strategy: explorer.DFS},
	{Strategy: explorer.Random, Workers: 1, Walks: 20, Seed: 1},
	{Strategy: explorer.Random, Workers: 2, Walks: 20, Seed: 1},
}

func name(o explorer.Options) string { return fmt.Sprintf("%s/workers=%d", o.Strategy, o.Workers) }

func with(o explorer.Options, f func(*explorer.Options)) explorer.Options {
	f(&o)
	return o
}

func xs(n int) []Counter {
	out := make([]Counter, n+1)
	for i := range out {
		out[i].X = i
	}
	return out
}

func steps(names ...string) []model.Step {
	out := make([]model.Step, len(names))
	for i, n := range names {
		out[i] = model.Step{Action: n}
	}
	return out
}

func TestExplore_Deadlock(t *testing.T) {
	for _, o := range strategies {
		t.Run(name(o), func(t *testing.T) {
			m := chain(t, 3)
			v := single(t, explore(t, context.Background(), m, o))
			want := &explorer.Violation[Counter]{
				Kind:    explorer.DeadlockKind,
				Message: "no action is enabled and the state is not marked terminal",
				Trace:   model.Trace[Counter]{States: xs(3), Steps: steps("Inc", "Inc", "Inc")},
			}
			if d := cmp.Diff(want, v); d != "" {
				t.Errorf("deadlock mismatch (-want +got):\n%s", d)
			}
			checkTrace(t, name(o), m, v)
		})
	}
}

func TestExplore_DeadlockTerminalOrOff(t *testing.T) {
	tests := []struct {
		name   string
		model  func(t *testing.T) *model.Model[Counter]
		opts   func(explorer.Options) explorer.Options
		reason string
	}{
		{
			name: "terminal",
			model: func(t *testing.T) *model.Model[Counter] {
				return chain(t, 3, func(m *dsl.Model[Counter]) { m.Terminal(func(s Counter) bool { return s.X == 3 }) })
			},
			opts:   func(o explorer.Options) explorer.Options { return o },
			reason: "a state marked terminal may have no enabled action",
		},
		{
			name:   "no_deadlock_option",
			model:  func(t *testing.T) *model.Model[Counter] { return chain(t, 3) },
			opts:   func(o explorer.Options) explorer.Options { o.NoDeadlock = true; return o },
			reason: "NoDeadlock turns the check off",
		},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		for _, o := range strategies {
			t.Run(tt.name+"/"+name(o), func(t *testing.T) {
				res := explore(t, context.Background(), tt.model(t), tt.opts(o))
				want := explorer.Complete
				if o.Strategy == explorer.Random {
					want = explorer.Incomplete // walks never prove completeness
				}
				if res.Status != want || len(res.Violations) != 0 || res.Stats.Distinct != 4 {
					t.Errorf("Explore() = %v (%q), %d states, %v; want %v with 4 states (%s)",
						res.Status, res.Reason, res.Stats.Distinct, res.Violations, want, tt.reason)
				}
			})
		}
	}
}

// boom panics; its line is the line the panic reports show.
func boom(v any) { panic(v) }

// boomAt is the file:line of the panic in boom, as a stack trace shows it.
func boomAt() string {
	file, line := runtime.FuncForPC(reflect.ValueOf(boom).Pointer()).FileLine(reflect.ValueOf(boom).Pointer())
	return fmt.Sprintf("%s:%d", filepath.Base(file), line)
}

// Holder has an interface field, which a func can end up in at run time.
type Holder struct {
	X   int
	Any any
}

func TestExplore_Panics(t *testing.T) {
	at2 := func(s Counter) bool { return s.X == 2 }
	tests := []struct {
		name string
		// where installs the panicking code into the chain 0..4.
		where     func(m *dsl.Model[Counter])
		wantName  string
		wantMsg   string
		wantLen   int
		attempted bool
		reason    string
	}{
		{
			name: "guard",
			where: func(m *dsl.Model[Counter]) {
				m.Action("Check", func(s Counter) bool {
					if at2(s) {
						boom("guard boom")
					}
					return false
				}, func(*Counter) {})
			},
			wantName: "Check", wantMsg: "guard of Check panicked: guard boom", wantLen: 2, attempted: true,
			reason: "a guard that panics at X=2 is attempted from the state X=2",
		},
		{
			name: "effect",
			where: func(m *dsl.Model[Counter]) {
				dsl.Action1(m, "Poke", dsl.Values("n", 7), func(s Counter, _ int) bool { return at2(s) },
					func(s *Counter, n int) { boom(fmt.Sprintf("effect boom %d", n)) })
			},
			wantName: "Poke", wantMsg: "effect of Poke(7) panicked: effect boom 7", wantLen: 2, attempted: true,
			reason: "an effect that panics has no successor; the trace ends where it was attempted",
		},
		{
			name: "invariant",
			where: func(m *dsl.Model[Counter]) {
				m.Invariant("Fragile", func(s Counter) bool {
					if at2(s) {
						boom("invariant boom")
					}
					return true
				})
			},
			wantName: "Fragile", wantMsg: "invariant Fragile panicked: invariant boom", wantLen: 2,
			reason: "the trace leads to the state the invariant panicked on",
		},
		{
			name: "property",
			where: func(m *dsl.Model[Counter]) {
				m.Property("Touchy", func(prev Counter, _ model.Step, next Counter) bool {
					if at2(prev) {
						boom("property boom")
					}
					return true
				})
			},
			wantName: "Touchy", wantMsg: "property Touchy panicked: property boom", wantLen: 3,
			reason: "the trace ends with the step the property panicked on",
		},
		{
			name: "terminal",
			where: func(m *dsl.Model[Counter]) {
				m.Terminal(func(s Counter) bool { boom("terminal boom"); return true })
			},
			wantMsg: "terminal predicate panicked: terminal boom", wantLen: 4,
			reason: "the terminal predicate runs at the deadlocked state X=4",
		},
		{
			name: "runtime_error",
			where: func(m *dsl.Model[Counter]) {
				m.Action("Index", func(s Counter) bool { return at2(s) }, func(s *Counter) {
					var a []int
					s.X = a[s.X]
				})
			},
			wantName: "Index", wantMsg: "effect of Index panicked: runtime error: index out of range [2] with length 0", wantLen: 2, attempted: true,
			reason: "runtime errors are panics like any other",
		},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		for _, o := range strategies {
			t.Run(tt.name+"/"+name(o), func(t *testing.T) {
				// X=4 is terminal unless the case says otherwise, so that
				// DFS comes back to X=2 after reaching the end.
				m := chain(t, 4, func(m *dsl.Model[Counter]) { m.Terminal(func(s Counter) bool { return s.X == 4 }) }, tt.where)
				v := single(t, explore(t, context.Background(), m, o))
				if v.Kind != explorer.PanicKind || v.Name != tt.wantName {
					t.Errorf("violation %v named %q, want a panic named %q", v.Kind, v.Name, tt.wantName)
				}
				first, stack, _ := strings.Cut(v.Message, "\n")
				if first != tt.wantMsg {
					t.Errorf("message %q, want %q", first, tt.wantMsg)
				}
				if tt.name != "runtime_error" && !strings.Contains(stack, boomAt()) {
					t.Errorf("message does not show the panic's line %s in the user's code:\n%s", boomAt(), v.Message)
				}
				if !strings.Contains(stack, "violations_external_test.go:") {
					t.Errorf("message does not show the user's code:\n%s", v.Message)
				}
				if strings.Contains(stack, "mbt/explorer.") {
					t.Errorf("message shows the explorer's own frames:\n%s", v.Message)
				}
				if v.Trace.Len() != tt.wantLen {
					t.Errorf("trace has %d steps, want %d (%s)", v.Trace.Len(), tt.wantLen, tt.reason)
				}
				if got := v.Trace.States[len(v.Trace.States)-1].X; got != tt.wantLen {
					t.Errorf("trace ends at X=%d, want X=%d", got, tt.wantLen)
				}
				if tt.attempted {
					if v.Attempted == nil || v.Attempted.Action != tt.wantName {
						t.Errorf("Attempted = %v, want a step of %s", v.Attempted, tt.wantName)
					}
				} else if v.Attempted != nil {
					t.Errorf("Attempted = %v, want nil", *v.Attempted)
				}
				checkTrace(t, name(o), m, v)
			})
		}
	}
}

// TestExplore_PanicInInitialState checks panics in the checks of an
// initial state: the trace is the initial state alone.
func TestExplore_PanicInInitialState(t *testing.T) {
	for _, o := range strategies {
		t.Run(name(o), func(t *testing.T) {
			m := chain(t, 2, func(m *dsl.Model[Counter]) {
				m.Invariant("Early", func(s Counter) bool { boom("early"); return true })
			})
			v := single(t, explore(t, context.Background(), m, o))
			if v.Kind != explorer.PanicKind || v.Name != "Early" || v.Trace.Len() != 0 || v.Attempted != nil {
				t.Errorf("got %v named %q with %d steps, attempted %v; want a panic of Early at the initial state", v.Kind, v.Name, v.Trace.Len(), v.Attempted)
			}
		})
	}
}

// TestExplore_PanicInFingerprint checks a state that cannot be
// fingerprinted: a func stored in an interface field by an effect.
func TestExplore_PanicInFingerprint(t *testing.T) {
	for _, o := range strategies {
		t.Run(name(o), func(t *testing.T) {
			m := dsl.New[Holder]("Holder")
			m.Init(Holder{})
			m.Action("Inc", func(s Holder) bool { return s.X < 3 }, func(s *Holder) {
				s.X++
				if s.X == 2 {
					s.Any = func() {}
				}
			})
			built := m.MustBuild()
			v := single(t, explore(t, context.Background(), built, o))
			if v.Kind != explorer.PanicKind || !strings.Contains(v.Message, "fingerprint") {
				t.Errorf("got %v: %s; want a panic while fingerprinting", v.Kind, v.Message)
			}
		})
	}
}

// Shared is a state whose Clone is shallow: its map is shared between a
// state and its copies.
type Shared struct {
	X int
	M map[string]int
}

func (s Shared) Clone() Shared { return s }

// Plain is a state with a map and the generated deep copy.
type Plain struct {
	X int
	M map[string]int
}

func TestExplore_Purity(t *testing.T) {
	guardWrites := func() *model.Model[Plain] {
		m := dsl.New[Plain]("GuardWrites")
		m.Init(Plain{M: map[string]int{}})
		m.Action("Inc", func(s Plain) bool { return s.X < 3 }, func(s *Plain) { s.X++ })
		dsl.Action1(m, "Peek", dsl.Range("k", 0, 1), func(s Plain, k int) bool {
			if s.X == 1 {
				s.M["peeked"] = 1 // the guard's copy shares the map
			}
			return false
		}, func(*Plain, int) {})
		m.Terminal(func(s Plain) bool { return s.X == 3 })
		return m.MustBuild()
	}
	effectWrites := func() *model.Model[Shared] {
		m := dsl.New[Shared]("EffectWrites")
		m.Init(Shared{M: map[string]int{}})
		m.Action("Inc", func(s Shared) bool { return s.X < 3 }, func(s *Shared) {
			s.X++
			if s.X == 2 {
				s.M["two"] = 2 // the shallow Clone shares the map with the state
			}
		})
		m.Terminal(func(s Shared) bool { return s.X == 3 })
		return m.MustBuild()
	}
	for _, o := range strategies {
		t.Run("guard/"+name(o), func(t *testing.T) {
			m := guardWrites()
			v := single(t, explore(t, context.Background(), m, with(o, func(o *explorer.Options) { o.CheckPurity = true })))
			if v.Kind != explorer.ImpureKind || v.Name != "Peek" || !strings.Contains(v.Message, "Peek(0)") {
				t.Errorf("got %v named %q: %s; want the impure action Peek(0)", v.Kind, v.Name, v.Message)
			}
			if v.Trace.Len() != 1 || v.Attempted == nil || v.Attempted.Action != "Peek" {
				t.Errorf("trace of %d steps, attempted %v; want 1 step to X=1 and Peek attempted", v.Trace.Len(), v.Attempted)
			}

			res := explore(t, context.Background(), guardWrites(), o)
			for _, v := range res.Violations {
				if v.Kind == explorer.ImpureKind {
					t.Errorf("without CheckPurity: %v", v)
				}
			}
		})
		t.Run("effect/"+name(o), func(t *testing.T) {
			if o.Workers > 1 {
				// The shared map is shared between workers too: the
				// model is racy, not just impure.
				t.Skip("racy model")
			}
			m := effectWrites()
			v := single(t, explore(t, context.Background(), m, with(o, func(o *explorer.Options) { o.CheckPurity = true })))
			if v.Kind != explorer.ImpureKind || v.Name != "Inc" {
				t.Errorf("got %v named %q: %s; want the impure action Inc", v.Kind, v.Name, v.Message)
			}
			if v.Trace.Len() != 1 || v.Attempted == nil || v.Attempted.Action != "Inc" {
				t.Errorf("trace of %d steps, attempted %v; want 1 step to X=1 and Inc attempted", v.Trace.Len(), v.Attempted)
			}

			res := explore(t, context.Background(), effectWrites(), o)
			for _, v := range res.Violations {
				if v.Kind == explorer.ImpureKind {
					t.Errorf("without CheckPurity: %v", v)
				}
			}
		})
	}
}

// TestExplore_PureModelIsPure checks that CheckPurity reports nothing on
// models whose guards and effects behave.
func TestExplore_PureModelIsPure(t *testing.T) {
	m := dieHard(t)
	m.Invariants = nil
	for _, o := range strategies {
		res := explore(t, context.Background(), m, with(o, func(o *explorer.Options) { o.CheckPurity = true }))
		if len(res.Violations) != 0 {
			t.Errorf("%s: %v on a pure model", name(o), res.Violations[0])
		}
	}
}

func TestExplore_Property(t *testing.T) {
	build := func(t *testing.T) *model.Model[Counter] {
		return chain(t, 4, func(m *dsl.Model[Counter]) {
			m.Terminal(func(s Counter) bool { return s.X == 4 })
			dsl.Action1(m, "Back", dsl.Values("by", 1), func(s Counter, _ int) bool { return s.X == 2 },
				func(s *Counter, by int) { s.X -= by }).
				Returns(func(s Counter, by int) any { return fmt.Sprintf("%d-%d", s.X, by) })
			m.Property("Monotone", func(prev Counter, step model.Step, next Counter) bool {
				return next.X >= prev.X
			})
		})
	}
	for _, o := range strategies {
		t.Run(name(o), func(t *testing.T) {
			m := build(t)
			v := single(t, explore(t, context.Background(), m, o))
			if v.Kind != explorer.PropertyKind || v.Name != "Monotone" {
				t.Fatalf("got %v named %q, want property Monotone", v.Kind, v.Name)
			}
			want := model.Trace[Counter]{
				States: []Counter{{0}, {1}, {2}, {1}},
				Steps:  []model.Step{{Action: "Inc"}, {Action: "Inc"}, {Action: "Back", Args: []any{1}, Output: "2-1"}},
			}
			if d := cmp.Diff(want, v.Trace); d != "" {
				t.Errorf("trace mismatch, it must end with the offending step (-want +got):\n%s", d)
			}
			if !strings.Contains(v.Message, "Back(1)") {
				t.Errorf("message %q does not name the step", v.Message)
			}
			checkTrace(t, name(o), m, v)
		})
	}
}

// TestExplore_InvariantAllStrategies checks that every strategy reports an
// invariant with a trace that ends in the violating state.
func TestExplore_InvariantAllStrategies(t *testing.T) {
	for _, o := range strategies {
		t.Run(name(o), func(t *testing.T) {
			m := chain(t, 5, func(m *dsl.Model[Counter]) {
				m.Invariant("Small", func(s Counter) bool { return s.X < 3 })
			})
			v := single(t, explore(t, context.Background(), m, o))
			want := &explorer.Violation[Counter]{
				Kind: explorer.InvariantKind, Name: "Small", Message: "invariant Small is false",
				Trace: model.Trace[Counter]{States: xs(3), Steps: steps("Inc", "Inc", "Inc")},
			}
			if d := cmp.Diff(want, v); d != "" {
				t.Errorf("violation mismatch (-want +got):\n%s", d)
			}
		})
	}
}
