package gen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/contract"
	"github.com/mbtgo/mbt/model"
)

// Select explores m and chooses tests that meet the criteria.
//
// Every criterion proposes tests; each test covers items (transitions,
// states, negative steps where they matter, conditions, values outside a
// domain, resets) of every criterion asked for, whichever proposed it.
// Tests are then chosen greedily by what they add per step, within the
// budget of Options.MaxTests and Options.MaxSteps, and ordered shortest
// first, so that the first failure a run reports is the shortest one of
// the suite.
func Select[S any](ctx context.Context, m *model.Model[S], opts Options) (*Suite, error) {
	for _, a := range m.Actions {
		if contract.Reserved(a.Name) {
			return nil, fmt.Errorf("gen: %w", contract.ReservedError(a.Name))
		}
	}
	if len(opts.Criteria) == 0 {
		opts.Criteria = DefaultCriteria
	}
	if opts.MaxStates <= 0 {
		opts.MaxStates = 100_000
	}
	if opts.MaxTests == 0 {
		opts.MaxTests = DefaultMaxTests
	}
	g, err := explorer.BuildGraph(ctx, m, opts.MaxStates)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	if opts.TestSteps <= 0 {
		opts.TestSteps = defaultTestSteps(g.Depth)
	}
	sel := newSelector(m, g, opts)
	suite := &Suite{Model: m.Name, States: len(g.States), Transitions: g.Transitions()}
	var cands []Test
	missed := map[Criterion][]string{}
	for _, c := range opts.Criteria {
		var tests []Test
		switch c {
		case Transitions:
			tests = sel.transitions()
			missed[c] = sel.neverEnabled()
		case States:
			tests = sel.states()
		case Actions:
			tests = sel.actions()
			missed[c] = sel.neverEnabledIDs()
		case Pairs:
			tests = sel.pairs()
		case Boundaries, Conditions, Invalid:
			// One pass plans the negative steps of all three.
		case Reset:
			tests = sel.resets()
		case Random:
			tests = sel.random()
		case Counterexamples:
			tests, missed[c], err = counterexamples(ctx, m, sel)
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("gen: unknown criterion %q", c)
		}
		cands = append(cands, tests...)
	}
	if sel.want[Boundaries] || sel.want[Conditions] || sel.want[Invalid] {
		cands = append(cands, sel.negatives()...)
		if sel.want[Boundaries] {
			missed[Boundaries] = sel.neverEnabled()
		}
		if sel.want[Conditions] {
			missed[Conditions], sel.unreachable = sel.conditionsMissed()
		}
	}
	chosen, dropped := sel.choose(cands)
	// The graph's initial states are the distinct ones; a test names the
	// initial state by its index in Model.Init.
	inits := initIndex(m, g)
	for i := range chosen {
		if chosen[i].at != nil {
			chosen[i].Init = inits[chosen[i].Init]
		}
	}
	suite.Tests = order(nameTests(m.Name, chosen))
	suite.Reports = sel.reports(suite.Tests, dropped, missed)
	return suite, nil
}

// initIndex maps each initial state of the graph to the index in m.Init of
// the first initial state equal to it: m.Init may repeat states, which the
// graph keeps once.
func initIndex[S any](m *model.Model[S], g *explorer.Graph[S]) []int {
	out := make([]int, g.Inits)
	for i := range out {
		fp := m.Fingerprint(&g.States[i])
		for j := range m.Init {
			if f := m.Fingerprint(&m.Init[j]); f == fp {
				out[i] = j
				break
			}
		}
	}
	return out
}

// TraceSuite returns a suite of one test, of criterion [Trace], that
// drives the steps of a trace from the model's initial state init (an
// index into Model.Init): the steps that tlaimport.Infer finds for a TLA+
// trace, each with the output the model expects. source names the trace file for the report and the generated
// file's comment; the test is named like the tests of [Select], from the
// model's name, the criterion and the steps.
func TraceSuite(modelName string, init int, steps []model.Step, source string) *Suite {
	t := Test{Criterion: Trace, Init: init, Steps: steps}
	return &Suite{
		Model:   modelName,
		Tests:   nameTests(modelName, []Test{t}),
		Reports: []Report{{Criterion: Trace, Tests: 1, Steps: len(steps), From: source}},
	}
}

// defaultTestSteps is 50, or four times the depth of the state graph if
// that is more: the path that leads back to where a cut tour goes on is
// then a small part of each test.
func defaultTestSteps(depth []int32) int {
	d := 0
	for _, x := range depth {
		d = max(d, int(x))
	}
	return max(50, 4*d)
}

// kind is a kind of coverage item.
type kind uint8

