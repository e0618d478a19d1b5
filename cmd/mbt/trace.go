package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/internal/traceformat"
	"github.com/mbtgo/mbt/tlaimport"
)

// traceCmd holds the flags of mbt trace.
type traceCmd struct {
	fs     *flag.FlagSet
	format string
	to     string
	trace  int
}

func traceFlags() *traceCmd {
	c := &traceCmd{fs: flag.NewFlagSet("trace", flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	c.fs.StringVar(&c.format, "format", "", "the file's `format`: itf, tlc or tlc-json (default: detect it)")
	c.fs.StringVar(&c.to, "to", "", "write the trace to stdout in this `format` instead of a table: itf")
	c.fs.IntVar(&c.trace, "trace", 0, "only the trace `number` n (from 1) of a file with several")
	return c
}

const traceUsage = `usage: mbt trace [-format itf|tlc|tlc-json] [-to itf] [-trace n] <file>

Trace reads a trace that TLC (its text output or -dumpTrace json), Apalache
or Quint (ITF JSON) wrote, and prints it as a table: the initial state, then
for each state the action the tool named and the variables that changed,
old → new. With -to itf it writes the trace as ITF JSON instead, which
Apalache's and Quint's tools and mbt replay read. It needs no model.

Exit codes: 0 done, 2 usage error, or a file that does not parse or
holds no trace.

Flags:
`

func (c *traceCmd) printUsage(w io.Writer) {
	printUsage(w, traceUsage, c.fs, "mbt trace TwoPhase.out.txt", "mbt trace -to itf DieHard.out.txt > DieHard.itf.json")
}

// traceMain runs mbt trace.
func traceMain(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := traceFlags()
	pos, err := parseInterspersed(c.fs, args)
	if errors.Is(err, flag.ErrHelp) {
		c.printUsage(stdout)
		return exitOK
	}
	switch {
	case err != nil:
	case len(pos) == 0:
		err = errors.New("missing trace file, as in: mbt trace TwoPhase.out.txt")
	case len(pos) > 1:
		err = fmt.Errorf("want one trace file, got %d: %s", len(pos), strings.Join(pos, " "))
	case c.format != "" && !slices.Contains(traceformat.Names(), c.format):
		err = fmt.Errorf("-format %s: want one of %s", c.format, strings.Join(traceformat.Names(), ", "))
	case c.to != "" && c.to != tlaimport.FormatITF:
		err = fmt.Errorf("-to %s: mbt trace writes itf", c.to)
	case c.trace < 0:
		err = errors.New("-trace: must not be negative")
	}
	if err != nil {
		fmt.Fprintf(stderr, "mbt trace: %v\nrun 'mbt help trace' for usage\n", err)
		return exitUsage
	}
	name := pos[0]
	data, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(stderr, "mbt: %v\n", err)
		return exitUsage
	}
	traces, err := tlaimport.ReadFormat(name, data, c.format)
	if err != nil {
		fmt.Fprintf(stderr, "mbt: %v\n", err)
		return exitUsage
	}
	if len(traces) == 0 {
		// TLC's text output without an error trace, or any text that is
		// not TLC's: mbt replay and gen -trace refuse it too.
		fmt.Fprintf(stderr, "mbt: %s holds no trace\n", name)
		return exitUsage
	}
	if c.trace > len(traces) {
		fmt.Fprintf(stderr, "mbt: -trace %d: %s holds %d %s\n", c.trace, name, len(traces), text.Plural(len(traces), "trace", "traces"))
		return exitUsage
	}
	if c.trace > 0 {
		traces = traces[c.trace-1 : c.trace]
	}
	if c.to == tlaimport.FormatITF {
		if len(traces) != 1 {
			fmt.Fprintf(stderr, "mbt: %s holds %d traces and an ITF file holds one; choose one with -trace\n", name, len(traces))
			return exitUsage
		}
		if err := tlaimport.WriteITF(stdout, traces[0]); err != nil {
			fmt.Fprintf(stderr, "mbt: %v\n", err)
			return exitError
		}
		return exitOK
	}
	for i, tr := range traces {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		writeTLATrace(stdout, tr, i+1, len(traces))
	}
	return exitOK
}

// formatNames are the formats as people call them.
var formatNames = map[string]string{
	tlaimport.FormatTLC:     "TLC output",
	tlaimport.FormatTLCJSON: "TLC -dumpTrace json",
	tlaimport.FormatITF:     "ITF",
}

// writeTLATrace writes a trace as a table: one row per variable of the
// initial state, then per state the action and the variables that
// changed. A change too long for a line is shown part by part: record
// fields (.f), function keys and sequence indexes ([k]), set elements
// added (+) and removed (−).
func writeTLATrace(w io.Writer, tr *tlaimport.Trace, n, of int) {
	states := text.Plural(len(tr.States), "state", "states")
	fmt.Fprintf(w, "%s", tr.File)
	if of > 1 {
		fmt.Fprintf(w, " (trace %d of %d)", n, of)
	}
	fmt.Fprintf(w, ": %s, %d %s", formatNames[tr.Format], len(tr.States), states)
	if tr.Violation != "" {
		fmt.Fprintf(w, "; %s", tr.Violation)
	}
	fmt.Fprintln(w)
	vars := tableVars(tr)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  state\taction\tvariable\tvalue\n")
	for i, st := range tr.States {
		var rows [][2]string
		label := "(initial)"
		if i == 0 {
			for _, v := range vars {
				if val, ok := st.Vars[v]; ok {
					rows = append(rows, [2]string{v, val.String()})
				}
			}
		} else {
			label = "(no label)"
			if st.Action != nil {
				label = st.Action.String()
			}
			prev := tr.States[i-1]
			for _, v := range vars {
				a, oka := prev.Vars[v]
				b, okb := st.Vars[v]
				switch {
				case oka && okb:
					changes(v, a, b, &rows)
				case okb:
					rows = append(rows, [2]string{v, "(absent) → " + b.String()})
				case oka:
					rows = append(rows, [2]string{v, a.String() + " → (absent)"})
				}
			}
			if len(rows) == 0 {
				rows = append(rows, [2]string{"(no change: stuttering)", ""})
			}
		}
		for j, r := range rows {
			num, act := "", ""
			if j == 0 {
				num, act = strconv.Itoa(stateNumber(tr, i)), label
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", num, act, r[0], r[1])
		}
	}
	tw.Flush()
	switch {
	case tr.Loop >= 0:
		fmt.Fprintf(w, "  then back to state %d: the behavior loops forever\n", stateNumber(tr, tr.Loop))
	case tr.Stuttering:
		fmt.Fprintln(w, "  then stuttering forever")
	}
}

// stateNumber numbers the i-th state as the tool does: from 1 for TLC,
// from 0 for ITF.
func stateNumber(tr *tlaimport.Trace, i int) int {
	if tr.Format == tlaimport.FormatITF {
		return i
	}
	return i + 1
}

// tableVars lists the variables to show: the trace's order, without the
// variables of Quint's mbt mode, which the action column shows.
func tableVars(tr *tlaimport.Trace) []string {
	vars := tr.Vars
	if len(vars) == 0 && len(tr.States) > 0 {
		for v := range tr.States[0].Vars {
			vars = append(vars, v)
		}
		slices.Sort(vars)
	}
	var out []string
	for _, v := range vars {
		if !strings.HasPrefix(v, "mbt::") {
			out = append(out, v)
		}
	}
	return out
}

// changes appends the rows for a variable that changed from a to b.
func changes(path string, a, b tlaimport.Value, rows *[][2]string) {
	if tlaimport.Equal(a, b) {
		return
	}
	sa, sb := a.String(), b.String()
	if len(sa)+len(sb) <= 60 {
		*rows = append(*rows, [2]string{path, sa + " → " + sb})
		return
	}
	switch {
	case a.Kind == tlaimport.Set && b.Kind == tlaimport.Set:
		for _, e := range b.Elems {
			if !slices.ContainsFunc(a.Elems, func(x tlaimport.Value) bool { return tlaimport.Equal(x, e) }) {
				*rows = append(*rows, [2]string{path, "+ " + e.String()})
			}
		}
		for _, e := range a.Elems {
			if !slices.ContainsFunc(b.Elems, func(x tlaimport.Value) bool { return tlaimport.Equal(x, e) }) {
				*rows = append(*rows, [2]string{path, "− " + e.String()})
			}
		}
		return
	case a.Kind == tlaimport.Record && b.Kind == tlaimport.Record && sameFields(a, b):
		for i, f := range a.Fields {
			changes(path+"."+f.Name, f.Value, b.Fields[i].Value, rows)
		}
		return
	case a.Kind == tlaimport.Func && b.Kind == tlaimport.Func && sameKeys(a, b):
		for i, p := range a.Pairs {
			changes(path+"["+p.Key.String()+"]", p.Value, b.Pairs[i].Value, rows)
		}
		return
	case (a.Kind == tlaimport.Seq || a.Kind == tlaimport.Tuple) && (b.Kind == tlaimport.Seq || b.Kind == tlaimport.Tuple) && len(a.Elems) == len(b.Elems):
		for i := range a.Elems {
			changes(path+"["+strconv.Itoa(i+1)+"]", a.Elems[i], b.Elems[i], rows)
		}
		return
	}
	*rows = append(*rows, [2]string{path, sa + " → " + sb})
}

func sameFields(a, b tlaimport.Value) bool {
	return slices.EqualFunc(a.Fields, b.Fields, func(x, y tlaimport.Field) bool { return x.Name == y.Name })
}

func sameKeys(a, b tlaimport.Value) bool {
	return slices.EqualFunc(a.Pairs, b.Pairs, func(x, y tlaimport.Pair) bool { return tlaimport.Equal(x.Key, y.Key) })
}
