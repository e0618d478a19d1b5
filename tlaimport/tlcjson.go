package tlaimport

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/mbtgo/mbt/internal/suggest"
	"github.com/mbtgo/mbt/internal/text"
)

// ReadTLCJSON reads the counterexample TLC writes with -dumpTrace json
// FILE. filename is used in positions only.
//
// The file is TLCExt's CounterExample as TLC's Json module writes it:
//
//	{"counterexample": {
//	   "state":  [[1, {"x": 0}], [2, {"x": 1}], ...],
//	   "action": [[[1, {"x": 0}], {"name": "Inc", "location": {...},
//	               "context": {"r": "r1"}, "parameters": ["r"]}, [2, {"x": 1}]], ...]},
//	 "vars": ["x"]}
//
// States are numbered from 1 and become [Trace.States] in that order. The
// action from state i to state i+1 becomes the [Action] of state i+1:
// Name is its name, Location reads as TLC prints it ("line 43, col 17 to
// line 46, col 52 of module TwoPhase"), Args are the context's values in
// the order of "parameters", and Picks the context by name. An action
// from the last state back to state k (a lasso) sets [Trace.Loop] to k-1;
// its own label is not kept. "vars" gives [Trace.Vars]; without it they
// come in the order of the first state.
//
// TLC's JSON loses information that its text output has, and ReadTLCJSON
// reads values as TLC's own JsonDeserialize does: JSON arrays are
// sequences (so TLA+ sets come back as sequences, in TLC's order), JSON
// objects are records (so a function over model values, r1 :> "a",
// comes back as the record [r1 |-> "a"]), and strings are strings (so
// model values come back as strings). Numbers must be integers.
//
// Errors are positioned *[Error]s, gathered into one error (see the
// package doc), naming TLC's state numbers: "state 3: variable msgs:
// ...".
func ReadTLCJSON(filename string, data []byte) (*Trace, error) {
	d := newJSONDecoder(filename, data, jsonModeTLC)
	r := d.tlcJSON()
	if d.Err() != nil {
		return nil, errorList{d.problem()}.err()
	}
	t, errs := r.trace(filename)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return t, nil
}

// tlcJSONState is one [n, {...}] of "state".
type tlcJSONState struct {
	num   int
	pos   Pos
	vars  map[string]Value
	order []string // keys in file order
}

// tlcJSONAction is one [[i, s], {...}, [j, t]] of "action".
type tlcJSONAction struct {
	from, to int
	pos      Pos
	action   Action
}

type tlcJSONFile struct {
	top     Pos
	hasVars bool
	vars    []string
	hasCE   bool
	states  []tlcJSONState
	actions []tlcJSONAction
}

// tlcJSON reads the file's structure.
func (d *jsonDecoder) tlcJSON() *tlcJSONFile {
	r := &tlcJSONFile{}
	if d.Err() != nil {
		return r
	}
	if d.Peek() != '{' {
		d.FailAt(d.Off(), "expected TLC's -dumpTrace json output (a JSON object with \"counterexample\"), found %s", d.Found())
		return r
	}
	r.top = d.posAt(d.Off())
	d.Object("the file", func(k string, keyOff int) {
		switch k {
		case "counterexample":
			if r.hasCE {
				d.FailAt(keyOff, "key \"counterexample\" appears twice")
				return
			}
			r.hasCE = true
			d.tlcCounterexample(r)
		case "vars":
			if r.hasVars {
				d.FailAt(keyOff, "key \"vars\" appears twice")
				return
			}
			r.hasVars = true
			r.vars = d.Names("vars")
		default:
			d.SkipValue()
		}
	})
	d.End("counterexample")
	if d.Err() == nil && !r.hasCE {
		d.failPos(r.top, "the file has no \"counterexample\"")
	}
	return r
}

func (d *jsonDecoder) tlcCounterexample(r *tlcJSONFile) {
	if d.Peek() != '{' {
		d.FailAt(d.Off(), "counterexample: expected an object with \"state\" and \"action\", found %s", d.Found())
		return
	}
	d.Object("counterexample", func(k string, keyOff int) {
		switch k {
		case "state":
			d.Array("state", func() { d.tlcState(r) })
		case "action":
			d.Array("action", func() { d.tlcAction(r) })
		default:
			d.SkipValue()
		}
	})
}

