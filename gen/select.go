package gen

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/internal/goname"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
)

// Criterion is a rule for choosing test paths.
type Criterion string

// The selection criteria. They combine: a suite holds the tests of each.
const (
	// States: every reachable state is visited by some test.
	States Criterion = "states"
	// Transitions: every transition (state, action, arguments) is taken by
	// some test, in the fewest steps in total that tests from an initial
	// state can take them (see [Options.MaxSteps] for long tours).
	Transitions Criterion = "transitions"
	// Actions: every action with every argument value that is ever enabled.
	Actions Criterion = "actions"
	// Pairs: every pair of consecutive transitions.
	Pairs Criterion = "pairs"
	// Boundaries: negative steps where they matter: each action with each
	// argument tuple that is ever refused, tried where it is refused;
	// right after each kind of step that disables it (a lease that runs
	// out and one that is released are different bugs); and where an
	// argument tuple that differs in one value is enabled. Without
	// Transitions, also each action and arguments right where it becomes
	// enabled.
	Boundaries Criterion = "boundaries"
	// Conditions: for each named condition of an action's guard
	// (dsl's Requires) and each argument tuple, a state where it is the
	// only false one, where the action is tried as a negative step: an
	// implementation that checks only some parts of a guard is caught
	// (MC/DC-style).
	Conditions Criterion = "conditions"
	// Invalid: each value just outside each parameter's domain
	// (model.Param.Invalid: 0, -1, max+1, an unknown name, the empty
	// string, a reference never created), tried as a negative step where
	// the action with a valid value there is enabled, so that the refusal
	// is the value's.
	Invalid Criterion = "invalid"
	// Reset: a test that resets the implementation in the middle, from a
	// state whose view differs from the initial one, and checks that it is
	// back where it started.
	Reset Criterion = "reset"
	// Counterexamples: the shortest trace to each violation the explorer
	// finds.
	Counterexamples Criterion = "counterexamples"
	// Random: seeded random walks, with some negative steps.
	Random Criterion = "random"
	// Trace: the steps of a TLA+ trace (TLC, Apalache or Quint), replayed
	// on the model, as one test; see [TraceSuite]. It is not a criterion of
	// [Select] or [ParseCriteria].
	Trace Criterion = "trace"
)

var allCriteria = []Criterion{States, Transitions, Actions, Pairs, Boundaries, Conditions, Invalid, Reset, Counterexamples, Random}

// DefaultCriteria are the criteria of [Select] when Options.Criteria is
// empty.
var DefaultCriteria = []Criterion{Transitions, Boundaries, Conditions, Invalid, Reset}

// ParseCriteria parses a comma-separated list such as
// "transitions,boundaries".
func ParseCriteria(list string) ([]Criterion, error) {
	var out []Criterion
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !slices.Contains(allCriteria, Criterion(f)) {
			names := make([]string, len(allCriteria))
			for i, c := range allCriteria {
				names[i] = string(c)
			}
			return nil, fmt.Errorf("unknown criterion %q (want %s)", f, strings.Join(names, ", "))
		}
		if !slices.Contains(out, Criterion(f)) {
			out = append(out, Criterion(f))
		}
	}
	return out, nil
}

// Options configure Select. The zero value selects the default criteria
// within the default budget.
type Options struct {
	_ struct{}

	// Criteria to meet; default [DefaultCriteria].
	Criteria []Criterion
	// TestSteps is the longest test a tour makes before it starts a new
	// one (default 50, or four times the depth of the state graph if that
	// is more). A test is longer only when it is a shortest path to its
	// last transition. A test that goes on where a cut tour stopped first
	// replays a shortest path to that state; the transitions tour is cut
	// where those paths are shortest in total. Cuts cost steps: where
	// states can be revisited (such as a ledger that goes up and down), a
	// limit well below four times the depth can make the suite several
	// times longer.
	TestSteps int
	// MaxTests is the budget of tests (default 400; -1: no limit) and
	// MaxSteps the budget of steps in all tests together (0: no limit).
	// Tests are chosen by what they add: each next test is the one that
	// covers the most of what is not yet covered per step, counting a
	// negative step, a condition or a value outside a domain eight times
	// as much as a transition and a reset sixteen times, until everything
	// is covered or the budget is spent. Reports say what was left out.
	MaxTests, MaxSteps int
	// Seed, Walks and WalkSteps shape the Random criterion (defaults 1, 10
	// and 20).
	Seed      int64
	Walks     int
	WalkSteps int
	// MaxStates bounds the state graph (default 100,000).
	MaxStates int
}

// DefaultMaxTests is the default budget of tests of [Select].
const DefaultMaxTests = 400

// maxNegative is the largest number of negative steps one test tries in a
// row: more would hide later ones behind the first that fails.
const maxNegative = 8

