package tlaimport

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// fastParser is a hand-written recursive-descent parser for the grammar
// that the participle parsers in parse_value.go implement (see vExpr),
// over the same lexer. It is only a fast path: on anything it does not
// accept (a syntax or lexer error, a repeated field or key, an interval
// too long) it gives up, and the caller parses the text again with
// participle, which stays the reference and words the error. It must
// therefore never accept what participle refuses, and must build exactly
// the values that convExpr builds; FuzzParseValueFast checks both. Its
// recursion is bounded by the lexer, which refuses values nested more than
// maxValueDepth levels deep.
//
// It is worth keeping: on the values of the real TLC corpus
// (BenchmarkParseValue_Corpus) it is about 20 times faster than
// participle and allocates 30 times less, which makes reading those files
// 2 to 4 times faster and a 10 MB trace whose values all differ
// (BenchmarkReadTLC_Distinct) over 10 times faster.
type fastParser struct {
	lex valueLexer
	tok lexer.Token // the current token
	bad bool        // the lexer failed or the input is not accepted

	// Stacks on which lists, records and functions collect their parts,
	// so that each gets one slice of the right size.
	vals   []Value
	fields []Field
	pairs  []Pair
}

// fastParsers keeps parsers, for their stacks, between values: a TLC
// trace has many.
var fastParsers = sync.Pool{New: func() any { return new(fastParser) }}

// newFastParser returns a parser of src, which starts at start.
func newFastParser(start Pos, src string) *fastParser {
	p := fastParsers.Get().(*fastParser)
	p.lex = valueLexer{file: start.File, src: src, line: start.Line, col: start.Col}
	p.bad = false
	p.next()
	return p
}

// free returns p to the pool, without references into what it parsed.
func (p *fastParser) free() {
	// The stacks were cleared as they were popped, except after a failure.
	if p.bad {
		clear(p.vals[:cap(p.vals)])
		clear(p.fields[:cap(p.fields)])
		clear(p.pairs[:cap(p.pairs)])
	}
	p.vals, p.fields, p.pairs = p.vals[:0], p.fields[:0], p.pairs[:0]
	p.lex = valueLexer{}
	p.tok = lexer.Token{}
	if cap(p.vals) <= 1<<12 && cap(p.fields) <= 1<<12 && cap(p.pairs) <= 1<<12 {
		fastParsers.Put(p)
	}
}

// parseValueFast parses src like parseValueAt, or returns false.
func parseValueFast(start Pos, src string) (Value, bool) {
	p := newFastParser(start, src)
	defer p.free()
	v := p.expr()
	if p.bad || !p.tok.EOF() {
		return Value{}, false
	}
	return v, true
}

// parseArgsFast parses src like parseArgs, or returns false.
func parseArgsFast(start Pos, src string) ([]Value, bool) {
	p := newFastParser(start, src)
	defer p.free()
	out := []Value{}
	if !p.tok.EOF() {
		out = p.list("")
	}
	if p.bad || !p.tok.EOF() {
		return nil, false
	}
	return out, true
}

// next moves to the next token. After a lexer error the current token is
// EOF and bad is set.
func (p *fastParser) next() {
	t, err := p.lex.Next()
	if err != nil {
		p.bad = true
		p.tok = lexer.EOFToken(p.lex.pos())
		return
	}
	p.tok = t
}

// isPunct reports whether the current token is the punctuation s.
func (p *fastParser) isPunct(s string) bool {
	return p.tok.Type == tokPunct && p.tok.Value == s
}

// expect consumes the punctuation s or fails.
func (p *fastParser) expect(s string) bool {
	if p.bad || !p.isPunct(s) {
		p.bad = true
		return false
	}
	p.next()
	return true
}

func tokPos(t *lexer.Token) Pos {
	return Pos{File: t.Pos.Filename, Line: t.Pos.Line, Col: t.Pos.Column}
}

