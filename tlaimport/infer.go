package tlaimport

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/internal/codec"
	"github.com/mbtgo/mbt/internal/panicstack"
	"github.com/mbtgo/mbt/internal/traceformat"
	"github.com/mbtgo/mbt/model"
)

// InferredStep is what the model does between two consecutive states of a
// trace: a step of one of its actions, or nothing (stuttering).
type InferredStep struct {
	// To is the index in the trace of the state the step leads to, from
	// the state To-1.
	To int
	// Step is the model's step, with its expected output when the model
	// declares one. It is the zero Step when Stutter is set.
	Step model.Step
	// Stutter says the two states are the same and no step is needed.
	Stutter bool
	// Label is the trace's own label of the step (TLC's action header,
	// Quint's mbt::actionTaken), or nil.
	Label *Action
	// Checked says the trace named the action and the model agrees: the
	// named action, with the trace's arguments where it gives them, leads
	// from one state to the next.
	Checked bool
	// Others is how many other steps of the model lead to the same state,
	// when the trace did not say which one it took.
	Others int
	// Note explains a label that could not be checked, such as an action
	// the model does not have.
	Note string
}

// Inference is the model's account of a trace: the initial state it
// starts in and the step between each pair of consecutive states.
type Inference struct {
	// Init is the index of the model's initial state (in Model.Init) that
	// the trace starts in.
	Init int
	// Steps has one entry per pair of consecutive states: Steps[i] leads
	// to state i+1. After a divergence it holds the steps before it.
	Steps []InferredStep
}

// ModelSteps returns the steps to drive, without the stuttering ones.
func (inf *Inference) ModelSteps() []model.Step {
	var out []model.Step
	for _, s := range inf.Steps {
		if !s.Stutter {
			out = append(out, s.Step)
		}
	}
	return out
}

// Divergence is a state of a trace that the model cannot reach from the
// state before it: no step of the model leads there, or the step the
// trace names does not. For the first state, it is a state that is not an
// initial state of the model.
type Divergence struct {
	// Pos is where the state is in the trace file.
	Pos Pos
	// Index is the index of the state in the trace.
	Index int
	// State and From name the state and the one before it as the tool
	// numbers them ("state 6"); From is "" for the first state.
	State, From string
	// Model is the model's name.
	Model string
	// Label is the trace's label of the step, or nil.
	Label *Action
	// Reasons say why the labeled step does not fit, one line each.
	Reasons []string
	// Nearest are the model's steps whose states are closest to the
	// trace's, fewest differences first (for the first state, the
	// model's initial states).
	Nearest []Candidate
}

// Candidate is a step of the model that does not lead to the trace's
// state, and how the state it leads to differs.
type Candidate struct {
	// Step is the model's step; its Action is "" for an initial state.
	Step model.Step
	// Diffs are the differences, one per variable or element:
	// `tmState: model "aborted", trace "committed"`.
	Diffs []string
}

// PanicError is a panic in the model's code while [Infer] matched a trace's
// state: in a guard, an effect or an output function of the model, which
// Infer runs to find the step that leads there. Infer returns it, as a
// *PanicError, with the inference up to the state before.
type PanicError struct {
	// Pos is where the state being matched is in the trace file.
	Pos Pos
	// Index is the index in the trace of the state being matched.
	Index int
	// State and From name that state and the one before it as the tool
	// numbers them ("state 6"); From is "" for the first state.
	State, From string
	// Model is the model's name.
	Model string
	// Step is the step whose code panicked, and Part which code: "guard",
	// "effect" or "output". Part is "" when the panic was in neither, such
	// as in encoding a state whose interface holds a type that cannot be
	// encoded.
	Step model.Step
	Part string
	// Value is what the code panicked with.
	Value any
	// Stack holds the frames of the panic's stack from the function that
	// panicked down to the model's code that Infer called, as
	// runtime/debug.Stack prints them: a line with the function, then a
	// line with a tab and file:line +offset.
	Stack string
}

// Error renders the panic with its position, without the stack.
func (e *PanicError) Error() string {
	var b strings.Builder
	if p := e.Pos.String(); p != "" {
		b.WriteString(p + ": ")
	}
	b.WriteString(e.Message())
	return b.String()
}

