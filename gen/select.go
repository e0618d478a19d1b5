package gen

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/explorer"
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
	// Boundaries: for each action and arguments, a state where it just
	// became enabled (and is taken), one where it just became disabled (and
	// is tried as a negative step), and a negative step for every action
	// that is ever disabled.
	Boundaries Criterion = "boundaries"
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

var allCriteria = []Criterion{States, Transitions, Actions, Pairs, Boundaries, Counterexamples, Random}

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

// Options configure Select. The zero value selects transitions and
// boundaries with tests of at most 50 steps (more on deep state graphs, see
// MaxSteps).
type Options struct {
	_ struct{}

	// Criteria to meet; default transitions and boundaries.
	Criteria []Criterion
	// MaxSteps is the longest test a tour makes before it starts a new one
	// (default 50, or four times the depth of the state graph if that is
	// more). A test is longer only when it is a shortest path to its last
	// transition. A test that goes on where a cut tour stopped first replays
	// a shortest path to that state; the transitions tour is cut where those
	// paths are shortest in total. Cuts cost steps: where states can be
	// revisited (such as a ledger that goes up and down), a limit well below
	// four times the depth can make the suite several times longer.
	MaxSteps int
	// Seed, Walks and WalkSteps shape the Random criterion (defaults 1, 10
	// and 20).
	Seed      int64
	Walks     int
	WalkSteps int
	// MaxStates bounds the state graph (default 100,000).
	MaxStates int
}

// Test is one generated test: steps from an initial state.
type Test struct {
	// Name is derived from the criterion and the steps, so it does not
	// change when unrelated tests do.
	Name      string
	Criterion Criterion
	// Init is the index of the initial state.
	Init  int
	Steps []adapters.Step
	// Outputs are the outputs the model expects, one per step (nil where
	// none).
	Outputs []any
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
}

func (r Report) String() string {
	pct := 100.0
	if r.Items > 0 {
		pct = 100 * float64(r.Covered) / float64(r.Items)
	}
	if r.From != "" {
		return fmt.Sprintf("%s: %d %s, %d %s from %s", r.Criterion, r.Tests, plural(r.Tests, "test", "tests"),
			r.Steps, plural(r.Steps, "step", "steps"), r.From)
	}
	s := fmt.Sprintf("%s: %d tests, %d steps cover %.0f%% of %d %s", r.Criterion, r.Tests, r.Steps, pct, r.Items, r.Unit)
	for _, m := range r.Missed {
		s += "\n\t" + m
	}
	return s
}

// Suite is the tests selected for a model.
type Suite struct {
	Model   string
	Tests   []Test
	Reports []Report
	// States and Transitions are the size of the model's state graph.
	States, Transitions int
}

// Select explores m and chooses tests that meet the criteria.
func Select[S any](ctx context.Context, m *model.Model[S], opts Options) (*Suite, error) {
	if len(opts.Criteria) == 0 {
		opts.Criteria = []Criterion{Transitions, Boundaries}
	}
	if opts.MaxStates <= 0 {
		opts.MaxStates = 100_000
	}
	g, err := explorer.BuildGraph(ctx, m, opts.MaxStates)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	if opts.MaxSteps <= 0 {
		opts.MaxSteps = defaultMaxSteps(g.Depth)
	}
	sel := newSelector(g, opts)
	suite := &Suite{Model: m.Name, States: len(g.States), Transitions: g.Transitions()}
	for _, c := range opts.Criteria {
		var tests []Test
		var rep Report
		switch c {
		case Transitions:
			tests, rep = sel.transitions()
		case States:
			tests, rep = sel.states()
		case Actions:
			tests, rep = sel.actions()
		case Pairs:
			tests, rep = sel.pairs()
		case Boundaries:
			tests, rep = sel.boundaries()
		case Random:
			tests, rep = sel.random()
		case Counterexamples:
			tests, rep, err = counterexamples(ctx, m, sel)
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("gen: unknown criterion %q", c)
		}
		rep.Criterion = c
		rep.Tests = len(tests)
		for _, t := range tests {
			rep.Steps += len(t.Steps)
		}
		suite.Reports = append(suite.Reports, rep)
		suite.Tests = append(suite.Tests, tests...)
	}
	suite.Tests = nameTests(m.Name, suite.Tests)
	return suite, nil
}

