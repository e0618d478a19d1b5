package tlaimport

import (
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/internal/jsonscan"
)

// The JSON readers ([ReadITF], [ReadTLCJSON]) build TLA+ values from JSON
// as they read it, with a jsonscan.Scanner and without a generic JSON tree.

// Limits of the JSON readers besides jsonscan's (size and nesting).
// Inputs beyond them are refused with an error rather than exhausting
// memory.
const (
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

// jsonDecoder reads a JSON trace file into TLA+ values. It stops at the
// first problem, which its scanner keeps.
//
// For speed it carves values out of arenas: strings without escapes are
// substrings of one copy of the input, slices of elements, fields and
// pairs come from shared chunks, and small integers share chunks of
// big.Int and big.Word. The values therefore keep the input's copy
// alive, which is fine for traces.
type jsonDecoder struct {
	*jsonscan.Scanner
	file    string
	nvalues int
	mode    jsonMode

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
}

func newJSONDecoder(file string, data []byte, mode jsonMode) *jsonDecoder {
	d := &jsonDecoder{Scanner: jsonscan.New(data), file: file, mode: mode, ctxState: -1}
	d.Prefix = d.prefix
	return d
}

// posAt returns the position of off, which must be on the current line.
func (d *jsonDecoder) posAt(off int) Pos {
	line, col := d.Pos(off)
	return Pos{File: d.file, Line: line, Col: col}
}

// prefix is the context of the scanner's messages.
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

// failPos records a problem at pos, unless there is one already.
func (d *jsonDecoder) failPos(pos Pos, format string, args ...any) {
	d.FailPos(pos.Line, pos.Col, format, args...)
}

// problem returns the problem the decoder stopped at, or nil.
func (d *jsonDecoder) problem() *Error {
	e := d.Err()
	if e == nil {
		return nil
	}
	return &Error{Pos: Pos{File: d.file, Line: e.Line, Col: e.Col}, Msg: e.Msg}
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

// number reads a JSON number, which must be an integer.
func (d *jsonDecoder) number(pos Pos) Value {
	start := d.Off()
	text, integer, ok := d.Number()
	if !ok {
		return Value{}
	}
	if !integer {
		d.FailAt(start, "number %s is not an integer", text)
		return Value{}
	}
	n := d.parseInt(text, start)
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
		d.FailAt(off, "integer with %d digits; the limit is %d", len(digits), maxBigIntDigits)
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

// value reads any JSON value as a TLA+ value.
func (d *jsonDecoder) value() Value {
	c := d.Peek()
	if c == 0 && d.AtEnd() {
		d.FailAt(d.Off(), "expected a value, found end of input")
		return Value{}
	}
	d.nvalues++
	if d.nvalues > maxJSONValues {
		d.FailAt(d.Off(), "more than %d values", maxJSONValues)
		return Value{}
	}
	pos := d.posAt(d.Off())
	switch c {
	case '"':
		s, _ := d.Str()
		return Value{Kind: String, Str: s, Pos: pos}
	case '{':
		return d.object(pos)
	case '[':
		return Value{Kind: Seq, Elems: d.array(), Pos: pos}
	case 't':
		d.Literal("true")
		return Value{Kind: Bool, Bool: true, Pos: pos}
	case 'f':
		d.Literal("false")
		return Value{Kind: Bool, Pos: pos}
	case 'n':
		if d.Literal("null") {
			d.FailAt(d.Off()-4, "null is not a TLA+ value")
		}
		return Value{}
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return d.number(pos)
		}
		d.FailAt(d.Off(), "expected a value, found %s", d.Found())
		return Value{}
	}
}

// array reads a JSON array at the current offset, which must be '['.
func (d *jsonDecoder) array() []Value {
	if !d.Enter() {
		return nil
	}
	d.Consume()
	if d.Peek() == ']' {
		d.Consume()
		d.Leave()
		return nil
	}
	base := len(d.stack)
	for {
		v := d.value()
		if d.Err() != nil {
			return nil
		}
		d.stack = append(d.stack, v)
		c := d.Peek()
		if c == ',' {
			d.Consume()
			continue
		}
		if c == ']' {
			d.Consume()
			break
		}
		d.FailAt(d.Off(), "expected ',' or ']' in array, found %s", d.Found())
		return nil
	}
	d.Leave()
	out := d.allocVals(len(d.stack) - base)
	copy(out, d.stack[base:])
	d.stack = d.stack[:base]
	return out
}

// object reads a JSON object at the current offset, which must be '{':
// in ITF mode one of the # forms or a record, in TLC mode a record.
func (d *jsonDecoder) object(pos Pos) Value {
	if !d.Enter() {
		return Value{}
	}
	d.Consume()
	if d.Peek() == '}' {
		d.Consume()
		d.Leave()
		return Value{Kind: Record, Pos: pos}
	}
	keyOff := d.Off()
	k, ok := d.Key()
	if !ok {
		return Value{}
	}
	if d.mode == jsonModeITF && strings.HasPrefix(k, "#") {
		v := d.form(k, keyOff, pos)
		if d.Err() != nil {
			return Value{}
		}
		switch d.Peek() {
		case '}':
			d.Consume()
		case ',':
			d.Consume()
			d.FailAt(d.PeekOff(), "%s: a %s object must have no other keys", k, k)
			return Value{}
		default:
			d.FailAt(d.Off(), "expected '}' after %s, found %s", k, d.Found())
			return Value{}
		}
		d.Leave()
		return v
	}
	base := len(d.fstack)
	for {
		v := d.value()
		if d.Err() != nil {
			return Value{}
		}
		d.fstack = append(d.fstack, Field{Name: k, Value: v})
		c := d.Peek()
		if c == '}' {
			d.Consume()
			break
		}
		if c != ',' {
			d.FailAt(d.Off(), "expected ',' or '}' in object, found %s", d.Found())
			return Value{}
		}
		d.Consume()
		keyOff = d.PeekOff()
		if k, ok = d.Key(); !ok {
			return Value{}
		}
		if d.mode == jsonModeITF && strings.HasPrefix(k, "#") {
			d.FailAt(keyOff, "record field %s starts with #: ITF forms such as {\"#set\": [...]} must be the only key of their object", strconv.Quote(k))
			return Value{}
		}
	}
	d.Leave()
	fs := d.allocFields(len(d.fstack) - base)
	copy(fs, d.fstack[base:])
	d.fstack = d.fstack[:base]
	return Value{Kind: Record, Fields: d.canonFields(fs), Pos: pos}
}

// form reads the value of an ITF form {"#k": ...}.
func (d *jsonDecoder) form(k string, keyOff int, pos Pos) Value {
	switch k {
	case "#bigint":
		if d.Peek() != '"' {
			d.FailAt(d.Off(), "#bigint: expected a string of decimal digits, found %s", d.Found())
			return Value{}
		}
		off := d.Off()
		s, ok := d.Str()
		if !ok {
			return Value{}
		}
		n := d.parseInt(s, off)
		if n == nil {
			d.FailAt(off, "#bigint: %s is not an integer", strconv.Quote(s))
			return Value{}
		}
		return Value{Kind: Int, Int: n, Pos: pos}
	case "#unserializable":
		if d.Peek() != '"' {
			d.FailAt(d.Off(), "#unserializable: expected a string, found %s", d.Found())
			return Value{}
		}
		s, _ := d.Str()
		return Value{Kind: Unserializable, Str: s, Pos: pos}
	case "#tup", "#set":
		if d.Peek() != '[' {
			d.FailAt(d.Off(), "%s: expected an array, found %s", k, d.Found())
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
	d.FailAt(keyOff, "unknown ITF form %s: want #bigint, #tup, #set, #map or #unserializable (record fields must not start with #)", strconv.Quote(k))
	return Value{}
}

// mapForm reads the [[k, v], ...] of {"#map": ...}.
func (d *jsonDecoder) mapForm(pos Pos) Value {
	if d.Peek() != '[' {
		d.FailAt(d.Off(), "#map: expected an array of [key, value] pairs, found %s", d.Found())
		return Value{}
	}
	if !d.Enter() {
		return Value{}
	}
	d.Consume()
	base := len(d.pstack)
	if d.Peek() == ']' {
		d.Consume()
	} else {
		for {
			if d.Peek() != '[' {
				d.FailAt(d.Off(), "#map: expected a [key, value] pair, found %s", d.Found())
				return Value{}
			}
			if !d.Enter() {
				return Value{}
			}
			d.Consume()
			k := d.value()
			if d.Err() != nil {
				return Value{}
			}
			if d.Peek() != ',' {
				d.FailAt(d.Off(), "#map: expected ',' between key and value, found %s", d.Found())
				return Value{}
			}
			d.Consume()
			v := d.value()
			if d.Err() != nil {
				return Value{}
			}
			switch d.Peek() {
			case ']':
				d.Consume()
			case ',':
				d.FailAt(d.Off(), "#map: a pair has more than two elements")
				return Value{}
			default:
				d.FailAt(d.Off(), "expected ']' after a #map pair, found %s", d.Found())
				return Value{}
			}
			d.Leave()
			d.pstack = append(d.pstack, Pair{Key: k, Value: v})
			c := d.Peek()
			if c == ',' {
				d.Consume()
				continue
			}
			if c == ']' {
				d.Consume()
				break
			}
			d.FailAt(d.Off(), "expected ',' or ']' in #map, found %s", d.Found())
			return Value{}
		}
	}
	d.Leave()
	ps := d.allocPairs(len(d.pstack) - base)
	copy(ps, d.pstack[base:])
	d.pstack = d.pstack[:base]
	return Value{Kind: Func, Pairs: d.canonPairs(ps), Pos: pos}
}

// Canonical order.

// itfCanonSet sorts es and removes duplicates, unless it is already in
// canonical order (as tools usually write sets).
func itfCanonSet(es []Value) []Value {
	for i := 1; i < len(es); i++ {
		if compare(es[i-1], es[i]) >= 0 {
			slices.SortStableFunc(es, compare)
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
		if compare(ps[i-1].Key, ps[i].Key) >= 0 {
			slices.SortStableFunc(ps, func(a, b Pair) int { return compare(a.Key, b.Key) })
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
