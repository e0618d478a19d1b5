package dsl

import (
	"reflect"

	"github.com/mbtgo/mbt/model"
)

// Def0 is a defined action without parameters.
type Def0[S any] struct {
	a *model.Action[S]
	m *Model[S]
}

// Def1 is a defined action with one parameter.
type Def1[S, A any] struct {
	a  *model.Action[S]
	m  *Model[S]
	pa Param[A]
}

// Def2 is a defined action with two parameters.
type Def2[S, A, B any] struct {
	a  *model.Action[S]
	m  *Model[S]
	pa Param[A]
	pb Param[B]
}

// Def3 is a defined action with three parameters.
type Def3[S, A, B, C any] struct {
	a  *model.Action[S]
	m  *Model[S]
	pa Param[A]
	pb Param[B]
	pc Param[C]
}

// compose sets a.Enabled from a.Guard and a.Conditions: the action is
// enabled when the unnamed guard (if any) and every condition hold.
func compose[S any](a *model.Action[S]) {
	guard, conds := a.Guard, a.Conditions
	switch {
	case guard == nil && len(conds) == 0:
		a.Enabled = func(*S, int) bool { return true }
	case len(conds) == 0:
		a.Enabled = guard
	default:
		a.Enabled = func(s *S, c int) bool {
			if guard != nil && !guard(s, c) {
				return false
			}
			for i := range conds {
				if !conds[i].Holds(s, c) {
					return false
				}
			}
			return true
		}
	}
}

// require adds a named condition to the guard of d's action.
func (m *Model[S]) require(a *model.Action[S], pos model.Pos, name string, holds func(*S, int) bool, isNil bool) {
	switch {
	case name == "":
		m.fail(pos, "action %q: a condition has no name", a.Name)
		return
	case isNil:
		m.fail(pos, "action %q: condition %q: predicate is nil", a.Name, name)
		return
	}
	for _, c := range a.Conditions {
		if c.Name == name {
			m.fail(pos, "action %q: condition %q appears twice", a.Name, name)
			return
		}
	}
	a.Conditions = append(a.Conditions, model.Condition[S]{Name: name, Pos: pos, Holds: holds})
	compose(a)
}

// Requires adds a named condition to the action's guard: the action is
// enabled when its guard (if any) and every condition hold. Naming the
// parts of a guard lets mbt gen test each one alone: a state where that
// condition is the only false one, where the implementation must refuse
// the step (the criterion conditions), so an implementation that checks
// only some of them is caught:
//
//	m.Action("Commit", nil, commit).
//		Requires("undecided", func(s State) bool { return s.TM == Undecided }).
//		Requires("rm1 prepared", func(s State) bool { return s.Prepared[1] })
func (d *Def0[S]) Requires(name string, pred func(S) bool) *Def0[S] {
	d.m.require(d.a, caller(2), name, func(s *S, _ int) bool { return pred(*s) }, pred == nil)
	return d
}

// Requires adds a named condition to the action's guard; see
// [Def0.Requires].
func (d *Def1[S, A]) Requires(name string, pred func(S, A) bool) *Def1[S, A] {
	va := d.pa.values
	d.m.require(d.a, caller(2), name, func(s *S, c int) bool { return pred(*s, va[c]) }, pred == nil)
	return d
}

// Requires adds a named condition to the action's guard; see
// [Def0.Requires].
func (d *Def2[S, A, B]) Requires(name string, pred func(S, A, B) bool) *Def2[S, A, B] {
	va, vb := d.pa.values, d.pb.values
	nb := len(vb)
	d.m.require(d.a, caller(2), name, func(s *S, c int) bool { return pred(*s, va[c/nb], vb[c%nb]) }, pred == nil)
	return d
}

// Requires adds a named condition to the action's guard; see
// [Def0.Requires].
func (d *Def3[S, A, B, C]) Requires(name string, pred func(S, A, B, C) bool) *Def3[S, A, B, C] {
	va, vb, vc := d.pa.values, d.pb.values, d.pc.values
	nb, nc := len(vb), len(vc)
	d.m.require(d.a, caller(2), name, func(s *S, c int) bool { return pred(*s, va[c/(nb*nc)], vb[c/nc%nb], vc[c%nc]) }, pred == nil)
	return d
}

// Returns declares the output an implementation must produce for the step,
// computed from the state before it (the value a Get returns, the error a
// refused call reports).
func (d *Def0[S]) Returns(out func(S) any) *Def0[S] {
	if out != nil {
		d.a.Output = func(s *S, _ int) any { return out(*s) }
	}
	return d
}

// Returns declares the output of the step; see [Def0.Returns].
func (d *Def1[S, A]) Returns(out func(S, A) any) *Def1[S, A] {
	if out != nil {
		d.a.Output = func(s *S, c int) any { return out(*s, d.pa.values[c]) }
	}
	return d
}

// Returns declares the output of the step; see [Def0.Returns].
func (d *Def2[S, A, B]) Returns(out func(S, A, B) any) *Def2[S, A, B] {
	if out != nil {
		nb := len(d.pb.values)
		d.a.Output = func(s *S, c int) any { return out(*s, d.pa.values[c/nb], d.pb.values[c%nb]) }
	}
	return d
}

// Returns declares the output of the step; see [Def0.Returns].
func (d *Def3[S, A, B, C]) Returns(out func(S, A, B, C) any) *Def3[S, A, B, C] {
	if out != nil {
		nb, nc := len(d.pb.values), len(d.pc.values)
		d.a.Output = func(s *S, c int) any {
			return out(*s, d.pa.values[c/(nb*nc)], d.pb.values[c/nc%nb], d.pc.values[c%nc])
		}
	}
	return d
}