const (
	kEdge        kind = iota // a transition: a = global edge
	kState                   // a state: a = state
	kAction                  // an action with arguments taken: a = id
	kPair                    // two transitions in a row: a, b = global edges
	kRefused                 // a negative step: a = id
	kInitRefused             // a negative step in an initial state: a = id, b = the initial state
	kJustOff                 // a negative step right after a step that disabled it: a = id, b = action of that step
	kArgEdge                 // a negative step where a tuple differing in one argument is enabled: a = id
	kJustOn                  // a step right after the step that enabled it: a = id
	kCondition               // a negative step with one condition false: a = id, b = condition
	kInvalid                 // a value outside a domain: a = action, b = parameter, c = value
	kReset                   // a reset from a state with another view: a = initial state
	kViolation               // a counterexample: a = violation
	kRandom                  // a random walk: a = walk
	kinds
)

// criterion is the criterion that asks for items of kind k.
func (k kind) criterion() Criterion {
	switch k {
	case kEdge:
		return Transitions
	case kState:
		return States
	case kAction:
		return Actions
	case kPair:
		return Pairs
	case kRefused, kInitRefused, kJustOff, kArgEdge, kJustOn:
		return Boundaries
	case kCondition:
		return Conditions
	case kInvalid:
		return Invalid
	case kReset:
		return Reset
	case kViolation:
		return Counterexamples
	}
	return Random
}

// weight is what covering an item of kind k is worth. Steps the
// implementation must refuse, which a suite that only walks the graph
// never takes, and which find more bugs per step than anything else
// (examples/bank's comparison with random walks), count eight times a
// transition, so that a budget keeps them first; a reset from a state
// that differs from the initial one, sixteen times.
func (k kind) weight() int {
	switch k {
	case kRefused, kInitRefused, kJustOff, kArgEdge, kCondition, kInvalid, kViolation:
		return 8
	case kReset:
		return 16
	}
	return 1
}

// item is one thing to cover.
type item struct {
	kind    kind
	a, b, c int32
}

// selector walks a state graph to build tests.
type selector[S any] struct {
	m    *model.Model[S]
	g    *explorer.Graph[S]
	opts Options
	want map[Criterion]bool
	// wantKind[k]: items of kind k count.
	wantKind [kinds]bool
	base     []int // base[s]: global index of state s's first edge
	sibs     [][]int
	byName   map[string]int // action index by name
	// universe numbers the items the candidates cover; covered says
	// which the chosen tests cover.
	universe map[item]int32
	covered  []bool
	// unreachable counts the (argument tuple, condition) pairs where the
	// condition is never the only false one.
	unreachable int
	// minDepth is, for each negative item planned, the number of steps
	// that reach the nearest state where it can be tried.
	minDepth map[item]int32
	// BFS scratch
	seen   []int32
	epoch  int32
	parent []int32 // global edge index into a state on the BFS tree
	queue  []int32
	src    []int32 // source state of each global edge
}

func newSelector[S any](m *model.Model[S], g *explorer.Graph[S], opts Options) *selector[S] {
	sel := &selector[S]{m: m, g: g, opts: opts, base: make([]int, len(g.States)+1), want: map[Criterion]bool{}}
	for _, c := range opts.Criteria {
		sel.want[c] = true
	}
	for k := range kinds {
		sel.wantKind[k] = sel.want[kind(k).criterion()]
	}
	// Transitions take every edge, so every action right after it was
	// enabled: boundaries need not ask for it then.
	sel.wantKind[kJustOn] = sel.want[Boundaries] && !sel.want[Transitions]
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
	sel.sibs = sel.siblings()
	return sel
}

// edge returns the edge with global index e.
func (sel *selector[S]) edge(e int) explorer.Edge {
	s := sel.src[e]
	return sel.g.Edges[s][e-sel.base[s]]
}

// enabled reports whether the global id is enabled in state s: an edge
// or a step out of the constraints.
func (sel *selector[S]) enabled(s int, id int32) bool {
	es := sel.g.Edges[s]
	if i := sort.Search(len(es), func(i int) bool { return es[i].ID >= id }); i < len(es) && es[i].ID == id {
		return true
	}
	_, found := slices.BinarySearch(sel.g.Pruned[s], id)
	return found
}

// newTest starts a test of criterion crit at initial state init.
func (sel *selector[S]) newTest(crit Criterion, init int) Test {
	return Test{Criterion: crit, Init: init, at: []int32{int32(init)}}
}

// last returns the state t has reached.
func (t *Test) last() int { return int(t.at[len(t.at)-1]) }

// add appends a step to t, reached state to.
func (t *Test) add(st model.Step, out any, note string, to int) {
	st.Output = out
	t.Steps = append(t.Steps, st)
	t.Notes = append(t.Notes, note)
	t.at = append(t.at, int32(to))
}

