package model

import (
	"fmt"
	"reflect"

	"github.com/mbtgo/mbt/internal/text"
)

// Machine is a model with its state type erased, so that tools can handle
// any model without knowing S. States are passed as any holding an S.
// [Model.Erase] returns one.
type Machine interface {
	// Name returns the model's name.
	Name() string
	// StateType returns the Go type of the states.
	StateType() reflect.Type
	// Actions describes the actions, in declaration order.
	Actions() []ActionInfo
	// InitStates returns the initial states.
	InitStates() []any
	// Successors returns every enabled step from s and the state it leads to,
	// in action then argument order.
	Successors(s any) []Transition
	// Enabled reports whether step is enabled in s; false with an error when
	// the step names no action or arguments of the model.
	Enabled(s any, step Step) (bool, error)
	// Apply returns the successor of s under step, with its expected output
	// filled in, whether or not the step is enabled.
	Apply(s any, step Step) (next any, out Step, err error)
	// Check returns the names of the invariants that s violates.
	Check(s any) []string
	// Fingerprint returns the fingerprint of s.
	Fingerprint(s any) uint64
	// View returns the view of s.
	View(s any) any
}

// ActionInfo describes an action without its functions.
type ActionInfo struct {
	Name   string
	Params []Param
	Pos    Pos
	// HasOutput says whether the model declares an expected output for the
	// action's steps.
	HasOutput bool
}

// Transition is an enabled step and the state it leads to.
type Transition struct {
	Step Step
	Next any
}

// Erase returns m as a [Machine].
func (m *Model[S]) Erase() Machine { return erased[S]{m} }

type erased[S any] struct{ m *Model[S] }

func (e erased[S]) Name() string            { return e.m.Name }
func (e erased[S]) StateType() reflect.Type { return reflect.TypeFor[S]() }

func (e erased[S]) Actions() []ActionInfo {
	out := make([]ActionInfo, len(e.m.Actions))
	for i, a := range e.m.Actions {
		out[i] = ActionInfo{Name: a.Name, Params: a.Params, Pos: a.Pos, HasOutput: a.Output != nil}
	}
	return out
}

func (e erased[S]) InitStates() []any {
	out := make([]any, len(e.m.Init))
	for i := range e.m.Init {
		out[i] = e.m.Clone(&e.m.Init[i])
	}
	return out
}

func (e erased[S]) state(s any) *S {
	v, ok := s.(S)
	if !ok {
		panic(fmt.Sprintf("mbt: model %s: state is a %T, want %v", e.m.Name, s, reflect.TypeFor[S]()))
	}
	return &v
}

func (e erased[S]) Successors(s any) []Transition {
	p := e.state(s)
	var out []Transition
	for _, a := range e.m.Actions {
		for c := range a.Choices {
			if !a.Enabled(p, c) {
				continue
			}
			out = append(out, Transition{Step: e.step(a, p, c), Next: e.apply(a, p, c)})
		}
	}
	return out
}

func (e erased[S]) step(a *Action[S], p *S, c int) Step {
	st := Step{Action: a.Name, Args: a.Args(c)}
	if a.Output != nil {
		st.Output = a.Output(p, c)
	}
	return st
}

func (e erased[S]) apply(a *Action[S], p *S, c int) S {
	n := e.m.Clone(p)
	a.Effect(&n, c)
	return n
}

// lookup finds the action and choice of a step.
func (e erased[S]) lookup(step Step) (*Action[S], int, error) {
	a := e.m.Action(step.Action)
	if a == nil {
		return nil, 0, fmt.Errorf("model %s has no action %q", e.m.Name, step.Action)
	}
	if len(step.Args) != len(a.Params) {
		return nil, 0, fmt.Errorf("action %s takes %d %s, got %d", a.Name, len(a.Params), text.Plural(len(a.Params), "argument", "arguments"), len(step.Args))
	}
	choice, i := a.Choice(step.Args)
	if i >= 0 {
		return nil, 0, fmt.Errorf("action %s: argument %s = %#v is not in its domain", a.Name, a.Params[i].Name, step.Args[i])
	}
	return a, choice, nil
}

func (e erased[S]) Enabled(s any, step Step) (bool, error) {
	a, c, err := e.lookup(step)
	if err != nil {
		return false, err
	}
	return a.Enabled(e.state(s), c), nil
}

func (e erased[S]) Apply(s any, step Step) (any, Step, error) {
	a, c, err := e.lookup(step)
	if err != nil {
		return nil, Step{}, err
	}
	p := e.state(s)
	return e.apply(a, p, c), e.step(a, p, c), nil
}

func (e erased[S]) Check(s any) []string {
	p := e.state(s)
	var bad []string
	for _, inv := range e.m.Invariants {
		if !inv.Check(p) {
			bad = append(bad, inv.Name)
		}
	}
	return bad
}

func (e erased[S]) Fingerprint(s any) uint64 {
	fp := e.m.Fingerprint(e.state(s))
	return fp
}

func (e erased[S]) View(s any) any { return e.m.ViewOf(e.state(s)) }
