package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/mbtgo/mbt/internal/codec"
)

// Pos is a place in the user's source code where a definition was made.
type Pos struct {
	File string
	Line int
}

// String renders the position as file:line, or "" when unknown.
func (p Pos) String() string {
	if p.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Param describes one parameter of an action: its name and its finite domain,
// like \E x \in S in TLA+. Values are the domain in the order the model gave
// them; the n-th argument tuple of an action enumerates the domains in
// mixed radix, the last parameter varying fastest.
type Param struct {
	Name   string
	Type   string // Go type of the values, as fmt's %T prints it
	Values []any
	// Invalid are values of the same Go type just outside the domain, such
	// as 0 and max+1 for amounts 1..max, an unknown name, the empty string.
	// A step with one of them is never a step of the model: an
	// implementation must refuse it and change nothing. Generated tests try
	// each (see package gen, criterion invalid).
	Invalid []any
}

// Index returns the position of v among p's values, or -1 when v is not
// one of them. Values compare with == where both are comparable values of
// one type, and with reflect.DeepEqual otherwise (slices, maps, structs
// holding them).
func (p Param) Index(v any) int {
	return slices.IndexFunc(p.Values, func(w any) bool { return sameValue(w, v) })
}

// IsInvalid reports whether v is one of p's values just outside its domain
// (Invalid), compared as [Param.Index] compares.
func (p Param) IsInvalid(v any) bool {
	return slices.ContainsFunc(p.Invalid, func(w any) bool { return sameValue(w, v) })
}

// sameValue compares a domain value with an argument.
func sameValue(v, arg any) bool {
	if t := reflect.TypeOf(v); t != nil && t == reflect.TypeOf(arg) && reflect.ValueOf(v).Comparable() && reflect.ValueOf(arg).Comparable() {
		return v == arg
	}
	return reflect.DeepEqual(v, arg)
}

// Action is one kind of step of a model. For one choice of arguments the
// effect is deterministic: all nondeterminism is in the choice of action and
// arguments.
//
// The argument tuple is identified by a choice index in [0, Choices). The
// closures receive states by pointer for speed; they must not modify *s.
type Action[S any] struct {
	Name   string
	Params []Param
	Pos    Pos

	// Choices is the number of argument tuples: the product of the domain
	// sizes, or 1 for an action without parameters.
	Choices int

	// Enabled reports whether the action's guard holds in s for the given
	// argument tuple: Guard and every one of Conditions. It is never nil.
	Enabled func(s *S, choice int) bool

	// Guard is the part of the guard that has no name, or nil. Enabled is
	// Guard and Conditions together; they are kept apart so that tests can
	// make each condition the only false one.
	Guard func(s *S, choice int) bool

	// Conditions are the named parts of the guard, in declaration order:
	// the action is enabled when Guard and all of them hold.
	Conditions []Condition[S]

	// Effect turns next, which holds a private copy of the current state,
	// into the successor state. It is never nil.
	Effect func(next *S, choice int)

	// Output, if not nil, is the output an implementation is expected to
	// produce for the step, computed from the state before the step.
	Output func(s *S, choice int) any
}

// Args returns the argument values of the given choice, in parameter order.
func (a *Action[S]) Args(choice int) []any {
	if len(a.Params) == 0 {
		return nil
	}
	args := make([]any, len(a.Params))
	for i := len(a.Params) - 1; i >= 0; i-- {
		n := len(a.Params[i].Values)
		args[i] = a.Params[i].Values[choice%n]
		choice /= n
	}
	return args
}

// Choice is the inverse of [Action.Args]: the choice whose arguments are
// args. It returns -1 and the position of the first argument that is not
// one of its parameter's values ([Param.Index]), or -1 and len(args) when
// there are not as many arguments as parameters. Otherwise the second
// result is -1.
func (a *Action[S]) Choice(args []any) (choice, outside int) {
	if len(args) != len(a.Params) {
		return -1, len(args)
	}
	for i, p := range a.Params {
		j := p.Index(args[i])
		if j < 0 {
			return -1, i
		}
		choice = choice*len(p.Values) + j
	}
	return choice, -1
}

// Label renders the action applied to a choice of arguments, like
// Transfer("a", "b", 3).
func (a *Action[S]) Label(choice int) string {
	return Step{Action: a.Name, Args: a.Args(choice)}.String()
}

// Condition is one named part of an action's guard, such as "the account
// exists" or "rm2 has prepared". Generated tests try the action in states
// where each condition is the only one that is false (the criterion
// conditions of package gen), so an implementation that forgets one part
// of a guard is caught.
type Condition[S any] struct {
	Name  string
	Pos   Pos
	Holds func(s *S, choice int) bool
}

// Only returns the index of the one condition of a that is false in s
// for choice while the unnamed guard and every other condition hold, or
// -1 when there is no such single condition.
func (a *Action[S]) Only(s *S, choice int) int {
	if a.Guard != nil && !a.Guard(s, choice) {
		return -1
	}
	only := -1
	for i := range a.Conditions {
		if !a.Conditions[i].Holds(s, choice) {
			if only >= 0 {
				return -1
			}
			only = i
		}
	}
	return only
}

// Constraint is a named bound on the states a model explores, like a
// CONSTRAINT of TLC: a state where it is false is outside the model's
// bounds. The explorer does not expand such a state (it checks its
// invariants and the action properties of the step into it, as TLC does,
// but does not count it as a distinct state), and a step into it is
// neither a test nor a negative step: a constraint limits what the model
// looks at, where a guard says what the implementation must refuse.
type Constraint[S any] struct {
	Name  string
	Pos   Pos
	Check func(s *S) bool
}

// Invariant is a named predicate that must hold in every reachable state.
type Invariant[S any] struct {
	Name  string
	Pos   Pos
	Check func(s *S) bool
}

// Property is a named predicate on a transition: the state before, the step
// taken and the state after. It must hold for every reachable transition, like
// [][P]_vars in TLA+.
type Property[S any] struct {
	Name  string
	Pos   Pos
	Check func(prev *S, step Step, next *S) bool
}

// Model is a state machine over the state type S. Package dsl builds and
// validates models; the fields are exported so that explorers, generators and
// tools can read them. A Model must not be modified once built.
type Model[S any] struct {
	// Name identifies the model in output, like TwoPhase.
	Name string
	// Consts are the constants the model was built with, by name.
	Consts map[string]any
	// Init holds the initial states; there is at least one.
	Init []S
	// Actions are the kinds of steps, in declaration order.
	Actions []*Action[S]
	// Invariants must hold in every reachable state.
	Invariants []Invariant[S]
	// Properties must hold for every reachable transition.
	Properties []Property[S]
	// Constraints bound the states the model explores; see [Constraint].
	Constraints []Constraint[S]
	// Terminal, if not nil, marks states where having no enabled action
	// is expected; elsewhere that is a deadlock.
	Terminal func(s *S) bool
	// View, if not nil, projects a state onto what an implementation is
	// compared on. A nil View compares the whole state.
	View func(s *S) any
}

// Keyer is implemented by state types that supply their own canonical
// encoding: two states are the same state exactly when their keys are equal.
// AppendKey appends the key to dst and returns the extended slice. It is the
// fast path for fingerprints: no reflection-built encoder is used.
type Keyer interface {
	AppendKey(dst []byte) []byte
}

// Cloner is implemented by state types that supply their own deep copy.
// Clone must return a value that shares no mutable memory (maps, slices,
// pointers) with the receiver. It is the fast path for value semantics.
type Cloner[S any] interface {
	Clone() S
}

// codecOf returns the codec of S. A model that dsl built has checked that
// S can be a state; for one made by hand, a state type that cannot (a func
// field without a Keyer and a Cloner) is a programming error.
func codecOf[S any]() *codec.Codec[S] {
	c, err := codec.For[S]()
	if err != nil {
		panic("model: " + err.Error())
	}
	return c
}

// Clone returns a deep copy of *s that shares no mutable memory with it.
func (m *Model[S]) Clone(s *S) S { return codecOf[S]().Clone(s) }

// Fingerprint returns the fingerprint of *s: a 64-bit hash of its
// canonical encoding, the same in every run and process. Two states of the
// model are the same state when their fingerprints are equal.
func (m *Model[S]) Fingerprint(s *S) uint64 {
	fp, _ := codecOf[S]().Fingerprint(nil, s)
	return fp
}

// Action returns the action with the given name, or nil.
func (m *Model[S]) Action(name string) *Action[S] {
	for _, a := range m.Actions {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Within reports whether s satisfies every constraint of m; if not, it
// returns the name of the first that s violates.
func (m *Model[S]) Within(s *S) (bool, string) {
	for i := range m.Constraints {
		if !m.Constraints[i].Check(s) {
			return false, m.Constraints[i].Name
		}
	}
	return true, ""
}

// ViewOf returns the view of s: m.View(s), or s itself when the model has no
// view.
func (m *Model[S]) ViewOf(s *S) any {
	if m.View == nil {
		return *s
	}
	return m.View(s)
}

// Step is one step of a trace or a test: an action, its arguments and, when
// the model declares one, the expected output. Refused and NoView are for
// tests that drive an implementation (package adapters and the tests mbt
// gen writes); traces of the model leave them false.
type Step struct {
	Action string `json:"action"`
	Args   []any  `json:"args,omitempty"`
	Output any    `json:"output,omitempty"`
	// Refused marks a negative step: the action's guard is false in the
	// model, or an argument is one of the values just outside its domain
	// (Param.Invalid), so the implementation must refuse it and change
	// nothing.
	Refused bool `json:"refused,omitempty"`
	// NoView leaves the implementation unobserved after this step: the
	// runner compares its output but does not read its view or check its
	// invariants until the next step without NoView. Reading a view can
	// change a careless implementation (expire a lease, flush a cache);
	// stretches of unobserved steps catch bugs that observing would hide.
	NoView bool `json:"noview,omitempty"`
}

// String renders the step as Action(arg, ...), with strings quoted, and
// " (must be refused)" after a negative step. The output is not shown.
func (s Step) String() string {
	if s.Refused {
		s.Refused = false
		return s.String() + " (must be refused)"
	}
	if len(s.Args) == 0 {
		return s.Action
	}
	var b strings.Builder
	b.WriteString(s.Action)
	b.WriteByte('(')
	for i, a := range s.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%#v", a)
	}
	b.WriteByte(')')
	return b.String()
}

// Trace is a run of a model: the states it passes through and the steps
// between them. len(States) == len(Steps)+1; Steps[i] leads from States[i] to
// States[i+1].
type Trace[S any] struct {
	States []S    `json:"states"`
	Steps  []Step `json:"steps"`
}

// Len returns the number of steps in the trace.
func (t Trace[S]) Len() int { return len(t.Steps) }

// Signature returns a hash of the model's definition: its name, constants,
// actions with their parameters and domains, invariants, properties and
// initial states. Generated tests embed it, so that a test generated from an
// older definition fails with a request to regenerate it instead of
// testing the wrong thing.
func (m *Model[S]) Signature() uint64 {
	var b []byte
	b = fmt.Appendf(b, "model %q\n", m.Name)
	keys := make([]string, 0, len(m.Consts))
	for k := range m.Consts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = fmt.Appendf(b, "const %q = ", k)
		b = appendCanon(b, m.Consts[k])
		b = append(b, '\n')
	}
	for _, a := range m.Actions {
		b = fmt.Appendf(b, "action %q output=%v\n", a.Name, a.Output != nil)
		for _, p := range a.Params {
			b = fmt.Appendf(b, "  param %q %s ", p.Name, p.Type)
			b = appendCanon(b, p.Values)
			b = append(b, '\n')
			if len(p.Invalid) > 0 {
				b = append(b, "  invalid "...)
				b = appendCanon(b, p.Invalid)
				b = append(b, '\n')
			}
		}
		for _, c := range a.Conditions {
			b = fmt.Appendf(b, "  condition %q\n", c.Name)
		}
	}
	for _, c := range m.Constraints {
		b = fmt.Appendf(b, "constraint %q\n", c.Name)
	}
	for _, inv := range m.Invariants {
		b = fmt.Appendf(b, "invariant %q\n", inv.Name)
	}
	for _, p := range m.Properties {
		b = fmt.Appendf(b, "property %q\n", p.Name)
	}
	for i := range m.Init {
		b = append(b, "init "...)
		if c, err := codec.For[S](); err == nil {
			b = c.Append(b, &m.Init[i])
		}
		b = append(b, '\n')
	}
	return codec.Hash(b)
}
