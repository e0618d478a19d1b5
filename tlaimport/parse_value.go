package tlaimport

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Limits on what ParseValue accepts. Real TLC output stays far below them;
// they exist so that absurd input is refused with an error instead of
// exhausting memory or the stack.
const (
	// maxValueLen is the longest value text, in bytes.
	maxValueLen = 16 << 20
	// maxValueDepth is how deeply {, <<, [ and ( may nest.
	maxValueDepth = 1000
	// maxIntervalLen is the most elements an interval lo..hi may have.
	maxIntervalLen = 1 << 16
)

// ParseValue parses a TLA+ value as TLC prints it: TRUE, FALSE, integers of
// any size, strings with TLC's escapes (\" \\ \n \t \r \f), model values
// (r1), sets {a, b}, sequences <<a, b>>, records [a |-> 1], functions
// (k1 :> v1 @@ k2 :> v2) with or without the parentheses, intervals 1..3,
// and the empty forms {}, <<>> and []. Whitespace, newlines included, may
// separate tokens, as in TLC's wrapped output. <<a, b>> gives a Seq (TLC
// does not tell tuples from sequences) and an identifier a ModelValue.
//
// Sets come out in canonical order ([SetValue]), records sorted by field
// ([RecordValue]), functions sorted by key ([FuncValue]); every value's Pos
// says where it starts. Errors are *[Error]s at filename:line:col. A record
// with a repeated field or a function with a repeated key is an error (TLC
// never prints one). Input longer than 16 MiB or nested more than 1000
// levels deep is refused.
func ParseValue(filename, src string) (Value, error) {
	return parseValueAt(Pos{File: filename, Line: 1, Col: 1}, src)
}

// parseValueAt parses src, which starts at start in its file, so that
// positions in the result and in errors are positions in that file.
func parseValueAt(start Pos, src string) (Value, error) {
	if len(src) > maxValueLen {
		return Value{}, errorf(start, "value is longer than %d MiB", maxValueLen>>20)
	}
	if v, ok := parseValueFast(start, src); ok {
		return v, nil
	}
	return parseValueSlow(start, src)
}

// parseValueSlow parses src with participle: the reference parser, which
// also words the errors.
func parseValueSlow(start Pos, src string) (Value, error) {
	ast, err := parseAST(valueParser, start, src)
	if err != nil {
		return Value{}, err
	}
	return convExpr(ast)
}

// parseArgs parses a comma-separated list of values, such as an action's
// arguments in a TLC state header.
func parseArgs(start Pos, src string) ([]Value, error) {
	if len(src) > maxValueLen {
		return nil, errorf(start, "arguments are longer than %d MiB", maxValueLen>>20)
	}
	if vs, ok := parseArgsFast(start, src); ok {
		return vs, nil
	}
	return parseArgsSlow(start, src)
}