// Position returns where the state being matched is in the trace file.
func (e *PanicError) Position() Pos { return e.Pos }

// Message returns the problem without its position: what panicked, and
// with what.
func (e *PanicError) Message() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", e.State)
	if e.Part != "" {
		fmt.Fprintf(&b, "the %s of %s panicked", e.Part, e.Step)
	} else {
		b.WriteString("the model's code panicked")
	}
	if e.From != "" {
		fmt.Fprintf(&b, " while matching the step from %s to %s", e.From, e.State)
	} else {
		fmt.Fprintf(&b, " while matching the initial state")
	}
	fmt.Fprintf(&b, ": %v", e.Value)
	return b.String()
}

// panicked turns a panic recovered in Infer into a *PanicError.
func (in *inferrer[S]) panicked(v any, stack []byte) *PanicError {
	div := in.divergence(in.index)
	e := &PanicError{Pos: div.Pos, Index: in.index, State: div.State, From: div.From, Model: in.m.Name,
		Part: in.part, Value: v, Stack: panicFrames(string(stack))}
	if in.part != "" {
		e.Step = model.Step{Action: in.ch.a.Name, Args: in.ch.a.Args(in.ch.c)}
	}
	return e
}

// panicFrames keeps the frames of a panic's stack (runtime/debug.Stack's
// text) from the function that panicked down to the inferrer, which called
// the model's code.
func panicFrames(stack string) string {
	return panicstack.Frames(stack, func(fn string) bool {
		return strings.HasPrefix(fn, "github.com/mbtgo/mbt/tlaimport.(*inferrer") ||
			strings.HasPrefix(fn, "github.com/mbtgo/mbt/tlaimport.Infer")
	})
}

// Error renders the divergence with its position, reasons and nearest
// steps, on several lines.
func (e *Divergence) Error() string {
	var b strings.Builder
	if p := e.Pos.String(); p != "" {
		b.WriteString(p + ": ")
	}
	b.WriteString(e.Message())
	return b.String()
}

// Position returns where the state is in the trace file.
func (e *Divergence) Position() Pos { return e.Pos }

// Message returns the problem without its position, on several lines.
func (e *Divergence) Message() string {
	var b strings.Builder
	if e.From == "" {
		fmt.Fprintf(&b, "%s: not an initial state of %s", e.State, e.Model)
	} else {
		fmt.Fprintf(&b, "%s: no step of %s leads from %s to %s", e.State, e.Model, e.From, e.State)
		if e.Label != nil {
			fmt.Fprintf(&b, " (the trace's step: %s)", e.Label)
		}
	}
	for _, r := range e.Reasons {
		b.WriteString("\n\t" + r)
	}
	if len(e.Nearest) > 0 {
		if e.From == "" {
			b.WriteString("\n\tnearest initial states of the model:")
		} else {
			b.WriteString("\n\tnearest steps of the model:")
		}
		for i, c := range e.Nearest {
			what := fmt.Sprintf("initial state %d", i+1)
			if c.Step.Action != "" {
				what = c.Step.String()
			}
			fmt.Fprintf(&b, "\n\t  %s: %d %s", what, len(c.Diffs), inferPlural(len(c.Diffs), "difference", "differences"))
			for _, d := range c.Diffs {
				b.WriteString("\n\t    " + d)
			}
		}
	}
	return b.String()
}

func inferPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// String renders the action as a trace labels it: RMPrepare(r1), or, with
// Quint's picks and no arguments, rmPrepare(rm = "rm1").
func (a *Action) String() string {
	var parts []string
	for _, v := range a.Args {
		parts = append(parts, v.String())
	}
	if len(a.Args) == 0 {
		names := make([]string, 0, len(a.Picks))
		for n := range a.Picks {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			parts = append(parts, n+" = "+a.Picks[n].String())
		}
	}
	if len(parts) == 0 {
		return a.Name
	}
	return a.Name + "(" + strings.Join(parts, ", ") + ")"
}