// TraceSuite returns a suite of one test, of criterion [Trace], that
// drives the steps of a trace from the model's initial state init (an
// index into Model.Init): the steps that tlaimport.Infer finds for a TLA+
// trace, with the outputs the model expects (one per step, nil where
// none). source names the trace file for the report and the generated
// file's comment; the test is named like the tests of [Select], from the
// model's name, the criterion and the steps.
func TraceSuite(modelName string, init int, steps []adapters.Step, outputs []any, source string) *Suite {
	t := Test{Criterion: Trace, Init: init, Steps: steps, Outputs: outputs}
	return &Suite{
		Model:   modelName,
		Tests:   nameTests(modelName, []Test{t}),
		Reports: []Report{{Criterion: Trace, Tests: 1, Steps: len(steps), From: source}},
	}
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// defaultMaxSteps is 50, or four times the depth of the state graph if
// that is more: the path that leads back to where a cut tour goes on is
// then a small part of each test.
func defaultMaxSteps(depth []int32) int {
	d := 0
	for _, x := range depth {
		d = max(d, int(x))
	}
	return max(50, 4*d)
}

// selector walks a state graph to build tests.
type selector[S any] struct {
	g    *explorer.Graph[S]
	opts Options
	base []int // base[s]: global index of state s's first edge
	// BFS scratch
	seen   []int32
	epoch  int32
	parent []int32 // global edge index into a state on the BFS tree
	queue  []int32
	src    []int32 // source state of each global edge
}

func newSelector[S any](g *explorer.Graph[S], opts Options) *selector[S] {
	sel := &selector[S]{g: g, opts: opts, base: make([]int, len(g.States)+1)}
	for s, es := range g.Edges {
		sel.base[s+1] = sel.base[s] + len(es)
	}
	sel.src = make([]int32, sel.base[len(g.States)])
	for s, es := range g.Edges {
		for i := range es {
			sel.src[sel.base[s]+i] = int32(s)
		}
	}
	sel.seen = make([]int32, len(g.States))
	sel.parent = make([]int32, len(g.States))
	return sel
}

// edge returns the edge with global index e.
func (sel *selector[S]) edge(e int) explorer.Edge {
	s := sel.src[e]
	return sel.g.Edges[s][e-sel.base[s]]
}

// nearest finds, breadth-first from state from (entered by global edge
// prev, -1 at the start), the closest edge e with useful(prevEdge, e) and
// returns the global edges of the path that ends with it, or nil.
func (sel *selector[S]) nearest(from int, prev int, useful func(prev, e int) bool) []int {
	sel.epoch++
	sel.queue = append(sel.queue[:0], int32(from))
	sel.seen[from] = sel.epoch
	sel.parent[from] = int32(prev)
	for qi := 0; qi < len(sel.queue); qi++ {
		s := int(sel.queue[qi])
		in := int(sel.parent[s])
		for i, ed := range sel.g.Edges[s] {
			e := sel.base[s] + i
			if useful(in, e) {
				return sel.pathTo(from, s, e)
			}
			if to := ed.To; sel.seen[to] != sel.epoch {
				sel.seen[to] = sel.epoch
				sel.parent[to] = int32(e)
				sel.queue = append(sel.queue, to)
			}
		}
	}
	return nil
}

// pathTo returns the BFS path from from to s followed by edge last.
func (sel *selector[S]) pathTo(from, s, last int) []int {
	path := []int{last}
	for s != from {
		e := int(sel.parent[s])
		path = append(path, e)
		s = int(sel.src[e])
	}
	slices.Reverse(path)
	return path
}

// tour builds tests that take every useful edge reachable from an initial
// state: from the current state it walks to the nearest useful edge, takes
// it, and starts a new test from an initial state when none is reachable or
// the test is long enough. take marks what an edge covered.
func (sel *selector[S]) tour(crit Criterion, useful func(prev, e int) bool, take func(prev, e int)) []Test {
	var tests []Test
	for init := range sel.g.Inits {
		t := Test{Criterion: crit, Init: init}
		cur, prev := init, -1
		for {
			path := sel.nearest(cur, prev, useful)
			if len(t.Steps) > 0 && (path == nil || len(t.Steps)+len(path) > sel.opts.MaxSteps) {
				// Reset, and look again from the initial state.
				tests = append(tests, t)
				t = Test{Criterion: crit, Init: init}
				cur, prev = init, -1
				continue
			}
			if path == nil {
				break
			}
			for _, e := range path {
				take(prev, e)
				sel.appendEdge(&t, e)
				prev, cur = e, int(sel.edge(e).To)
			}
		}
	}
	return tests
}

// tourGraph returns the view of the graph that edgeCover needs.
func (sel *selector[S]) tourGraph() *tourGraph {
	g := sel.g
	return &tourGraph{edges: g.Edges, inits: g.Inits, depth: g.Depth, parent: g.Parent, base: sel.base, src: sel.src}
}

// appendEdge adds the step of global edge e to t.
func (sel *selector[S]) appendEdge(t *Test, e int) {
	from := int(sel.src[e])
	st := sel.g.Step(from, int(sel.edge(e).ID))
	t.Steps = append(t.Steps, adapters.Step{Action: st.Action, Args: st.Args})
	t.Outputs = append(t.Outputs, st.Output)
}

// pathTest returns a test that follows the BFS tree to state s.
func (sel *selector[S]) pathTest(crit Criterion, s int) Test {
	init, path := sel.g.PathTo(s)
	t := Test{Criterion: crit, Init: init}
	for _, pe := range path {
		sel.appendEdge(&t, sel.base[pe.From]+int(pe.Edge))
	}
	return t
}

func (sel *selector[S]) transitions() ([]Test, Report) {
	covered := make([]bool, len(sel.src))
	var tests []Test
	if walks, ok := edgeCover(sel.tourGraph(), sel.opts.MaxSteps); ok {
		for _, w := range walks {
			t := Test{Criterion: Transitions, Init: w.init}
			for _, e := range w.edges {
				covered[e] = true
				sel.appendEdge(&t, int(e))
			}
			tests = append(tests, t)
		}
	} else {
		// Not reached unless the tour has a bug: the greedy tour is slower
		// and longer, but covers every edge too.
		tests = sel.tour(Transitions, func(_, e int) bool { return !covered[e] }, func(_, e int) { covered[e] = true })
	}
	n := 0
	for _, c := range covered {
		if c {
			n++
		}
	}
	rep := Report{Items: len(covered), Covered: n, Unit: "transitions"}
	rep.Missed = sel.neverEnabled()
	return tests, rep
}

func (sel *selector[S]) states() ([]Test, Report) {
	visited := make([]bool, len(sel.g.States))
	for i := range sel.g.Inits {
		visited[i] = true
	}
	tests := sel.tour(States, func(_, e int) bool { return !visited[sel.edge(e).To] },
		func(_, e int) { visited[sel.edge(e).To] = true })
	n := 0
	for _, v := range visited {
		if v {
			n++
		}
	}
	return tests, Report{Items: len(visited), Covered: n, Unit: "states"}
}

func (sel *selector[S]) actions() ([]Test, Report) {
	ids := sel.g.IDs()
	covered := make([]bool, ids)
	tests := sel.tour(Actions, func(_, e int) bool { return !covered[sel.edge(e).ID] },
		func(_, e int) { covered[sel.edge(e).ID] = true })
	n := 0
	for _, c := range covered {
		if c {
			n++
		}
	}
	rep := Report{Items: ids, Covered: n, Unit: "actions with arguments"}
	for id, c := range covered {
		if !c {
			rep.Missed = append(rep.Missed, fmt.Sprintf("%s is never enabled", sel.label(id)))
		}
	}
	return tests, rep
}

func (sel *selector[S]) pairs() ([]Test, Report) {
	type pair struct{ a, b int32 }
	covered := map[pair]bool{}
	total := 0
	// Pairs: an edge into s followed by an edge out of s.
	in := make([]int, len(sel.g.States))
	for e := range sel.src {
		in[sel.edge(e).To]++
	}
	for s := range sel.g.States {
		total += in[s] * len(sel.g.Edges[s])
	}
	tests := sel.tour(Pairs, func(prev, e int) bool {
		if prev < 0 {
			return false
		}
		return !covered[pair{int32(prev), int32(e)}]
	}, func(prev, e int) {
		if prev >= 0 {
			covered[pair{int32(prev), int32(e)}] = true
		}
	})
	// The tour's breadth-first search enters each state by one edge only;
	// pairs that need another way in get a test of their own.
	for e := range sel.src {
		s := int(sel.edge(e).To)
		for i := range sel.g.Edges[s] {
			next := sel.base[s] + i
			if covered[pair{int32(e), int32(next)}] {
				continue
			}
			t := sel.pathTest(Pairs, int(sel.src[e]))
			sel.appendEdge(&t, e)
			sel.appendEdge(&t, next)
			covered[pair{int32(e), int32(next)}] = true
			tests = append(tests, t)
		}
	}
	return tests, Report{Items: total, Covered: len(covered), Unit: "transition pairs"}
}

// boundaries: for every action id (an action with its arguments), the first
// state breadth-first where it just became enabled (taken), where it just
// became disabled, where it is disabled at all, and where it is disabled
// while a sibling that differs in one argument is enabled (each tried as a
// negative step). The last kind tries a refusal where it matters: a
// Transfer("a", "a", 1) where Transfer("a", "b", 1) goes through, a
// Withdraw("a", 2) where Withdraw("a", 1) does.
func (sel *selector[S]) boundaries() ([]Test, Report) {
	g := sel.g
	ids := g.IDs()
	const (
		justOn = iota
		justOff
		refused
		argEdge
		kinds
	)
	siblings := sel.siblings()
	done := make([][kinds]bool, ids)
	exists := make([][kinds]bool, ids)
	var tests []Test
	enabledIn := func(s int) []bool {
		on := make([]bool, ids)
		for _, e := range g.Edges[s] {
			on[e.ID] = true
		}
		return on
	}
	for s := range g.States {
		on := enabledIn(s)
		var pon []bool
		if p := g.Parent[s]; p.From >= 0 {
			pon = enabledIn(int(p.From))
		}
		for id := range ids {
			var ks []int
			if !on[id] {
				ks = append(ks, refused)
				for _, sib := range siblings[id] {
					if on[sib] {
						ks = append(ks, argEdge)
						break
					}
				}
			}
			if pon != nil && on[id] && !pon[id] {
				ks = append(ks, justOn)
			}
			if pon != nil && !on[id] && pon[id] {
				ks = append(ks, justOff)
			}
			for _, k := range ks {
				exists[id][k] = true
				if done[id][k] {
					continue
				}
				done[id][k] = true
				t := sel.pathTest(Boundaries, s)
				a, c := g.Action(id)
				act := g.Actions[a]
				st := adapters.Step{Action: act.Name, Args: act.Args(c), Refused: !on[id]}
				var out any
				if on[id] && act.Output != nil {
					out = act.Output(&g.States[s], c)
				}
				t.Steps = append(t.Steps, st)
				t.Outputs = append(t.Outputs, out)
				tests = append(tests, t)
			}
		}
	}
	items, covered := 0, 0
	for id := range ids {
		for k := range kinds {
			if exists[id][k] {
				items++
				if done[id][k] {
					covered++
				}
			}
		}
	}
	// A just-disabled test is often also the first refused one: keep one.
	tests = dedupe(tests)
	return tests, Report{Items: items, Covered: covered, Unit: "boundaries", Missed: sel.neverEnabled()}
}

// siblings returns, for each action id, the ids of the same action whose
// arguments differ in exactly one position.
func (sel *selector[S]) siblings() [][]int {
	g := sel.g
	out := make([][]int, g.IDs())
	for id := range out {
		a, c := g.Action(id)
		act := g.Actions[a]
		base := id - c
		// Decode c in mixed radix, last parameter fastest.
		idx := make([]int, len(act.Params))
		rest := c
		for p := len(act.Params) - 1; p >= 0; p-- {
			n := len(act.Params[p].Values)
			idx[p] = rest % n
			rest /= n
		}
		for p := range act.Params {
			for v := range act.Params[p].Values {
				if v == idx[p] {
					continue
				}
				alt := 0
				for q := range act.Params {
					x := idx[q]
					if q == p {
						x = v
					}
					alt = alt*len(act.Params[q].Values) + x
				}
				out[id] = append(out[id], base+alt)
			}
		}
	}
	return out
}

func (sel *selector[S]) random() ([]Test, Report) {
	walks, steps := sel.opts.Walks, sel.opts.WalkSteps
	if walks <= 0 {
		walks = 10
	}
	if steps <= 0 {
		steps = 20
	}
	seed := sel.opts.Seed
	if seed == 0 {
		seed = 1
	}
	g := sel.g
	var tests []Test
	seen := map[int]bool{}
	for w := range walks {
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(w)))
		init := rng.IntN(g.Inits)
		t := Test{Criterion: Random, Init: init}
		s := init
		for range steps {
			seen[s] = true
			if len(g.Disabled[s]) > 0 && (len(g.Edges[s]) == 0 || rng.IntN(10) == 0) {
				id := int(g.Disabled[s][rng.IntN(len(g.Disabled[s]))])
				a, c := g.Action(id)
				t.Steps = append(t.Steps, adapters.Step{Action: g.Actions[a].Name, Args: g.Actions[a].Args(c), Refused: true})
				t.Outputs = append(t.Outputs, nil)
				continue
			}
			if len(g.Edges[s]) == 0 {
				break
			}
			i := rng.IntN(len(g.Edges[s]))
			sel.appendEdge(&t, sel.base[s]+i)
			s = int(g.Edges[s][i].To)
		}
		seen[s] = true
		tests = append(tests, t)
	}
	return tests, Report{Items: len(g.States), Covered: len(seen), Unit: "states (visited by the walks)"}
}

