package explorer

import (
	"context"
	"fmt"

	"github.com/mbtgo/mbt/internal/codec"
	"github.com/mbtgo/mbt/model"
)

// Graph is the full labelled transition graph of a model: every reachable
// state with its value, and every transition. It costs far more memory per
// state than [Explore]; generators and graph exports ask for it on models
// small enough to print.
type Graph[S any] struct {
	// States holds every reachable state; states 0..Inits-1 are the
	// initial states, and the rest follow in breadth-first order.
	States []S
	// Inits is the number of distinct initial states.
	Inits int
	// Edges[s] are the transitions out of state s, in action then argument
	// order.
	Edges [][]Edge
	// Disabled[s] lists the global ids (see Edge.ID) whose guard is false in
	// state s.
	Disabled [][]int32
	// Pruned[s] lists the global ids that are enabled in state s but lead
	// to a state outside the model's constraints: neither an edge nor a
	// disabled step.
	Pruned [][]int32
	// Depth[s] is the length of a shortest path from an initial state.
	Depth []int32
	// Parent[s] is the edge by which BFS first reached s: the state and the
	// index in Edges of that state; -1 for initial states.
	Parent []ParentEdge
	// Actions are the model's actions; IDs index the flattened list of
	// (action, choice) pairs, see [Graph.Action].
	Actions []*model.Action[S]
	offsets []int
}

// Edge is one transition.
type Edge struct {
	// ID identifies the action and argument choice (see [Graph.Action]).
	ID int32
	// To is the target state.
	To int32
}

// ParentEdge is the BFS tree edge into a state.
type ParentEdge struct {
	From int32
	Edge int32
}

// Action returns the action index and argument choice of a global id.
func (g *Graph[S]) Action(id int) (action, choice int) {
	for i := len(g.offsets) - 1; i >= 0; i-- {
		if id >= g.offsets[i] {
			return i, id - g.offsets[i]
		}
	}
	return 0, id
}

// ID returns the global id of action index a with argument choice c: the
// inverse of [Graph.Action].
func (g *Graph[S]) ID(a, c int) int { return g.offsets[a] + c }

// IDs returns the number of global ids: the number of (action, argument
// choice) pairs.
func (g *Graph[S]) IDs() int {
	if len(g.Actions) == 0 {
		return 0
	}
	last := len(g.Actions) - 1
	return g.offsets[last] + g.Actions[last].Choices
}

// Step returns the model step of a global id taken from state from, with
// the expected output.
func (g *Graph[S]) Step(from int, id int) model.Step {
	a, c := g.Action(id)
	act := g.Actions[a]
	st := model.Step{Action: act.Name, Args: act.Args(c)}
	if act.Output != nil {
		st.Output = act.Output(&g.States[from], c)
	}
	return st
}

// Transitions returns the number of edges.
func (g *Graph[S]) Transitions() int {
	n := 0
	for _, es := range g.Edges {
		n += len(es)
	}
	return n
}

// ErrGraphTooBig is returned by BuildGraph when the model has more states
// than the limit.
var ErrGraphTooBig = fmt.Errorf("explorer: state graph exceeds the state limit")

// BuildGraph explores m breadth-first and returns its full transition
// graph. It fails with ErrGraphTooBig beyond maxStates states (0: one
// million), and returns the panic of user code as an error.
func BuildGraph[S any](ctx context.Context, m *model.Model[S], maxStates int) (g *Graph[S], err error) {
	if m == nil || len(m.Init) == 0 || len(m.Actions) == 0 {
		return nil, ErrNoModel
	}
	cd, err := codec.For[S]()
	if err != nil {
		return nil, fmt.Errorf("explorer: model %s: %w", m.Name, err)
	}
	if maxStates <= 0 {
		maxStates = 1 << 20
	}
	g = &Graph[S]{Actions: m.Actions}
	n := 0
	for _, a := range m.Actions {
		g.offsets = append(g.offsets, n)
		n += a.Choices
	}
	ids := map[uint64]int32{}
	var buf []byte
	defer func() {
		if v := recover(); v != nil {
			g, err = nil, fmt.Errorf("explorer: building the state graph of %s: model code panicked: %v", m.Name, v)
		}
	}()
	add := func(s S, depth int32, parent ParentEdge) (int32, bool, error) {
		var fp uint64
		fp, buf = cd.Fingerprint(buf, &s)
		if id, ok := ids[fp]; ok {
			return id, false, nil
		}
		if len(g.States) >= maxStates {
			return 0, false, fmt.Errorf("%w (%d)", ErrGraphTooBig, maxStates)
		}
		id := int32(len(g.States))
		ids[fp] = id
		g.States = append(g.States, s)
		g.Edges = append(g.Edges, nil)
		g.Disabled = append(g.Disabled, nil)
		g.Pruned = append(g.Pruned, nil)
		g.Depth = append(g.Depth, depth)
		g.Parent = append(g.Parent, parent)
		return id, true, nil
	}
	for i := range m.Init {
		if _, _, err := add(cd.Clone(&m.Init[i]), 0, ParentEdge{-1, -1}); err != nil {
			return nil, err
		}
	}
	g.Inits = len(g.States)
	for s := 0; s < len(g.States); s++ {
		if s%1024 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("explorer: building the state graph: %w", ctx.Err())
		}
		for ai, a := range m.Actions {
			for c := range a.Choices {
				id := int32(g.offsets[ai] + c)
				if !a.Enabled(&g.States[s], c) {
					g.Disabled[s] = append(g.Disabled[s], id)
					continue
				}
				next := cd.Clone(&g.States[s])
				a.Effect(&next, c)
				if ok, _ := m.Within(&next); !ok {
					g.Pruned[s] = append(g.Pruned[s], id)
					continue
				}
				to, _, err := add(next, g.Depth[s]+1, ParentEdge{int32(s), int32(len(g.Edges[s]))})
				if err != nil {
					return nil, err
				}
				g.Edges[s] = append(g.Edges[s], Edge{ID: id, To: to})
			}
		}
	}
	return g, nil
}

// PathTo returns the BFS tree path from an initial state to s: the initial
// state and the edges, as (from state, edge index) pairs.
func (g *Graph[S]) PathTo(s int) (init int, path []ParentEdge) {
	for g.Parent[s].From >= 0 {
		path = append(path, g.Parent[s])
		s = int(g.Parent[s].From)
	}
	for l, h := 0, len(path)-1; l < h; l, h = l+1, h-1 {
		path[l], path[h] = path[h], path[l]
	}
	return s, path
}
