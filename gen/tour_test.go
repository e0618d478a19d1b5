package gen

import (
	"context"
	"reflect"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
	"pgregory.net/rapid"
)

// Node is the state of adjacency models: a node label.
type Node struct{ N int }

// adjModel returns a model whose states are the nodes of adj reachable from
// inits, with an action Go(k) that follows the k-th edge out of a node.
func adjModel(t fataler, adj [][]int, inits ...int) *model.Model[Node] {
	deg := 1
	for _, out := range adj {
		deg = max(deg, len(out))
	}
	m := dsl.New[Node]("Adj")
	for _, i := range inits {
		m.Init(Node{i})
	}
	dsl.Action1(m, "Go", dsl.Range("k", 0, deg-1),
		func(s Node, k int) bool { return k < len(adj[s.N]) },
		func(s *Node, k int) { s.N = adj[s.N][k] })
	out, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type fataler interface{ Fatal(args ...any) }

func adjGraph(t fataler, adj [][]int, inits ...int) (*explorer.Graph[Node], *selector[Node]) {
	m := adjModel(t, adj, inits...)
	g, err := explorer.BuildGraph(context.Background(), m, 0)
	if err != nil {
		t.Fatal(err)
	}
	return g, newSelector(m, g, Options{TestSteps: 1 << 30})
}

// checkWalks fails unless walks start at initial states, follow edges, and
// take every edge; it returns the total steps.
func checkWalks(t interface{ Fatalf(string, ...any) }, g *explorer.Graph[Node], sel *selector[Node], walks []walk) int {
	covered := make([]bool, len(sel.src))
	steps := 0
	for wi, w := range walks {
		if w.init < 0 || w.init >= g.Inits {
			t.Fatalf("walk %d starts at %d, not an initial state", wi, w.init)
		}
		if len(w.edges) == 0 {
			t.Fatalf("walk %d is empty", wi)
		}
		at := w.init
		for _, e := range w.edges {
			if int(sel.src[e]) != at {
				t.Fatalf("walk %d: edge %d leaves %d, not %d", wi, e, sel.src[e], at)
			}
			covered[e] = true
			at = int(sel.edge(int(e)).To)
		}
		steps += len(w.edges)
	}
	for e, c := range covered {
		if !c {
			t.Fatalf("edge %d (%d -> %d) not taken", e, sel.src[e], sel.edge(e).To)
		}
	}
	return steps
}

// greedySteps returns the total steps of the greedy tour, without a limit
// on test length.
func greedySteps(sel *selector[Node]) int {
	covered := make([]bool, len(sel.src))
	steps := 0
	for _, t := range sel.tour(Transitions, func(_, e int) bool { return !covered[e] }, func(_, e int) { covered[e] = true }) {
		steps += len(t.Steps)
	}
	return steps
}

// referenceOptimum computes the fewest steps of a transition tour by
// another route: every edge once, plus, one unit at a time, the cheapest
// way to feed a state that is left more often than entered, found by
// Bellman-Ford over the residual graph (from an initial state or a state
// entered more often than left, forward along edges at cost 1, or back
// over extra traversals already added at cost -1).
func referenceOptimum(g *explorer.Graph[Node]) int {
	n := len(g.States)
	bal := make([]int, n)
	extra := map[[2]int]int{}
	total := 0
	for s, es := range g.Edges {
		for _, e := range es {
			total++
			if int(e.To) != s {
				bal[s]--
				bal[e.To]++
			}
		}
	}
	const inf = 1 << 30
	for {
		target := -1
		for v := g.Inits; v < n; v++ {
			if bal[v] < 0 {
				target = v
				break
			}
		}
		if target < 0 {
			return total
		}
		dist := make([]int, n)
		prev := make([]int, n) // predecessor state, -1 for a source
		for v := range dist {
			dist[v] = inf
			if v < g.Inits || bal[v] > 0 {
				dist[v], prev[v] = 0, -1
			}
		}
		for range n {
			for s, es := range g.Edges {
				if dist[s] == inf {
					continue
				}
				for _, e := range es {
					to := int(e.To)
					if to != s && dist[s]+1 < dist[to] {
						dist[to], prev[to] = dist[s]+1, s
					}
				}
			}
			for k, x := range extra {
				if x > 0 && dist[k[1]] != inf && dist[k[1]]-1 < dist[k[0]] {
					dist[k[0]], prev[k[0]] = dist[k[1]]-1, k[1]
				}
			}
		}
		total += dist[target]
		bal[target]++
		v := target
		for prev[v] >= 0 {
			u := prev[v]
			if extra[[2]int{v, u}] > 0 && dist[u] == dist[v]+1 {
				extra[[2]int{v, u}]-- // cancel an extra traversal v -> u
			} else {
				extra[[2]int{u, v}]++
			}
			v = u
		}
		if v >= g.Inits {
			bal[v]--
		}
	}
}

// randomAdj draws a small graph: strongly connected parts, chains, self
// loops, parallel edges and several initial states all turn up.
func randomAdj(t *rapid.T) ([][]int, []int) {
	n := rapid.IntRange(1, 9).Draw(t, "n")
	adj := make([][]int, n)
	for v := range adj {
		adj[v] = rapid.SliceOfN(rapid.IntRange(0, n-1), 0, 4).Draw(t, "out")
	}
	inits := rapid.SliceOfNDistinct(rapid.IntRange(0, n-1), 1, 3, rapid.ID).Draw(t, "inits")
	return adj, inits
}

// Property: the tour takes every edge in walks from initial states, with
// exactly the fewest steps possible (as computed by a reference solver), never
// more than the greedy tour, and the same walks every time.
func TestEdgeCover_OptimalOnRandomGraphs(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		adj, inits := randomAdj(rt)
		g, sel := adjGraph(rt, adj, inits...)
		walks, ok := edgeCover(sel.tourGraph(), 0)
		if !ok {
			rt.Fatal("edgeCover failed")
		}
		steps := checkWalks(rt, g, sel, walks)
		if want := referenceOptimum(g); steps != want {
			rt.Fatalf("tour takes %d steps, optimum is %d", steps, want)
		}
		if greedy := greedySteps(sel); steps > greedy {
			rt.Fatalf("tour takes %d steps, greedy %d", steps, greedy)
		}
		again, _ := edgeCover(sel.tourGraph(), 0)
		if !reflect.DeepEqual(walks, again) {
			rt.Fatal("edgeCover is not deterministic")
		}
	})
}

