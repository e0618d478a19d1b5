package gen

import (
	"container/heap"
	"slices"
)

// candidate is a test with the items it covers, interned.
type candidate struct {
	t     *Test
	index int
	items []int32
	score float64 // upper bound of its score, for the lazy heap
}

// choose picks tests from cands greedily, by the weight of the items not
// yet covered per step, until nothing is left to cover or the budget is
// spent. It returns the tests in the order picked and, by criterion, how
// many tests the budget left out that would have covered more.
func (sel *selector[S]) choose(cands []Test) ([]Test, map[Criterion]int) {
	cands = dedupe(cands)
	ids := map[item]int32{}
	var weight []int
	cs := make([]*candidate, len(cands))
	for i := range cands {
		c := &candidate{t: &cands[i], index: i}
		seen := map[int32]bool{}
		for _, it := range sel.cover(&cands[i]) {
			id, ok := ids[it]
			if !ok {
				id = int32(len(weight))
				ids[it] = id
				weight = append(weight, it.kind.weight())
			}
			if !seen[id] {
				seen[id] = true
				c.items = append(c.items, id)
			}
		}
		cs[i] = c
	}
	sel.universe = ids
	covered := make([]bool, len(weight))
	gain := func(c *candidate) int {
		n := 0
		for _, id := range c.items {
			if !covered[id] {
				n += weight[id]
			}
		}
		return n
	}
	score := func(c *candidate) float64 {
		// A test costs its steps and a reset.
		return float64(gain(c)) / float64(len(c.t.Steps)+2)
	}
	h := &candHeap{}
	for _, c := range cs {
		c.score = score(c)
		if c.score > 0 {
			h.list = append(h.list, c)
		}
	}
	heap.Init(h)
	var out []Test
	steps := 0
	dropped := map[Criterion]int{}
	for h.Len() > 0 {
		c := heap.Pop(h).(*candidate)
		sc := score(c)
		if sc <= 0 {
			continue
		}
		if h.Len() > 0 && sc < h.list[0].score {
			c.score = sc
			heap.Push(h, c)
			continue
		}
		if (sel.opts.MaxTests > 0 && len(out) >= sel.opts.MaxTests) ||
			(sel.opts.MaxSteps > 0 && steps+len(c.t.Steps) > sel.opts.MaxSteps) {
			dropped[c.t.Criterion]++
			continue
		}
		for _, id := range c.items {
			covered[id] = true
		}
		steps += len(c.t.Steps)
		out = append(out, *c.t)
	}
	sel.covered = covered
	return out, dropped
}

// candHeap is a max-heap of candidates by score, then by their order of
// proposal, so that the choice is deterministic.
type candHeap struct{ list []*candidate }

func (h *candHeap) Len() int { return len(h.list) }
func (h *candHeap) Less(i, j int) bool {
	a, b := h.list[i], h.list[j]
	if a.score != b.score {
		return a.score > b.score
	}
	return a.index < b.index
}
func (h *candHeap) Swap(i, j int) { h.list[i], h.list[j] = h.list[j], h.list[i] }
func (h *candHeap) Push(x any)    { h.list = append(h.list, x.(*candidate)) }
func (h *candHeap) Pop() any {
	x := h.list[len(h.list)-1]
	h.list = h.list[:len(h.list)-1]
	return x
}

// rank orders criteria by how likely their tests are to find a bug early:
// steps the implementation must refuse first, long tours last.
var rank = map[Criterion]int{
	Invalid: 0, Conditions: 1, Boundaries: 2, Reset: 3, Counterexamples: 4,
	Pairs: 5, Actions: 6, States: 7, Transitions: 8, Random: 9, Trace: 10,
}

// order sorts tests shortest first, then by criterion and name, so that a
// bug that fails several tests is first reported by the shortest.
func order(tests []Test) []Test {
	slices.SortStableFunc(tests, func(a, b Test) int {
		if d := len(a.Steps) - len(b.Steps); d != 0 {
			return d
		}
		if d := rank[a.Criterion] - rank[b.Criterion]; d != 0 {
			return d
		}
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return tests
}

// units names what each criterion counts.
var units = map[Criterion]string{
	Transitions: "transitions", States: "states", Actions: "actions with arguments", Pairs: "transition pairs",
	Boundaries: "boundaries", Conditions: "conditions with arguments", Invalid: "values outside domains", Reset: "resets",
	Counterexamples: "violations", Random: "random walks",
}

// reports says, for each criterion asked for, what the chosen tests
// cover of what the candidates could.
func (sel *selector[S]) reports(chosen []Test, dropped map[Criterion]int, missed map[Criterion][]string) []Report {
	var out []Report
	for _, c := range sel.opts.Criteria {
		r := Report{Criterion: c, Unit: units[c], Missed: missed[c], Dropped: dropped[c]}
		for _, t := range chosen {
			if t.Criterion == c {
				r.Tests++
				r.Steps += len(t.Steps)
			}
		}
		for it, id := range sel.universe {
			if it.kind.criterion() != c || !sel.wantKind[it.kind] {
				continue
			}
			r.Items++
			if sel.covered[id] {
				r.Covered++
			}
		}
		if c == Conditions {
			// A condition that is never the only false one is one that
			// no test can try alone: it counts, uncovered.
			r.Items += sel.unreachable
		}
		out = append(out, r)
	}
	return out
}
