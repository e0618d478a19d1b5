package explorer

import (
	"math"
	"sync"
	"sync/atomic"
)

// rec is what BFS keeps of each distinct state: its parent's record index
// and the global id of the step from the parent (for initial states, the
// index into Model.Init). Traces are rebuilt by replaying these choices.
type rec struct {
	parent uint32
	id     uint32
}

const noParent = math.MaxUint32

// chunkOut is what one worker found while expanding one chunk of a level.
type chunkOut[S any] struct {
	states []S
	recs   []rec
	found  *found
	done   int // frontier states expanded
}

func (r *run[S]) bfs() {
	set := newFPSet(r.workers > 1)
	var records []rec
	defer func() { r.tableBytes = set.bytes() + int64(cap(records))*8 }()

	w := newWorker(r)
	var frontier []S
	var fidx []uint32
	codec := r.m.Codec
	for i := range r.m.Init {
		s := codec.Clone(&r.m.Init[i])
		f := w.initState(&s, uint32(len(records)), set)
		if f == nil && !w.isNew {
			continue
		}
		idx := uint32(len(records))
		records = append(records, rec{parent: noParent, id: uint32(i)})
		r.distinct.Add(1)
		if f != nil {
			f.at = idx
			r.reportBFS(records, f)
			return
		}
		frontier = append(frontier, s)
		fidx = append(fidx, idx)
	}
	r.merge(w)
	r.reserved.Store(r.distinct.Load())

	for depth := 0; len(frontier) > 0; depth++ {
		r.depth.Store(int64(depth))
		r.queue.Store(int64(len(frontier)))
		if r.opts.MaxDepth > 0 && depth >= r.opts.MaxDepth {
			r.reason = DepthLimit
			return
		}
		if r.stopped() {
			return
		}
		outs := r.level(frontier, fidx, set)
		var next []S
		var nidx []uint32
		var best *found
		expanded := 0
		for _, o := range outs {
			if o == nil {
				continue
			}
			expanded += o.done
			if o.found != nil && (best == nil || o.found.key < best.key) {
				best = o.found
			}
			for i := range o.states {
				nidx = append(nidx, uint32(len(records)))
				records = append(records, o.recs[i])
			}
			next = append(next, o.states...)
		}
		if best != nil {
			r.reportBFS(records, best)
			return
		}
		if len(next) > 0 {
			r.depth.Store(int64(depth + 1))
		}
		r.queue.Store(int64(len(frontier) - expanded + len(next)))
		frontier, fidx = next, nidx
		if r.stopped() {
			return
		}
	}
	r.queue.Store(0)
}

// level expands one BFS level with r.workers goroutines and returns the
// chunk outputs in frontier order.
func (r *run[S]) level(frontier []S, fidx []uint32, set *fpSet) []*chunkOut[S] {
	size := len(frontier) / (r.workers * 8)
	size = min(max(size, 64), 4096)
	nchunks := (len(frontier) + size - 1) / size
	outs := make([]*chunkOut[S], nchunks)
	var nextChunk atomic.Int64
	work := func(w *worker[S]) {
		for {
			ci := int(nextChunk.Add(1) - 1)
			if ci >= nchunks || r.stopped() {
				break
			}
			lo, hi := ci*size, min((ci+1)*size, len(frontier))
			out := &chunkOut[S]{}
			for i := lo; i < hi; i++ {
				if r.stopped() {
					break
				}
				if f := w.expandBFS(&frontier[i], fidx[i], int64(i), set, out); f != nil {
					out.found = f
					r.halt(stopViolation)
					out.done++
					break
				}
				out.done++
			}
			outs[ci] = out
			r.distinct.Add(int64(len(out.states)))
			w.flush()
		}
		r.merge(w)
	}
	if r.workers == 1 || nchunks == 1 {
		work(newWorker(r))
		return outs
	}
	var wg sync.WaitGroup
	for range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(newWorker(r))
		}()
	}
	wg.Wait()
	return outs
}

// initState fingerprints and checks an initial state. It sets w.isNew.
func (w *worker[S]) initState(s *S, at uint32, set *fpSet) (f *found) {
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, at, 0)
			f.id = -1
		}
	}()
	w.isNew = false
	w.phase = inFingerprint
	var fp uint64
	fp, w.buf = w.r.m.Codec.Fingerprint(w.buf, s)
	if !set.insert(fp) {
		return nil
	}
	w.isNew = true
	if name, ok := w.checkInvariants(s); !ok {
		return &found{kind: InvariantKind, name: name, at: at, id: -1, msg: "invariant " + name + " is false in an initial state"}
	}
	return nil
}

// expandBFS computes the successors of s (record index at, frontier
// position pos), adds the new ones to out and returns the first violation.
func (w *worker[S]) expandBFS(s *S, at uint32, pos int64, set *fpSet, out *chunkOut[S]) (f *found) {
	r := w.r
	key := pos * int64(r.ids+1)
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, at, key+int64(w.id))
		}
	}()
	codec := r.m.Codec
	purity := r.opts.CheckPurity
	limit := r.opts.MaxStates
	var fp0 uint64
	if purity {
		w.phase = inFingerprint
		fp0, w.buf = codec.Fingerprint(w.buf, s)
	}
	enabled := 0
	for ai, a := range r.acts {
		base := r.offsets[ai]
		for c := 0; c < a.Choices; c++ {
			id := base + c
			w.id, w.phase = id, inGuard
			if !a.Enabled(s, c) {
				w.guardFalse[ai]++
				if purity {
					if f := w.impure(s, fp0, id, at, key+int64(id)); f != nil {
						return f
					}
				}
				continue
			}
			enabled++
			w.fired[id]++
			w.trans++
			w.phase = inEffect
			next := codec.Clone(s)
			a.Effect(&next, c)
			if purity {
				if f := w.impure(s, fp0, id, at, key+int64(id)); f != nil {
					return f
				}
			}
			if name, ok := w.checkProperties(s, id, &next); !ok {
				return &found{kind: PropertyKind, name: name, at: at, id: id, key: key + int64(id),
					msg: "property " + name + " is false for step " + a.Label(c)}
			}
			w.phase = inFingerprint
			var fp uint64
			fp, w.buf = codec.Fingerprint(w.buf, &next)
			if !set.insert(fp) {
				continue
			}
			if limit > 0 && r.reserved.Add(1) > limit {
				r.halt(StateLimit)
				return nil
			}
			if name, ok := w.checkInvariants(&next); !ok {
				return &found{kind: InvariantKind, name: name, at: at, id: id, key: key + int64(id),
					msg: "invariant " + name + " is false"}
			}
			out.states = append(out.states, next)
			out.recs = append(out.recs, rec{parent: at, id: uint32(id)})
		}
	}
	if enabled == 0 && !r.opts.NoDeadlock && !w.terminal(s) {
		return &found{kind: DeadlockKind, at: at, id: -1, key: key + int64(r.ids),
			msg: "no action is enabled and the state is not marked terminal"}
	}
	return nil
}

// reportBFS rebuilds the trace of f from the parent records and reports it.
func (r *run[S]) reportBFS(records []rec, f *found) {
	var ids []int
	i := f.at
	for records[i].parent != noParent {
		ids = append(ids, int(records[i].id))
		i = records[i].parent
	}
	for l, h := 0, len(ids)-1; l < h; l, h = l+1, h-1 {
		ids[l], ids[h] = ids[h], ids[l]
	}
	r.reportPath(int(records[i].id), ids, f)
}
