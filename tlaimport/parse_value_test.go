package tlaimport

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func pvRec(kv ...any) Value {
	var fs []Field
	for i := 0; i < len(kv); i += 2 {
		fs = append(fs, Field{kv[i].(string), kv[i+1].(Value)})
	}
	return RecordValue(fs...)
}

func pvFunc(kv ...Value) Value {
	var ps []Pair
	for i := 0; i < len(kv); i += 2 {
		ps = append(ps, Pair{kv[i], kv[i+1]})
	}
	return FuncValue(ps...)
}

// pvCase is a value ParseValue reads.
type pvCase struct {
	name   string
	src    string
	want   Value
	reason string
}

// pvCases are TestParseValue's cases; FuzzParseValueFast starts from
// their inputs too.
func pvCases() []pvCase {
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	return []pvCase{
		{"true", "TRUE", BoolValue(true), "TLC's booleans"},
		{"false", " FALSE\n", BoolValue(false), "white space around a value is ignored"},
		{"int", "42", IntValue(42), "integers"},
		{"negative", "-7", IntValue(-7), "TLC prints negative integers with a minus sign"},
		{"big", "-123456789012345678901234567890", BigValue(huge), "integers of any size"},
		{"string", `"working"`, StringValue("working"), "strings"},
		{"escapes", `"a\"b\\c\nd\te\rf\fg"`, StringValue("a\"b\\c\nd\te\rf\fg"), "TLC's escapes"},
		{"unicode", `"héllo ⟨⟩"`, StringValue("héllo ⟨⟩"), "strings keep non-ASCII text"},
		{"model value", "r1", ModelValueOf("r1"), "model values are identifiers"},
		{"underscore", "a_b", ModelValueOf("a_b"), "identifiers may contain _"},
		{"digit first", "1a", ModelValueOf("1a"), "TLA+ identifiers may start with a digit"},
		{"set", "{3, 1, 2, 1}", SetValue(IntValue(1), IntValue(2), IntValue(3)), "sets come out canonical, without duplicates"},
		{"empty set", "{}", SetValue(), "the empty set"},
		{"seq", `<<1, "a", r1>>`, SeqValue(IntValue(1), StringValue("a"), ModelValueOf("r1")), "sequences and tuples"},
		{"empty seq", "<<>>", SeqValue(), "the empty sequence"},
		{"nested seq", "<<<<1>>, <<>>>>", SeqValue(SeqValue(IntValue(1)), SeqValue()), "<<<< and >>>> lex as two brackets each"},
		{"record", `[type |-> "Prepared", rm |-> r1]`, pvRec("rm", ModelValueOf("r1"), "type", StringValue("Prepared")), "records, fields sorted"},
		{"empty record", "[]", RecordValue(), "the empty record"},
		{"function", `(r1 :> "working" @@ r2 :> "prepared")`, pvFunc(ModelValueOf("r1"), StringValue("working"), ModelValueOf("r2"), StringValue("prepared")), "TLC's functions on model values"},
		{"function bare", `r2 :> 1 @@ r1 :> 2`, pvFunc(ModelValueOf("r1"), IntValue(2), ModelValueOf("r2"), IntValue(1)), "at top level TLC may omit the parentheses"},
		{"single mapping", `r1 :> TRUE`, pvFunc(ModelValueOf("r1"), BoolValue(true)), "a one-point function"},
		{"function keys", `(<<1, 2>> :> {} @@ (a :> 1) :> [x |-> 1])`, pvFunc(SeqValue(IntValue(1), IntValue(2)), SetValue(), pvFunc(ModelValueOf("a"), IntValue(1)), pvRec("x", IntValue(1))), "keys and values may be any value, nested functions in parentheses"},
		{"function in set", `{a :> 1, (b :> 2)}`, SetValue(pvFunc(ModelValueOf("a"), IntValue(1)), pvFunc(ModelValueOf("b"), IntValue(2))), "set elements may be bare functions"},
		{"parens", "((1))", IntValue(1), "parentheses around any value"},
		{"interval", "1..3", SetValue(IntValue(1), IntValue(2), IntValue(3)), "TLC prints an interval value as lo..hi"},
		{"empty interval", "3..1", SetValue(), "an interval with lo > hi is empty"},
		{"negative interval", "{-2..-1}", SetValue(SetValue(IntValue(-2), IntValue(-1))), "interval bounds may be negative"},
		{"wrapped", "{ [type |-> \"Commit\"],\n  [type |-> \"Prepared\", rm |-> r1],\n  [type |-> \"Prepared\", rm |-> r2] }",
			SetValue(pvRec("type", StringValue("Commit")), pvRec("rm", ModelValueOf("r1"), "type", StringValue("Prepared")), pvRec("rm", ModelValueOf("r2"), "type", StringValue("Prepared"))),
			"TLC wraps long values over several lines (TwoPhase.out.txt)"},
		{"crlf", "{1,\r\n 2}", SetValue(IntValue(1), IntValue(2)), "Windows line ends"},
	}
}

