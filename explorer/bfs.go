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

// recBlock is the number of records in one block of a recStore.
const recBlock = 1 << 16

// recStore holds the records of all distinct states in fixed-size blocks,
// so that it grows without copying.
type recStore struct {
	blocks [][]rec
	n      int
}

// add appends a record and returns its index. The first block starts small
// and grows by appending; every later block has exactly recBlock records.
func (s *recStore) add(r rec) uint32 {
	if len(s.blocks) == 0 {
		s.blocks = append(s.blocks, make([]rec, 0, 1024))
	} else if len(s.blocks[len(s.blocks)-1]) == recBlock {
		s.blocks = append(s.blocks, make([]rec, 0, recBlock))
	}
	b := &s.blocks[len(s.blocks)-1]
	*b = append(*b, r)
	s.n++
	return uint32(s.n - 1)
}

func (s *recStore) at(i uint32) rec { return s.blocks[i/recBlock][i%recBlock] }

func (s *recStore) bytes() int64 {
	var n int64
	for _, b := range s.blocks {
		n += int64(cap(b)) * 8
	}
	return n
}

// chunkOut is what one worker found while expanding one chunk of a level.
type chunkOut[S any] struct {
	states []S
	recs   []rec
	found  *found
	done   int // frontier states expanded
}

func (r *run[S]) bfs() {
	set := newFPSet(r.workers > 1)
	records := &recStore{}
	defer func() { r.tableBytes = set.bytes() + records.bytes() }()

	w := newWorker(r)
	var frontier []S
	var fidx []uint32
	codec := r.codec
	for i := range r.m.Init {
		s := codec.Clone(&r.m.Init[i])
		f := w.initState(&s, uint32(records.n), set)
		if f == nil && !w.isNew {
			continue
		}
		idx := records.add(rec{parent: noParent, id: uint32(i)})
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

	level := []segment[S]{{states: frontier, idx: fidx}}
	for depth := 0; len(level) > 0; depth++ {
		r.depth.Store(int64(depth))
		total := 0
		for _, sg := range level {
			total += len(sg.states)
		}
		r.queue.Store(int64(total))
		if r.opts.MaxDepth > 0 && depth >= r.opts.MaxDepth {
			r.reason = DepthLimit
			return
		}
		if r.stopped() {
			return
		}
		outs := r.level(level, set)
		var next []segment[S]
		var best *found
		expanded, found := 0, 0
		for _, o := range outs {
			if o == nil {
				continue
			}
			expanded += o.done
			if o.found != nil && (best == nil || o.found.key < best.key) {
				best = o.found
			}
			if len(o.states) == 0 {
				continue
			}
			sg := segment[S]{states: o.states, idx: make([]uint32, len(o.states))}
			for i := range o.states {
				sg.idx[i] = records.add(o.recs[i])
			}
			found += len(o.states)
			next = append(next, sg)
		}
		if best != nil {
			r.reportBFS(records, best)
			if v := r.violations; len(v) > 0 && int64(v[0].Trace.Len()) > r.depth.Load() {
				r.depth.Store(int64(v[0].Trace.Len()))
			}
			return
		}
		if found > 0 {
			r.depth.Store(int64(depth + 1))
		}
		r.queue.Store(int64(total - expanded + found))
		level = next
		if r.stopped() {
			return
		}
	}
	r.queue.Store(0)
}

// segment is a part of a BFS level: states and their record indices.
type segment[S any] struct {
	states []S
	idx    []uint32
}

// level expands one BFS level with r.workers goroutines and returns the
// chunk outputs in level order.
func (r *run[S]) level(level []segment[S], set *fpSet) []*chunkOut[S] {
	total := 0
	for _, sg := range level {
		total += len(sg.states)
	}
	size := min(max(total/(r.workers*8), 64), 4096)
	// chunks: (segment, lo, hi), in level order.
	type chunk struct{ seg, lo, hi, pos int }
	var chunks []chunk
	pos := 0
	for si, sg := range level {
		for lo := 0; lo < len(sg.states); lo += size {
			hi := min(lo+size, len(sg.states))
			chunks = append(chunks, chunk{si, lo, hi, pos})
			pos += hi - lo
		}
	}
	outs := make([]*chunkOut[S], len(chunks))
	var nextChunk atomic.Int64
	// firstBad is the first chunk that found a violation. Chunks after it
	// stop; chunks before it go on, since one of them may find an earlier
	// violation. The violation reported is then the first in level order,
	// whatever the number of workers.
	var firstBad atomic.Int64
	firstBad.Store(math.MaxInt64)
	work := func(w *worker[S]) {
		for {
			ci := int(nextChunk.Add(1) - 1)
			if ci >= len(chunks) || r.stopped() || int64(ci) > firstBad.Load() {
				break
			}
			ch := chunks[ci]
			sg := &level[ch.seg]
			// Most chunks find about as many new states as they expand.
			out := &chunkOut[S]{states: make([]S, 0, ch.hi-ch.lo), recs: make([]rec, 0, ch.hi-ch.lo)}
			for i := ch.lo; i < ch.hi; i++ {
				if r.stopped() || int64(ci) > firstBad.Load() {
					break
				}
				out.done++
				if f := w.expandBFS(&sg.states[i], sg.idx[i], int64(ch.pos+i-ch.lo), set, out); f != nil {
					// Successors still in the batch come first.
					if g := w.flushBFS(set, out); g != nil && g.key < f.key {
						f = g
					}
					out.found = f
					break
				}
			}
			if out.found == nil {
				out.found = w.flushBFS(set, out)
			}
			if out.found != nil {
				for cur := firstBad.Load(); int64(ci) < cur && !firstBad.CompareAndSwap(cur, int64(ci)); cur = firstBad.Load() {
				}
			}
			outs[ci] = out
			r.distinct.Add(int64(len(out.states)))
			w.flush()
		}
		r.merge(w)
	}
	if r.workers == 1 || len(chunks) == 1 {
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
	fp, w.buf = w.r.codec.Fingerprint(w.buf, s)
	if !set.insert(fp) {
		return nil
	}
	w.isNew = true
	if name, ok := w.checkInvariants(s); !ok {
		return &found{kind: InvariantKind, name: name, at: at, id: -1, msg: "invariant " + name + " is false in an initial state"}
	}
	return nil
}

// batchSize is the number of successors a BFS worker computes before it
// looks them up in the fingerprint set. Looking up a batch lets the CPU
// fetch the set's slots for all of them at once instead of waiting for each
// cache miss in turn.
const batchSize = 32

// pending is a successor waiting in a worker's batch. own holds the buffers
// the worker allocated for the slot, reused until a successor is kept.
type pending[S any] struct {
	s, own S
	fp     uint64
	at     uint32
	id     uint32
	key    int64
}

// expandBFS computes the successors of s (record index at, level position
// pos) into the worker's batch, flushing it into out when full, and returns
// the first violation.
func (w *worker[S]) expandBFS(s *S, at uint32, pos int64, set *fpSet, out *chunkOut[S]) (f *found) {
	r := w.r
	key := pos * int64(r.ids+1)
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, at, key+int64(w.id))
		}
	}()
	codec := r.codec
	purity := r.opts.CheckPurity
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
			p := &w.batch[w.nb]
			codec.CloneInto(&p.s, &p.own, s, &w.arena)
			p.own = p.s
			a.Effect(&p.s, c)
			if purity {
				if f := w.impure(s, fp0, id, at, key+int64(id)); f != nil {
					return f
				}
			}
			if name, ok := w.checkProperties(s, id, &p.s); !ok {
				return &found{kind: PropertyKind, name: name, at: at, id: id, key: key + int64(id),
					msg: "property " + name + " is false for step " + a.Label(c)}
			}
			if in, f := w.within(&p.s, id); !in {
				if f != nil {
					f.at, f.key = at, key+int64(id)
					return f
				}
				continue
			}
			w.phase = inFingerprint
			p.fp, w.buf = codec.Fingerprint(w.buf, &p.s)
			p.at, p.id, p.key = at, uint32(id), key+int64(id)
			if w.nb++; w.nb == batchSize {
				if f := w.flushBFS(set, out); f != nil {
					return f
				}
			}
		}
	}
	if enabled == 0 && !r.opts.NoDeadlock && !w.terminal(s) {
		return &found{kind: DeadlockKind, at: at, id: -1, key: key + int64(r.ids),
			msg: "no action is enabled and the state is not marked terminal"}
	}
	return nil
}