// parseArgsSlow is parseArgs with participle.
func parseArgsSlow(start Pos, src string) ([]Value, error) {
	ast, err := parseAST(argsParser, start, src)
	if err != nil {
		return nil, err
	}
	out := make([]Value, 0, len(ast.Elems))
	for _, e := range ast.Elems {
		v, err := convExpr(e)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseAST[G any](p *participle.Parser[G], start Pos, src string) (*G, error) {
	lex := &valueLexer{file: start.File, src: src, line: start.Line, col: start.Col}
	peek, err := lexer.Upgrade(lex)
	if err != nil {
		return nil, toError(err, "")
	}
	ast, err := p.ParseFromLexer(peek)
	if err != nil {
		var ut *participle.UnexpectedTokenError
		if errors.As(err, &ut) {
			return nil, toError(err, tokenBefore(start, src, ut.Unexpected.Pos.Offset))
		}
		return nil, toError(err, "")
	}
	return ast, nil
}

// The grammar. TLC prints a function whose domain is not 1..n or a set of
// strings as k1 :> v1 @@ k2 :> v2, in parentheses where it is nested in
// another value; a top-level value, a set element or a field may also be
// written without them.
//
//	expr  = term [ ":>" term { "@@" term ":>" term } ]
//	term  = String | Ident | Int | Interval
//	      | "{" [ list ] "}" | "<<" [ list ] ">>" | "[" [ field { "," field } ] "]"
//	      | "(" expr ")"
//	list  = expr { "," expr }
//	field = Ident "|->" expr
type vExpr struct {
	Pos   lexer.Position
	Key   *vTerm   `parser:"@@"`
	Value *vTerm   `parser:"( \":>\" @@"`
	More  []*vPair `parser:"  ( \"@@\" @@ )* )?"`
}

type vPair struct {
	Key   *vTerm `parser:"@@ \":>\""`
	Value *vTerm `parser:"@@"`
}

type vTerm struct {
	Pos    lexer.Position
	Scalar lexer.Token `parser:"(  @( String | Ident | Int | Interval )"`
	Record *vRecord    `parser:" | \"[\" @@ \"]\""`
	Set    *vList      `parser:" | \"{\" @@ \"}\""`
	Seq    *vList      `parser:" | \"<<\" @@ \">>\""`
	Paren  *vExpr      `parser:" | \"(\" @@ \")\" )"`
}

type vList struct {
	Elems []*vExpr `parser:"( @@ ( \",\" @@ )* )?"`
}

type vRecord struct {
	Fields []*vField `parser:"( @@ ( \",\" @@ )* )?"`
}

type vField struct {
	Pos   lexer.Position
	Name  string `parser:"@Ident \"|->\""`
	Value *vExpr `parser:"@@"`
}

// The grammar is LL(1), so the parsers use no lookahead: once a branch has
// taken a token it is committed, and an error is reported where it is
// ("<<1,>>" fails at ">>", not at the comma).
var (
	valueParser = participle.MustBuild[vExpr](participle.Lexer(valueLexerDef{}), participle.UseLookahead(0))
	argsParser  = participle.MustBuild[vList](participle.Lexer(valueLexerDef{}), participle.UseLookahead(0))
)

func lexPos(p lexer.Position) Pos { return Pos{File: p.Filename, Line: p.Line, Col: p.Column} }

// convExpr turns the syntax tree into a Value.
func convExpr(e *vExpr) (Value, error) {
	k, err := convTerm(e.Key)
	if err != nil || e.Value == nil {
		return k, err
	}
	v, err := convTerm(e.Value)
	if err != nil {
		return Value{}, err
	}
	pairs := []Pair{{k, v}}
	for _, p := range e.More {
		k, err := convTerm(p.Key)
		if err != nil {
			return Value{}, err
		}
		v, err := convTerm(p.Value)
		if err != nil {
			return Value{}, err
		}
		pairs = append(pairs, Pair{k, v})
	}
	f := FuncValue(pairs...)
	if len(f.Pairs) < len(pairs) {
		return Value{}, duplicateKey(pairs)
	}
	f.Pos = lexPos(e.Pos)
	return f, nil
}

// duplicateKey reports the first key that pairs repeat.
func duplicateKey(pairs []Pair) error {
	for i, p := range pairs {
		for _, q := range pairs[:i] {
			if Equal(p.Key, q.Key) {
				return errorf(p.Key.Pos, "function has key %s twice (first at %d:%d)", clip(p.Key.String()), q.Key.Pos.Line, q.Key.Pos.Col)
			}
		}
	}
	return nil
}

func convTerm(t *vTerm) (Value, error) {
	pos := lexPos(t.Pos)
	var v Value
	switch {
	case t.Scalar.Type == tokInterval:
		return convInterval(pos, t.Scalar.Value)
	case t.Scalar.Type != 0:
		tok := t.Scalar
		switch tok.Type {
		case tokString:
			s, err := unquote(tok.Value)
			if err != nil {
				return Value{}, errorf(pos, "%v", err)
			}
			v = StringValue(s)
		case tokInt:
			i, ok := new(big.Int).SetString(tok.Value, 10)
			if !ok { // the lexer only makes valid integers
				return Value{}, errorf(pos, "invalid integer %s", tok.Value)
			}
			v = Value{Kind: Int, Int: i}
		case tokIdent:
			switch tok.Value {
			case "TRUE", "FALSE":
				v = BoolValue(tok.Value == "TRUE")
			default:
				v = ModelValueOf(tok.Value)
			}
		}
	case t.Set != nil:
		elems, err := convList(t.Set)
		if err != nil {
			return Value{}, err
		}
		v = SetValue(elems...)
	case t.Seq != nil:
		elems, err := convList(t.Seq)
		if err != nil {
			return Value{}, err
		}
		v = Value{Kind: Seq, Elems: elems}
	case t.Record != nil:
		fields := make([]Field, 0, len(t.Record.Fields))
		seen := make(map[string]Pos, len(t.Record.Fields))
		for _, f := range t.Record.Fields {
			fp := lexPos(f.Pos)
			if first, dup := seen[f.Name]; dup {
				return Value{}, errorf(fp, "record has field %s twice (first at %d:%d)", f.Name, first.Line, first.Col)
			}
			seen[f.Name] = fp
			fv, err := convExpr(f.Value)
			if err != nil {
				return Value{}, err
			}
			fields = append(fields, Field{f.Name, fv})
		}
		v = RecordValue(fields...)
	case t.Paren != nil:
		return convExpr(t.Paren) // its own position, inside the parenthesis
	}
	v.Pos = pos
	return v, nil
}

// convInterval expands lo..hi, as the lexer found it, into the set of
// integers it stands for.
func convInterval(pos Pos, text string) (Value, error) {
	los, his, _ := strings.Cut(text, "..")
	lo, ok1 := new(big.Int).SetString(los, 10)
	hi, ok2 := new(big.Int).SetString(his, 10)
	if !ok1 || !ok2 { // the lexer only makes valid intervals
		return Value{}, errorf(pos, "invalid interval %s", text)
	}
	if n := new(big.Int).Sub(hi, lo); n.Cmp(big.NewInt(maxIntervalLen)) >= 0 {
		return Value{}, errorf(pos, "interval %s..%s has more than %d elements", lo, hi, maxIntervalLen)
	}
	var elems []Value
	for i := new(big.Int).Set(lo); i.Cmp(hi) <= 0; i.Add(i, big.NewInt(1)) {
		elems = append(elems, Value{Kind: Int, Int: new(big.Int).Set(i), Pos: pos})
	}
	return Value{Kind: Set, Elems: elems, Pos: pos}, nil
}

func convList(l *vList) ([]Value, error) {
	out := make([]Value, 0, len(l.Elems))
	for _, e := range l.Elems {
		v, err := convExpr(e)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// unquote undoes quoteString. The lexer has already checked the escapes.
func unquote(s string) (string, error) {
	s = s[1 : len(s)-1]
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return "", errors.New("string ends in a backslash")
		}
		r, ok := unescape(s[i])
		if !ok {
			return "", fmt.Errorf(`invalid escape \%c in string`, s[i])
		}
		b.WriteByte(r)
	}
	return b.String(), nil
}

// unescape maps the character after a backslash to what it stands for.
func unescape(c byte) (byte, bool) {
	switch c {
	case '"', '\\':
		return c, true
	case 'n':
		return '\n', true
	case 't':
		return '\t', true
	case 'r':
		return '\r', true
	case 'f':
		return '\f', true
	}
	return 0, false
}

// tokenBefore returns the token that ends before offset in src, or "".
// Only error messages need it, so it lexes src again.
func tokenBefore(start Pos, src string, offset int) string {
	lex := &valueLexer{file: start.File, src: src, line: start.Line, col: start.Col}
	prev := ""
	for {
		t, err := lex.Next()
		if err != nil || t.EOF() || t.Pos.Offset >= offset {
			return prev
		}
		prev = t.Value
	}
}

// toError turns a participle or lexer error into an *Error at the same
// place, with a message that says what was expected; prev is the token
// before the unexpected one.
func toError(err error, prev string) error {
	var le *Error
	if errors.As(err, &le) {
		return le
	}
	var ut *participle.UnexpectedTokenError
	if errors.As(err, &ut) {
		return errorf(lexPos(ut.Unexpected.Pos), "%s", unexpectedMessage(ut, prev))
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		return errorf(lexPos(pe.Position()), "%s", pe.Message())
	}
	return &Error{Msg: err.Error()}
}

// unexpectedMessage words participle's "unexpected token" for a reader of
// TLC output: what was found and, when the grammar knows, what would have
// been accepted there.
func unexpectedMessage(ut *participle.UnexpectedTokenError, prev string) string {
	got := describeToken(ut.Unexpected)
	msg := ut.Message()
	expect := ""
	if i := strings.Index(msg, " (expected "); i >= 0 {
		expect = strings.TrimSuffix(msg[i+len(" (expected "):], ")")
	}
	if expect == "" {
		if ut.Unexpected.EOF() {
			return "expected a value, got end of value"
		}
		return "unexpected " + got + " after the value"
	}
	return fmt.Sprintf("expected %s, got %s", describeExpected(expect, prev), got)
}

// describeToken names a token for an error message.
func describeToken(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF:
		return "end of value"
	case tokString:
		return "string " + t.Value
	case tokInt:
		return "integer " + t.Value
	case tokIdent:
		return "identifier " + t.Value
	}
	return fmt.Sprintf("%q", t.Value)
}

// describeExpected rewrites participle's grammar fragments into words:
// `":>" VTerm` becomes `":>"`, a nonterminal becomes "a value". Where
// participle names only the closing bracket, prev (the token before)
// tells what else could have come.
func describeExpected(s, prev string) string {
	closers := map[string]string{`"}"`: "{", `">>"`: "<<", `"]"`: "["}
	if open, ok := closers[s]; ok {
		switch {
		case prev == open && open == "[":
			return `a field name or "]"`
		case prev == open:
			return "a value or " + s
		}
		return `"," or ` + s
	}
	if strings.HasPrefix(s, `"`) {
		if end := strings.Index(s[1:], `"`); end >= 0 {
			return s[:end+2]
		}
	}
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "vfield"), l == "<ident>":
		return "a field name"
	case strings.Contains(l, "vterm"), strings.Contains(l, "vexpr"), strings.Contains(l, `"true"`):
		return "a value"
	}
	return s
}

