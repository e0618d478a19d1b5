package tlaimport

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

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
// The error is an [ErrorList] whose errors give file:line:col (columns
// count bytes) and say where in the trace: "state 3: variable balances:
// #bigint: "12x" is not an integer". States are numbered from 0, as in
// ITF's "#meta" indexes. Inputs over 1 GiB or with more than 2^26
// values, values nested deeper than 1000 levels and integers with more
// than 100000 digits are refused. The strings of the values read share
// one copy of data.
func ReadITF(filename string, data []byte) (*Trace, error) {
	d := newJSONDecoder(filename, data, jsonModeITF)
	t := d.itfTrace()
	if d.err != nil {
		return nil, ErrorList{d.err}
	}
	if errs := checkITF(t); len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return t, nil
}

// itfTrace reads the trace object.
func (d *jsonDecoder) itfTrace() *Trace {
	t := &Trace{Format: "itf", File: d.file, Loop: -1}
	if d.err != nil {
		return t
	}
	if d.peek() != '{' {
		d.failAt(d.off, "expected an ITF trace (a JSON object with \"vars\" and \"states\"), found %s", d.found())
		return t
	}
	top := d.posAt(d.off)
	d.off++
	seen := map[string]bool{}
	var loop Value
	if d.peek() == '}' {
		d.off++
	} else {
		for d.err == nil {
			keyOff := d.peekOff()
			k, ok := d.key()
			if !ok {
				return t
			}
			if seen[k] {
				d.failAt(keyOff, "key %s appears twice", strconv.Quote(k))
				return t
			}
			seen[k] = true
			switch k {
			case "#meta":
				start := d.peekOff()
				d.skipValue()
				t.Meta = slices.Clone(d.data[start:d.off])
			case "params":
				t.Params = d.names("params")
			case "vars":
				t.Vars = d.names("vars")
			case "states":
				t.States = d.itfStates()
			case "loop":
				d.ctxWhat = "loop"
				loop = d.value()
				d.ctxWhat = ""
			default:
				d.skipValue()
			}
			c := d.peek()
			if c == '}' {
				d.off++
				break
			}
			if c != ',' {
				d.failAt(d.off, "expected ',' or '}' in the trace object, found %s", d.found())
				return t
			}
			d.off++
		}
	}
	d.end("trace")
	if d.err != nil {
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
	if d.peek() != '[' {
		d.failAt(d.off, "states: expected an array of states, found %s", d.found())
		return nil
	}
	d.off++
	var states []State
	if d.peek() == ']' {
		d.off++
		return states
	}
	nvars := 8
	for d.err == nil {
		i := len(states)
		d.ctxState = i
		if d.peek() != '{' {
			d.failAt(d.off, "expected a state object, found %s", d.found())
			break
		}
		st := State{Pos: d.posAt(d.off), Vars: make(map[string]Value, nvars)}
		d.off++
		if d.peek() == '}' {
			d.off++
		} else {
			for d.err == nil {
				keyOff := d.peekOff()
				k, ok := d.key()
				if !ok {
					break
				}
				if k == "#meta" {
					if st.Meta != nil {
						d.failAt(keyOff, "key \"#meta\" appears twice")
						break
					}
					start := d.peekOff()
					d.skipValue()
					st.Meta = slices.Clone(d.data[start:d.off])
				} else {
					if _, dup := st.Vars[k]; dup {
						d.failAt(keyOff, "variable %s appears twice", strconv.Quote(k))
						break
					}
					d.ctxVar = k
					v := d.value()
					d.ctxVar = ""
					st.Vars[k] = v
				}
				if d.err != nil {
					break
				}
				c := d.peek()
				if c == '}' {
					d.off++
					break
				}
				if c != ',' {
					d.failAt(d.off, "expected ',' or '}' in the state, found %s", d.found())
					break
				}
				d.off++
			}
		}
		if d.err != nil {
			break
		}
		nvars = len(st.Vars)
		states = append(states, st)
		d.ctxState = -1
		c := d.peek()
		if c == ']' {
			d.off++
			break
		}
		if c != ',' {
			d.failAt(d.off, "expected ',' or ']' in states, found %s", d.found())
			break
		}
		d.off++
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
func checkITF(t *Trace) ErrorList {
	var errs ErrorList
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
				errs.Add(st.Pos, fmt.Sprintf("state %d: no value for variable %s", i, strconv.Quote(v)))
			}
		}
		if i == 0 {
			for _, p := range t.Params {
				if _, ok := st.Vars[p]; !ok {
					errs.Add(st.Pos, fmt.Sprintf("state 0: no value for parameter %s", strconv.Quote(p)))
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
					errs.Add(st.Vars[name].Pos, msg)
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
		return nil, Errorf(name.Pos, "state %d: variable %s: want a string, got %s", i, mbtActionTaken, name.Kind)
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
		return nil, Errorf(picks.Pos, "state %d: variable %s: want a record, got %s", i, mbtNondetPicks, picks.Kind)
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

// The JSON decoder.

// Limits of the JSON readers ([ReadITF], [ReadTLCJSON]). Inputs beyond
// them are refused with an error rather than exhausting memory or the
// stack.
const (
	maxJSONSize     = 1 << 30 // bytes of input
	maxJSONDepth    = 1000    // nesting of arrays and objects
	maxJSONValues   = 1 << 26 // values in one file
	maxBigIntDigits = 100000  // digits of one integer
)

// jsonMode says how JSON values map to TLA+ values.
type jsonMode uint8

const (
	// jsonModeITF reads ITF: objects whose only key is #bigint, #tup, #set,
	// #map or #unserializable are those forms, other objects are records.
	jsonModeITF jsonMode = iota
	// jsonModeTLC reads TLC's Json module output: every object is a record.
	jsonModeTLC
)

// jsonDecoder is a JSON reader that tracks line and column and builds TLA+
// values directly, without a generic JSON tree. It stops at the first
// problem and keeps it in err.
//
// For speed it carves values out of arenas: strings without escapes are
// substrings of one copy of the input, slices of elements, fields and
// pairs come from shared chunks, and small integers share chunks of
// big.Int and big.Word. The values therefore keep the input's copy
// alive, which is fine for traces.
type jsonDecoder struct {
	file      string
	data      []byte
	src       string // string(data)
	off       int
	line      int
	lineStart int // offset of the first byte of the current line
	depth     int
	nvalues   int
	mode      jsonMode
	err       *Error

	// Context for messages: "state 3: variable balances: ...".
	ctxState int // -1: none
	ctxVar   string
	ctxWhat  string // used when ctxState < 0, like "loop"

	// Scratch stacks for the children of the values being read; a
	// container pushes its children and pops them into an arena slice.
	stack  []Value
	fstack []Field
	pstack []Pair

	vals   []Value
	fields []Field
	pairs  []Pair
	ints   []big.Int
	words  []big.Word
	buf    []byte // unescaping
}

func newJSONDecoder(file string, data []byte, mode jsonMode) *jsonDecoder {
	d := &jsonDecoder{file: file, data: data, src: string(data), line: 1, mode: mode, ctxState: -1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF { // BOM
		d.off, d.lineStart = 3, 3
	}
	if len(data) > maxJSONSize {
		d.err = &Error{Pos: Pos{File: file}, Msg: fmt.Sprintf("input is %d bytes; the limit is %d", len(data), maxJSONSize)}
	}
	return d
}

// posAt returns the position of off, which must be on the current line.
func (d *jsonDecoder) posAt(off int) Pos {
	return Pos{File: d.file, Line: d.line, Col: off - d.lineStart + 1}
}

func (d *jsonDecoder) prefix() string {
	switch {
	case d.ctxState >= 0 && d.ctxVar != "":
		return "state " + strconv.Itoa(d.ctxState) + ": variable " + d.ctxVar + ": "
	case d.ctxState >= 0:
		return "state " + strconv.Itoa(d.ctxState) + ": "
	case d.ctxWhat != "":
		return d.ctxWhat + ": "
	}
	return ""
}

// failAt records a problem at off on the current line, unless there is
// one already.
func (d *jsonDecoder) failAt(off int, format string, args ...any) {
	if d.err == nil {
		d.err = &Error{Pos: d.posAt(off), Msg: d.prefix() + fmt.Sprintf(format, args...)}
	}
}

// failPos records a problem at pos, unless there is one already.
func (d *jsonDecoder) failPos(pos Pos, format string, args ...any) {
	if d.err == nil {
		d.err = &Error{Pos: pos, Msg: d.prefix() + fmt.Sprintf(format, args...)}
	}
}

// found describes the input at the current offset for "expected X,
// found Y" messages.
func (d *jsonDecoder) found() string {
	if d.off >= len(d.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(d.data[d.off:])
	return strconv.QuoteRune(r)
}

func (d *jsonDecoder) skipWS() {
	for d.off < len(d.data) {
		switch d.data[d.off] {
		case ' ', '\t', '\r':
			d.off++
		case '\n':
			d.off++
			d.line++
			d.lineStart = d.off
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (d *jsonDecoder) peek() byte {
	d.skipWS()
	if d.off >= len(d.data) {
		return 0
	}
	return d.data[d.off]
}

// expect skips white space and consumes c, or fails saying what was
// expected.
func (d *jsonDecoder) expect(c byte, what string) bool {
	if d.peek() != c {
		d.failAt(d.off, "expected %s, found %s", what, d.found())
		return false
	}
	d.off++
	return true
}

func (d *jsonDecoder) enter() bool {
	d.depth++
	if d.depth > maxJSONDepth {
		d.failAt(d.off, "values nested deeper than %d", maxJSONDepth)
		return false
	}
	return true
}

// Arenas.

const jsonArenaChunk = 1024

func (d *jsonDecoder) allocVals(n int) []Value   { return carve(&d.vals, n) }
func (d *jsonDecoder) allocFields(n int) []Field { return carve(&d.fields, n) }
func (d *jsonDecoder) allocPairs(n int) []Pair   { return carve(&d.pairs, n) }

// carve cuts n elements off the chunk *pool, starting a new chunk when it
// runs out; slices over a quarter of a chunk get their own allocation. The
// result's capacity is its length, so appending to it cannot reach the
// next slice.
func carve[T any](pool *[]T, n int) []T {
	if n == 0 {
		return nil
	}
	if n > len(*pool) {
		if n > jsonArenaChunk/4 {
			return make([]T, n)
		}
		*pool = make([]T, jsonArenaChunk)
	}
	s := (*pool)[:n:n]
	*pool = (*pool)[n:]
	return s
}

// smallInt returns a *big.Int for ±u from the arenas.
func (d *jsonDecoder) smallInt(neg bool, u uint64) *big.Int {
	if len(d.ints) == 0 {
		d.ints = make([]big.Int, jsonArenaChunk)
	}
	z := &d.ints[0]
	d.ints = d.ints[1:]
	if u == 0 {
		return z
	}
	if uint64(big.Word(u)) != u { // 32-bit platform
		z.SetUint64(u)
	} else {
		if len(d.words) == 0 {
			d.words = make([]big.Word, jsonArenaChunk)
		}
		w := d.words[:1:1]
		d.words = d.words[1:]
		w[0] = big.Word(u)
		z.SetBits(w)
	}
	if neg {
		z.Neg(z)
	}
	return z
}

// Tokens.

// str reads a JSON string at the current offset, which must be '"'.
func (d *jsonDecoder) str() (string, bool) {
	data := d.data
	start := d.off + 1
	i := start
	for i < len(data) {
		c := data[i]
		if c == '"' {
			d.off = i + 1
			return d.src[start:i], true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return d.strSlow(start, i)
		}
		i++
	}
	d.failAt(d.off, "unterminated string")
	return "", false
}

// strSlow continues reading a string from i, where there is an escape,
// a control character or a non-ASCII byte. Invalid UTF-8 becomes U+FFFD,
// as in encoding/json.
func (d *jsonDecoder) strSlow(start, i int) (string, bool) {
	data := d.data
	b := d.buf[:0]
	copied := false // b holds data[start:i] plus decoded escapes
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.off = i + 1
			if !copied {
				return d.src[start:i], true
			}
			d.buf = b
			return string(b), true
		case c < 0x20:
			d.failAt(i, "invalid control character %s in string", strconv.QuoteRune(rune(c)))
			return "", false
		case c < 0x80 && c != '\\':
			if copied {
				b = append(b, c)
			}
			i++
		case c >= 0x80:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				if !copied {
					b, copied = append(b, data[start:i]...), true
				}
				b = utf8.AppendRune(b, utf8.RuneError)
			} else if copied {
				b = append(b, data[i:i+size]...)
			}
			i += size
		default: // backslash
			if !copied {
				b, copied = append(b, data[start:i]...), true
			}
			if i+1 >= len(data) {
				d.failAt(d.off, "unterminated string")
				return "", false
			}
			e := data[i+1]
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := d.hex4(i + 2)
				if !ok {
					d.failAt(i, "invalid escape \\u in string: want four hex digits")
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := d.hex4(i + 2); ok && i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							i += 6
							b = utf8.AppendRune(b, dec)
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				d.failAt(i, "invalid escape %s in string", strconv.Quote(string(data[i:i+2])))
				return "", false
			}
			i += 2
		}
	}
	d.failAt(d.off, "unterminated string")
	return "", false
}

func (d *jsonDecoder) hex4(i int) (rune, bool) {
	if i+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// key reads an object key and the colon after it.
func (d *jsonDecoder) key() (string, bool) {
	if d.peek() != '"' {
		d.failAt(d.off, "expected a string key, found %s", d.found())
		return "", false
	}
	k, ok := d.str()
	if !ok {
		return "", false
	}
	if d.peek() != ':' {
		d.failAt(d.off, "expected ':' after key %s, found %s", strconv.Quote(k), d.found())
		return "", false
	}
	d.off++
	return k, true
}

// literal consumes word (true, false, null) at the current offset.
func (d *jsonDecoder) literal(word string) bool {
	if strings.HasPrefix(d.src[d.off:], word) {
		d.off += len(word)
		return true
	}
	d.failAt(d.off, "expected a value, found %s", d.found())
	return false
}

// numberEnd returns the end of the JSON number starting at i, and
// whether it is an integer; ok is false if it is not a JSON number.
func (d *jsonDecoder) numberEnd(i int) (end int, integer, ok bool) {
	data := d.data
	if i < len(data) && data[i] == '-' {
		i++
	}
	ds := i
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	if i == ds || (i-ds > 1 && data[ds] == '0') {
		return i, false, false
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		i++
		fs := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		if i == fs {
			return i, false, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		es := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		if i == es {
			return i, false, false
		}
	}
	return i, integer, true
}

// badNumber quotes the text of an invalid number for a message.
func (d *jsonDecoder) badNumber(start, end int) string {
	if end == start || d.src[start:end] == "-" {
		end = min(end+1, len(d.src))
	}
	return strconv.Quote(d.src[start:end])
}

// number reads a JSON number, which must be an integer.
func (d *jsonDecoder) number(pos Pos) Value {
	start := d.off
	end, integer, ok := d.numberEnd(start)
	if !ok {
		d.failAt(start, "invalid number %s", d.badNumber(start, end))
		return Value{}
	}
	if !integer {
		d.failAt(start, "number %s is not an integer", d.src[start:end])
		return Value{}
	}
	d.off = end
	n := d.parseInt(d.src[start:end], start)
	return Value{Kind: Int, Int: n, Pos: pos}
}

// parseInt converts an optionally signed decimal integer; s has been
// checked to be one, except for #bigint strings.
func (d *jsonDecoder) parseInt(s string, off int) *big.Int {
	digits := s
	neg := false
	if len(digits) > 0 && digits[0] == '-' {
		neg, digits = true, digits[1:]
	}
	if len(digits) <= 18 && len(digits) > 0 {
		var u uint64
		for i := 0; i < len(digits); i++ {
			c := digits[i]
			if c < '0' || c > '9' {
				return nil
			}
			u = u*10 + uint64(c-'0')
		}
		return d.smallInt(neg, u)
	}
	if len(digits) > maxBigIntDigits {
		d.failAt(off, "integer with %d digits; the limit is %d", len(digits), maxBigIntDigits)
		return nil
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return nil
		}
	}
	if len(digits) == 0 {
		return nil
	}
	z, _ := new(big.Int).SetString(s, 10)
	return z
}

// Values.

// value reads any JSON value as a TLA+ value.
func (d *jsonDecoder) value() Value {
	if d.peek() == 0 && d.off >= len(d.data) {
		d.failAt(d.off, "expected a value, found end of input")
		return Value{}
	}
	d.nvalues++
	if d.nvalues > maxJSONValues {
		d.failAt(d.off, "more than %d values", maxJSONValues)
		return Value{}
	}
	pos := d.posAt(d.off)
	switch c := d.data[d.off]; c {
	case '"':
		s, _ := d.str()
		return Value{Kind: String, Str: s, Pos: pos}
	case '{':
		return d.object(pos)
	case '[':
		return Value{Kind: Seq, Elems: d.array(), Pos: pos}
	case 't':
		d.literal("true")
		return Value{Kind: Bool, Bool: true, Pos: pos}
	case 'f':
		d.literal("false")
		return Value{Kind: Bool, Pos: pos}
	case 'n':
		if d.literal("null") {
			d.failAt(d.off-4, "null is not a TLA+ value")
		}
		return Value{}
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return d.number(pos)
		}
		d.failAt(d.off, "expected a value, found %s", d.found())
		return Value{}
	}
}

// array reads a JSON array at the current offset, which must be '['.
func (d *jsonDecoder) array() []Value {
	if !d.enter() {
		return nil
	}
	d.off++
	if d.peek() == ']' {
		d.off++
		d.depth--
		return nil
	}
	base := len(d.stack)
	for {
		v := d.value()
		if d.err != nil {
			return nil
		}
		d.stack = append(d.stack, v)
		c := d.peek()
		if c == ',' {
			d.off++
			continue
		}
		if c == ']' {
			d.off++
			break
		}
		d.failAt(d.off, "expected ',' or ']' in array, found %s", d.found())
		return nil
	}
	d.depth--
	out := d.allocVals(len(d.stack) - base)
	copy(out, d.stack[base:])
	d.stack = d.stack[:base]
	return out
}

// object reads a JSON object at the current offset, which must be '{':
// in ITF mode one of the # forms or a record, in TLC mode a record.
func (d *jsonDecoder) object(pos Pos) Value {
	if !d.enter() {
		return Value{}
	}
	d.off++
	if d.peek() == '}' {
		d.off++
		d.depth--
		return Value{Kind: Record, Pos: pos}
	}
	keyOff := d.off
	k, ok := d.key()
	if !ok {
		return Value{}
	}
	if d.mode == jsonModeITF && strings.HasPrefix(k, "#") {
		v := d.form(k, keyOff, pos)
		if d.err != nil {
			return Value{}
		}
		switch d.peek() {
		case '}':
			d.off++
		case ',':
			d.off++
			d.skipWS()
			d.failAt(d.off, "%s: a %s object must have no other keys", k, k)
			return Value{}
		default:
			d.failAt(d.off, "expected '}' after %s, found %s", k, d.found())
			return Value{}
		}
		d.depth--
		return v
	}
	base := len(d.fstack)
	for {
		v := d.value()
		if d.err != nil {
			return Value{}
		}
		d.fstack = append(d.fstack, Field{Name: k, Value: v})
		c := d.peek()
		if c == '}' {
			d.off++
			break
		}
		if c != ',' {
			d.failAt(d.off, "expected ',' or '}' in object, found %s", d.found())
			return Value{}
		}
		d.off++
		keyOff = d.peekOff()
		if k, ok = d.key(); !ok {
			return Value{}
		}
		if d.mode == jsonModeITF && strings.HasPrefix(k, "#") {
			d.failAt(keyOff, "record field %s starts with #: ITF forms such as {\"#set\": [...]} must be the only key of their object", strconv.Quote(k))
			return Value{}
		}
	}
	d.depth--
	fs := d.allocFields(len(d.fstack) - base)
	copy(fs, d.fstack[base:])
	d.fstack = d.fstack[:base]
	return Value{Kind: Record, Fields: d.canonFields(fs), Pos: pos}
}

func (d *jsonDecoder) peekOff() int {
	d.skipWS()
	return d.off
}

// form reads the value of an ITF form {"#k": ...}.
func (d *jsonDecoder) form(k string, keyOff int, pos Pos) Value {
	switch k {
	case "#bigint":
		if d.peek() != '"' {
			d.failAt(d.off, "#bigint: expected a string of decimal digits, found %s", d.found())
			return Value{}
		}
		off := d.off
		s, ok := d.str()
		if !ok {
			return Value{}
		}
		n := d.parseInt(s, off)
		if n == nil {
			d.failAt(off, "#bigint: %s is not an integer", strconv.Quote(s))
			return Value{}
		}
		return Value{Kind: Int, Int: n, Pos: pos}
	case "#unserializable":
		if d.peek() != '"' {
			d.failAt(d.off, "#unserializable: expected a string, found %s", d.found())
			return Value{}
		}
		s, _ := d.str()
		return Value{Kind: Unserializable, Str: s, Pos: pos}
	case "#tup", "#set":
		if d.peek() != '[' {
			d.failAt(d.off, "%s: expected an array, found %s", k, d.found())
			return Value{}
		}
		es := d.array()
		if k == "#tup" {
			return Value{Kind: Tuple, Elems: es, Pos: pos}
		}
		return Value{Kind: Set, Elems: itfCanonSet(es), Pos: pos}
	case "#map":
		return d.mapForm(pos)
	}
	d.failAt(keyOff, "unknown ITF form %s: want #bigint, #tup, #set, #map or #unserializable (record fields must not start with #)", strconv.Quote(k))
	return Value{}
}

// mapForm reads the [[k, v], ...] of {"#map": ...}.
func (d *jsonDecoder) mapForm(pos Pos) Value {
	if d.peek() != '[' {
		d.failAt(d.off, "#map: expected an array of [key, value] pairs, found %s", d.found())
		return Value{}
	}
	if !d.enter() {
		return Value{}
	}
	d.off++
	base := len(d.pstack)
	if d.peek() == ']' {
		d.off++
	} else {
		for {
			if d.peek() != '[' {
				d.failAt(d.off, "#map: expected a [key, value] pair, found %s", d.found())
				return Value{}
			}
			if !d.enter() {
				return Value{}
			}
			d.off++
			k := d.value()
			if d.err != nil {
				return Value{}
			}
			if d.peek() != ',' {
				d.failAt(d.off, "#map: expected ',' between key and value, found %s", d.found())
				return Value{}
			}
			d.off++
			v := d.value()
			if d.err != nil {
				return Value{}
			}
			switch d.peek() {
			case ']':
				d.off++
			case ',':
				d.failAt(d.off, "#map: a pair has more than two elements")
				return Value{}
			default:
				d.failAt(d.off, "expected ']' after a #map pair, found %s", d.found())
				return Value{}
			}
			d.depth--
			d.pstack = append(d.pstack, Pair{Key: k, Value: v})
			c := d.peek()
			if c == ',' {
				d.off++
				continue
			}
			if c == ']' {
				d.off++
				break
			}
			d.failAt(d.off, "expected ',' or ']' in #map, found %s", d.found())
			return Value{}
		}
	}
	d.depth--
	ps := d.allocPairs(len(d.pstack) - base)
	copy(ps, d.pstack[base:])
	d.pstack = d.pstack[:base]
	return Value{Kind: Func, Pairs: d.canonPairs(ps), Pos: pos}
}

// skipValue checks and skips any JSON value (numbers may be fractions).
func (d *jsonDecoder) skipValue() {
	switch d.peek() {
	case '"':
		d.str()
	case '{', '[':
		open := d.peek()
		closer, kind := byte('}'), "object"
		if open == '[' {
			closer, kind = ']', "array"
		}
		if !d.enter() {
			return
		}
		d.off++
		if d.peek() == closer {
			d.off++
			d.depth--
			return
		}
		for d.err == nil {
			if open == '{' {
				if _, ok := d.key(); !ok {
					return
				}
			}
			d.skipValue()
			if d.err != nil {
				return
			}
			c := d.peek()
			if c == closer {
				d.off++
				d.depth--
				return
			}
			if c != ',' {
				d.failAt(d.off, "expected ',' or '%c' in %s, found %s", closer, kind, d.found())
				return
			}
			d.off++
		}
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	default:
		start := d.off
		end, _, ok := d.numberEnd(start)
		if !ok || start >= len(d.data) {
			if start < len(d.data) && (d.data[start] == '-' || '0' <= d.data[start] && d.data[start] <= '9') {
				d.failAt(start, "invalid number %s", d.badNumber(start, end))
			} else {
				d.failAt(start, "expected a value, found %s", d.found())
			}
			return
		}
		d.off = end
	}
}

// names reads an array of distinct strings, such as ITF's vars.
func (d *jsonDecoder) names(what string) []string {
	if d.peek() != '[' {
		d.failAt(d.off, "%s: expected an array of strings, found %s", what, d.found())
		return nil
	}
	d.off++
	var out []string
	if d.peek() == ']' {
		d.off++
		return []string{}
	}
	for {
		if d.peek() != '"' {
			d.failAt(d.off, "%s: expected a string, found %s", what, d.found())
			return nil
		}
		off := d.off
		s, ok := d.str()
		if !ok {
			return nil
		}
		if slices.Contains(out, s) {
			d.failAt(off, "%s: %s is listed twice", what, strconv.Quote(s))
			return nil
		}
		out = append(out, s)
		c := d.peek()
		if c == ']' {
			d.off++
			return out
		}
		if c != ',' {
			d.failAt(d.off, "expected ',' or ']' in %s, found %s", what, d.found())
			return nil
		}
		d.off++
	}
}

// end checks that only white space follows the top-level value.
func (d *jsonDecoder) end(what string) {
	if d.err != nil {
		return
	}
	if d.skipWS(); d.off < len(d.data) {
		d.failAt(d.off, "unexpected %s after the %s", d.found(), what)
	}
}

// Canonical order.

// itfCanonSet sorts es and removes duplicates, unless it is already in
// canonical order (as tools usually write sets).
func itfCanonSet(es []Value) []Value {
	for i := 1; i < len(es); i++ {
		if Compare(es[i-1], es[i]) >= 0 {
			slices.SortStableFunc(es, Compare)
			return slices.CompactFunc(es, Equal)
		}
	}
	return es
}

// canonFields sorts fields by name; a repeated name is an error.
func (d *jsonDecoder) canonFields(fs []Field) []Field {
	for i := 1; i < len(fs); i++ {
		if fs[i-1].Name >= fs[i].Name {
			slices.SortStableFunc(fs, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
			for j := 1; j < len(fs); j++ {
				if fs[j-1].Name == fs[j].Name {
					d.failPos(fs[j].Value.Pos, "field %s appears twice", strconv.Quote(fs[j].Name))
					break
				}
			}
			break
		}
	}
	return fs
}

// canonPairs sorts pairs by key; a repeated key is an error.
func (d *jsonDecoder) canonPairs(ps []Pair) []Pair {
	for i := 1; i < len(ps); i++ {
		if Compare(ps[i-1].Key, ps[i].Key) >= 0 {
			slices.SortStableFunc(ps, func(a, b Pair) int { return Compare(a.Key, b.Key) })
			for j := 1; j < len(ps); j++ {
				if Equal(ps[j-1].Key, ps[j].Key) {
					d.failPos(ps[j].Key.Pos, "#map: key %s appears twice", ps[j].Key)
					break
				}
			}
			break
		}
	}
	return ps
}