// Infer finds, for each pair of consecutive states of a trace, the step of
// m that leads from one to the next, and checks that the trace's first
// state is one of m's initial states. states are t's states decoded (see
// [StateDecoder]; decode with m's initial state as the template); t gives
// the trace's labels and positions, and may be nil.
//
// Where the trace names the action (TLC's State 3: <RMPrepare(r2) ...>,
// Quint's mbt::actionTaken), the step must be of that action, matched by
// name or else ignoring case, with the trace's arguments (decoded into the
// parameter's Go type, so TLC's r2 is 1 by the numbering rule) or Quint's
// nondeterministic picks (by parameter name, or the only pick for an
// action of one parameter). A label naming no action of m is noted and
// the step inferred. Where the trace does not say, any step of m that
// leads to the next state will do: the first in action and argument
// order. States are compared by the model's canonical encoding, which is what the
// fingerprint covers. Two equal states in a row need no step
// (stuttering), unless the trace names an action that leads there.
//
// The first state that does not fit is returned as a *[Divergence], with
// the inference up to it. A panic in the model's code (a guard, effect or
// output function that Infer runs to find a step) is returned as a
// *[PanicError], also with the inference up to the state it was matching.
func Infer[S any](m *model.Model[S], t *Trace, states []S) (inf *Inference, err error) {
	inf = &Inference{}
	if len(states) == 0 {
		return inf, nil
	}
	cd, err := codec.For[S]()
	if err != nil {
		return inf, fmt.Errorf("tlaimport: model %s: %w", m.Name, err)
	}
	in := &inferrer[S]{m: m, codec: cd, t: t}
	defer func() {
		if v := recover(); v != nil {
			err = in.panicked(v, debug.Stack())
		}
	}()
	var cur []byte
	cur = cd.Append(cur, &states[0])
	init := -1
	for i := range m.Init {
		if bytes.Equal(cd.Append(nil, &m.Init[i]), cur) {
			init = i
			break
		}
	}
	if init < 0 {
		div := in.divergence(0)
		for i := range m.Init {
			div.Nearest = append(div.Nearest, Candidate{Diffs: diffState(&m.Init[i], &states[0])})
		}
		sortNearest(div.Nearest)
		return inf, div
	}
	inf.Init = init
	var next []byte
	for i := 1; i < len(states); i++ {
		in.index = i
		next = cd.Append(next[:0], &states[i])
		st, div := in.step(&states[i-1], &states[i], next, bytes.Equal(cur, next), i)
		if div != nil {
			return inf, div
		}
		inf.Steps = append(inf.Steps, st)
		cur, next = next, cur
	}
	return inf, nil
}

// inferrer holds what Infer needs for each step.
type inferrer[S any] struct {
	m     *model.Model[S]
	codec *codec.Codec[S]
	t     *Trace
	buf   []byte

	// What is running, for a panic's report: the index of the state being
	// matched, and the model code (part "guard", "effect" or "output" of
	// the choice ch), or part "" for Infer's own code.
	index int
	ch    modelChoice[S]
	part  string
}

// divergence starts the error for state i.
func (in *inferrer[S]) divergence(i int) *Divergence {
	d := &Divergence{Index: i, State: traceformat.StateLabel(in.t.Format, i), Model: in.m.Name}
	if i > 0 {
		d.From = traceformat.StateLabel(in.t.Format, i-1)
	}
	if in.t != nil && i < len(in.t.States) {
		d.Pos = in.t.States[i].Pos
		if d.Pos.File == "" {
			d.Pos.File = in.t.File
		}
		if i > 0 {
			d.Label = in.t.States[i].Action
		}
	}
	return d
}

// modelChoice is one action and argument tuple of the model.
type modelChoice[S any] struct {
	a *model.Action[S]
	c int
}

// running records the model code about to run, for a panic's report.
func (in *inferrer[S]) running(ch modelChoice[S], part string) {
	in.ch, in.part = ch, part
}

// enabled reports whether the choice's guard holds in s.
func (in *inferrer[S]) enabled(ch modelChoice[S], s *S) bool {
	in.running(ch, "guard")
	ok := ch.a.Enabled(s, ch.c)
	in.part = ""
	return ok
}

