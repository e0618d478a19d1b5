package tlaimport

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteITF writes t in the Informal Trace Format, which [ReadITF] reads
// back as an equal trace: the same vars, params, loop and "#meta", and
// values that are [Equal] and of the same kinds.
//
// Values are written as ITF writes them: integers as {"#bigint": "..."}
// (never as JSON numbers), tuples as {"#tup": [...]}, sequences as JSON
// arrays, sets as {"#set": [...]}, functions as {"#map": [[k, v], ...]},
// records as JSON objects, and unserializable values as
// {"#unserializable": "..."}. A record with a field whose name starts
// with # is written as a #map with string keys, which is the same TLA+
// value.
//
// ITF has no model values. WriteITF writes a model value as the string
// of its name, r1 as "r1", which is how TLC's own JSON output writes
// them; ADR-015's example does the same for Apalache's values of
// uninterpreted types ("c1_OF_PERSON"). Reading the file back therefore
// gives a string, not a model value.
//
// t.Meta and each State.Meta are written verbatim when present. When
// t.Meta is absent (a trace from TLC), the trace gets {"format": "ITF",
// "source": t.File, "description": "written by mbt"} and each state
// {"index": i}. Keys come in a fixed order ("#meta", "params", "vars",
// "states", "loop"; in states "#meta", then params and vars in the order
// the trace lists them) and the output is the same for the same trace:
// the trace's keys on their own lines and one state per line.
//
// ITF's loop is t.Loop when it is not -1. A trace that ends by
// stuttering (TLC's "Stuttering", [Trace.Stuttering]) gets the index of
// its last state as its loop, which is how ITF says that the behavior
// stays there forever; it reads back with Loop set and Stuttering false.
// Actions are not written: ITF has no place for them except Quint's
// mbt::actionTaken and mbt::nondetPicks variables, which are written
// when the trace has them, as any other variable.
//
// When t.Vars is nil, the variables are those of the first state, less
// t.Params, in sorted order.
//
// WriteITF fails, writing nothing, if a state lacks a variable, has one
// not in t.Vars or t.Params, or t.Loop is not a state's index or -1.
func WriteITF(w io.Writer, t *Trace) error {
	b, err := appendITF(nil, t)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// The "format-description" Quint writes; ADR-015 lives there.
const itfFormatURL = "https://apalache-mc.org/docs/adr/015adr-trace.html"

func appendITF(b []byte, t *Trace) ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("write ITF: nil trace")
	}
	if t.Loop < -1 || t.Loop >= len(t.States) {
		return nil, fmt.Errorf("write ITF: loop %d is not the index of a state (the trace has %d)", t.Loop, len(t.States))
	}
	vars := t.Vars
	if vars == nil && len(t.States) > 0 {
		// The first state's variables, less the parameters.
		for _, name := range itfSortedNames(t.States[0].Vars) {
			if !slices.Contains(t.Params, name) {
				vars = append(vars, name)
			}
		}
	}
	known := make(map[string]bool, len(vars)+len(t.Params))
	for _, v := range vars {
		known[v] = true
	}
	if known["#meta"] || slices.Contains(t.Params, "#meta") {
		return nil, fmt.Errorf("write ITF: variable \"#meta\" would be read as the state's #meta")
	}
	var params []string // those that are not also variables
	for _, p := range t.Params {
		if !known[p] {
			params = append(params, p)
		}
	}
	for _, p := range params {
		known[p] = true
	}
	for i, st := range t.States {
		for _, v := range vars {
			if _, ok := st.Vars[v]; !ok {
				return nil, fmt.Errorf("write ITF: state %d has no value for variable %s", i, strconv.Quote(v))
			}
		}
		for name := range st.Vars {
			if !known[name] {
				return nil, fmt.Errorf("write ITF: state %d: variable %s is not in the trace's vars", i, strconv.Quote(name))
			}
		}
	}
	if len(t.Meta) > 0 && !json.Valid(t.Meta) {
		return nil, fmt.Errorf("write ITF: the trace's #meta is not valid JSON")
	}

	b = append(b, "{\n  \"#meta\": "...)
	if len(t.Meta) > 0 {
		b = append(b, t.Meta...)
	} else {
		b = append(b, `{"format":"ITF","format-description":`...)
		b = appendJSONString(b, itfFormatURL)
		if t.File != "" {
			b = append(b, `,"source":`...)
			b = appendJSONString(b, t.File)
		}
		b = append(b, `,"description":"written by mbt"}`...)
	}
	if t.Params != nil {
		b = append(b, ",\n  \"params\": "...)
		b = appendJSONStrings(b, t.Params)
	}
	b = append(b, ",\n  \"vars\": "...)
	b = appendJSONStrings(b, vars)
	b = append(b, ",\n  \"states\": ["...)
	for i, st := range t.States {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {"...)
		n := 0
		sep := func() {
			if n > 0 {
				b = append(b, ',')
			}
			n++
		}
		switch {
		case len(st.Meta) > 0:
			if !json.Valid(st.Meta) {
				return nil, fmt.Errorf("write ITF: the #meta of state %d is not valid JSON", i)
			}
			sep()
			b = append(b, `"#meta":`...)
			b = append(b, st.Meta...)
		case len(t.Meta) == 0:
			sep()
			b = append(b, `"#meta":{"index":`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, '}')
		}
		for _, names := range [2][]string{params, vars} {
			for _, name := range names {
				v, ok := st.Vars[name]
				if !ok {
					continue
				}
				sep()
				b = appendJSONString(b, name)
				b = append(b, ':')
				var err error
				if b, err = appendITFValue(b, v); err != nil {
					return nil, fmt.Errorf("write ITF: state %d: variable %s: %w", i, name, err)
				}
			}
		}
		b = append(b, '}')
	}
	if len(t.States) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, ']')
	if loop := t.Loop; loop >= 0 || t.Stuttering && len(t.States) > 0 {
		if loop < 0 {
			loop = len(t.States) - 1
		}
		b = append(b, ",\n  \"loop\": "...)
		b = strconv.AppendInt(b, int64(loop), 10)
	}
	b = append(b, "\n}\n"...)
	return b, nil
}

