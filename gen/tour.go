package gen

import (
	"slices"

	"github.com/mbtgo/mbt/explorer"
)

// This file computes the transition tour: a set of walks, each from an
// initial state, that together take every edge of the state graph, with as
// few steps in total as possible.
//
// Every edge must be taken at least once. If each is taken exactly once, a
// state v that is not initial and has more edges out than in, out(v) >
// in(v), is left out(v)-in(v) times by walks that never entered it: it has
// a deficit, and each unit of it must be fed by an extra walk into v, from
// an initial state (a new test: resets are free) or from a state with a
// surplus, in(v) > out(v), where a walk would otherwise end. Each extra step
// costs one. Which sources feed which deficits, along which paths, is a
// minimum-cost flow problem: the network has the graph's edges (one arc
// for parallel edges) with unbounded capacity and cost 1 (the extra
// traversals; self-loops never need one), a source S with an
// unbounded arc to every initial state and an arc of capacity in-out to
// every surplus state, and a sink T fed by every deficit state with
// capacity out-in. Its minimum-cost maximum flow plus one traversal of each
// edge is an optimal multiset of edges: any set of tests covering every
// edge gives a feasible flow of the same cost, so no tour is shorter.
//
// minCostFlow solves it with the primal-dual method: Dijkstra over the
// residual graph with reduced costs (non-negative thanks to the node
// potentials) finds the cost of a shortest augmenting path; all shortest
// augmenting paths are then saturated at once with a blocking flow
// (Dinic's algorithm) on the arcs of reduced cost zero. Phases repeat until
// every deficit is fed, about as many as there are distinct
// augmenting-path costs: a few dozen on typical models.
//
// The edge multiset, with an arc S→i for each walk starting at initial
// state i and v→S for each walk ending at v, is balanced, so it has an
// Eulerian circuit through S (Hierholzer's algorithm, which splices closed
// sub-walks such as cycles and self-loops into the walk at a shared state);
// cutting the circuit at S gives the walks. Parts of the multiset that the
// circuit through S does not reach are circulations through an initial
// state; each becomes a walk that starts and ends there.
//
// Finally a walk longer than the maximum test length is cut into tests; a
// test that continues from state v first walks the breadth-first tree path
// to v, so the cuts are placed, by dynamic programming, where those
// prefixes cost least in total. The last steps of a test that other tests
// take too (on those prefixes) are then dropped.

// walk is a path from an initial state: global edge indices.
type walk struct {
	init  int
	edges []int32
}

// tourGraph is the part of a state graph the tour needs: the edges of each
// state, the number of initial states, breadth-first depths and parents,
// and the global edge numbering (base and src, see selector).
type tourGraph struct {
	edges  [][]explorer.Edge
	inits  int
	depth  []int32
	parent []explorer.ParentEdge
	base   []int
	src    []int32
}

// edgeCover returns walks from initial states that take every edge of g,
// with the fewest total steps, cut into walks of at most maxSteps steps
// where possible (maxSteps <= 0: no limit). ok is false if the
// construction failed a consistency check, which would be a bug.
func edgeCover(g *tourGraph, maxSteps int) (walks []walk, ok bool) {
	n := len(g.edges)
	// mult[e]: how many times the tour takes global edge e.
	mult := make([]int32, g.base[n])
	for e := range mult {
		mult[e] = 1
	}
	if !minCostFlow(g, mult) {
		return nil, false
	}
	walks, ok = eulerWalks(g, mult)
	if !ok {
		return nil, false
	}
	if maxSteps > 0 {
		var out []walk
		for _, w := range walks {
			out = splitWalk(g, w, maxSteps, out)
		}
		walks = trimWalks(len(mult), out)
	}
	return walks, true
}

// trimWalks drops the last steps of a walk while other walks take them too,
// and walks left empty: the breadth-first prefixes of cut walks can take
// edges that a later part of the tour takes again.
func trimWalks(edges int, walks []walk) []walk {
	times := make([]int32, edges)
	for _, w := range walks {
		for _, e := range w.edges {
			times[e]++
		}
	}
	out := make([]walk, 0, len(walks))
	for i := range walks {
		w := walks[len(walks)-1-i]
		k := len(w.edges)
		for k > 0 && times[w.edges[k-1]] > 1 {
			k--
			times[w.edges[k]]--
		}
		if k > 0 {
			w.edges = w.edges[:k]
			out = append(out, w)
		}
	}
	slices.Reverse(out)
	return out
}