// expr = term [ ":>" term { "@@" term ":>" term } ]
func (p *fastParser) expr() Value {
	pos := tokPos(&p.tok)
	k := p.term()
	if p.bad || !p.isPunct(":>") {
		return k
	}
	p.next()
	v := p.term()
	mark := len(p.pairs)
	p.pairs = append(p.pairs, Pair{k, v})
	for !p.bad && p.isPunct("@@") {
		p.next()
		k := p.term()
		if !p.expect(":>") {
			return Value{}
		}
		v := p.term()
		p.pairs = append(p.pairs, Pair{k, v})
	}
	if p.bad {
		return Value{}
	}
	pairs := slices.Clone(p.pairs[mark:])
	clear(p.pairs[mark:])
	p.pairs = p.pairs[:mark]
	// As FuncValue, without its copy; a repeated key is an error that
	// participle's path words.
	slices.SortStableFunc(pairs, func(a, b Pair) int { return compare(a.Key, b.Key) })
	for i := 1; i < len(pairs); i++ {
		if Equal(pairs[i-1].Key, pairs[i].Key) {
			p.bad = true
			return Value{}
		}
	}
	return Value{Kind: Func, Pairs: pairs, Pos: pos}
}

// list = expr { "," expr }, ended by the punctuation end, which is not
// consumed. It returns a new slice, empty but not nil if the list is.
func (p *fastParser) list(end string) []Value {
	if p.isPunct(end) {
		return []Value{}
	}
	mark := len(p.vals)
	for {
		v := p.expr()
		p.vals = append(p.vals, v)
		if p.bad || !p.isPunct(",") {
			break
		}
		p.next()
	}
	out := make([]Value, len(p.vals)-mark)
	copy(out, p.vals[mark:])
	clear(p.vals[mark:])
	p.vals = p.vals[:mark]
	return out
}

func (p *fastParser) term() Value {
	if p.bad {
		return Value{}
	}
	t := p.tok
	pos := tokPos(&t)
	switch t.Type {
	case tokString:
		p.next()
		s, err := unquote(t.Value)
		if err != nil {
			p.bad = true
			return Value{}
		}
		return Value{Kind: String, Str: s, Pos: pos}
	case tokInt:
		p.next()
		return Value{Kind: Int, Int: p.parseInt(t.Value), Pos: pos}
	case tokIdent:
		p.next()
		switch t.Value {
		case "TRUE":
			return Value{Kind: Bool, Bool: true, Pos: pos}
		case "FALSE":
			return Value{Kind: Bool, Pos: pos}
		}
		return Value{Kind: ModelValue, Str: t.Value, Pos: pos}
	case tokInterval:
		p.next()
		v, err := convInterval(pos, t.Value)
		if err != nil {
			p.bad = true
			return Value{}
		}
		return v
	case tokPunct:
		switch t.Value {
		case "{":
			p.next()
			elems := p.list("}")
			if !p.expect("}") {
				return Value{}
			}
			// As SetValue, without its copy.
			slices.SortStableFunc(elems, compare)
			elems = slices.CompactFunc(elems, Equal)
			return Value{Kind: Set, Elems: elems, Pos: pos}
		case "<<":
			p.next()
			elems := p.list(">>")
			if !p.expect(">>") {
				return Value{}
			}
			return Value{Kind: Seq, Elems: elems, Pos: pos}
		case "[":
			p.next()
			mark := len(p.fields)
			if !p.isPunct("]") {
				for {
					if p.bad || p.tok.Type != tokIdent {
						p.bad = true
						return Value{}
					}
					name := p.tok.Value
					p.next()
					if !p.expect("|->") {
						return Value{}
					}
					v := p.expr()
					p.fields = append(p.fields, Field{name, v})
					if p.bad || !p.isPunct(",") {
						break
					}
					p.next()
				}
			}
			if !p.expect("]") {
				return Value{}
			}
			fields := make([]Field, len(p.fields)-mark)
			copy(fields, p.fields[mark:])
			clear(p.fields[mark:])
			p.fields = p.fields[:mark]
			// As RecordValue, without its copy; a repeated field is an
			// error that participle's path words.
			slices.SortStableFunc(fields, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
			for i := 1; i < len(fields); i++ {
				if fields[i-1].Name == fields[i].Name {
					p.bad = true
					return Value{}
				}
			}
			return Value{Kind: Record, Fields: fields, Pos: pos}
		case "(":
			p.next()
			v := p.expr()
			if !p.expect(")") {
				return Value{}
			}
			return v // its own position, inside the parenthesis
		}
	}
	p.bad = true
	return Value{}
}

// parseInt returns the value of an integer token: the lexer only makes
// valid ones.
func (p *fastParser) parseInt(s string) *big.Int {
	if len(s) <= 18 {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return big.NewInt(n)
		}
	}
	i, ok := new(big.Int).SetString(s, 10)
	if !ok {
		p.bad = true
	}
	return i
}