// appendEdge adds the step of global edge e to t.
func (sel *selector[S]) appendEdge(t *Test, e int) {
	from := int(sel.src[e])
	st := sel.g.Step(from, int(sel.edge(e).ID))
	t.add(model.Step{Action: st.Action, Args: st.Args}, st.Output, "", int(sel.edge(e).To))
}

// appendRefused adds a negative step of the global id to t, with a note.
func (sel *selector[S]) appendRefused(t *Test, id int, note string) {
	a, c := sel.g.Action(id)
	act := sel.g.Actions[a]
	t.add(model.Step{Action: act.Name, Args: act.Args(c), Refused: true}, nil, note, t.last())
}

// appendPath adds the BFS tree path from t's current state, which must be
// its initial state, to s.
func (sel *selector[S]) appendPath(t *Test, s int) {
	_, path := sel.g.PathTo(s)
	for _, pe := range path {
		sel.appendEdge(t, sel.base[pe.From]+int(pe.Edge))
	}
}

// pathTest returns a test that follows the BFS tree to state s.
func (sel *selector[S]) pathTest(crit Criterion, s int) Test {
	init, _ := sel.g.PathTo(s)
	t := sel.newTest(crit, init)
	sel.appendPath(&t, s)
	return t
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
		t := sel.newTest(crit, init)
		cur, prev := init, -1
		for {
			path := sel.nearest(cur, prev, useful)
			if len(t.Steps) > 0 && (path == nil || len(t.Steps)+len(path) > sel.opts.TestSteps) {
				// Reset, and look again from the initial state.
				tests = append(tests, t)
				t = sel.newTest(crit, init)
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

func (sel *selector[S]) transitions() []Test {
	var tests []Test
	if walks, ok := edgeCover(sel.tourGraph(), sel.opts.TestSteps); ok {
		for _, w := range walks {
			t := sel.newTest(Transitions, w.init)
			for _, e := range w.edges {
				sel.appendEdge(&t, int(e))
			}
			tests = append(tests, t)
		}
		return tests
	}
	// Not reached unless the tour has a bug: the greedy tour is slower
	// and longer, but covers every edge too.
	covered := make([]bool, len(sel.src))
	return sel.tour(Transitions, func(_, e int) bool { return !covered[e] }, func(_, e int) { covered[e] = true })
}

func (sel *selector[S]) states() []Test {
	visited := make([]bool, len(sel.g.States))
	for i := range sel.g.Inits {
		visited[i] = true
	}
	return sel.tour(States, func(_, e int) bool { return !visited[sel.edge(e).To] },
		func(_, e int) { visited[sel.edge(e).To] = true })
}

func (sel *selector[S]) actions() []Test {
	covered := make([]bool, sel.g.IDs())
	return sel.tour(Actions, func(_, e int) bool { return !covered[sel.edge(e).ID] },
		func(_, e int) { covered[sel.edge(e).ID] = true })
}

// neverEnabledIDs lists the actions with arguments that no state enables.
func (sel *selector[S]) neverEnabledIDs() []string {
	on := make([]bool, sel.g.IDs())
	for _, es := range sel.g.Edges {
		for _, e := range es {
			on[e.ID] = true
		}
	}
	var out []string
	for id, c := range on {
		if !c {
			out = append(out, fmt.Sprintf("%s is never enabled", sel.label(id)))
		}
	}
	return out
}

func (sel *selector[S]) pairs() []Test {
	type pair struct{ a, b int32 }
	covered := map[pair]bool{}
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
	return tests
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

func (sel *selector[S]) random() []Test {
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
	for w := range walks {
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(w)))
		init := rng.IntN(g.Inits)
		t := sel.newTest(Random, init)
		t.walk = w + 1
		s := init
		for range steps {
			if len(g.Disabled[s]) > 0 && (len(g.Edges[s]) == 0 || rng.IntN(10) == 0) {
				sel.appendRefused(&t, int(g.Disabled[s][rng.IntN(len(g.Disabled[s]))]), "")
				continue
			}
			if len(g.Edges[s]) == 0 {
				break
			}
			i := rng.IntN(len(g.Edges[s]))
			sel.appendEdge(&t, sel.base[s]+i)
			s = int(g.Edges[s][i].To)
		}
		tests = append(tests, t)
	}
	return tests
}

// neverEnabled lists the actions no state enables, and those enabled only
// where they leave the model's constraints.
func (sel *selector[S]) neverEnabled() []string {
	g := sel.g
	taken := make([]bool, len(g.Actions))
	pruned := make([]bool, len(g.Actions))
	for s, es := range g.Edges {
		for _, e := range es {
			a, _ := g.Action(int(e.ID))
			taken[a] = true
		}
		for _, id := range g.Pruned[s] {
			a, _ := g.Action(int(id))
			pruned[a] = true
		}
	}
	var out []string
	for i := range taken {
		switch {
		case !taken[i] && pruned[i]:
			out = append(out, fmt.Sprintf("action %s is enabled only where it leaves the model's constraints: no test takes it", g.Actions[i].Name))
		case !taken[i]:
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
func counterexamples[S any](ctx context.Context, m *model.Model[S], sel *selector[S]) ([]Test, []string, error) {
	res, err := explorer.Explore(ctx, m, explorer.Options{Workers: 1, MaxStates: int64(sel.opts.MaxStates)})
	if err != nil {
		return nil, nil, fmt.Errorf("gen: %w", err)
	}
	var tests []Test
	var missed []string
	for k, v := range res.Violations {
		if v.Attempted != nil {
			missed = append(missed, fmt.Sprintf("%v: not a runnable trace", v))
			continue
		}
		t := Test{Criterion: Counterexamples, violation: k + 1}
		for _, st := range v.Trace.Steps {
			t.Steps = append(t.Steps, model.Step{Action: st.Action, Args: st.Args, Output: st.Output})
			t.Notes = append(t.Notes, "")
		}
		// Find the initial state the trace starts from.
		fp := m.Fingerprint(&v.Trace.States[0])
		for i := range m.Init {
			if f := m.Fingerprint(&m.Init[i]); f == fp {
				t.Init = i
				break
			}
		}
		tests = append(tests, t)
	}
	return tests, missed, nil
}

// viewsDiffer reports whether states s and t look different to an
// implementation.
func (sel *selector[S]) viewsDiffer(s, t int) bool {
	return !reflect.DeepEqual(sel.m.ViewOf(&sel.g.States[s]), sel.m.ViewOf(&sel.g.States[t]))
}

// resets returns, for each initial state, a test that walks unobserved to
// a state that looks different in as many places as any (the nearest of
// them), resets the implementation, and takes a first step again: a reset
// that forgets only some of the state is caught.
func (sel *selector[S]) resets() []Test {
	g := sel.g
	best := make([]int, g.Inits)
	score := make([]int, g.Inits)
	for s := g.Inits; s < len(g.States); s++ {
		init, _ := g.PathTo(s)
		if d := leafDiff(reflect.ValueOf(sel.m.ViewOf(&g.States[init])), reflect.ValueOf(sel.m.ViewOf(&g.States[s]))); d > score[init] {
			best[init], score[init] = s, d
		}
	}
	var tests []Test
	for init, s := range best {
		if score[init] == 0 {
			continue
		}
		t := sel.newTest(Reset, init)
		sel.appendPath(&t, s)
		for i := range t.Steps {
			t.Steps[i].NoView = true
		}
		t.add(model.Step{Action: adapters.ResetAction}, nil, "", init)
		if len(g.Edges[init]) > 0 {
			sel.appendEdge(&t, sel.base[init])
		}
		tests = append(tests, t)
	}
	return tests
}

// leafDiff counts the places where a and b differ: scalar values, slice
// and array elements, map entries and struct fields, recursively.
func leafDiff(a, b reflect.Value) int {
	for a.IsValid() && (a.Kind() == reflect.Interface || a.Kind() == reflect.Pointer) && !a.IsNil() {
		a = a.Elem()
	}
	for b.IsValid() && (b.Kind() == reflect.Interface || b.Kind() == reflect.Pointer) && !b.IsNil() {
		b = b.Elem()
	}
	if !a.IsValid() || !b.IsValid() || a.Type() != b.Type() {
		if a.IsValid() == b.IsValid() && (!a.IsValid() || reflect.DeepEqual(a.Interface(), b.Interface())) {
			return 0
		}
		return 1
	}
	switch a.Kind() {
	case reflect.Struct:
		n := 0
		for i := range a.NumField() {
			n += leafDiff(a.Field(i), b.Field(i))
		}
		return n
	case reflect.Slice, reflect.Array:
		n := max(a.Len(), b.Len()) - min(a.Len(), b.Len())
		for i := range min(a.Len(), b.Len()) {
			n += leafDiff(a.Index(i), b.Index(i))
		}
		return n
	case reflect.Map:
		n := 0
		iter := a.MapRange()
		for iter.Next() {
			if v := b.MapIndex(iter.Key()); v.IsValid() {
				n += leafDiff(iter.Value(), v)
			} else {
				n++
			}
		}
		iter = b.MapRange()
		for iter.Next() {
			if !a.MapIndex(iter.Key()).IsValid() {
				n++
			}
		}
		return n
	}
	if a.CanInterface() && b.CanInterface() && reflect.DeepEqual(a.Interface(), b.Interface()) {
		return 0
	}
	if !a.CanInterface() && fmt.Sprint(a) == fmt.Sprint(b) {
		// An unexported field: fmt reads what Interface may not.
		return 0
	}
	return 1
}