const infCap = int32(1) << 30

// flowNet is the residual network of minCostFlow. Arcs come in pairs: arc
// a and its reverse a^1.
type flowNet struct {
	head    []int32 // arcs out of node v: arcs[head[v]:head[v+1]]
	arcs    []int32
	to      []int32
	cap     []int32
	cost    []int8
	pot     []int32
	dist    []int32
	level   []int32
	iter    []int32
	queue   []int32
	heap    []uint64
	pathBuf []int32
	// The current phase: the nodes Dijkstra settled and touched, and the
	// admissible arcs out of each settled node u,
	// adm[admStart[u]:admEnd[u]].
	settled, touched []int32
	phase            int32
	inPhase          []int32
	adm              []int32
	admStart, admEnd []int32
}

// minCostFlow adds to mult the extra traversals of an optimal tour.
func minCostFlow(g *tourGraph, mult []int32) bool {
	n := len(g.edges)
	// Balance of each state with every edge taken once (self-loops do not
	// count: they leave the balance unchanged).
	bal := make([]int32, n) // in - out
	for s, es := range g.edges {
		for _, e := range es {
			if int(e.To) != s {
				bal[s]--
				bal[e.To]++
			}
		}
	}
	demand, extra := 0, 0
	for v, b := range bal {
		switch {
		case v < g.inits:
			extra++
		case b < 0:
			demand += int(-b)
			extra++
		case b > 0:
			extra++
		}
	}
	if demand == 0 {
		return true
	}
	if demand >= int(infCap)/2 {
		return false
	}
	// Graph arcs, one per distinct (u, v) pair; pairEdge[k] is the global
	// edge that carries the extra flow of arc pair k.
	last := make([]int32, n)
	for i := range last {
		last[i] = -1
	}
	pairs := 0
	for s, es := range g.edges {
		for _, e := range es {
			if int(e.To) != s && last[e.To] != int32(s) {
				last[e.To] = int32(s)
				pairs++
			}
		}
	}
	arcs := 2 * (pairs + extra)
	tail := make([]int32, 0, arcs)
	to := make([]int32, 0, arcs)
	cp := make([]int32, 0, arcs)
	cost := make([]int8, 0, arcs)
	addArc := func(u, v int32, c int32, w int8) {
		tail = append(tail, u, v)
		to = append(to, v, u)
		cp = append(cp, c, 0)
		cost = append(cost, w, -w)
	}
	pairEdge := make([]int32, 0, pairs)
	for i := range last {
		last[i] = -1
	}
	for s, es := range g.edges {
		for i, e := range es {
			if int(e.To) == s || last[e.To] == int32(s) {
				continue
			}
			last[e.To] = int32(s)
			addArc(int32(s), e.To, infCap, 1)
			pairEdge = append(pairEdge, int32(g.base[s]+i))
		}
	}
	src, sink := int32(n), int32(n+1)
	for v, b := range bal {
		switch {
		case v < g.inits:
			addArc(src, int32(v), infCap, 0)
		case b > 0:
			addArc(src, int32(v), b, 0)
		case b < 0:
			addArc(int32(v), sink, -b, 0)
		}
	}
	nodes := n + 2
	f := &flowNet{
		head:  make([]int32, nodes+1),
		arcs:  make([]int32, len(to)),
		to:    to,
		cap:   cp,
		cost:  cost,
		pot:   make([]int32, nodes),
		dist:  make([]int32, nodes),
		level: make([]int32, nodes),
		iter:  make([]int32, nodes),

		inPhase:  make([]int32, nodes),
		admStart: make([]int32, nodes),
		admEnd:   make([]int32, nodes),
	}
	for v := range f.dist {
		f.dist[v] = 1 << 30
	}
	for _, u := range tail {
		f.head[u+1]++
	}
	for v := range nodes {
		f.head[v+1] += f.head[v]
	}
	fill := make([]int32, nodes)
	copy(fill, f.head[:nodes])
	for a, u := range tail {
		f.arcs[fill[u]] = int32(a)
		fill[u]++
	}
	flow := 0
	for flow < demand {
		if !f.dijkstra(src, sink) {
			return false
		}
		for {
			if !f.levels(src, sink) {
				break
			}
			flow += f.blocking(src, sink)
		}
	}
	if flow != demand {
		return false
	}
	for k := range pairEdge {
		mult[pairEdge[k]] += f.cap[2*k+1]
	}
	return true
}

