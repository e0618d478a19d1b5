package explorer

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// random runs Options.Walks seeded random walks of at most Options.MaxDepth
// steps. Walk k uses the seed (Options.Seed, k), so the outcome does not
// depend on the number of workers: the reported violation is the one of the
// lowest-numbered failing walk.
func (r *run[S]) random() {
	walks := r.opts.Walks
	if walks == 0 {
		walks = 1000
	}
	depth := r.opts.MaxDepth
	if depth == 0 {
		depth = 100
	}
	set := newFPSet(r.workers > 1)
	var next atomic.Int64
	var best atomic.Int64
	best.Store(math.MaxInt64)
	var mu sync.Mutex
	var bestF *found
	var bestInit int
	var bestIDs []int
	work := func(w *worker[S]) {
		defer r.merge(w)
		defer w.flush()
		for {
			k := next.Add(1) - 1
			if k >= int64(walks) || k > best.Load() || r.stopped() {
				return
			}
			rng := rand.New(rand.NewPCG(uint64(r.opts.Seed), uint64(k)))
			f, init, ids := w.walk(rng, depth, set)
			if f == nil {
				r.walks.Add(1)
				continue
			}
			mu.Lock()
			if k < best.Load() {
				best.Store(k)
				bestF, bestInit, bestIDs = f, init, ids
			}
			mu.Unlock()
			r.walks.Add(1)
		}
	}
	if r.workers == 1 {
		work(newWorker(r))
	} else {
		var wg sync.WaitGroup
		for range r.workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(newWorker(r))
			}()
		}
		wg.Wait()
	}
	if bestF != nil {
		r.reportPath(bestInit, bestIDs, bestF)
		return
	}
	if !r.stopped() {
		r.reason = WalkLimit
	}
}

// walk runs one random walk. It returns the violation it found, if any,
// with the initial state index and the steps that lead to it.
func (w *worker[S]) walk(rng *rand.Rand, depth int, set *fpSet) (f *found, init int, ids []int) {
	r := w.r
	codec := r.codec
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, 0, 0)
			outside := w.outside
			w.outside = false
			if f.attempted || w.phase == inTerminal || w.phase == inProperty || w.phase == inConstraint || outside {
				// Property panics keep their step, which ids lacks.
				return
			}
			// The panic came from a check of the last state reached.
			f.id = -1
		}
	}()
	init = rng.IntN(len(r.m.Init))
	s := codec.Clone(&r.m.Init[init])
	w.phase = inFingerprint
	if w.visit(&s, set, 0) {
		if name, ok := w.checkInvariants(&s); !ok {
			return &found{kind: InvariantKind, name: name, id: -1, msg: "invariant " + name + " is false in an initial state"}, init, nil
		}
	}
	var enabled []int
	for d := 0; d < depth; d++ {
		if r.stopped() {
			return nil, init, ids
		}
		var fp0 uint64
		if r.opts.CheckPurity {
			w.phase = inFingerprint
			fp0, w.buf = codec.Fingerprint(w.buf, &s)
		}
		enabled = enabled[:0]
		for ai, a := range r.acts {
			for c := 0; c < a.Choices; c++ {
				id := r.offsets[ai] + c
				w.id, w.phase = id, inGuard
				if a.Enabled(&s, c) {
					enabled = append(enabled, id)
				} else {
					w.guardFalse[ai]++
				}
				if r.opts.CheckPurity {
					if f := w.impure(&s, fp0, id, 0, 0); f != nil {
						return f, init, ids
					}
				}
			}
		}
		if len(enabled) == 0 {
			if !r.opts.NoDeadlock && !w.terminal(&s) {
				return &found{kind: DeadlockKind, id: -1, msg: "no action is enabled and the state is not marked terminal"}, init, ids
			}
			return nil, init, ids
		}
		// A step out of the constraints ends nowhere: try another, and
		// end the walk when every enabled step leaves them.
		var next S
		id := -1
		for len(enabled) > 0 {
			k := rng.IntN(len(enabled))
			cand := enabled[k]
			ai, c := r.action(cand)
			a := r.acts[ai]
			w.fired[cand]++
			w.trans++
			w.id, w.phase = cand, inEffect
			next = codec.Clone(&s)
			a.Effect(&next, c)
			if r.opts.CheckPurity {
				if f := w.impure(&s, fp0, cand, 0, 0); f != nil {
					return f, init, ids
				}
			}
			if name, ok := w.checkProperties(&s, cand, &next); !ok {
				return &found{kind: PropertyKind, name: name, id: cand, msg: "property " + name + " is false for step " + a.Label(c)}, init, ids
			}
			in, f := w.within(&next, cand)
			if f != nil {
				return f, init, ids
			}
			if in {
				id = cand
				break
			}
			enabled[k] = enabled[len(enabled)-1]
			enabled = enabled[:len(enabled)-1]
		}
		if id < 0 {
			return nil, init, ids
		}
		ids = append(ids, id)
		s = next
		w.phase = inFingerprint
		w.visit(&s, set, d+1)
		if name, ok := w.checkInvariants(&s); !ok {
			return &found{kind: InvariantKind, name: name, id: -1, msg: "invariant " + name + " is false"}, init, ids
		}
	}
	return nil, init, ids
}

// visit records s, reached at depth d, in the set of seen states and
// reports whether it was new.
func (w *worker[S]) visit(s *S, set *fpSet, d int) bool {
	r := w.r
	var fp uint64
	fp, w.buf = r.codec.Fingerprint(w.buf, s)
	for cur := r.depth.Load(); int64(d) > cur && !r.depth.CompareAndSwap(cur, int64(d)); cur = r.depth.Load() {
	}
	if !set.insert(fp) {
		return false
	}
	if limit := r.opts.MaxStates; limit > 0 {
		// Reserve first, so that parallel walks never count more than
		// MaxStates states.
		n := r.reserved.Add(1)
		if n >= limit {
			r.halt(StateLimit)
		}
		if n > limit {
			return false
		}
	}
	r.distinct.Add(1)
	return true
}