// Tokens of the value lexer.
const (
	tokIdent lexer.TokenType = -(iota + 2)
	tokInt
	tokString
	tokPunct
	tokInterval // lo..hi: one token, so that the grammar need not look for ".." after every integer
)

// valueLexerDef is the lexer of TLC values, hand-written for speed: TLC
// traces can be large.
type valueLexerDef struct{}

func (valueLexerDef) Symbols() map[string]lexer.TokenType {
	// A literal here, not a package variable: the parsers are built during
	// package initialization and call this through an interface.
	return map[string]lexer.TokenType{
		"EOF":      lexer.EOF,
		"Ident":    tokIdent,
		"Int":      tokInt,
		"String":   tokString,
		"Punct":    tokPunct,
		"Interval": tokInterval,
	}
}

func (d valueLexerDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxValueLen+1))
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

func (valueLexerDef) LexString(filename, src string) (lexer.Lexer, error) {
	return &valueLexer{file: filename, src: src, line: 1, col: 1}, nil
}

// valueLexer splits a value into tokens. It counts the nesting of
// brackets and refuses values nested too deeply, before the recursive
// parser sees them.
type valueLexer struct {
	file      string
	src       string
	off       int
	line, col int // of src[off]; columns count runes, as participle's do
	depth     int
}

func (l *valueLexer) pos() lexer.Position {
	return lexer.Position{Filename: l.file, Offset: l.off, Line: l.line, Column: l.col}
}