// neverEnabled lists the actions no state enables.
func (sel *selector[S]) neverEnabled() []string {
	g := sel.g
	fired := make([]bool, len(g.Actions))
	for _, es := range g.Edges {
		for _, e := range es {
			a, _ := g.Action(int(e.ID))
			fired[a] = true
		}
	}
	var out []string
	for i, f := range fired {
		if !f {
			out = append(out, fmt.Sprintf("action %s is never enabled: no test can take it (its negative steps are tested)", g.Actions[i].Name))
		}
	}
	return out
}

func (sel *selector[S]) label(id int) string {
	a, c := sel.g.Action(id)
	return sel.g.Actions[a].Label(c)
}

// counterexamples adds the shortest trace to each violation found by a
// breadth-first exploration.
func counterexamples[S any](ctx context.Context, m *model.Model[S], sel *selector[S]) ([]Test, Report, error) {
	res, err := explorer.Explore(ctx, m, explorer.Options{Workers: 1, MaxStates: int64(sel.opts.MaxStates)})
	if err != nil {
		return nil, Report{}, fmt.Errorf("gen: %w", err)
	}
	var tests []Test
	for _, v := range res.Violations {
		t := Test{Criterion: Counterexamples}
		for i, st := range v.Trace.Steps {
			_ = i
			t.Steps = append(t.Steps, adapters.Step{Action: st.Action, Args: st.Args})
			t.Outputs = append(t.Outputs, st.Output)
		}
		// Find the initial state the trace starts from.
		fp, _ := m.Codec.Fingerprint(nil, &v.Trace.States[0])
		for i := range m.Init {
			if f, _ := m.Codec.Fingerprint(nil, &m.Init[i]); f == fp {
				t.Init = i
				break
			}
		}
		if v.Attempted == nil {
			tests = append(tests, t)
		}
	}
	rep := Report{Items: len(res.Violations), Covered: len(tests), Unit: "violations"}
	for _, v := range res.Violations {
		if v.Attempted != nil {
			rep.Missed = append(rep.Missed, fmt.Sprintf("%v: not a runnable trace", v))
		}
	}
	return tests, rep, nil
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
		b.WriteString(s.String()) // as %v
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
		name := fmt.Sprintf("Test%s_%s_%08x", Ident(modelName), Ident(string(tests[i].Criterion)), h.Sum32())
		used[name]++
		if n := used[name]; n > 1 {
			name = fmt.Sprintf("%s_%d", name, n)
		}
		tests[i].Name = name
	}
	return tests
}

// Ident makes s an exported Go identifier, or a part of one: letters and
// digits, each word capitalized ("two phase" becomes TwoPhase), "Model" when
// nothing is left. Generated test and adapter names are made with it.
func Ident(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9' && b.Len() > 0:
			if up {
				b.WriteString(strings.ToUpper(string(r)))
				up = false
			} else {
				b.WriteRune(r)
			}
		default:
			up = true
		}
	}
	if b.Len() == 0 {
		return "Model"
	}
	return b.String()
}