// apply returns the state the choice leads to from s.
func (in *inferrer[S]) apply(ch modelChoice[S], s *S) S {
	n := in.codec.Clone(s)
	in.running(ch, "effect")
	ch.a.Effect(&n, ch.c)
	in.part = ""
	return n
}

// leadsTo reports whether the choice is enabled in s and leads to the
// state encoded as want.
func (in *inferrer[S]) leadsTo(ch modelChoice[S], s *S, want []byte) bool {
	if !in.enabled(ch, s) {
		return false
	}
	n := in.apply(ch, s)
	in.buf = in.codec.Append(in.buf[:0], &n)
	return bytes.Equal(in.buf, want)
}

// stepOf returns the model step of a choice taken in s.
func (in *inferrer[S]) stepOf(ch modelChoice[S], s *S) model.Step {
	st := model.Step{Action: ch.a.Name, Args: ch.a.Args(ch.c)}
	if ch.a.Output != nil {
		in.running(ch, "output")
		st.Output = ch.a.Output(s, ch.c)
		in.part = ""
	}
	return st
}

// step finds the step from prev to next (encoded as want); i is next's
// index.
func (in *inferrer[S]) step(prev, next *S, want []byte, same bool, i int) (InferredStep, *Divergence) {
	out := InferredStep{To: i}
	var label *Action
	if in.t != nil && i < len(in.t.States) {
		label = in.t.States[i].Action
	}
	out.Label = label
	if label != nil && label.Name != "" {
		a := in.action(label.Name)
		if a == nil {
			out.Note = fmt.Sprintf("the trace's action %s is not an action of %s; the step was inferred", label.Name, in.m.Name)
		} else {
			chs, reasons := in.labeled(a, label)
			for _, ch := range chs {
				if in.leadsTo(ch, prev, want) {
					out.Step, out.Checked = in.stepOf(ch, prev), true
					return out, nil
				}
			}
			if same && len(chs) == 0 && len(reasons) == 0 {
				out.Stutter = true
				return out, nil
			}
			return out, in.labelDivergence(i, a, chs, reasons, prev, next, want)
		}
	}
	var found []modelChoice[S]
	for _, a := range in.m.Actions {
		for c := range a.Choices {
			ch := modelChoice[S]{a, c}
			if in.leadsTo(ch, prev, want) {
				found = append(found, ch)
			}
		}
	}
	switch {
	case same:
		out.Stutter = true
		return out, nil
	case len(found) > 0:
		out.Step, out.Others = in.stepOf(found[0], prev), len(found)-1
		return out, nil
	}
	div := in.divergence(i)
	div.Nearest = in.nearest(prev, next, nil)
	if len(div.Nearest) == 0 {
		div.Reasons = append(div.Reasons, fmt.Sprintf("no action of %s is enabled in %s", in.m.Name, div.From))
	}
	return out, div
}

// action returns the model's action of the trace's name: the same name,
// or the one name that matches it ignoring case.
func (in *inferrer[S]) action(name string) *model.Action[S] {
	if a := in.m.Action(name); a != nil {
		return a
	}
	var found *model.Action[S]
	for _, a := range in.m.Actions {
		if strings.EqualFold(a.Name, name) {
			if found != nil {
				return nil
			}
			found = a
		}
	}
	return found
}

