package tlaimport

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// exactDiff reports how a and b differ, exactly: kinds, contents in
// order, and every position; "" if they do not.
func exactDiff(a, b Value) string {
	if a.Kind != b.Kind || a.Bool != b.Bool || a.Str != b.Str || a.Pos != b.Pos ||
		(a.Int == nil) != (b.Int == nil) || a.Int != nil && a.Int.Cmp(b.Int) != 0 ||
		len(a.Elems) != len(b.Elems) || len(a.Fields) != len(b.Fields) || len(a.Pairs) != len(b.Pairs) ||
		(a.Elems == nil) != (b.Elems == nil) || (a.Fields == nil) != (b.Fields == nil) || (a.Pairs == nil) != (b.Pairs == nil) {
		return fmt.Sprintf("%s at %v (%v) vs %s at %v (%v)", a, a.Pos, a.Kind, b, b.Pos, b.Kind)
	}
	for i := range a.Elems {
		if d := exactDiff(a.Elems[i], b.Elems[i]); d != "" {
			return d
		}
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name {
			return fmt.Sprintf("field %s vs %s", a.Fields[i].Name, b.Fields[i].Name)
		}
		if d := exactDiff(a.Fields[i].Value, b.Fields[i].Value); d != "" {
			return d
		}
	}
	for i := range a.Pairs {
		if d := exactDiff(a.Pairs[i].Key, b.Pairs[i].Key); d != "" {
			return d
		}
		if d := exactDiff(a.Pairs[i].Value, b.Pairs[i].Value); d != "" {
			return d
		}
	}
	return ""
}

// checkFastAgrees checks that the fast parser accepts exactly what
// participle accepts and builds the same values, positions included, both
// for a value and for an argument list.
func checkFastAgrees(t interface {
	Helper()
	Fatalf(string, ...any)
}, src string) {
	t.Helper()
	if len(src) > maxValueLen {
		return
	}
	start := Pos{File: "f.tla", Line: 3, Col: 7}
	want, err := parseValueSlow(start, src)
	got, ok := parseValueFast(start, src)
	if ok != (err == nil) {
		t.Fatalf("%q: fast parser ok=%v, participle error %v", src, ok, err)
	}
	if ok {
		if !Equal(got, want) {
			t.Fatalf("%q: fast parser gives %s, participle %s", src, got, want)
		}
		if d := exactDiff(got, want); d != "" {
			t.Fatalf("%q: fast parser and participle differ: %s", src, d)
		}
	}
	wantArgs, err := parseArgsSlow(start, src)
	gotArgs, ok := parseArgsFast(start, src)
	if ok != (err == nil) {
		t.Fatalf("%q: fast args parser ok=%v, participle error %v", src, ok, err)
	}
	if ok {
		if len(gotArgs) != len(wantArgs) || (gotArgs == nil) != (wantArgs == nil) {
			t.Fatalf("%q: fast args parser gives %d values, participle %d", src, len(gotArgs), len(wantArgs))
		}
		for i := range gotArgs {
			if d := exactDiff(gotArgs[i], wantArgs[i]); d != "" {
				t.Fatalf("%q: argument %d differs: %s", src, i, d)
			}
		}
	}
}