// reduced returns the reduced cost of arc a from u.
func (f *flowNet) reduced(a int32, u int32) int32 {
	return int32(f.cost[a]) + f.pot[u] - f.pot[f.to[a]]
}

// dijkstra computes shortest reduced distances from s until it reaches t,
// updates the potentials so that shortest paths to t have reduced cost
// zero, and lists in f.adm the arcs of reduced cost zero between the nodes
// it reached, on which every shortest path lies. It reports whether t is
// reachable.
func (f *flowNet) dijkstra(s, t int32) bool {
	const inf = int32(1) << 30
	for _, v := range f.settled {
		f.dist[v] = inf
	}
	for _, v := range f.touched {
		f.dist[v] = inf
	}
	settled, touched := f.settled[:0], f.touched[:0]
	f.dist[s] = 0
	touched = append(touched, s)
	h := heapPush(f.heap[:0], uint64(s))
	for len(h) > 0 {
		var x uint64
		h, x = heapPop(h)
		u, d := int32(x&0xffffffff), int32(x>>32)
		if d != f.dist[u] {
			continue
		}
		settled = append(settled, u)
		if u == t {
			break
		}
		for _, a := range f.arcs[f.head[u]:f.head[u+1]] {
			if f.cap[a] <= 0 {
				continue
			}
			v := f.to[a]
			if nd := d + f.reduced(a, u); nd < f.dist[v] {
				if f.dist[v] == inf {
					touched = append(touched, v)
				}
				f.dist[v] = nd
				h = heapPush(h, uint64(nd)<<32|uint64(v))
			}
		}
	}
	f.heap, f.settled, f.touched = h, settled, touched
	dt := f.dist[t]
	if dt == inf {
		return false
	}
	// Nodes not settled are at least dt away.
	for _, v := range touched {
		f.pot[v] += min(f.dist[v], dt)
	}
	for v := range f.pot {
		if f.dist[v] == inf {
			f.pot[v] += dt
		}
	}
	// The admissible arcs among settled nodes, reverse arcs included
	// (they gain capacity as flow is pushed).
	f.adm = f.adm[:0]
	f.phase++
	for _, u := range settled {
		f.inPhase[u] = f.phase
	}
	for _, u := range settled {
		f.admStart[u] = int32(len(f.adm))
		for _, a := range f.arcs[f.head[u]:f.head[u+1]] {
			if f.inPhase[f.to[a]] == f.phase && f.reduced(a, u) == 0 {
				f.adm = append(f.adm, a)
			}
		}
		f.admEnd[u] = int32(len(f.adm))
	}
	return true
}

// levels labels the nodes of the phase with their breadth-first distance
// from s over admissible arcs with capacity left, up to t's, and reports
// whether t is reached.
func (f *flowNet) levels(s, t int32) bool {
	for _, v := range f.settled {
		f.level[v] = -1
	}
	f.level[s] = 0
	q := append(f.queue[:0], s)
	for qi := 0; qi < len(q); qi++ {
		u := q[qi]
		if f.level[t] >= 0 && f.level[u] >= f.level[t] {
			break
		}
		for _, a := range f.adm[f.admStart[u]:f.admEnd[u]] {
			if v := f.to[a]; f.level[v] < 0 && f.cap[a] > 0 {
				f.level[v] = f.level[u] + 1
				q = append(q, v)
			}
		}
	}
	f.queue = q
	return f.level[t] >= 0
}

