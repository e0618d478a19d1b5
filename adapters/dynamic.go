package adapters

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/mbtgo/mbt/internal/contract"
	"github.com/mbtgo/mbt/model"
)

// Dynamic is an adapter that performs actions by name instead of with one Go
// method per action: the form for implementations reached through a
// protocol, such as a subprocess in another language (package
// adapters/subprocess). [Bind] uses these methods when impl has them, and the
// model's types tell it what to decode.
type Dynamic interface {
	// Reset brings the implementation back to the model's initial state.
	Reset(ctx context.Context) error
	// Do performs step. out is the Go type of the output the model expects
	// for it, or nil when the model expects none (the action has no output,
	// the step is negative, or the model expects an error); Do then returns
	// a value of that type, or nil. A returned error means the
	// implementation refused the step, unless it wraps [ErrBroken].
	Do(ctx context.Context, step model.Step, out reflect.Type) (any, error)
	// Observe returns the implementation's view as a value of type view, the
	// type of the model's View.
	Observe(ctx context.Context, view reflect.Type) (any, error)
}

// ModelChecker is implemented by a [Dynamic] adapter that can compare the
// model with what the implementation declares it supports. Bind calls it and
// fails with its error.
type ModelChecker interface {
	CheckModel(m model.Machine) error
}

// Invariants is an optional adapter method. The runner calls it after Reset
// and after every step, and reports its error as a failure of that step. It
// checks properties of the real system that must hold whatever the step,
// such as atomicity across the processes of a distributed transaction, read
// from the system itself rather than from the model.
type Invariants interface {
	Invariants(ctx context.Context) error
}

// ErrBroken is wrapped by adapter errors that are not a refusal by the
// implementation: the connection to it failed, it crashed, it did not answer
// or it answered something unreadable. The runner reports such an error as a
// failure of the step even when the step is negative, where any other error
// would count as the refusal the model expects.
var ErrBroken = errors.New("the adapter lost the implementation")

// dynamicBinding binds a Dynamic adapter to m.
func bindDynamic(m model.Machine, d Dynamic) (*Binding, error) {
	b := &Binding{impl: d, reset: d.Reset, dynamic: d, actions: map[string]*boundAction{}}
	if inits := m.InitStates(); len(inits) > 0 {
		b.viewType = reflect.TypeOf(m.View(inits[0]))
	}
	for _, a := range m.Actions() {
		if contract.Reserved(a.Name) {
			// The runner would read a step of it as a Reset step.
			return nil, fmt.Errorf("adapters: bind model %s: %w", m.Name(), contract.ReservedError(a.Name))
		}
		ba := &boundAction{name: a.Name, hasOut: a.HasOutput}
		for _, p := range a.Params {
			ba.params = append(ba.params, paramType(p))
		}
		b.actions[a.Name] = ba
	}
	if mc, ok := d.(ModelChecker); ok {
		if err := mc.CheckModel(m); err != nil {
			return nil, err
		}
	}
	if inv, ok := d.(Invariants); ok {
		b.invariants = inv.Invariants
	}
	return b, nil
}