// pvSeeds returns the inputs FuzzParseValueFast starts from: every value
// and every list of action arguments of the TLC corpus as TLC printed it
// (wrapped over lines), every value of every trace in testdata (TLC text,
// TLC JSON, ITF) as String prints it, the inputs of the ParseValue tests,
// and FuzzParseValue's saved inputs. testdata/tlc and testdata/itf hold
// every file of the shared corpus of real tool output.
func pvSeeds(t testing.TB) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && len(s) <= 1<<16 {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range pvCorpusTexts(t) {
		add(s)
	}
	args := regexp.MustCompile(`<\w+\((.*)\) line [0-9]+, col`)
	for _, f := range corpus(t, "*/*.out.txt") {
		for _, m := range args.FindAllStringSubmatch(string(readFile(t, f)), -1) {
			add(m[1])
		}
	}
	var traces []*Trace
	for _, pattern := range []string{"*/*.out.txt", "*/*.trace.json", "*/*.itf.json"} {
		for _, f := range corpus(t, pattern) {
			trs, err := Read(f, readFile(t, f))
			if err != nil {
				t.Fatal(err)
			}
			traces = append(traces, trs...)
		}
	}
	for _, tr := range traces {
		for _, st := range tr.States {
			for _, name := range slices.Sorted(maps.Keys(st.Vars)) {
				if v := st.Vars[name]; v.Kind != Unserializable {
					add(v.String())
				}
			}
			if a := st.Action; a != nil && len(a.Args) > 0 {
				var b strings.Builder
				for i, v := range a.Args {
					if i > 0 {
						b.WriteString(", ")
					}
					b.WriteString(v.String())
				}
				add(b.String())
			}
		}
	}
	for _, c := range pvCases() {
		add(c.src)
	}
	for _, c := range pvErrorCases() {
		add(c.src)
	}
	saved, _ := filepath.Glob("testdata/fuzz/FuzzParseValue/*")
	for _, f := range saved {
		lines := strings.Split(strings.TrimSpace(string(readFile(t, f))), "\n")
		if len(lines) == 2 && strings.HasPrefix(lines[1], "string(") {
			if s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "string("), ")")); err == nil {
				add(s)
			}
		}
	}
	return out
}

// FuzzParseValueFast checks the hand-written parser against participle's:
// on every input both accept it and build the same value, positions
// included, or both refuse it. Errors always come from participle (the
// fast parser only gives up), so they cannot disagree.
func FuzzParseValueFast(f *testing.F) {
	for _, s := range pvSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{"r1 :> 1 @@ r2 :> 2", "1..3", `"a\"b\\c"`, "[]", "<<<<>>>>", "(a :> (b :> {}))", "-0", "1a",
		"[a |-> 1, a |-> 2]", "(1 :> 2 @@ 1 :> 3)", "{1, 1, 2}", "1, 2", "", "(((1)))", "[a |-> 1,]", "<<1,>>", "1 @@ 2",
		"99999999999999999999", "-9223372036854775808", "007", "1..100000", "3..1", "{\n  1,\n  2 }", "(x)", "TRUE :> FALSE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { checkFastAgrees(t, src) })
}

// Random values, printed as TLC prints them and wrapped at random, parse
// the same with both parsers.
func TestParseValueFast_Property(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := pvGenValue(3).Draw(t, "v")
		s := v.String()
		if rapid.Bool().Draw(t, "wrap") {
			s = strings.ReplaceAll(s, ", ", ",\n  ")
		}
		checkFastAgrees(t, s)
		got, err := ParseValue("p.tla", s)
		if err != nil || !Equal(got, v) {
			t.Fatalf("ParseValue(%s) = %s, %v", s, got, err)
		}
	})
}

// Sharing, positions and canonical order: values from the fast path equal
// participle's for every seed of FuzzParseValueFast.
func TestParseValueFast_Corpus(t *testing.T) {
	seeds := pvSeeds(t)
	if len(seeds) < 100 {
		t.Fatalf("only %d seeds", len(seeds))
	}
	for _, s := range seeds {
		checkFastAgrees(t, s)
	}
}

// BenchmarkParseValue_Corpus parses every value of the real TLC corpus
// (testdata/tlc) the way the readers do (fast path first) and with
// participle alone: what the fast path buys.
func BenchmarkParseValue_Corpus(b *testing.B) {
	texts := pvCorpusTexts(b)
	size := 0
	for _, s := range texts {
		size += len(s)
	}
	start := Pos{File: "b.tla", Line: 1, Col: 1}
	for _, p := range []struct {
		name  string
		parse func(Pos, string) (Value, error)
	}{{"fast", parseValueAt}, {"participle", parseValueSlow}} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range texts {
					if _, err := p.parse(start, s); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
