package jsonscan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// skipAll reads data as one JSON value and returns the scanner.
func skipAll(data []byte) *Scanner {
	s := New(data)
	s.SkipValue()
	s.End("value")
	return s
}

func errString(s *Scanner) string {
	if e := s.Err(); e != nil {
		return e.Error()
	}
	return ""
}

func TestScanner_SkipValue(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	tests := []struct {
		name   string
		in     string
		want   string // the error, "" for none
		reason string
	}{
		{"object", `{"a": [1, -2.5e3, true, false, null, "x"], "b": {}}`, "", "every kind of value"},
		{"bom", "\xEF\xBB\xBF{}", "", "a byte order mark is skipped"},
		{"ws", " \t\r\n[\n1\n]\n", "", "JSON's white space, newlines counted"},
		{"max depth", strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), "", "MaxDepth levels are allowed"},
		{"too deep", deep, "1:1001: values nested deeper than 1000", "one more is refused, without recursing further"},
		{"object comma", `{"a":1 "b":2}`, `1:8: expected ',' or '}' in object, found '"'`, "a missing comma in an object"},
		{"array comma", "[1,\n 2 3]", `2:4: expected ',' or ']' in array, found '3'`, "a missing comma in an array, on line 2"},
		{"trailing comma", `{"a":1,}`, `1:8: expected a string key, found '}'`, "JSON has no trailing commas"},
		{"array trailing comma", `[1,]`, `1:4: expected a value, found ']'`, "JSON has no trailing commas"},
		{"missing colon", `{"a" 1}`, `1:6: expected ':' after key "a", found '1'`, "keys are followed by a colon"},
		{"key not string", `{1:2}`, `1:2: expected a string key, found '1'`, "keys are strings"},
		{"leading zero", `01`, `1:1: invalid number "01"`, "JSON forbids leading zeros"},
		{"minus", `[-]`, `1:2: invalid number "-]"`, "a sign needs digits; the message shows what follows"},
		{"fraction dot", `1.`, `1:1: invalid number "1."`, "a dot needs digits"},
		{"exponent", `1e+`, `1:1: invalid number "1e+"`, "an exponent needs digits"},
		{"bad literal", `tru`, `1:1: expected a value, found 't'`, "literals are spelt out"},
		{"bad char", `@`, `1:1: expected a value, found '@'`, "not a value"},
		{"empty", ``, `1:1: expected a value, found end of input`, "nothing to read"},
		{"trailing", `{} x`, `1:4: unexpected 'x' after the value`, "one value per input"},
		{"unterminated", `"abc`, `1:1: unterminated string`, "points at the opening quote"},
		{"unterminated escape", `"a\`, `1:1: unterminated string`, "a backslash at the end"},
		{"bad escape", `"a\x"`, `1:3: invalid escape "\\x" in string`, "JSON escapes only"},
		{"bad unicode escape", `"\u12"`, `1:2: invalid escape \u in string: want four hex digits`, "four hex digits"},
		{"control", "\"a\tb\"", `1:3: invalid control character '\t' in string`, "control characters are escaped in JSON"},
		{"non-ascii found", "[1 é]", `1:4: expected ',' or ']' in array, found 'é'`, "found shows a whole character"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			if got := errString(skipAll([]byte(tt.in))); got != tt.want {
				t.Errorf("SkipValue(%q) error:\n got %q\nwant %q\n(%s)", tt.in, got, tt.want, tt.reason)
			}
		})
	}
}

func TestScanner_SkipValueText(t *testing.T) {
	s := New([]byte(`{"a": [1, {"b": 2}] , "c": 3}`))
	s.Consume() // {
	if k, ok := s.Key(); !ok || k != "a" {
		t.Fatalf("Key() = %q, %v", k, ok)
	}
	if got := string(s.SkipValue()); got != `[1, {"b": 2}]` {
		t.Errorf("SkipValue() = %q, want the value's text without white space around it", got)
	}
}

func TestScanner_Str(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		reason string
	}{
		{"plain", `"abc"`, "no escapes: a substring of the input"},
		{"escapes", `"a\"b\\c\/d\b\f\n\r\t"`, "every JSON escape"},
		{"unicode", `"\u00e9\u20AC"`, "\\u escapes, either case"},
		{"pair", `"\ud83d\ude00"`, "a surrogate pair is one character"},
		{"lone high", `"\ud83dx"`, "a lone surrogate becomes U+FFFD"},
		{"lone low", `"\ude00"`, "a lone low surrogate becomes U+FFFD"},
		{"high then not low", `"\ud83d\u0041"`, "a high surrogate before a non-surrogate"},
		{"utf8", `"é😀"`, "UTF-8 is kept"},
		{"bad utf8", "\"a\xffb\xc3\"", "invalid UTF-8 becomes U+FFFD, as in encoding/json"},
		{"after escape", "\"\\nà\xff\"", "non-ASCII after an escape is copied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want string
			if err := json.Unmarshal([]byte(tt.in), &want); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			s := New([]byte(tt.in))
			s.Peek()
			got, ok := s.Str()
			if !ok || got != want {
				t.Errorf("Str(%q) = %q, %v; encoding/json gives %q (%s)", tt.in, got, ok, want, tt.reason)
			}
			if s.End("string"); s.Err() != nil {
				t.Errorf("after Str(%q): %v", tt.in, s.Err())
			}
		})
	}
}

func TestScanner_Number(t *testing.T) {
	tests := []struct {
		in      string
		integer bool
	}{
		{"0", true}, {"-12", true}, {"123456789012345678901234567890", true},
		{"1.5", false}, {"1e3", false}, {"-0.0E-1", false},
	}
	for _, tt := range tests {
		s := New([]byte(tt.in + " "))
		text, integer, ok := s.Number()
		if !ok || text != tt.in || integer != tt.integer {
			t.Errorf("Number(%q) = %q, %v, %v; want the text, integer %v", tt.in, text, integer, ok, tt.integer)
		}
	}
}

func TestScanner_Names(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   []string
		err    string
		reason string
	}{
		{"names", `["a", "b"]`, []string{"a", "b"}, "", "in order"},
		{"empty", `[]`, []string{}, "", "empty, not nil"},
		{"twice", `["a", "a"]`, nil, `1:7: vars: "a" is listed twice`, "names are distinct"},
		{"not string", `["a", 1]`, nil, `1:7: vars: expected a string, found '1'`, "names are strings"},
		{"not array", `{}`, nil, `1:1: vars: expected an array of strings, found '{'`, "an array"},
		{"comma", `["a" "b"]`, nil, `1:6: expected ',' or ']' in vars, found '"'`, "syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New([]byte(tt.in))
			got := s.Names("vars")
			if errString(s) != tt.err {
				t.Fatalf("Names(%q) error %q, want %q (%s)", tt.in, errString(s), tt.err, tt.reason)
			}
			if tt.err == "" && (strings.Join(got, ",") != strings.Join(tt.want, ",") || got == nil) {
				t.Errorf("Names(%q) = %#v, want %#v (%s)", tt.in, got, tt.want, tt.reason)
			}
		})
	}
}

// Object and Array walk the members, and what names them in messages.
func TestScanner_ObjectArray(t *testing.T) {
	s := New([]byte("{\"a\": [1, 2],\n \"b\": []}"))
	var keys []string
	var elems int
	s.Object("the thing", func(k string, keyOff int) {
		keys = append(keys, k)
		if line, col := s.Pos(keyOff); k == "b" && (line != 2 || col != 2) {
			t.Errorf("key b at %d:%d, want 2:2", line, col)
		}
		s.Array(k, func() {
			s.Peek()
			s.Number()
			elems++
		})
	})
	s.End("thing")
	if s.Err() != nil || strings.Join(keys, ",") != "a,b" || elems != 2 {
		t.Fatalf("Object: keys %v, %d elements, error %v", keys, elems, s.Err())
	}

	tests := []struct {
		name   string
		in     string
		want   string
		reason string
	}{
		{"object comma", `{"a": [] "b": []}`, `1:10: expected ',' or '}' in the thing, found '"'`, "what names the object"},
		{"array comma", `{"a": [1 2]}`, `1:10: expected ',' or ']' in a, found '2'`, "what names the array"},
		{"not object", `[]`, `1:1: expected an object, found '['`, "Object wants an object"},
		{"not array", `{"a": {}}`, `1:7: a: expected an array, found '{'`, "Array wants an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New([]byte(tt.in))
			s.Object("the thing", func(k string, _ int) {
				s.Array(k, func() { s.Peek(); s.Number() })
			})
			if errString(s) != tt.want {
				t.Errorf("error %q, want %q (%s)", errString(s), tt.want, tt.reason)
			}
		})
	}
}

// The first problem is kept, with the prefix of its time.
func TestScanner_Prefix(t *testing.T) {
	ctx := "state 3: "
	s := New([]byte(`[1 2]`))
	s.Prefix = func() string { return ctx }
	s.SkipValue()
	ctx = "later: "
	s.FailAt(0, "second problem")
	if got, want := errString(s), `1:4: state 3: expected ',' or ']' in array, found '2'`; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
}

// seeds returns the JSON trace files of package tlaimport's tests.
func seeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, glob := range []string{"../../tlaimport/testdata/itf/*.json", "../../tlaimport/testdata/tlcjson/*.json"} {
		files, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, data)
		}
	}
	if len(out) == 0 {
		t.Fatal("no seed files")
	}
	return out
}

// The scanner accepts exactly what encoding/json accepts, reads strings
// as it does, and puts every problem inside the input.
func FuzzScanner(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	for _, s := range []string{`"\ud83d\ude00\ud83d"`, `[1, -0.5e-3, {"a": null}]`, "\xEF\xBB\xBF[]", `"a\xffb"`, `{"a":1,}`, `01`, `[-]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := skipAll(data)
		// encoding/json allows 10000 levels of nesting, we 1000; a BOM we
		// skip, encoding/json does not.
		comparable := !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) && bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) <= MaxDepth
		if valid := s.Err() == nil; comparable && valid != json.Valid(data) {
			t.Fatalf("scanner valid = %v (%v), json.Valid = %v", valid, s.Err(), json.Valid(data))
		}
		if e := s.Err(); e != nil {
			lines := bytes.Count(data, []byte("\n")) + 1
			if e.Line < 1 || e.Line > lines || e.Col < 1 || e.Col > len(data)+1 {
				t.Fatalf("error %q is outside the input (%d lines, %d bytes)", e, lines, len(data))
			}
		}
		if s.Err() == nil && comparable && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte(`"`)) {
			var want string
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			s := New(data)
			s.Peek()
			if got, ok := s.Str(); !ok || got != want {
				t.Fatalf("Str() = %q, %v; encoding/json gives %q", got, ok, want)
			}
		}
	})
}
