package explorer

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/mbtgo/mbt/internal/codec"
	"github.com/mbtgo/mbt/internal/panicstack"
	"github.com/mbtgo/mbt/model"
)

// phase is the user code a worker is running, for panic reports.
type phase int

const (
	inGuard phase = iota
	inEffect
	inInvariant
	inProperty
	inTerminal
	inFingerprint
	inConstraint
)

// found is a violation before its trace is rebuilt: the record (BFS) or
// path position of the state where it shows, and the step from there.
type found struct {
	kind      Kind
	name, msg string
	at        uint32 // record index of the state the step starts from
	id        int    // global id of the step from at, or -1
	attempted bool   // the step has no successor state
	key       int64  // order among violations of one run; smallest wins
}

// worker holds one goroutine's scratch space and counters.
type worker[S any] struct {
	r          *run[S]
	buf        []byte
	fired      []int64
	guardFalse []int64
	trans      int64
	pruned     int64 // transitions into states outside the constraints
	outside    bool  // checking the invariants of a state outside them
	isNew      bool
	batch      []pending[S] // BFS successors waiting for the set
	nb         int
	sink       uint64 // keeps the set's prefetching loads alive
	arena      codec.Arena

	// what user code is running
	phase phase
	id    int
	name  string
}

func newWorker[S any](r *run[S]) *worker[S] {
	return &worker[S]{r: r, buf: make([]byte, 0, 256), fired: make([]int64, r.ids), guardFalse: make([]int64, len(r.acts)),
		batch: make([]pending[S], batchSize)}
}

// recovered turns a recovered panic value into a violation at the current
// phase.
func (w *worker[S]) recovered(v any, at uint32, key int64) *found {
	f := &found{kind: PanicKind, at: at, id: -1, key: key}
	stack := userStack(string(debug.Stack()))
	switch w.phase {
	case inGuard, inEffect:
		a, c := w.r.action(w.id)
		part := "guard"
		if w.phase == inEffect {
			part = "effect"
		}
		f.name = w.r.acts[a].Name
		f.id, f.attempted = w.id, true
		f.msg = fmt.Sprintf("%s of %s panicked: %v", part, w.r.acts[a].Label(c), v)
	case inInvariant:
		f.name, f.id = w.name, w.id
		f.msg = fmt.Sprintf("invariant %s panicked: %v", w.name, v)
	case inProperty:
		f.name, f.id = w.name, w.id
		f.msg = fmt.Sprintf("property %s panicked: %v", w.name, v)
	case inTerminal:
		f.msg = fmt.Sprintf("terminal predicate panicked: %v", v)
	case inFingerprint:
		f.id = w.id
		f.msg = fmt.Sprintf("fingerprinting a state panicked: %v", v)
	case inConstraint:
		f.name, f.id = w.name, w.id
		f.msg = fmt.Sprintf("constraint %s panicked: %v", w.name, v)
	}
	if stack != "" {
		f.msg += "\n" + stack
	}
	return f
}

// userStack keeps the frames of a panic's stack between the panic and the
// explorer's own frames: the user's code.
func userStack(stack string) string {
	return panicstack.Frames(stack, func(fn string) bool { return strings.Contains(fn, "/mbt/explorer.") })
}

// checkInvariants returns the first invariant that next violates.
func (w *worker[S]) checkInvariants(next *S) (string, bool) {
	w.phase = inInvariant
	for i := range w.r.m.Invariants {
		inv := &w.r.m.Invariants[i]
		w.name = inv.Name
		if !inv.Check(next) {
			return inv.Name, false
		}
	}
	return "", true
}

// checkProperties returns the first action property that the step id from
// prev to next violates.
func (w *worker[S]) checkProperties(prev *S, id int, next *S) (string, bool) {
	props := w.r.m.Properties
	if len(props) == 0 {
		return "", true
	}
	a, c := w.r.action(id)
	act := w.r.acts[a]
	step := model.Step{Action: act.Name, Args: act.Args(c)}
	w.phase = inProperty
	for i := range props {
		w.name = props[i].Name
		if !props[i].Check(prev, step, next) {
			return props[i].Name, false
		}
	}
	return "", true
}

// within reports whether next, reached by step id, satisfies the model's
// constraints. A state outside them is checked like TLC checks one: its
// invariants must hold, but it is not a distinct state of the model and
// is not expanded; within then returns false, and f when an invariant is
// false in it.
func (w *worker[S]) within(next *S, id int) (in bool, f *found) {
	cs := w.r.m.Constraints
	if len(cs) == 0 {
		return true, nil
	}
	w.phase = inConstraint
	for i := range cs {
		w.name = cs[i].Name
		if !cs[i].Check(next) {
			w.pruned++
			w.outside = true
			name, ok := w.checkInvariants(next)
			w.outside = false
			if !ok {
				return false, &found{kind: InvariantKind, name: name, id: id,
					msg: "invariant " + name + " is false (in a state outside constraint " + cs[i].Name + ")"}
			}
			return false, nil
		}
	}
	return true, nil
}

// terminal reports whether s is marked terminal.
func (w *worker[S]) terminal(s *S) bool {
	if w.r.m.Terminal == nil {
		return false
	}
	w.phase = inTerminal
	return w.r.m.Terminal(s)
}

// impure checks that s still has fingerprint fp0 after the step id ran.
func (w *worker[S]) impure(s *S, fp0 uint64, id int, at uint32, key int64) *found {
	var fp uint64
	fp, w.buf = w.r.codec.Fingerprint(w.buf, s)
	if fp == fp0 {
		return nil
	}
	a, c := w.r.action(id)
	return &found{kind: ImpureKind, name: w.r.acts[a].Name, at: at, id: id, attempted: true, key: key,
		msg: fmt.Sprintf("%s changed the state it was given (a guard or effect wrote to memory shared with it, such as a map)", w.r.acts[a].Label(c))}
}

func (w *worker[S]) flush() {
	w.r.transitions.Add(w.trans)
	w.r.pruned.Add(w.pruned)
	w.trans, w.pruned = 0, 0
}
