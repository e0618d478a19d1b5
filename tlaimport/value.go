package tlaimport

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of a TLA+ value.
type Kind int

// The kinds of TLA+ values. Tuples and sequences are the same in TLA+; ITF
// tells them apart (#tup or a JSON array), so a Value keeps which it was
// for lossless round trips, and [Equal] treats them alike. Records are
// functions whose domain is a set of strings, and compare as such.
const (
	Bool Kind = iota
	Int
	String
	ModelValue     // an uninterpreted constant such as r1 in TLC
	Set            // Elems, in canonical order without duplicates
	Seq            // Elems, in order: <<a, b>> or a JSON array
	Tuple          // Elems: ITF's #tup
	Record         // Fields, sorted by name
	Func           // Pairs, sorted by key: k :> v @@ ... or ITF's #map
	Unserializable // ITF's #unserializable: Str holds the tool's text
)

var kindNames = [...]string{"bool", "int", "string", "model value", "set", "sequence", "tuple", "record", "function", "unserializable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Pos is a place in a trace file. Line and Col count from 1; 0 means
// unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Value is a TLA+ value. Build them with the constructors ([IntValue],
// [SetValue], ...), which keep sets and functions in canonical order, or
// read them with a trace reader, which also records where each value came
// from in Pos.
//
// The canonical order of set elements and function keys is mbt's, not
// TLC's: booleans (FALSE first), integers, strings, model values, sets,
// then sequences, tuples, records and functions together (TLA+ makes them
// all functions), and ITF's unserializable values last; within a kind, by
// content. Values that are equal in TLA+ ([Equal]) sort alike.
type Value struct {
	Kind   Kind
	Bool   bool
	Int    *big.Int // Int
	Str    string   // String, ModelValue, Unserializable
	Elems  []Value  // Set, Seq, Tuple
	Fields []Field  // Record
	Pairs  []Pair   // Func
	Pos    Pos
}

// Field is one field of a record.
type Field struct {
	Name  string
	Value Value
}

// Pair is one mapping of a function.
type Pair struct {
	Key, Value Value
}

// BoolValue returns TRUE or FALSE.
func BoolValue(b bool) Value { return Value{Kind: Bool, Bool: b} }

// IntValue returns an integer.
func IntValue(i int64) Value { return Value{Kind: Int, Int: big.NewInt(i)} }

// BigValue returns an integer of any size; i is copied.
func BigValue(i *big.Int) Value { return Value{Kind: Int, Int: new(big.Int).Set(i)} }

// StringValue returns a string.
func StringValue(s string) Value { return Value{Kind: String, Str: s} }

// ModelValueOf returns a model value.
func ModelValueOf(name string) Value { return Value{Kind: ModelValue, Str: name} }

// SetValue returns the set of elems, sorted and without duplicates.
func SetValue(elems ...Value) Value {
	es := slices.Clone(elems)
	slices.SortStableFunc(es, compare)
	es = slices.CompactFunc(es, Equal)
	return Value{Kind: Set, Elems: es}
}

// SeqValue returns the sequence of elems.
func SeqValue(elems ...Value) Value { return Value{Kind: Seq, Elems: slices.Clone(elems)} }

// TupleValue returns the tuple of elems.
func TupleValue(elems ...Value) Value { return Value{Kind: Tuple, Elems: slices.Clone(elems)} }

// RecordValue returns a record; fields are sorted by name. A repeated name
// keeps its last value.
func RecordValue(fields ...Field) Value {
	fs := slices.Clone(fields)
	slices.SortStableFunc(fs, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
	out := fs[:0]
	for _, f := range fs {
		if len(out) > 0 && out[len(out)-1].Name == f.Name {
			out[len(out)-1] = f
			continue
		}
		out = append(out, f)
	}
	return Value{Kind: Record, Fields: out}
}

// FuncValue returns a function; pairs are sorted by key. A repeated key
// keeps its last value.
func FuncValue(pairs ...Pair) Value {
	ps := slices.Clone(pairs)
	slices.SortStableFunc(ps, func(a, b Pair) int { return compare(a.Key, b.Key) })
	out := ps[:0]
	for _, p := range ps {
		if len(out) > 0 && Equal(out[len(out)-1].Key, p.Key) {
			out[len(out)-1] = p
			continue
		}
		out = append(out, p)
	}
	return Value{Kind: Func, Pairs: out}
}

// Field returns the value of a record's field, or false.
func (v Value) Field(name string) (Value, bool) {
	i, ok := slices.BinarySearchFunc(v.Fields, name, func(f Field, n string) int { return strings.Compare(f.Name, n) })
	if !ok {
		return Value{}, false
	}
	return v.Fields[i].Value, true
}

// rank orders kinds for compare; kinds that TLA+ treats as one value share
// a rank.
func rank(k Kind) int {
	switch k {
	case Bool:
		return 0
	case Int:
		return 1
	case String:
		return 2
	case ModelValue:
		return 3
	case Set:
		return 4
	case Seq, Tuple, Record, Func:
		return 5
	}
	return 6
}

// asFunc returns v as function pairs: sequences and tuples map 1..n,
// records map field names (as strings).
func asFunc(v Value) []Pair {
	switch v.Kind {
	case Func:
		return v.Pairs
	case Record:
		ps := make([]Pair, len(v.Fields))
		for i, f := range v.Fields {
			ps[i] = Pair{StringValue(f.Name), f.Value}
		}
		return ps
	default:
		ps := make([]Pair, len(v.Elems))
		for i, e := range v.Elems {
			ps[i] = Pair{IntValue(int64(i + 1)), e}
		}
		return ps
	}
}

// compare is a total order on values that agrees with TLA+ equality:
// compare(a, b) == 0 exactly when a = b in TLA+. A tuple equals the
// sequence with the same elements, a record the function from its field
// names, a sequence the function on 1..n. Positions are ignored. The order
// itself is mbt's (by kind, then by content), not TLC's.
func compare(a, b Value) int {
	if c := cmp.Compare(rank(a.Kind), rank(b.Kind)); c != 0 {
		return c
	}
	switch a.Kind {
	case Bool:
		return cmp.Compare(b2i(a.Bool), b2i(b.Bool))
	case Int:
		return a.Int.Cmp(b.Int)
	case String, ModelValue, Unserializable:
		return strings.Compare(a.Str, b.Str)
	case Set:
		return slices.CompareFunc(a.Elems, b.Elems, compare)
	}
	// Function-like: compare as sets of pairs.
	if (a.Kind == Seq || a.Kind == Tuple) && (b.Kind == Seq || b.Kind == Tuple) {
		return slices.CompareFunc(a.Elems, b.Elems, compare)
	}
	if a.Kind == Record && b.Kind == Record {
		return slices.CompareFunc(a.Fields, b.Fields, func(x, y Field) int {
			if c := strings.Compare(x.Name, y.Name); c != 0 {
				return c
			}
			return compare(x.Value, y.Value)
		})
	}
	pa, pb := sortedPairs(a), sortedPairs(b)
	return slices.CompareFunc(pa, pb, func(x, y Pair) int {
		if c := compare(x.Key, y.Key); c != 0 {
			return c
		}
		return compare(x.Value, y.Value)
	})
}

func sortedPairs(v Value) []Pair {
	ps := asFunc(v)
	if v.Kind == Func {
		return ps
	}
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b Pair) int { return compare(a.Key, b.Key) })
	return ps
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Equal reports whether a and b are the same TLA+ value.
func Equal(a, b Value) bool { return compare(a, b) == 0 }

// String prints v in TLC's syntax: TRUE, 42, "s", r1, {1, 2}, <<a, b>>,
// [f |-> 1], (k :> v @@ ...). Parsing the result with ParseValue gives an
// equal value; the kinds ITF adds print as their TLA+ equivalents (a tuple
// as a sequence) except Unserializable, which prints as a quoted comment.
func (v Value) String() string {
	var b strings.Builder
	v.write(&b)
	return b.String()
}

func (v Value) write(b *strings.Builder) {
	switch v.Kind {
	case Bool:
		if v.Bool {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case Int:
		if v.Int == nil {
			b.WriteString("0")
		} else {
			b.WriteString(v.Int.String())
		}
	case String:
		b.WriteString(quoteString(v.Str))
	case ModelValue:
		b.WriteString(v.Str)
	case Set:
		b.WriteByte('{')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			e.write(b)
		}
		b.WriteByte('}')
	case Seq, Tuple:
		b.WriteString("<<")
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			e.write(b)
		}
		b.WriteString(">>")
	case Record:
		b.WriteByte('[')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name)
			b.WriteString(" |-> ")
			f.Value.write(b)
		}
		b.WriteByte(']')
	case Func:
		if len(v.Pairs) == 0 {
			b.WriteString("<<>>")
			return
		}
		b.WriteByte('(')
		for i, p := range v.Pairs {
			if i > 0 {
				b.WriteString(" @@ ")
			}
			p.Key.write(b)
			b.WriteString(" :> ")
			p.Value.write(b)
		}
		b.WriteByte(')')
	case Unserializable:
		b.WriteString("(* unserializable: ")
		b.WriteString(strings.ReplaceAll(v.Str, "*)", "* )"))
		b.WriteString(" *)")
	}
}

// quoteString quotes s the way TLC prints strings: backslash escapes for
// ", \, newline, tab and carriage return.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// GoString prints v for debugging, with its kind.
func (v Value) GoString() string { return v.Kind.String() + " " + strconv.Quote(v.String()) }
