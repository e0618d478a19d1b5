package tlaimport

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/mbtgo/mbt/internal/suggest"
)

// ReadITF reads a trace in the Informal Trace Format (ITF, Apalache's
// ADR-015), as Apalache and Quint write it. filename is used in
// positions only.
//
// The trace object's keys: "#meta" is kept verbatim in [Trace.Meta];
// "params" and "vars" list the names of the parameters and variables;
// "states" holds the states, each an object with a value for every
// variable (and, in the first state, every parameter) and an optional
// "#meta" kept verbatim in [State.Meta]; "loop" is the index of the state
// a lasso returns to ([Trace.Loop], -1 when absent). Other keys are
// ignored.
//
// Values: JSON booleans and strings; integers as {"#bigint": "-123"} of
// any size or, as older tools write them, as plain JSON numbers (which
// must be integers); {"#tup": [...]} tuples; {"#set": [...]} sets;
// {"#map": [[k, v], ...]} functions, whose keys may be any value; JSON
// arrays as sequences; other JSON objects as records (so Quint's variants
// {"tag": "Some", "value": 5} are records); and {"#unserializable": "..."}.
// Sets are put in canonical order; a repeated record field or map key is
// an error.
//
// Quint's mbt mode adds two variables, which stay ordinary variables (so
// that [WriteITF] gives back the same file) and also fill [State.Action]:
// "mbt::actionTaken" is the action's name (the initial state and the
// name "" have no action), and "mbt::nondetPicks", a record of Option
// variants, gives [Action.Picks]: the values of the Some fields by name
// (a field that is not a variant is taken as the value itself).
//
// Errors are positioned *[Error]s, gathered into one error (see the
// package doc), that give file:line:col (columns count bytes) and say
// where in the trace: "state 3: variable balances:
// #bigint: "12x" is not an integer". States are numbered from 0, as in
// ITF's "#meta" indexes. Inputs over 1 GiB or with more than 2^26
// values, values nested deeper than 1000 levels and integers with more
// than 100000 digits are refused. The strings of the values read share
// one copy of data.
func ReadITF(filename string, data []byte) (*Trace, error) {
	d := newJSONDecoder(filename, data, jsonModeITF)
	t := d.itfTrace()
	if d.Err() != nil {
		return nil, errorList{d.problem()}.err()
	}
	if err := checkITF(t).err(); err != nil {
		return nil, err
	}
	return t, nil
}

// itfTrace reads the trace object.
func (d *jsonDecoder) itfTrace() *Trace {
	t := &Trace{Format: "itf", File: d.file, Loop: -1}
	if d.Err() != nil {
		return t
	}
	if d.Peek() != '{' {
		d.FailAt(d.Off(), "expected an ITF trace (a JSON object with \"vars\" and \"states\"), found %s", d.Found())
		return t
	}
	top := d.posAt(d.Off())
	d.Consume()
	seen := map[string]bool{}
	var loop Value
	if d.Peek() == '}' {
		d.Consume()
	} else {
		for d.Err() == nil {
			keyOff := d.PeekOff()
			k, ok := d.Key()
			if !ok {
				return t
			}
			if seen[k] {
				d.FailAt(keyOff, "key %s appears twice", strconv.Quote(k))
				return t
			}
			seen[k] = true
			switch k {
			case "#meta":
				t.Meta = slices.Clone(d.SkipValue())
			case "params":
				t.Params = d.Names("params")
			case "vars":
				t.Vars = d.Names("vars")
			case "states":
				t.States = d.itfStates()
			case "loop":
				d.ctxWhat = "loop"
				loop = d.value()
				d.ctxWhat = ""
			default:
				d.SkipValue()
			}
			c := d.Peek()
			if c == '}' {
				d.Consume()
				break
			}
			if c != ',' {
				d.FailAt(d.Off(), "expected ',' or '}' in the trace object, found %s", d.Found())
				return t
			}
			d.Consume()
		}
	}
	d.End("trace")
	if d.Err() != nil {
		return t
	}
	switch {
	case !seen["vars"]:
		d.failPos(top, "the trace has no \"vars\"")
	case !seen["states"]:
		d.failPos(top, "the trace has no \"states\"")
	case seen["loop"]:
		if loop.Kind != Int || !loop.Int.IsInt64() || loop.Int.Int64() < 0 || loop.Int.Int64() >= int64(len(t.States)) {
			d.failPos(loop.Pos, "loop: want the index of a state, 0 to %d, got %s", len(t.States)-1, loop)
			return t
		}
		t.Loop = int(loop.Int.Int64())
	}
	return t
}