func TestParseValue(t *testing.T) {
	names := map[string]bool{}
	for _, tt := range pvCases() {
		if tt.reason == "" || names[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseValue("v.tla", tt.src)
			if err != nil {
				t.Fatalf("ParseValue(%q): %v (%s)", tt.src, err, tt.reason)
			}
			if !Equal(got, tt.want) || got.Kind != tt.want.Kind {
				t.Errorf("ParseValue(%q) = %#v, want %#v (%s)", tt.src, got, tt.want, tt.reason)
			}
		})
	}
}

func TestParseValue_Pos(t *testing.T) {
	src := "{ [type |-> \"Commit\"],\n  (r1 :> <<1, -2>>) }"
	v, err := ParseValue("v.tla", src)
	if err != nil {
		t.Fatal(err)
	}
	at := func(v Value) string { return v.Pos.String() }
	rec, fn := v.Elems[0], v.Elems[1]
	if rec.Kind != Record {
		rec, fn = fn, rec
	}
	ty, _ := rec.Field("type")
	seq := fn.Pairs[0].Value
	for _, c := range []struct{ name, got, want string }{
		{"set", at(v), "v.tla:1:1"},
		{"record", at(rec), "v.tla:1:3"},
		{"field value", at(ty), "v.tla:1:13"},
		{"function", at(fn), "v.tla:2:4"}, // inside its parenthesis
		{"key", at(fn.Pairs[0].Key), "v.tla:2:4"},
		{"seq", at(seq), "v.tla:2:10"},
		{"elem", at(seq.Elems[1]), "v.tla:2:15"},
	} {
		if c.got != c.want {
			t.Errorf("%s at %s, want %s", c.name, c.got, c.want)
		}
	}
	// A value inside a file starts where the file says.
	v, err = parseValueAt(Pos{File: "t.out", Line: 7, Col: 9}, "<<1,\n  2>>")
	if err != nil {
		t.Fatal(err)
	}
	if got := at(v) + " " + at(v.Elems[1]); got != "t.out:7:9 t.out:8:3" {
		t.Errorf("positions = %s, want t.out:7:9 t.out:8:3", got)
	}
}

// pvErrorCase is a text ParseValue refuses, and its error.
type pvErrorCase struct {
	name, src, want, reason string
}