// Test is one generated test: steps from an initial state.
type Test struct {
	// Name is derived from the criterion and the steps, so it does not
	// change when unrelated tests do.
	Name      string
	Criterion Criterion
	// Init is the index of the initial state.
	Init int
	// Steps are the steps, each with the output the model expects (nil
	// where none).
	Steps []model.Step
	// Notes say why a step is there, one per step ("" where it goes
	// without saying), such as which condition is the only false one.
	Notes []string
	// at holds the graph state before each step, and the one after the
	// last; nil for tests that do not come from the graph.
	at []int32
	// walk and violation number the random walk or the counterexample the
	// test is, from 1; 0 for other tests.
	walk, violation int
}

// Report says what one criterion covered.
type Report struct {
	Criterion Criterion
	Tests     int
	Steps     int
	Items     int    // things to cover: transitions, states, ...
	Covered   int    // of which covered
	Unit      string // what Items counts
	// Missed explains items no test can reach, such as actions that are
	// never enabled.
	Missed []string
	// From names the trace file the tests come from (criterion trace);
	// the report then counts tests and steps only.
	From string
	// Dropped counts the tests of this criterion that the budget left out.
	Dropped int
}

func (r Report) String() string {
	pct := 100.0
	if r.Items > 0 {
		pct = 100 * float64(r.Covered) / float64(r.Items)
	}
	if r.From != "" {
		return fmt.Sprintf("%s: %d %s, %d %s from %s", r.Criterion, r.Tests, text.Plural(r.Tests, "test", "tests"),
			r.Steps, text.Plural(r.Steps, "step", "steps"), r.From)
	}
	if r.Items == 0 && r.Tests == 0 && len(r.Missed) == 0 {
		return fmt.Sprintf("%s: nothing to cover (no %s)", r.Criterion, r.Unit)
	}
	unit := r.Unit
	if r.Items == 1 && singular[unit] != "" {
		unit = singular[unit]
	}
	if r.Tests == 0 && r.Items > 0 && r.Covered == r.Items {
		return fmt.Sprintf("%s: the tests of the other criteria cover all %d %s", r.Criterion, r.Items, unit)
	}
	s := fmt.Sprintf("%s: %d %s, %d %s cover %.0f%% of %d %s", r.Criterion, r.Tests, text.Plural(r.Tests, "test", "tests"),
		r.Steps, text.Plural(r.Steps, "step", "steps"), pct, r.Items, unit)
	if pct < 100 && r.Items > 0 && r.Covered < r.Items && r.Dropped > 0 {
		s += fmt.Sprintf(" (the budget left out %d %s; raise -max-tests or -max-steps)", r.Dropped, text.Plural(r.Dropped, "test", "tests"))
	}
	for _, m := range r.Missed {
		s += "\n\t" + m
	}
	return s
}

// singular is the singular of the units of reports.
var singular = map[string]string{
	"transitions": "transition", "states": "state", "actions with arguments": "action with arguments",
	"transition pairs": "transition pair", "boundaries": "boundary", "conditions with arguments": "condition with arguments",
	"values outside domains": "value outside a domain", "resets": "reset", "violations": "violation",
	"random walks": "random walk",
}

// Suite is the tests selected for a model.
type Suite struct {
	Model   string
	Tests   []Test
	Reports []Report
	// States and Transitions are the size of the model's state graph.
	States, Transitions int
}

// dedupe drops tests whose steps repeat an earlier test's.
func dedupe(tests []Test) []Test {
	tests, _ = dedupeKeys(tests)
	return tests
}

// dedupeKeys is dedupe that also returns the stepsKey of each test kept.
func dedupeKeys(tests []Test) ([]Test, []string) {
	seen := make(map[string]bool, len(tests))
	out := tests[:0]
	var keys []string
	for _, t := range tests {
		k := stepsKey(t)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
		keys = append(keys, k)
	}
	return out, keys
}

func stepsKey(t Test) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(t.Init))
	b.WriteByte('|')
	for _, s := range t.Steps {
		if s.Action == adapters.ResetAction && len(s.Args) == 0 {
			// As names have been made since the first reset test.
			b.WriteString("Reset (back to the initial state);")
			continue
		}
		s.Output = nil
		b.WriteString(s.String())
		b.WriteByte(';')
	}
	return b.String()
}

// nameTests names each test Test<Model>_<Criterion>_<hash of its steps>,
// dropping exact duplicates across criteria.
func nameTests(modelName string, tests []Test) []Test {
	tests, keys := dedupeKeys(tests)
	used := map[string]int{}
	for i := range tests {
		h := fnv.New32a()
		h.Write([]byte(keys[i]))
		name := fmt.Sprintf("Test%s_%s_%08x", goname.Exported(modelName), goname.Exported(string(tests[i].Criterion)), h.Sum32())
		used[name]++
		if n := used[name]; n > 1 {
			name = fmt.Sprintf("%s_%d", name, n)
		}
		tests[i].Name = name
	}
	return tests
}