// itfStates reads the "states" array.
func (d *jsonDecoder) itfStates() []State {
	if d.Peek() != '[' {
		d.FailAt(d.Off(), "states: expected an array of states, found %s", d.Found())
		return nil
	}
	d.Consume()
	var states []State
	if d.Peek() == ']' {
		d.Consume()
		return states
	}
	nvars := 8
	for d.Err() == nil {
		i := len(states)
		d.ctxState = i
		if d.Peek() != '{' {
			d.FailAt(d.Off(), "expected a state object, found %s", d.Found())
			break
		}
		st := State{Pos: d.posAt(d.Off()), Vars: make(map[string]Value, nvars)}
		d.Consume()
		if d.Peek() == '}' {
			d.Consume()
		} else {
			for d.Err() == nil {
				keyOff := d.PeekOff()
				k, ok := d.Key()
				if !ok {
					break
				}
				if k == "#meta" {
					if st.Meta != nil {
						d.FailAt(keyOff, "key \"#meta\" appears twice")
						break
					}
					st.Meta = slices.Clone(d.SkipValue())
				} else {
					if _, dup := st.Vars[k]; dup {
						d.FailAt(keyOff, "variable %s appears twice", strconv.Quote(k))
						break
					}
					d.ctxVar = k
					v := d.value()
					d.ctxVar = ""
					st.Vars[k] = v
				}
				if d.Err() != nil {
					break
				}
				c := d.Peek()
				if c == '}' {
					d.Consume()
					break
				}
				if c != ',' {
					d.FailAt(d.Off(), "expected ',' or '}' in the state, found %s", d.Found())
					break
				}
				d.Consume()
			}
		}
		if d.Err() != nil {
			break
		}
		nvars = len(st.Vars)
		states = append(states, st)
		d.ctxState = -1
		c := d.Peek()
		if c == ']' {
			d.Consume()
			break
		}
		if c != ',' {
			d.FailAt(d.Off(), "expected ',' or ']' in states, found %s", d.Found())
			break
		}
		d.Consume()
	}
	d.ctxState = -1
	return states
}

// The variables Quint's mbt mode adds.
const (
	mbtActionTaken = "mbt::actionTaken"
	mbtNondetPicks = "mbt::nondetPicks"
)

// checkITF checks that every state has every variable, and fills in the
// actions from Quint's mbt variables.
func checkITF(t *Trace) errorList {
	var errs errorList
	known := make(map[string]bool, len(t.Vars)+len(t.Params))
	for _, v := range t.Vars {
		known[v] = true
	}
	for _, p := range t.Params {
		known[p] = true
	}
	for i := range t.States {
		st := &t.States[i]
		for _, v := range t.Vars {
			if _, ok := st.Vars[v]; !ok {
				errs.add(st.Pos, fmt.Sprintf("state %d: no value for variable %s", i, strconv.Quote(v)))
			}
		}
		if i == 0 {
			for _, p := range t.Params {
				if _, ok := st.Vars[p]; !ok {
					errs.add(st.Pos, fmt.Sprintf("state 0: no value for parameter %s", strconv.Quote(p)))
				}
			}
		}
		if len(st.Vars) > len(t.Vars) || len(errs) > 0 {
			for _, name := range itfSortedNames(st.Vars) {
				if !known[name] {
					msg := fmt.Sprintf("state %d: variable %s is not in vars", i, strconv.Quote(name))
					if c := suggest.Closest(name, t.Vars); c != "" {
						msg += fmt.Sprintf(" (did you mean %s?)", strconv.Quote(c))
					}
					errs.add(st.Vars[name].Pos, msg)
				}
			}
		}
		a, err := mbtAction(i, st.Vars)
		if err != nil {
			errs = append(errs, err)
		}
		st.Action = a
	}
	return errs
}

// mbtAction returns the action of state i from Quint's mbt variables.
func mbtAction(i int, vars map[string]Value) (*Action, *Error) {
	name, ok := vars[mbtActionTaken]
	if !ok {
		return nil, nil
	}
	if name.Kind != String {
		return nil, errorf(name.Pos, "state %d: variable %s: want a string, got %s", i, mbtActionTaken, name.Kind)
	}
	if i == 0 || name.Str == "" {
		return nil, nil
	}
	a := &Action{Name: name.Str}
	picks, ok := vars[mbtNondetPicks]
	if !ok {
		return a, nil
	}
	if picks.Kind != Record {
		return nil, errorf(picks.Pos, "state %d: variable %s: want a record, got %s", i, mbtNondetPicks, picks.Kind)
	}
	for _, f := range picks.Fields {
		v := f.Value
		if tag, val, ok := quintVariant(v); ok {
			switch tag {
			case "None":
				continue
			case "Some":
				v = val
			}
		}
		if a.Picks == nil {
			a.Picks = make(map[string]Value, len(picks.Fields))
		}
		a.Picks[f.Name] = v
	}
	return a, nil
}

// quintVariant returns the tag and value of a Quint variant, a record with
// exactly the fields tag (a string) and value.
func quintVariant(v Value) (tag string, val Value, ok bool) {
	if v.Kind != Record || len(v.Fields) != 2 || v.Fields[0].Name != "tag" || v.Fields[1].Name != "value" || v.Fields[0].Value.Kind != String {
		return "", Value{}, false
	}
	return v.Fields[0].Value.Str, v.Fields[1].Value, true
}

func itfSortedNames[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