// Property: with a limit on test length, the tour still takes every edge,
// and a test is longer than the limit only when the path back to where it
// continues alone reaches it (then it takes one step more).
func TestEdgeCover_MaxSteps(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		adj, inits := randomAdj(rt)
		g, sel := adjGraph(rt, adj, inits...)
		maxSteps := rapid.IntRange(1, 12).Draw(rt, "maxSteps")
		walks, ok := edgeCover(sel.tourGraph(), maxSteps)
		if !ok {
			rt.Fatal("edgeCover failed")
		}
		checkWalks(rt, g, sel, walks)
		depth := int32(0)
		for _, d := range g.Depth {
			depth = max(depth, d)
		}
		for _, w := range walks {
			if len(w.edges) > max(maxSteps, int(depth)+1) {
				rt.Fatalf("walk of %d steps, limit %d, depth %d", len(w.edges), maxSteps, depth)
			}
		}
	})
}

func TestEdgeCover_HandMadeDAG(t *testing.T) {
	for _, tc := range []struct {
		name  string
		adj   [][]int
		steps int
		tests int
	}{
		// 1 and 4 are left more often than entered: 1 once more, by
		// 0->1 (1 step), and 4 once more, by 0->1->2->4 (3 steps): 8
		// edges + 4 = 12 steps in three tests ending at 5, 6 and 7.
		{"deficits fed from the initial state", [][]int{
			0: {1}, 1: {2, 3}, 2: {4}, 3: {4}, 4: {5, 6, 7}, 5: {}, 6: {}, 7: {},
		}, 12, 3},
		// 4 is left twice, entered once; 3 is entered twice, left once:
		// the walk that would end at 3 goes on by 3->4 (1 step) instead
		// of a new walk 0->1->2->3->4 (4 steps): 8 + 1 = 9 steps in
		// 0 1 2 3 4 5 and 0 7 3 4 6.
		{"deficit fed from a surplus", [][]int{
			0: {1, 7}, 1: {2}, 2: {3}, 3: {4}, 4: {5, 6}, 5: {}, 6: {}, 7: {3},
		}, 9, 2},
		// Self-loops cost their own step only: 0->0, 1->1, 1->1, 0->1:
		// 4 steps in one test.
		{"self-loops", [][]int{0: {0, 1}, 1: {1, 1}}, 4, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, sel := adjGraph(t, tc.adj, 0)
			walks, ok := edgeCover(sel.tourGraph(), 0)
			if !ok {
				t.Fatal("edgeCover failed")
			}
			steps := checkWalks(t, g, sel, walks)
			if steps != tc.steps || len(walks) != tc.tests {
				t.Errorf("%d steps in %d tests, want %d in %d", steps, len(walks), tc.steps, tc.tests)
			}
			if ref := referenceOptimum(g); ref != tc.steps {
				t.Errorf("reference optimum %d, want %d", ref, tc.steps)
			}
		})
	}
}

// A strongly connected graph needs no reset: one test, one step per edge,
// cut into tests of at most MaxSteps that restart where a path back from
// the initial state is shortest.
func TestEdgeCover_Cycle(t *testing.T) {
	// A ring 0->1->...->9->0 with a chord 5->0 and a way back 0->5.
	adj := make([][]int, 10)
	for v := range adj {
		adj[v] = []int{(v + 1) % 10}
	}
	adj[5] = append(adj[5], 0)
	adj[0] = append(adj[0], 5)
	g, sel := adjGraph(t, adj, 0)
	walks, _ := edgeCover(sel.tourGraph(), 0)
	if steps := checkWalks(t, g, sel, walks); steps != 12 || len(walks) != 1 {
		t.Fatalf("%d steps in %d tests, want 12 in 1", steps, len(walks))
	}
	walks, _ = edgeCover(sel.tourGraph(), 6)
	steps := checkWalks(t, g, sel, walks)
	for _, w := range walks {
		if len(w.edges) > 6 {
			t.Errorf("walk of %d steps", len(w.edges))
		}
	}
	// The circuit 0 1 2 3 4 5 6 7 8 9 0 5 0 is cut at 5 (depth 1) and
	// at 0 (free): 0-5, 0 5-0, 0 5 0.
	if steps != 13 {
		t.Errorf("%d steps with MaxSteps 6, want 13", steps)
	}
}