func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendITFValue appends v in ITF.
func appendITFValue(b []byte, v Value) ([]byte, error) {
	var err error
	switch v.Kind {
	case Bool:
		if v.Bool {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case Int:
		b = append(b, `{"#bigint":"`...)
		switch {
		case v.Int == nil:
			b = append(b, '0')
		case v.Int.IsInt64():
			b = strconv.AppendInt(b, v.Int.Int64(), 10)
		default:
			b = v.Int.Append(b, 10)
		}
		return append(b, `"}`...), nil
	case String, ModelValue:
		return appendJSONString(b, v.Str), nil
	case Unserializable:
		b = append(b, `{"#unserializable":`...)
		b = appendJSONString(b, v.Str)
		return append(b, '}'), nil
	case Seq:
		return appendITFElems(b, v.Elems)
	case Tuple, Set:
		if v.Kind == Tuple {
			b = append(b, `{"#tup":`...)
		} else {
			b = append(b, `{"#set":`...)
		}
		if b, err = appendITFElems(b, v.Elems); err != nil {
			return nil, err
		}
		return append(b, '}'), nil
	case Record:
		for _, f := range v.Fields {
			if strings.HasPrefix(f.Name, "#") {
				// {"#x": ...} would read back as an ITF form.
				return appendITFPairs(b, asFunc(v))
			}
		}
		b = append(b, '{')
		for i, f := range v.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f.Name)
			b = append(b, ':')
			if b, err = appendITFValue(b, f.Value); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case Func:
		return appendITFPairs(b, v.Pairs)
	}
	return nil, fmt.Errorf("value of unknown kind %v", v.Kind)
}

func appendITFElems(b []byte, es []Value) ([]byte, error) {
	b = append(b, '[')
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendITFValue(b, e); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendITFPairs(b []byte, ps []Pair) ([]byte, error) {
	b = append(b, `{"#map":[`...)
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		var err error
		if b, err = appendITFValue(b, p.Key); err != nil {
			return nil, err
		}
		b = append(b, ',')
		if b, err = appendITFValue(b, p.Value); err != nil {
			return nil, err
		}
		b = append(b, ']')
	}
	return append(b, "]}"...), nil
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as in encoding/json.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