// tlcStateNum reads a state number.
func (d *jsonDecoder) tlcStateNum() int {
	off := d.PeekOff()
	if c := d.Peek(); c == '-' || '0' <= c && c <= '9' {
		v := d.value()
		if d.Err() != nil {
			return 0
		}
		if v.Int.IsInt64() && v.Int.Int64() >= 1 && v.Int.Int64() <= 1<<31 {
			return int(v.Int.Int64())
		}
	}
	d.FailAt(off, "expected a state number (1, 2, ...), found %s", d.Found())
	return 0
}

// tlcState reads [n, {var: value, ...}].
func (d *jsonDecoder) tlcState(r *tlcJSONFile) {
	pos := d.posAt(d.PeekOff())
	if !d.Expect('[', "a state [number, {variables}]") {
		return
	}
	n := d.tlcStateNum()
	if d.Err() != nil || !d.Expect(',', "',' after the state number") {
		return
	}
	st := tlcJSONState{num: n, pos: pos}
	if len(r.states) > 0 {
		st.vars = make(map[string]Value, len(r.states[0].vars))
	} else {
		st.vars = map[string]Value{}
	}
	d.ctxState = n
	d.Object("the state", func(k string, keyOff int) {
		if _, dup := st.vars[k]; dup {
			d.FailAt(keyOff, "variable %s appears twice", strconv.Quote(k))
			return
		}
		d.ctxVar = k
		st.vars[k] = d.value()
		d.ctxVar = ""
		if len(r.states) == 0 {
			st.order = append(st.order, k)
		}
	})
	d.ctxState = -1
	if d.Err() == nil && d.Expect(']', "']' after the state") {
		r.states = append(r.states, st)
	}
}

// tlcStateRef reads the [n, {...}] at either end of an action, keeping
// only n.
func (d *jsonDecoder) tlcStateRef() int {
	if !d.Expect('[', "a state [number, {variables}]") {
		return 0
	}
	n := d.tlcStateNum()
	if d.Err() != nil || !d.Expect(',', "',' after the state number") {
		return 0
	}
	d.SkipValue()
	if d.Err() != nil || !d.Expect(']', "']' after the state") {
		return 0
	}
	return n
}

// tlcAction reads [[i, s], {name, location, context, parameters}, [j, t]].
func (d *jsonDecoder) tlcAction(r *tlcJSONFile) {
	pos := d.posAt(d.PeekOff())
	if !d.Expect('[', "an action [[i, state], {action}, [j, state]]") {
		return
	}
	a := tlcJSONAction{pos: pos}
	a.from = d.tlcStateRef()
	if d.Err() != nil || !d.Expect(',', "',' after the action's first state") {
		return
	}
	if d.Peek() != '{' {
		d.FailAt(d.Off(), "expected the action object {\"name\": ...}, found %s", d.Found())
		return
	}
	var params []string
	var context Value
	hasContext := false
	d.ctxWhat = "action"
	d.Object("the action", func(k string, keyOff int) {
		switch k {
		case "name":
			if d.Peek() != '"' {
				d.FailAt(d.Off(), "name: expected a string, found %s", d.Found())
				return
			}
			a.action.Name, _ = d.Str()
		case "location":
			a.action.Location = d.tlcLocation()
		case "context":
			context, hasContext = d.value(), true
			if d.Err() == nil && context.Kind != Record {
				d.failPos(context.Pos, "context: want an object, got %s", context.Kind)
			}
		case "parameters":
			params = d.Names("parameters")
		default:
			d.SkipValue()
		}
	})
	d.ctxWhat = ""
	if d.Err() != nil || !d.Expect(',', "',' after the action object") {
		return
	}
	a.to = d.tlcStateRef()
	if d.Err() != nil || !d.Expect(']', "']' after the action") {
		return
	}
	if hasContext {
		for _, f := range context.Fields {
			if a.action.Picks == nil {
				a.action.Picks = make(map[string]Value, len(context.Fields))
			}
			a.action.Picks[f.Name] = f.Value
		}
		for _, p := range params {
			v, ok := context.Field(p)
			if !ok {
				d.failPos(a.pos, "action %s: parameter %s has no value in the context", a.action.Name, strconv.Quote(p))
				return
			}
			a.action.Args = append(a.action.Args, v)
		}
	}
	r.actions = append(r.actions, a)
}