// blocking pushes a blocking flow from s to t along the level graph and
// returns its value.
func (f *flowNet) blocking(s, t int32) int {
	for _, v := range f.settled {
		f.iter[v] = f.admStart[v]
	}
	total := 0
	path := f.pathBuf[:0]
	u := s
	for {
		if u == t {
			push := infCap
			for _, a := range path {
				push = min(push, f.cap[a])
			}
			for _, a := range path {
				f.cap[a] -= push
				f.cap[a^1] += push
			}
			total += int(push)
			// Back up to the first saturated arc.
			k := 0
			for k < len(path) && f.cap[path[k]] > 0 {
				k++
			}
			path = path[:k]
			u = s
			if k > 0 {
				u = f.to[path[k-1]]
			}
			continue
		}
		advanced := false
		for ; f.iter[u] < f.admEnd[u]; f.iter[u]++ {
			a := f.adm[f.iter[u]]
			if v := f.to[a]; f.cap[a] > 0 && f.level[v] == f.level[u]+1 {
				path = append(path, a)
				u = v
				advanced = true
				break
			}
		}
		if advanced {
			continue
		}
		// Dead end: never come back to u in this round.
		f.level[u] = -1
		if len(path) == 0 {
			break
		}
		a := path[len(path)-1]
		path = path[:len(path)-1]
		u = f.to[a^1]
		f.iter[u]++
	}
	f.pathBuf = path
	return total
}

func heapPush(h []uint64, x uint64) []uint64 {
	h = append(h, x)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p] <= h[i] {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
	return h
}

func heapPop(h []uint64) ([]uint64, uint64) {
	x := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		if r := l + 1; r < len(h) && h[r] < h[l] {
			l = r
		}
		if h[i] <= h[l] {
			break
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
	return h, x
}

// eulerWalks decomposes the edge multiset mult into walks from initial
// states.
func eulerWalks(g *tourGraph, mult []int32) ([]walk, bool) {
	n := len(g.edges)
	// Flow balance: ends[v] walks end at v, starts[i] start at init i.
	net := make([]int32, n) // in - out
	for s, es := range g.edges {
		for i, e := range es {
			m := mult[g.base[s]+i]
			net[s] -= m
			net[e.To] += m
		}
	}
	ends := make([]int32, n)
	starts := make([]int32, g.inits)
	for v, d := range net {
		switch {
		case d > 0:
			ends[v] = d
		case d < 0 && v < g.inits:
			starts[v] = -d
		case d < 0:
			return nil, false
		}
	}
	rem := make([]int32, len(mult))
	copy(rem, mult)
	next := make([]int32, n) // next edge of state v to try
	var walks []walk
	var circuit []int32
	// Arcs on the stack and in the circuit: a global edge e >= 0, an end
	// arc to S (-1), or a start arc from S to init i (-2-i). The stack
	// holds each arc with the node it enters (-1: S).
	const endArc = -1
	type entry struct{ arc, node int32 }
	var stack []entry
	nextInit := 0
	// take returns an unused arc out of node u (-1: S) and the node it
	// enters, or false.
	take := func(u int32) (entry, bool) {
		if u < 0 {
			for nextInit < g.inits && starts[nextInit] == 0 {
				nextInit++
			}
			if nextInit == g.inits {
				return entry{}, false
			}
			starts[nextInit]--
			return entry{int32(-2 - nextInit), int32(nextInit)}, true
		}
		es, b := g.edges[u], int32(g.base[u])
		for i := next[u]; int(i) < len(es); i++ {
			if e := b + i; rem[e] > 0 {
				rem[e]--
				next[u] = i
				return entry{e, es[i].To}, true
			}
		}
		next[u] = int32(len(es))
		if ends[u] > 0 {
			ends[u]--
			return entry{endArc, -1}, true
		}
		return entry{}, false
	}
	// circuitFrom runs Hierholzer's algorithm from S and cuts the circuit
	// into walks.
	circuitFrom := func() {
		circuit = circuit[:0]
		stack = append(stack[:0], entry{endArc, -1}) // a sentinel entering S
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if a, ok := take(top.node); ok {
				stack = append(stack, a)
				continue
			}
			circuit = append(circuit, top.arc)
			stack = stack[:len(stack)-1]
		}
		// circuit holds the arcs in reverse order, the sentinel last.
		var w *walk
		for i := len(circuit) - 2; i >= 0; i-- {
			switch a := circuit[i]; {
			case a == endArc:
				w = nil
			case a < 0:
				walks = append(walks, walk{init: int(-2 - a)})
				w = &walks[len(walks)-1]
			default:
				w.edges = append(w.edges, a)
			}
		}
	}
	circuitFrom()
	// Circulations the circuit did not reach pass through an initial
	// state: each becomes a walk that starts and ends there.
	for i := range g.inits {
		for int(next[i]) < len(g.edges[i]) && rem[g.base[i]+int(next[i])] == 0 {
			next[i]++
		}
		if int(next[i]) == len(g.edges[i]) {
			continue
		}
		starts[i]++
		ends[i]++
		nextInit = i
		circuitFrom()
	}
	for _, r := range rem {
		if r != 0 {
			return nil, false
		}
	}
	return walks, true
}

