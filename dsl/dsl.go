package dsl

import (
	"fmt"
	"runtime"

	"github.com/mbtgo/mbt/internal/codec"
	"github.com/mbtgo/mbt/model"
)

// Model is a model under construction. Its methods record definitions;
// [Model.Build] validates them and returns the finished [model.Model].
type Model[S any] struct {
	m       model.Model[S]
	namePos model.Pos
	initPos model.Pos
	probs   []problem
	names   map[string]model.Pos // action names
	props   map[string]model.Pos // invariant and property names
}

// New starts a model named name over the state type S.
func New[S any](name string) *Model[S] {
	m := &Model[S]{names: map[string]model.Pos{}, props: map[string]model.Pos{}}
	m.m.Name = name
	m.namePos = caller(2)
	if name == "" {
		m.fail(m.namePos, "model name is empty")
	}
	return m
}

// caller returns the position of the user's call, skip frames up.
func caller(skip int) model.Pos {
	_, file, line, ok := runtime.Caller(skip)
	if !ok {
		return model.Pos{}
	}
	return model.Pos{File: file, Line: line}
}

func (m *Model[S]) fail(pos model.Pos, format string, args ...any) {
	m.probs = append(m.probs, problem{pos: pos, msg: fmt.Sprintf(format, args...)})
}

// Init adds initial states. A model needs at least one.
func (m *Model[S]) Init(states ...S) *Model[S] {
	if m.initPos == (model.Pos{}) {
		m.initPos = caller(2)
	}
	m.m.Init = append(m.m.Init, states...)
	return m
}

// Const records a constant the model was built with, for reports. The
// command line sets constants through the model constructor's argument.
func (m *Model[S]) Const(name string, value any) *Model[S] {
	if m.m.Consts == nil {
		m.m.Consts = map[string]any{}
	}
	m.m.Consts[name] = value
	return m
}

// Invariant adds a predicate that must hold in every reachable state.
func (m *Model[S]) Invariant(name string, pred func(S) bool) *Model[S] {
	pos := caller(2)
	m.checkPropName(pos, "invariant", name)
	if pred == nil {
		m.fail(pos, "invariant %q: predicate is nil", name)
		return m
	}
	m.m.Invariants = append(m.m.Invariants, model.Invariant[S]{
		Name: name, Pos: pos, Check: func(s *S) bool { return pred(*s) },
	})
	return m
}

// Property adds an action property: a predicate on every reachable
// transition, given the state before, the step and the state after.
func (m *Model[S]) Property(name string, pred func(prev S, step model.Step, next S) bool) *Model[S] {
	pos := caller(2)
	m.checkPropName(pos, "property", name)
	if pred == nil {
		m.fail(pos, "property %q: predicate is nil", name)
		return m
	}
	m.m.Properties = append(m.m.Properties, model.Property[S]{
		Name: name, Pos: pos,
		Check: func(prev *S, step model.Step, next *S) bool { return pred(*prev, step, *next) },
	})
	return m
}

func (m *Model[S]) checkPropName(pos model.Pos, kind, name string) {
	if name == "" {
		m.fail(pos, "%s name is empty", kind)
		return
	}
	if prev, ok := m.props[name]; ok {
		m.fail(pos, "%s %q: name already used at %s", kind, name, rel(prev))
		return
	}
	m.props[name] = pos
}

// Constraint bounds the states the model explores, like a CONSTRAINT in
// TLC's configuration: a state where pred is false is outside the bounds,
// and the explorer does not go on from it. Use it for limits that exist
// only to keep the model finite ("at most 3 reservations are made"); a
// step that leaves the bounds is neither a test nor a negative step, and
// a state whose steps all leave them is not a deadlock. A limit of the
// real service, that it must enforce by refusing a step, belongs in the
// action's guard instead (see [Def0.Requires]).
func (m *Model[S]) Constraint(name string, pred func(S) bool) *Model[S] {
	pos := caller(2)
	m.checkPropName(pos, "constraint", name)
	if pred == nil {
		m.fail(pos, "constraint %q: predicate is nil", name)
		return m
	}
	m.m.Constraints = append(m.m.Constraints, model.Constraint[S]{
		Name: name, Pos: pos, Check: func(s *S) bool { return pred(*s) },
	})
	return m
}

// Terminal marks the states where no action being enabled is expected, such
// as a finished protocol. Elsewhere a state without an enabled action is a
// deadlock.
func (m *Model[S]) Terminal(pred func(S) bool) *Model[S] {
	if pred == nil {
		m.m.Terminal = nil
		return m
	}
	m.m.Terminal = func(s *S) bool { return pred(*s) }
	return m
}

// View sets the projection of a state that an implementation is compared on.
// Without one, the whole state is compared.
func (m *Model[S]) View(view func(S) any) *Model[S] {
	if view == nil {
		m.m.View = nil
		return m
	}
	m.m.View = func(s *S) any { return view(*s) }
	return m
}

// Build validates the model and returns it. The error lists every problem,
// each with the file:line of the definition at fault.
func (m *Model[S]) Build() (*model.Model[S], error) {
	probs := append([]problem(nil), m.probs...)
	if len(m.m.Init) == 0 {
		probs = append(probs, problem{pos: m.namePos, msg: "no initial state; call Init"})
	}
	if len(m.m.Actions) == 0 {
		probs = append(probs, problem{pos: m.namePos, msg: "no actions"})
	}
	if _, err := codec.For[S](); err != nil {
		probs = append(probs, problem{pos: m.namePos, msg: err.Error()})
	}
	for i := range m.m.Init {
		if ok, name := m.initWithin(&m.m.Init[i]); !ok {
			probs = append(probs, problem{pos: m.initPos, msg: fmt.Sprintf("initial state %d is outside constraint %q", i+1, name)})
		}
	}
	if err := report(m.m.Name, probs); err != nil {
		return nil, err
	}
	out := m.m
	out.Init = append([]S(nil), m.m.Init...)
	out.Actions = append([]*model.Action[S](nil), m.m.Actions...)
	return &out, nil
}

// initWithin checks an initial state against the constraints, reporting a
// panic of a constraint as a violation of it.
func (m *Model[S]) initWithin(s *S) (ok bool, name string) {
	for _, c := range m.m.Constraints {
		func() {
			defer func() {
				if v := recover(); v != nil {
					ok, name = false, fmt.Sprintf("%s (it panicked: %v)", c.Name, v)
				}
			}()
			ok, name = c.Check(s), c.Name
		}()
		if !ok {
			return false, name
		}
	}
	return true, ""
}

// MustBuild is like [Model.Build] but panics on an invalid model. It is for
// package-level variables and tests.
func (m *Model[S]) MustBuild() *model.Model[S] {
	out, err := m.Build()
	if err != nil {
		panic(err)
	}
	return out
}