// labeled returns the choices of a that agree with the label's arguments,
// and why there are none when an argument does not decode or is outside
// its domain.
func (in *inferrer[S]) labeled(a *model.Action[S], label *Action) ([]modelChoice[S], []string) {
	known := make([]any, len(a.Params)) // decoded argument per parameter, or nil
	has := make([]bool, len(a.Params))
	var reasons []string
	set := func(j int, v Value) {
		p := a.Params[j]
		if len(p.Values) == 0 {
			return
		}
		t := reflect.TypeOf(p.Values[0])
		dst := reflect.New(t)
		if err := Decode(v, dst.Interface()); err != nil {
			reasons = append(reasons, fmt.Sprintf("the trace's argument %s = %v does not fit parameter %s of %s (%s): %v",
				p.Name, v, p.Name, a.Name, t, decodeMessage(err)))
			return
		}
		known[j], has[j] = dst.Elem().Interface(), true
	}
	switch {
	case len(label.Args) > 0 && len(label.Args) == len(a.Params):
		for j, v := range label.Args {
			set(j, v)
		}
	case len(label.Args) > 0:
		reasons = append(reasons, fmt.Sprintf("the trace gives %s %d %s, the model's action takes %d",
			label.Name, len(label.Args), inferPlural(len(label.Args), "argument", "arguments"), len(a.Params)))
	case len(label.Picks) > 0:
		matched := 0
		for j, p := range a.Params {
			for name, v := range label.Picks {
				if strings.EqualFold(name, p.Name) {
					set(j, v)
					matched++
				}
			}
		}
		if matched == 0 && len(a.Params) == 1 && len(label.Picks) == 1 {
			for _, v := range label.Picks {
				set(0, v)
			}
		}
	}
	if len(reasons) > 0 {
		return nil, reasons
	}
	var chs []modelChoice[S]
	for c := range a.Choices {
		args := a.Args(c)
		ok := true
		for j := range args {
			if has[j] && !equalArgValue(args[j], known[j]) {
				ok = false
				break
			}
		}
		if ok {
			chs = append(chs, modelChoice[S]{a, c})
		}
	}
	if len(chs) == 0 {
		for j, p := range a.Params {
			if has[j] && !slices.ContainsFunc(p.Values, func(v any) bool { return equalArgValue(v, known[j]) }) {
				reasons = append(reasons, fmt.Sprintf("the trace's argument %s = %#v is not in the domain of parameter %s of %s",
					p.Name, known[j], p.Name, a.Name))
			}
		}
	}
	return chs, reasons
}

// decodeMessage returns a decode error without its position.
func decodeMessage(err error) string {
	if de, ok := err.(*DecodeError); ok {
		return de.Message()
	}
	return err.Error()
}

