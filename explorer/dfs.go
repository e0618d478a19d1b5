package explorer

// dfs explores depth-first with one worker. Without a depth bound each
// state is expanded once; with one, a state reached again on a shorter path
// is expanded again, so every state within the bound is found.
func (r *run[S]) dfs() {
	w := newWorker(r)
	defer r.merge(w)
	defer w.flush()
	type frame struct {
		s       S
		next    int // next global id to try
		enabled int
		id      int // step that led here; -1 at the root
	}
	seen := map[uint64]int{} // fingerprint -> smallest depth reached
	codec := r.codec
	path := func(stack []frame) []int {
		ids := make([]int, 0, len(stack))
		for _, fr := range stack[1:] {
			ids = append(ids, fr.id)
		}
		return ids
	}
	for i := range r.m.Init {
		if r.stopped() {
			return
		}
		s := codec.Clone(&r.m.Init[i])
		fp, f := w.fingerprint(&s, -1)
		if f != nil {
			r.reportPath(i, nil, f)
			return
		}
		if _, ok := seen[fp]; ok {
			continue
		}
		seen[fp] = 0
		r.distinct.Add(1)
		if f := w.checkState(&s, -1); f != nil {
			r.reportPath(i, nil, f)
			return
		}
		stack := []frame{{s: s, id: -1}}
		for len(stack) > 0 {
			if r.stopped() {
				r.queue.Store(int64(len(stack)))
				return
			}
			top := &stack[len(stack)-1]
			depth := len(stack) - 1
			if r.opts.MaxDepth > 0 && depth >= r.opts.MaxDepth {
				r.reason = DepthLimit
				stack = stack[:len(stack)-1]
				continue
			}
			id, next, f := w.nextDFS(&top.s, top.next)
			if f != nil {
				r.reportPath(i, path(stack), f)
				return
			}
			if id < 0 {
				if top.enabled == 0 && !r.opts.NoDeadlock {
					if f := w.deadlock(&top.s); f != nil {
						r.reportPath(i, path(stack), f)
						return
					}
				}
				stack = stack[:len(stack)-1]
				continue
			}
			top.next, top.enabled = id+1, top.enabled+1
			if in, f := w.withinSafe(&next, id); !in {
				if f != nil {
					r.reportPath(i, path(stack), f)
					return
				}
				continue
			}
			fp, f := w.fingerprint(&next, id)
			if f != nil {
				r.reportPath(i, path(stack), f)
				return
			}
			d, ok := seen[fp]
			if ok && (r.opts.MaxDepth == 0 || d <= depth+1) {
				continue
			}
			seen[fp] = depth + 1
			if !ok {
				if r.opts.MaxStates > 0 && r.distinct.Load() >= r.opts.MaxStates {
					r.halt(StateLimit)
					continue
				}
				r.distinct.Add(1)
				if f := w.checkState(&next, id); f != nil {
					r.reportPath(i, path(stack), f)
					return
				}
			}
			stack = append(stack, frame{s: next, id: id})
			if int64(depth+1) > r.depth.Load() {
				r.depth.Store(int64(depth + 1))
			}
			r.queue.Store(int64(len(stack)))
			if w.trans >= 1024 {
				w.flush()
			}
		}
	}
	r.queue.Store(0)
}

// nextDFS finds the first enabled step of s with global id >= from and
// returns it with its successor, or -1 when there is none.
func (w *worker[S]) nextDFS(s *S, from int) (id int, next S, f *found) {
	r := w.r
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, 0, 0)
		}
	}()
	var fp0 uint64
	if r.opts.CheckPurity {
		fp0, w.buf = r.codec.Fingerprint(w.buf, s)
	}
	for id := from; id < r.ids; id++ {
		ai, c := r.action(id)
		a := r.acts[ai]
		w.id, w.phase = id, inGuard
		if !a.Enabled(s, c) {
			w.guardFalse[ai]++
			if r.opts.CheckPurity {
				if f := w.impure(s, fp0, id, 0, 0); f != nil {
					return -1, next, f
				}
			}
			continue
		}
		w.fired[id]++
		w.trans++
		w.phase = inEffect
		next = r.codec.Clone(s)
		a.Effect(&next, c)
		if r.opts.CheckPurity {
			if f := w.impure(s, fp0, id, 0, 0); f != nil {
				return -1, next, f
			}
		}
		if name, ok := w.checkProperties(s, id, &next); !ok {
			return -1, next, &found{kind: PropertyKind, name: name, id: id,
				msg: "property " + name + " is false for step " + a.Label(c)}
		}
		return id, next, nil
	}
	return -1, next, nil
}

// withinSafe is within with a panic of user code recovered.
func (w *worker[S]) withinSafe(s *S, id int) (in bool, f *found) {
	defer func() {
		if v := recover(); v != nil {
			in, f = false, w.recovered(v, 0, 0)
			f.id, f.attempted = id, false
		}
	}()
	return w.within(s, id)
}

// checkState checks the invariants of a state reached by step id (-1 for an
// initial state), recovering panics.
func (w *worker[S]) checkState(s *S, id int) (f *found) {
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, 0, 0)
			f.id, f.attempted = id, false
		}
	}()
	w.id = id
	if name, ok := w.checkInvariants(s); !ok {
		msg := "invariant " + name + " is false"
		if id < 0 {
			msg += " in an initial state"
		}
		return &found{kind: InvariantKind, name: name, id: id, msg: msg}
	}
	return nil
}

// deadlock reports s as a deadlock unless it is terminal.
func (w *worker[S]) deadlock(s *S) (f *found) {
	defer func() {
		if v := recover(); v != nil {
			f = w.recovered(v, 0, 0)
		}
	}()
	if w.terminal(s) {
		return nil
	}
	return &found{kind: DeadlockKind, id: -1, msg: "no action is enabled and the state is not marked terminal"}
}

// fingerprint fingerprints s, reached by step id (-1 for an initial state),
// recovering a panic of the codec (a func stored in an interface).
func (w *worker[S]) fingerprint(s *S, id int) (fp uint64, f *found) {
	defer func() {
		if v := recover(); v != nil {
			w.phase = inFingerprint
			f = w.recovered(v, 0, 0)
			f.id, f.attempted = id, false
		}
	}()
	w.phase = inFingerprint
	fp, w.buf = w.r.codec.Fingerprint(w.buf, s)
	return fp, nil
}
