package gen

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/model"
)

// This file plans the negative steps of the boundaries, conditions and
// invalid criteria, and computes what every step of a test covers.
//
// Negative steps change nothing, so several of them can be tried in a row
// at one state: each test walks to a state (its prefix, left unobserved so
// that observing the implementation cannot hide what the steps did) and
// tries up to maxNegative negative steps there, each observed. Every item
// is planned at the first state, breadth-first, where it can be tried,
// which keeps tests short, and items that can be tried at one state share
// a test.

// negStep is a planned negative step.
type negStep struct {
	crit Criterion
	id   int   // the global id, or -1 for a value outside a domain
	args []any // for a value outside a domain: the arguments
	act  int   // for a value outside a domain: the action
	note string
}

// anchor is where negative steps are tried: state s, reached by the BFS
// tree path, or (via >= 0) by the path to the source of global edge via
// and that edge, for steps that must come right after it.
type anchor struct {
	s, via int
	steps  []negStep
}

// negatives plans the negative steps of the criteria asked for and
// returns the tests that try them.
func (sel *selector[S]) negatives() []Test {
	g := sel.g
	planned := map[item]bool{}
	sel.minDepth = map[item]int32{}
	depth := int32(0) // of the state where the next planned step is tried
	plan := func(it item) bool {
		if planned[it] {
			return false
		}
		planned[it] = true
		sel.minDepth[it] = depth
		return true
	}
	anchors := map[[2]int]*anchor{}
	var list []*anchor
	at := func(s, via int) *anchor {
		k := [2]int{s, via}
		if a := anchors[k]; a != nil {
			return a
		}
		a := &anchor{s: s, via: via}
		anchors[k] = a
		list = append(list, a)
		return a
	}
	// Steps that need only a state, by state.
	byState := map[int][]negStep{}
	var states []int
	addAt := func(s int, n negStep) {
		if len(byState[s]) == 0 {
			states = append(states, s)
		}
		byState[s] = append(byState[s], n)
	}
	type invalidItem struct{ act, param, value int }
	var invalids []invalidItem
	if sel.want[Invalid] {
		for ai, act := range g.Actions {
			for p, prm := range act.Params {
				for v := range prm.Invalid {
					invalids = append(invalids, invalidItem{ai, p, v})
				}
			}
		}
	}
	for s := range g.States {
		depth = g.Depth[s]
		for _, id32 := range g.Disabled[s] {
			id := int(id32)
			if sel.want[Boundaries] {
				if plan(item{kind: kRefused, a: id32}) {
					addAt(s, negStep{crit: Boundaries, id: id})
				}
				if s < g.Inits && plan(item{kind: kInitRefused, a: id32, b: int32(s)}) {
					// What a client may try first: a step before anything
					// else has happened.
					addAt(s, negStep{crit: Boundaries, id: id, note: "refused in the initial state"})
				}
				for _, sib := range sel.sibs[id] {
					if sel.enabled(s, int32(sib)) {
						if plan(item{kind: kArgEdge, a: id32}) {
							addAt(s, negStep{crit: Boundaries, id: id, note: sel.label(sib) + " is enabled here"})
						}
						break
					}
				}
			}
			if sel.want[Conditions] {
				a, c := g.Action(id)
				act := g.Actions[a]
				if len(act.Conditions) > 0 {
					if only := act.Only(&g.States[s], c); only >= 0 && plan(item{kind: kCondition, a: id32, b: int32(only)}) {
						addAt(s, negStep{crit: Conditions, id: id, note: fmt.Sprintf("only %q is false", act.Conditions[only].Name)})
					}
				}
			}
		}
		for _, iv := range invalids {
			it := item{kind: kInvalid, a: int32(iv.act), b: int32(iv.param), c: int32(iv.value)}
			if planned[it] {
				continue
			}
			act := g.Actions[iv.act]
			for c := range act.Choices {
				if sel.enabled(s, int32(g.ID(iv.act, c))) {
					plan(it)
					addAt(s, sel.invalidStep(iv.act, c, iv.param, iv.value))
					break
				}
			}
		}
		if sel.want[Boundaries] {
			// Right after each kind of step that disables an action.
			depth = g.Depth[s] + 1
			for i, e := range g.Edges[s] {
				t := int(e.To)
				a, _ := g.Action(int(e.ID))
				for _, id := range g.Disabled[t] {
					if !sel.enabled(s, id) {
						continue
					}
					if plan(item{kind: kJustOff, a: id, b: int32(a)}) {
						at(t, sel.base[s]+i).steps = append(at(t, sel.base[s]+i).steps,
							negStep{crit: Boundaries, id: int(id), note: "refused right after " + g.Actions[a].Name})
					}
				}
			}
		}
	}
	// Values outside a domain of an action that is never enabled: tried
	// in the initial state.
	depth = 0
	for _, iv := range invalids {
		if it := (item{kind: kInvalid, a: int32(iv.act), b: int32(iv.param), c: int32(iv.value)}); plan(it) {
			addAt(0, sel.invalidStep(iv.act, 0, iv.param, iv.value))
		}
	}
	// Steps that need only a state join a test that goes there anyway,
	// by a shortest path.
	ends := map[int]*anchor{}
	for _, a := range list {
		if ends[a.s] == nil && (a.via < 0 || g.Depth[sel.src[a.via]]+1 == g.Depth[a.s]) {
			ends[a.s] = a
		}
	}
	for _, s := range states {
		a := ends[s]
		if a == nil {
			a = at(s, -1)
			ends[s] = a
		}
		a.steps = append(a.steps, byState[s]...)
	}
	var tests []Test
	for _, a := range list {
		a.steps = mergeSteps(a.steps)
		for _, crit := range []Criterion{Invalid, Conditions, Boundaries} {
			var steps []negStep
			for _, n := range a.steps {
				if n.crit == crit {
					steps = append(steps, n)
				}
			}
			for len(steps) > 0 {
				k := min(len(steps), maxNegative)
				tests = append(tests, sel.negativeTest(crit, a, steps[:k]))
				steps = steps[k:]
			}
		}
	}
	return tests
}