// flushBFS looks up the batched successors in the set, checks the new ones'
// invariants and moves them to out. It returns the first violation.
func (w *worker[S]) flushBFS(set *fpSet, out *chunkOut[S]) (f *found) {
	r := w.r
	n := w.nb
	w.nb = 0
	var p *pending[S]
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, p.at, p.key)
			f.id = int(p.id)
		}
	}()
	if !set.locked {
		var sink uint64
		for i := range n {
			sink += set.peek(w.batch[i].fp)
		}
		w.sink += sink
	}
	limit := r.opts.MaxStates
	var zero S
	for i := range n {
		p = &w.batch[i]
		if !set.insert(p.fp) {
			continue
		}
		if limit > 0 && r.reserved.Add(1) > limit {
			r.halt(StateLimit)
			return nil
		}
		w.id = int(p.id)
		if name, ok := w.checkInvariants(&p.s); !ok {
			// The violating state is a distinct state found, as TLC counts it.
			r.distinct.Add(1)
			return &found{kind: InvariantKind, name: name, at: p.at, id: int(p.id), key: p.key,
				msg: "invariant " + name + " is false"}
		}
		out.states = append(out.states, p.s)
		out.recs = append(out.recs, rec{parent: p.at, id: p.id})
		p.own = zero
	}
	return nil
}

// reportBFS rebuilds the trace of f from the parent records and reports it.
func (r *run[S]) reportBFS(records *recStore, f *found) {
	var ids []int
	i := f.at
	for records.at(i).parent != noParent {
		ids = append(ids, int(records.at(i).id))
		i = records.at(i).parent
	}
	for l, h := 0, len(ids)-1; l < h; l, h = l+1, h-1 {
		ids[l], ids[h] = ids[h], ids[l]
	}
	r.reportPath(int(records.at(i).id), ids, f)
}