// equalArgValue compares a domain value with a decoded argument.
func equalArgValue(a, b any) bool {
	if t := reflect.TypeOf(a); t != nil && t == reflect.TypeOf(b) && t.Comparable() {
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

// labelDivergence explains why the labeled action does not lead from prev
// to next.
func (in *inferrer[S]) labelDivergence(i int, a *model.Action[S], chs []modelChoice[S], reasons []string, prev, next *S, want []byte) *Divergence {
	div := in.divergence(i)
	div.Reasons = reasons
	for _, ch := range chs {
		st := in.stepOf(ch, prev)
		n := in.apply(ch, prev)
		in.buf = in.codec.Append(in.buf[:0], &n)
		reaches := bytes.Equal(in.buf, want)
		enabled := in.enabled(ch, prev)
		switch {
		case !enabled && reaches:
			div.Reasons = append(div.Reasons, fmt.Sprintf("%s is not enabled in %s: its guard is false (its effect would lead to %s)", st, div.From, div.State))
		case !enabled:
			div.Reasons = append(div.Reasons, fmt.Sprintf("%s is not enabled in %s: its guard is false", st, div.From))
		default:
			div.Reasons = append(div.Reasons, fmt.Sprintf("%s leads elsewhere: %s", st, strings.Join(diffState(&n, next), "; ")))
		}
		if len(div.Reasons) >= 4 && len(chs) > 4 {
			div.Reasons = append(div.Reasons, fmt.Sprintf("(and %d more argument tuples of %s)", len(chs)-4, a.Name))
			break
		}
	}
	var others []modelChoice[S]
	for _, b := range in.m.Actions {
		for c := range b.Choices {
			ch := modelChoice[S]{b, c}
			if in.leadsTo(ch, prev, want) {
				others = append(others, ch)
			}
		}
	}
	if len(others) > 0 {
		var names []string
		for _, ch := range others {
			names = append(names, in.stepOf(ch, prev).String())
		}
		div.Reasons = append(div.Reasons, fmt.Sprintf("the model reaches %s by %s instead", div.State, strings.Join(names, ", ")))
	} else {
		div.Nearest = in.nearest(prev, next, a)
	}
	return div
}

// nearest returns the enabled steps from prev whose states differ least
// from next, at most three, leaving out the action skip.
func (in *inferrer[S]) nearest(prev, next *S, skip *model.Action[S]) []Candidate {
	var cs []Candidate
	for _, a := range in.m.Actions {
		if a == skip {
			continue
		}
		for c := range a.Choices {
			ch := modelChoice[S]{a, c}
			if !in.enabled(ch, prev) {
				continue
			}
			n := in.apply(ch, prev)
			cs = append(cs, Candidate{Step: in.stepOf(ch, prev), Diffs: diffState(&n, next)})
		}
	}
	sortNearest(cs)
	if len(cs) > 3 {
		cs = cs[:3]
	}
	return cs
}

func sortNearest(cs []Candidate) {
	slices.SortStableFunc(cs, func(a, b Candidate) int { return len(a.Diffs) - len(b.Diffs) })
}

// diffState lists how the model's state a differs from the trace's state
// b: one line per differing leaf, named with TLA+ variable names for the
// state's tagged fields.
func diffState[S any](a, b *S) []string {
	var out []string
	diffValues("", reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem(), &out, true)
	if len(out) == 0 {
		// Equal as Go values, yet encoded differently: unexported state.
		out = append(out, "the states differ in fields that are not shown")
	}
	return out
}

// diffValues appends the differences of a (model) and b (trace) at path.
func diffValues(path string, a, b reflect.Value, out *[]string, top bool) {
	if len(*out) >= 12 {
		if len(*out) == 12 {
			*out = append(*out, "…")
		}
		return
	}
	if a.CanInterface() && b.CanInterface() && reflect.DeepEqual(a.Interface(), b.Interface()) {
		return
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !a.IsNil() && !b.IsNil() && (a.Kind() == reflect.Pointer || a.Elem().Type() == b.Elem().Type()) {
			diffValues(path, a.Elem(), b.Elem(), out, top)
			return
		}
	case reflect.Struct:
		if a.Type() == typeOfValue || a.Type() == typeOfBigInt {
			break
		}
		fs := goFields(a.Type())
		if len(fs) > 0 {
			for _, f := range fs {
				name := f.goN
				if f.tag {
					name = f.name
				}
				fa, oka := goFieldRead(a, f.index)
				fb, okb := goFieldRead(b, f.index)
				if !oka || !okb {
					continue
				}
				p := name
				if !top {
					p = path + "." + name
				}
				diffValues(p, fa, fb, out, false)
			}
			return
		}
	case reflect.Slice, reflect.Array:
		if a.Len() == b.Len() {
			for i := range a.Len() {
				diffValues(path+"["+strconv.Itoa(i)+"]", a.Index(i), b.Index(i), out, false)
			}
			return
		}
	case reflect.Map:
		keys := a.MapKeys()
		for _, k := range b.MapKeys() {
			if !a.MapIndex(k).IsValid() {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(showGo(x), showGo(y)) })
		for _, k := range keys {
			p := path + "[" + showGo(k) + "]"
			va, vb := a.MapIndex(k), b.MapIndex(k)
			switch {
			case !va.IsValid():
				*out = append(*out, fmt.Sprintf("%s: model has no such key, trace %s", p, showGo(vb)))
			case !vb.IsValid():
				*out = append(*out, fmt.Sprintf("%s: model %s, trace has no such key", p, showGo(va)))
			default:
				diffValues(p, va, vb, out, false)
			}
		}
		return
	}
	if path == "" {
		path = "state"
	}
	*out = append(*out, fmt.Sprintf("%s: model %s, trace %s", path, showGo(a), showGo(b)))
}

// showGo renders a Go value for a difference: strings quoted, others as
// fmt's %v prints them.
func showGo(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	if v.Kind() == reflect.String {
		return strconv.Quote(v.String())
	}
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return showGo(v.Elem())
	}
	if v.Type() == typeOfValue && v.CanInterface() {
		return v.Interface().(Value).String()
	}
	return clipText(fmt.Sprintf("%v", v), 80)
}