// mergeSteps keeps one of each negative step, the first, with the notes
// of the others: one step covers several items.
func mergeSteps(steps []negStep) []negStep {
	var out []negStep
	at := map[string]int{}
	for _, n := range steps {
		k := fmt.Sprintf("%d %d %#v", n.id, n.act, n.args)
		if i, ok := at[k]; ok {
			if rank[n.crit] < rank[out[i].crit] {
				out[i].crit = n.crit // the most specific criterion names the test
			}
			if n.note != "" && !strings.Contains(out[i].note, n.note) {
				if out[i].note != "" {
					out[i].note += "; "
				}
				out[i].note += n.note
			}
			continue
		}
		at[k] = len(out)
		out = append(out, n)
	}
	return out
}

// invalidStep is the negative step of action a with the arguments of
// choice c, but for parameter p, which takes its v-th value outside the
// domain.
func (sel *selector[S]) invalidStep(a, c, p, v int) negStep {
	act := sel.g.Actions[a]
	args := act.Args(c)
	val := act.Params[p].Invalid[v]
	args[p] = val
	return negStep{crit: Invalid, id: -1, act: a, args: args,
		note: fmt.Sprintf("%s is outside the domain of %s", strings.TrimSpace(fmt.Sprintf("%#v", val)), act.Params[p].Name)}
}

// negativeTest walks to anchor a, unobserved, and tries the steps there.
func (sel *selector[S]) negativeTest(crit Criterion, a *anchor, steps []negStep) Test {
	var t Test
	if a.via >= 0 {
		from := int(sel.src[a.via])
		t = sel.pathTest(crit, from)
		sel.appendEdge(&t, a.via)
	} else {
		t = sel.pathTest(crit, a.s)
	}
	for i := range t.Steps {
		t.Steps[i].NoView = true
	}
	for _, n := range steps {
		if n.id >= 0 {
			sel.appendRefused(&t, n.id, n.note)
			continue
		}
		act := sel.g.Actions[n.act]
		t.add(model.Step{Action: act.Name, Args: n.args, Refused: true}, nil, n.note, t.last())
	}
	return t
}

// conditionsMissed lists the conditions that are never the only false one
// in a reachable state, and counts the (argument tuple, condition) pairs
// that never are: the items no test can cover.
func (sel *selector[S]) conditionsMissed() ([]string, int) {
	g := sel.g
	found := map[[2]int]bool{}
	pairs := map[[2]int]bool{} // (id, condition)
	for s := range g.States {
		for _, id := range g.Disabled[s] {
			a, c := g.Action(int(id))
			if only := g.Actions[a].Only(&g.States[s], c); only >= 0 {
				found[[2]int{a, only}] = true
				pairs[[2]int{int(id), only}] = true
			}
		}
	}
	unreachable := 0
	for _, act := range g.Actions {
		unreachable += act.Choices * len(act.Conditions)
	}
	unreachable -= len(pairs)
	var out []string
	for a, act := range g.Actions {
		for i, cond := range act.Conditions {
			if !found[[2]int{a, i}] {
				out = append(out, fmt.Sprintf("condition %q of %s is never the only false one in a reachable state", cond.Name, act.Name))
			}
		}
	}
	return out, unreachable
}