// pvErrorCases are TestParseValue_Errors's cases; FuzzParseValueFast
// starts from their inputs too.
func pvErrorCases() []pvErrorCase {
	return []pvErrorCase{
		{"empty", "", "v.tla:1:1: expected a value, got end of value", "nothing to parse"},
		{"unclosed set", "{1, 2", `v.tla:1:6: expected "," or "}", got end of value`, "a set needs its brace"},
		{"missing comma", "{1 2}", `v.tla:1:4: expected "," or "}", got integer 2`, "elements are separated by commas"},
		{"leading comma", "{,}", `v.tla:1:2: expected a value or "}", got ","`, "no empty elements"},
		{"trailing comma", "<<1,>>", `v.tla:1:5: expected a value, got ">>"`, "a comma must be followed by a value"},
		{"field without value", "[a |-> ]", `v.tla:1:8: expected a value, got "]"`, "a field needs a value"},
		{"field without arrow", "[a 1]", `v.tla:1:4: expected "|->", got integer 1`, "fields are name |-> value"},
		{"field name", "[1 |-> 2]", `v.tla:1:2: expected a field name or "]", got integer 1`, "field names are identifiers"},
		{"duplicate field", "[a |-> 1, a |-> 2]", "v.tla:1:11: record has field a twice (first at 1:2)", "TLC never prints a field twice"},
		{"duplicate key", "(1 :> 2 @@ 1 :> 3)", "v.tla:1:12: function has key 1 twice (first at 1:2)", "TLC never prints a key twice"},
		{"missing mapsto", "(1 :> 2 @@ 3)", `v.tla:1:13: expected ":>", got ")"`, "every key needs :>"},
		{"chained mapsto", "a :> b :> c", `v.tla:1:8: unexpected ":>" after the value`, "nested functions need parentheses"},
		{"trailing", "1 2", "v.tla:1:3: unexpected integer 2 after the value", "one value only"},
		{"bad escape", `"ab\q"`, `v.tla:1:4: invalid escape \q in string (TLC writes \", \\, \n, \t, \r and \f)`, "TLC's escapes only"},
		{"unterminated", `"abc`, "v.tla:1:1: string not terminated", "strings end with a quote"},
		{"newline in string", "\"ab\ncd\"", "v.tla:1:1: string not terminated before the end of the line", "TLC escapes newlines"},
		{"bad char", "{1, #}", "v.tla:1:5: unexpected character '#'", "not TLC syntax"},
		{"bad utf8", "\xff", "v.tla:1:1: invalid UTF-8 byte 0xff", "garbage bytes"},
		{"bad utf8 in string", "<<\"ab\x84\">>", "v.tla:1:6: invalid UTF-8 byte 0x84 in string", "TLC writes UTF-8; other bytes would not print back"},
		{"bad number", "-12ab", "v.tla:1:1: invalid number -12ab", "a minus sign starts a number"},
		{"interval of strings", `"a"..3`, `v.tla:1:4: unexpected ".." after the value`, "intervals are of integers"},
		{"interval with spaces", `1 .. 3`, `v.tla:1:3: unexpected ".." after the value`, "TLC prints intervals as lo..hi"},
		{"huge interval", "1..100000000", "v.tla:1:1: interval 1..100000000 has more than 65536 elements", "refuse absurd intervals"},
		{"second line", "{1,\n  2,\n  #}", "v.tla:3:3: unexpected character '#'", "positions count lines"},
		{"too deep", strings.Repeat("{", 1001) + strings.Repeat("}", 1001), "v.tla:1:1001: value is nested more than 1000 levels deep", "refuse nesting before the recursive parser sees it"},
		{"too long", strings.Repeat(" ", 16<<20+1), "v.tla:1:1: value is longer than 16 MiB", "refuse absurd sizes"},
	}
}

func TestParseValue_Errors(t *testing.T) {
	names := map[string]bool{}
	for _, tt := range pvErrorCases() {
		if tt.reason == "" || names[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseValue("v.tla", tt.src)
			if err == nil {
				t.Fatalf("ParseValue() = %v, want error %s (%s)", v, tt.want, tt.reason)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseValue() error:\n got %s\nwant %s\n(%s)", err, tt.want, tt.reason)
			}
			var e *Error
			if !errors.As(err, &e) || e.Pos.Line == 0 {
				t.Errorf("error %T is not a positioned *Error", err)
			}
		})
	}
}

func TestParseValue_DeepButAllowed(t *testing.T) {
	src := strings.Repeat("<<", 1000) + strings.Repeat(">>", 1000)
	v, err := ParseValue("v.tla", src)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.String(); got != src {
		t.Errorf("1000 levels print back as %d bytes", len(got))
	}
}