// splitWalk appends w to out, cut into walks of at most maxSteps steps: a
// walk that continues from state v starts with the breadth-first path to
// v. A walk is longer only if it follows a shortest path to the state its
// last step leaves: no walk could take that step sooner. The cuts minimize
// the total length of the prefixes, then the number of walks.
func splitWalk(g *tourGraph, w walk, maxSteps int, out []walk) []walk {
	L := len(w.edges)
	if L <= maxSteps {
		return append(out, w)
	}
	// at[j]: the state after j steps.
	at := make([]int32, L+1)
	at[0] = int32(w.init)
	for j, e := range w.edges {
		at[j+1] = g.edges[g.src[e]][int(e)-g.base[g.src[e]]].To
	}
	// A test that starts at cut i replays the depth(at[i]) steps of the
	// tree path to at[i], so it may go on to j = i+maxSteps-depth(at[i]);
	// or further while it follows shortest paths, plus one step: no test
	// could reach that step sooner. inc[i] counts the steps after i that
	// each go one deeper.
	inc := make([]int32, L+1)
	for i := L - 1; i >= 0; i-- {
		if g.depth[at[i+1]] == g.depth[at[i]]+1 {
			inc[i] = inc[i+1] + 1
		}
	}
	reach := func(i int) int {
		return i + max(maxSteps-int(g.depth[at[i]]), int(inc[i])+1)
	}
	// best[j]: the least prefix cost of covering the first j steps with a
	// cut at j; cnt[j] the number of walks; from[j] the previous cut. The
	// candidates for cut j are the cuts i < j that reach it, kept in a heap
	// ordered by (best, cnt, i), from which those that cannot reach j are
	// dropped.
	best := make([]int64, L+1)
	cnt := make([]int32, L+1)
	from := make([]int32, L+1)
	var h cutHeap
	for j := 1; j <= L; j++ {
		h.push(cut{best[j-1], cnt[j-1], int32(j - 1), reach(j - 1)})
		for h.top().reach < j {
			h.pop()
		}
		c := h.top()
		best[j], cnt[j], from[j] = c.best, c.cnt+1, c.i
		if j < L {
			best[j] += int64(g.depth[at[j]])
		}
	}
	var cuts []int
	for j := L; j > 0; j = int(from[j]) {
		cuts = append(cuts, j)
	}
	start := 0
	for k := len(cuts) - 1; k >= 0; k-- {
		end := cuts[k]
		nw := walk{init: w.init}
		if start > 0 {
			nw.init, nw.edges = treePath(g, int(at[start]), nw.edges)
		}
		nw.edges = append(nw.edges, w.edges[start:end]...)
		out = append(out, nw)
		start = end
	}
	return out
}

// treePath returns the initial state of the breadth-first tree path to s
// and appends the path's global edges to buf.
func treePath(g *tourGraph, s int, buf []int32) (int, []int32) {
	k := len(buf)
	for g.parent[s].From >= 0 {
		p := g.parent[s]
		buf = append(buf, int32(g.base[p.From])+p.Edge)
		s = int(p.From)
	}
	for l, h := k, len(buf)-1; l < h; l, h = l+1, h-1 {
		buf[l], buf[h] = buf[h], buf[l]
	}
	return s, buf
}

// cut is a candidate cut of splitWalk.
type cut struct {
	best  int64
	cnt   int32
	i     int32
	reach int
}

func (a cut) less(b cut) bool {
	if a.best != b.best {
		return a.best < b.best
	}
	if a.cnt != b.cnt {
		return a.cnt < b.cnt
	}
	return a.i < b.i
}

// cutHeap is a binary min-heap of cuts.
type cutHeap []cut

func (h cutHeap) top() cut { return h[0] }

func (h *cutHeap) push(c cut) {
	*h = append(*h, c)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *cutHeap) pop() {
	s := *h
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(s) {
			break
		}
		if r := l + 1; r < len(s) && s[r].less(s[l]) {
			l = r
		}
		if !s[l].less(s[i]) {
			break
		}
		s[i], s[l] = s[l], s[i]
		i = l
	}
	*h = s
}