// cover returns the items t covers, of the kinds asked for.
func (sel *selector[S]) cover(t *Test) []item {
	var out []item
	for _, it := range sel.coverAll(t) {
		if sel.wantKind[it.kind] {
			out = append(out, it)
		}
	}
	return out
}

// coverAll returns the items t covers, of every kind. A negative step
// covers its items only where it is tried as soon as it can be: after as
// few steps as the nearest state where it can be tried takes (see
// negatives), so that every one of them has a shortest test that shows it.
func (sel *selector[S]) coverAll(t *Test) []item {
	var out []item
	taken := 0 // positive steps since the start or the last reset
	add := func(it item) {
		if d, ok := sel.minDepth[it]; ok && int32(taken) > d {
			return
		}
		out = append(out, it)
	}
	switch {
	case t.violation > 0:
		add(item{kind: kViolation, a: int32(t.violation)})
	case t.walk > 0:
		add(item{kind: kRandom, a: int32(t.walk)})
	}
	if t.at == nil {
		return out
	}
	g := sel.g
	prevEdge, prevFrom, prevAct := -1, -1, -1
	for i, st := range t.Steps {
		s, to := int(t.at[i]), int(t.at[i+1])
		switch {
		case st.Action == adapters.ResetAction && len(st.Args) == 0:
			if sel.viewsDiffer(s, t.Init) {
				add(item{kind: kReset, a: int32(t.Init)})
			}
			prevEdge, prevFrom, prevAct = -1, -1, -1
			taken = 0
		case st.Refused:
			prevEdge = -1
			ai := sel.actionIndex(st.Action)
			a := g.Actions[ai]
			c, i := a.Choice(st.Args)
			outside := i >= 0
			if outside {
				for p, prm := range a.Params {
					for v, x := range prm.Invalid {
						if reflect.DeepEqual(x, st.Args[p]) {
							add(item{kind: kInvalid, a: int32(ai), b: int32(p), c: int32(v)})
						}
					}
				}
				continue
			}
			id := int32(g.ID(ai, c))
			add(item{kind: kRefused, a: id})
			if s < g.Inits {
				add(item{kind: kInitRefused, a: id, b: int32(s)})
			}
			for _, sib := range sel.sibs[id] {
				if sel.enabled(s, int32(sib)) {
					add(item{kind: kArgEdge, a: id})
					break
				}
			}
			if prevFrom >= 0 && sel.enabled(prevFrom, id) {
				add(item{kind: kJustOff, a: id, b: int32(prevAct)})
			}
			if len(a.Conditions) > 0 {
				if only := a.Only(&g.States[s], c); only >= 0 {
					add(item{kind: kCondition, a: id, b: int32(only)})
				}
			}
		default:
			e := sel.edgeOf(s, st)
			id := sel.edge(e).ID
			add(item{kind: kEdge, a: int32(e)})
			add(item{kind: kState, a: int32(to)})
			add(item{kind: kAction, a: id})
			if prevEdge >= 0 {
				add(item{kind: kPair, a: int32(prevEdge), b: int32(e)})
			}
			if i > 0 && !sel.enabled(int(t.at[i-1]), id) && int(t.at[i-1]) != s {
				add(item{kind: kJustOn, a: id})
			}
			prevEdge, prevFrom = e, s
			prevAct, _ = g.Action(int(id))
			taken++
		}
	}
	if len(t.Steps) == 0 {
		for i := 0; i < g.Inits; i++ {
			if i == t.Init {
				add(item{kind: kState, a: int32(i)})
			}
		}
	}
	return out
}

// actionIndex returns the index of the action named name.
func (sel *selector[S]) actionIndex(name string) int {
	if sel.byName == nil {
		sel.byName = map[string]int{}
		for i, a := range sel.g.Actions {
			sel.byName[a.Name] = i
		}
	}
	return sel.byName[name]
}

// edgeOf returns the global edge of state s that step st takes.
func (sel *selector[S]) edgeOf(s int, st model.Step) int {
	ai := sel.actionIndex(st.Action)
	c, _ := sel.g.Actions[ai].Choice(st.Args)
	id := int32(sel.g.ID(ai, c))
	for i, e := range sel.g.Edges[s] {
		if e.ID == id {
			return sel.base[s] + i
		}
	}
	panic(fmt.Sprintf("gen: %v is not an edge of state %d", st, s))
}