// pvGenValue draws TLA+ values of every kind ParseValue can read back: no
// Unserializable, record fields and model values that are identifiers.
func pvGenValue(depth int) *rapid.Generator[Value] {
	ident := rapid.StringMatching(`[a-zA-Z_][a-zA-Z0-9_]{0,6}|[0-9]{1,2}[a-zA-Z][a-z0-9]{0,3}`).
		Filter(func(s string) bool { return s != "TRUE" && s != "FALSE" })
	leaf := rapid.OneOf(
		rapid.Map(rapid.Bool(), BoolValue),
		rapid.Map(rapid.Int64(), IntValue),
		rapid.Custom(func(t *rapid.T) Value {
			i, _ := new(big.Int).SetString(rapid.StringMatching(`-?[1-9][0-9]{18,40}`).Draw(t, "big"), 10)
			return BigValue(i)
		}),
		rapid.Map(rapid.String(), StringValue),
		rapid.Map(rapid.StringMatching(`[a-zA-Z0-9_ "\\\n\t\r\f]{0,8}`), StringValue),
		rapid.Map(ident, ModelValueOf),
	)
	if depth == 0 {
		return leaf
	}
	sub := pvGenValue(depth - 1)
	elems := rapid.SliceOfN(sub, 0, 4)
	return rapid.OneOf(
		leaf,
		rapid.Map(elems, func(es []Value) Value { return SetValue(es...) }),
		rapid.Map(elems, func(es []Value) Value { return SeqValue(es...) }),
		rapid.Map(elems, func(es []Value) Value { return TupleValue(es...) }),
		rapid.Custom(func(t *rapid.T) Value {
			names := rapid.SliceOfNDistinct(ident, 0, 4, rapid.ID[string]).Draw(t, "fields")
			var fs []Field
			for _, n := range names {
				fs = append(fs, Field{n, sub.Draw(t, n)})
			}
			return RecordValue(fs...)
		}),
		rapid.Custom(func(t *rapid.T) Value {
			var ps []Pair
			for _, k := range rapid.SliceOfN(sub, 0, 4).Draw(t, "keys") {
				ps = append(ps, Pair{k, sub.Draw(t, "value")})
			}
			return FuncValue(ps...)
		}),
	)
}

// TestParseValue_RoundTrip checks that ParseValue reads back what String
// prints, and that printing is stable after one round.
func TestParseValue_RoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := pvGenValue(3).Draw(t, "v")
		s := v.String()
		got, err := ParseValue("rt.tla", s)
		if err != nil {
			t.Fatalf("ParseValue(%s): %v", s, err)
		}
		if !Equal(got, v) {
			t.Fatalf("ParseValue(%s) = %s, not equal", s, got)
		}
		if s2 := got.String(); s2 != s {
			t.Fatalf("printed again as %s, want %s", s2, s)
		}
	})
}

// pvCorpusTexts returns the text of every variable's value in the TLC
// corpus, as fuzz seeds.
func pvCorpusTexts(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob("testdata/tlc/*.out.txt")
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cur []string
		flush := func() {
			if cur != nil {
				out = append(out, strings.Join(cur, "\n"))
			}
			cur = nil
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSuffix(line, "\r")
			switch {
			case strings.HasPrefix(line, `/\ `):
				flush()
				if _, v, ok := strings.Cut(line, " = "); ok {
					cur = []string{v}
				}
			case strings.HasPrefix(line, "  ") && cur != nil:
				cur = append(cur, line)
			default:
				flush()
			}
		}
		flush()
	}
	return out
}

func FuzzParseValue(f *testing.F) {
	for _, s := range pvCorpusTexts(f) {
		f.Add(s)
	}
	for _, s := range []string{"r1 :> 1 @@ r2 :> 2", "1..3", `"a\"b\\c"`, "[]", "<<<<>>>>", "(a :> (b :> {}))", "-0", "1a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, err := ParseValue("f.tla", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Fatalf("error %q is not a positioned *Error", err)
			}
			return
		}
		s := v.String()
		if len(s) > 1<<16 {
			return // an interval expanded; reparsing it is only slow
		}
		again, err := ParseValue("f.tla", s)
		if err != nil {
			t.Fatalf("%q parsed, printed as %s, which does not parse: %v", src, s, err)
		}
		if !Equal(v, again) {
			t.Fatalf("%q parsed to %s, which parses back to %s", src, s, again)
		}
		if s2 := again.String(); s2 != s {
			t.Fatalf("%q printed as %s, then as %s", src, s, s2)
		}
	})
}

func BenchmarkParseValue(b *testing.B) {
	var parts []string
	for n := range 200 {
		parts = append(parts, `[type |-> "Prepared", rm |-> r`+strings.Repeat("1", n%3+1)+`, payload |-> <<1, "x\"y", TRUE>>]`)
	}
	src := "{" + strings.Join(parts, ",\n  ") + "}"
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ParseValue("b.tla", src); err != nil {
			b.Fatal(err)
		}
	}
}