func (l *valueLexer) errorf(pos lexer.Position, format string, args ...any) error {
	return errorf(lexPos(pos), format, args...)
}

// advance moves over n bytes that contain no newline.
func (l *valueLexer) advance(n int) {
	s := l.src[l.off : l.off+n]
	l.off += n
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			l.col++
		} else if utf8.RuneStart(s[i]) {
			l.col++
		}
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

var puncts = [...]string{"<<", ">>", "|->", ":>", "@@", "..", "{", "}", "[", "]", "(", ")", ","}

func (l *valueLexer) Next() (lexer.Token, error) {
	// Skip white space.
	for l.off < len(l.src) {
		switch l.src[l.off] {
		case ' ', '\t', '\r', '\f', '\v':
			l.off++
			l.col++
			continue
		case '\n':
			l.off++
			l.line++
			l.col = 1
			continue
		}
		break
	}
	pos := l.pos()
	if l.off == len(l.src) {
		return lexer.EOFToken(pos), nil
	}
	rest := l.src[l.off:]
	c := rest[0]
	switch {
	case c == '"':
		n, err := l.scanString(rest, pos)
		if err != nil {
			return lexer.Token{}, err
		}
		l.advance(n)
		return lexer.Token{Type: tokString, Value: rest[:n], Pos: pos}, nil
	case isIdentByte(c) || c == '-' && len(rest) > 1 && '0' <= rest[1] && rest[1] <= '9':
		n := 1
		digits := c != '_' && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z')
		for n < len(rest) && isIdentByte(rest[n]) {
			if !('0' <= rest[n] && rest[n] <= '9') {
				digits = false
			}
			n++
		}
		if digits {
			if hi := intervalEnd(rest[n:]); hi > 0 {
				l.advance(n + hi)
				return lexer.Token{Type: tokInterval, Value: rest[:n+hi], Pos: pos}, nil
			}
			l.advance(n)
			return lexer.Token{Type: tokInt, Value: rest[:n], Pos: pos}, nil
		}
		l.advance(n)
		if c == '-' {
			return lexer.Token{}, l.errorf(pos, "invalid number %s", rest[:n])
		}
		return lexer.Token{Type: tokIdent, Value: rest[:n], Pos: pos}, nil
	}
	for _, p := range puncts {
		if strings.HasPrefix(rest, p) {
			switch p {
			case "{", "<<", "[", "(":
				l.depth++
				if l.depth > maxValueDepth {
					return lexer.Token{}, l.errorf(pos, "value is nested more than %d levels deep", maxValueDepth)
				}
			case "}", ">>", "]", ")":
				l.depth--
			}
			l.advance(len(p))
			return lexer.Token{Type: tokPunct, Value: p, Pos: pos}, nil
		}
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if r == utf8.RuneError {
		return lexer.Token{}, l.errorf(pos, "invalid UTF-8 byte %#x", c)
	}
	return lexer.Token{}, l.errorf(pos, "unexpected character %q", r)
}

// intervalEnd returns the length of "..hi" at the start of s, hi an
// integer, or 0. TLC prints intervals without spaces.
func intervalEnd(s string) int {
	if !strings.HasPrefix(s, "..") {
		return 0
	}
	j := 2
	if j < len(s) && s[j] == '-' {
		j++
	}
	k := j
	for k < len(s) && '0' <= s[k] && s[k] <= '9' {
		k++
	}
	if k == j || k < len(s) && isIdentByte(s[k]) {
		return 0
	}
	return k
}

// scanString returns the length of the string literal at the start of s
// and checks its escapes.
func (l *valueLexer) scanString(s string, pos lexer.Position) (int, error) {
	for i := 1; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				epos := pos
				epos.Column += utf8.RuneCountInString(s[:i])
				epos.Offset += i
				return 0, l.errorf(epos, "invalid UTF-8 byte %#x in string", s[i])
			}
			i += size - 1
			continue
		}
		switch s[i] {
		case '"':
			return i + 1, nil
		case '\n':
			return 0, l.errorf(pos, "string not terminated before the end of the line")
		case '\\':
			if i+1 < len(s) {
				if _, ok := unescape(s[i+1]); ok {
					i++
					continue
				}
			}
			epos := pos
			epos.Column += utf8.RuneCountInString(s[:i])
			epos.Offset += i
			if i+1 == len(s) {
				return 0, l.errorf(epos, "string not terminated")
			}
			r, _ := utf8.DecodeRuneInString(s[i+1:])
			return 0, l.errorf(epos, `invalid escape \%c in string (TLC writes \", \\, \n, \t, \r and \f)`, r)
		}
	}
	return 0, l.errorf(pos, "string not terminated")
}