// Action adds an action without parameters. A nil guard means always
// enabled. The effect changes a private copy of the state.
func (m *Model[S]) Action(name string, guard func(S) bool, effect func(*S)) *Def0[S] {
	a := m.newAction(caller(2), name, effect == nil)
	a.Choices = 1
	if guard != nil {
		a.Guard = func(s *S, _ int) bool { return guard(*s) }
	}
	compose(a)
	if effect != nil {
		a.Effect = func(s *S, _ int) { effect(s) }
	}
	return &Def0[S]{a: a, m: m}
}

// Action1 adds an action with one parameter to m. A nil guard means always
// enabled.
func Action1[S, A any](m *Model[S], name string, pa Param[A], guard func(S, A) bool, effect func(*S, A)) *Def1[S, A] {
	pos := caller(2)
	a := m.newAction(pos, name, effect == nil)
	m.params(pos, name, pa.check())
	a.Params = []model.Param{pa.info()}
	a.Choices = len(pa.values)
	va := pa.values
	if guard != nil {
		a.Guard = func(s *S, c int) bool { return guard(*s, va[c]) }
	}
	compose(a)
	if effect != nil {
		a.Effect = func(s *S, c int) { effect(s, va[c]) }
	}
	return &Def1[S, A]{a: a, m: m, pa: pa}
}

// Action2 adds an action with two parameters to m. Argument tuples are
// enumerated with the last parameter varying fastest. A nil guard means
// always enabled.
func Action2[S, A, B any](m *Model[S], name string, pa Param[A], pb Param[B], guard func(S, A, B) bool, effect func(*S, A, B)) *Def2[S, A, B] {
	pos := caller(2)
	a := m.newAction(pos, name, effect == nil)
	m.params(pos, name, pa.check(), pb.check())
	a.Params = []model.Param{pa.info(), pb.info()}
	va, vb := pa.values, pb.values
	nb := len(vb)
	a.Choices = len(va) * nb
	if guard != nil {
		a.Guard = func(s *S, c int) bool { return guard(*s, va[c/nb], vb[c%nb]) }
	}
	compose(a)
	if effect != nil {
		a.Effect = func(s *S, c int) { effect(s, va[c/nb], vb[c%nb]) }
	}
	return &Def2[S, A, B]{a: a, m: m, pa: pa, pb: pb}
}

// Action3 adds an action with three parameters to m. A nil guard means
// always enabled.
func Action3[S, A, B, C any](m *Model[S], name string, pa Param[A], pb Param[B], pc Param[C], guard func(S, A, B, C) bool, effect func(*S, A, B, C)) *Def3[S, A, B, C] {
	pos := caller(2)
	a := m.newAction(pos, name, effect == nil)
	m.params(pos, name, pa.check(), pb.check(), pc.check())
	a.Params = []model.Param{pa.info(), pb.info(), pc.info()}
	va, vb, vc := pa.values, pb.values, pc.values
	nb, nc := len(vb), len(vc)
	a.Choices = len(va) * nb * nc
	if guard != nil {
		a.Guard = func(s *S, c int) bool { return guard(*s, va[c/(nb*nc)], vb[c/nc%nb], vc[c%nc]) }
	}
	compose(a)
	if effect != nil {
		a.Effect = func(s *S, c int) { effect(s, va[c/(nb*nc)], vb[c/nc%nb], vc[c%nc]) }
	}
	return &Def3[S, A, B, C]{a: a, m: m, pa: pa, pb: pb, pc: pc}
}

func (m *Model[S]) newAction(pos model.Pos, name string, nilEffect bool) *model.Action[S] {
	a := &model.Action[S]{Name: name, Pos: pos}
	switch {
	case name == "":
		m.fail(pos, "action name is empty")
	default:
		if prev, ok := m.names[name]; ok {
			m.fail(pos, "action %q: name already used at %s", name, rel(prev))
		}
		m.names[name] = pos
	}
	if nilEffect {
		m.fail(pos, "action %q: effect is nil", name)
		a.Effect = func(*S, int) {}
	}
	m.m.Actions = append(m.m.Actions, a)
	return a
}

// paramCheck is what an action needs to know about one parameter to
// validate it.
type paramCheck struct {
	name  string
	pos   model.Pos
	n     int
	dupOf int // index of the first duplicated value, or -1
	dup   any
}

func (p Param[A]) check() paramCheck {
	pc := paramCheck{name: p.name, pos: p.pos, n: len(p.values), dupOf: -1}
	if reflect.TypeFor[A]().Comparable() {
		seen := map[any]int{}
		for i, v := range p.values {
			// An interface type is comparable, but the value it holds may
			// not be (a slice in a Values[any]): skip it rather than panic
			// in the map.
			if rv := reflect.ValueOf(any(v)); rv.IsValid() && !rv.Comparable() {
				continue
			}
			if j, ok := seen[any(v)]; ok {
				pc.dupOf, pc.dup = j, v
				break
			}
			seen[any(v)] = i
		}
	}
	return pc
}

func (m *Model[S]) params(pos model.Pos, action string, ps ...paramCheck) {
	names := map[string]bool{}
	for _, p := range ps {
		at := pos
		if p.pos.File != "" {
			at = p.pos
		}
		switch {
		case p.name == "":
			m.fail(at, "action %q: a parameter has no name", action)
		case names[p.name]:
			m.fail(pos, "action %q: parameter %q appears twice", action, p.name)
		}
		names[p.name] = true
		if p.n == 0 {
			m.fail(at, "action %q: parameter %q has an empty domain", action, p.name)
		}
		if p.dupOf >= 0 {
			m.fail(at, "action %q: parameter %q lists %#v twice", action, p.name, p.dup)
		}
	}
}