// tlcLocation reads {beginLine, beginColumn, endLine, endColumn, module}
// and returns it as TLC prints it.
func (d *jsonDecoder) tlcLocation() string {
	var bl, bc, el, ec int
	var module string
	d.Object("the location", func(k string, keyOff int) {
		var dst *int
		switch k {
		case "beginLine":
			dst = &bl
		case "beginColumn":
			dst = &bc
		case "endLine":
			dst = &el
		case "endColumn":
			dst = &ec
		case "module":
			if d.Peek() != '"' {
				d.FailAt(d.Off(), "module: expected a string, found %s", d.Found())
				return
			}
			module, _ = d.Str()
			return
		default:
			d.SkipValue()
			return
		}
		v := d.value()
		if d.Err() == nil && (v.Kind != Int || !v.Int.IsInt64() || v.Int.Int64() < 0 || v.Int.Int64() > 1<<31) {
			d.failPos(v.Pos, "%s: want a line or column number, got %s", k, v)
		}
		if d.Err() == nil {
			*dst = int(v.Int.Int64())
		}
	})
	return fmt.Sprintf("line %d, col %d to line %d, col %d of module %s", bl, bc, el, ec, module)
}

// trace assembles the trace and checks it.
func (r *tlcJSONFile) trace(filename string) (*Trace, errorList) {
	var errs errorList
	t := &Trace{Format: "tlc-json", File: filename, Loop: -1}
	slices.SortStableFunc(r.states, func(a, b tlcJSONState) int { return a.num - b.num })
	for i, st := range r.states {
		if st.num != i+1 {
			if i > 0 && st.num == r.states[i-1].num {
				errs.add(st.pos, fmt.Sprintf("state %d appears twice", st.num))
			} else {
				errs.add(st.pos, fmt.Sprintf("state %d: expected state %d (states are numbered 1, 2, ...)", st.num, i+1))
			}
			return nil, errs
		}
	}
	switch {
	case r.hasVars:
		t.Vars = r.vars
	case len(r.states) > 0:
		// The first state read, which the sort may have moved.
		for _, st := range r.states {
			if st.order != nil {
				t.Vars = st.order
				break
			}
		}
	}
	if t.Vars == nil {
		t.Vars = []string{}
	}
	known := make(map[string]bool, len(t.Vars))
	for _, v := range t.Vars {
		known[v] = true
	}
	t.States = make([]State, len(r.states))
	for i, st := range r.states {
		for _, v := range t.Vars {
			if _, ok := st.vars[v]; !ok {
				errs.add(st.pos, fmt.Sprintf("state %d: no value for variable %s", st.num, strconv.Quote(v)))
			}
		}
		if len(st.vars) != len(t.Vars) {
			for _, name := range itfSortedNames(st.vars) {
				if !known[name] {
					msg := fmt.Sprintf("state %d: variable %s is not in vars", st.num, strconv.Quote(name))
					if c := suggest.Closest(name, t.Vars); c != "" {
						msg += fmt.Sprintf(" (did you mean %s?)", strconv.Quote(c))
					}
					errs.add(st.vars[name].Pos, msg)
				}
			}
		}
		t.States[i] = State{Vars: st.vars, Pos: st.pos}
	}
	n := len(t.States)
	for _, a := range r.actions {
		switch {
		case a.from < 1 || a.from > n || a.to < 1 || a.to > n:
			errs.add(a.pos, fmt.Sprintf("action %s goes from state %d to state %d, but there %s", strconv.Quote(a.action.Name), a.from, a.to, text.Plural(n, "is 1 state", fmt.Sprintf("are %d states", n))))
		case a.to == a.from+1:
			if t.States[a.to-1].Action != nil {
				errs.add(a.pos, fmt.Sprintf("two actions lead from state %d to state %d", a.from, a.to))
				continue
			}
			act := a.action
			t.States[a.to-1].Action = &act
		case a.from == n:
			if t.Loop >= 0 {
				errs.add(a.pos, fmt.Sprintf("a second action leads back from state %d", a.from))
				continue
			}
			t.Loop = a.to - 1
		default:
			errs.add(a.pos, fmt.Sprintf("action %s goes from state %d to state %d, which does not follow the trace", strconv.Quote(a.action.Name), a.from, a.to))
		}
	}
	return t, errs
}
