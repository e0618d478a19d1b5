package driver

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
)

// The text output is for people and may change between versions; -json is
// the stable form.

// writeHeader says what is about to be explored.
func writeHeader(w io.Writer, name string, x *exploration, workers int) {
	var how string
	o := x.opts
	switch o.Strategy {
	case explorer.Random:
		walks, depth := o.Walks, o.MaxDepth
		if walks == 0 {
			walks = 1000
		}
		if depth == 0 {
			depth = 100
		}
		how = fmt.Sprintf("%s random %s of up to %d %s, seed %d", commas(int64(walks)), text.Plural(walks, "walk", "walks"),
			depth, text.Plural(depth, "step", "steps"), o.Seed)
	default:
		how = o.Strategy.String()
	}
	what := fmt.Sprintf("%s (%s%s)", name, x.funcLabel(), constLine(x.consts))
	if name == "" {
		// The model function did not return: its model has no name yet.
		what = x.funcLabel()
		if len(x.consts) > 0 {
			what += " (" + strings.TrimPrefix(constLine(x.consts), ", ") + ")"
		}
	}
	fmt.Fprintf(w, "exploring %s: %s, %d %s\n", what, how, workers, text.Plural(workers, "worker", "workers"))
}

// constLine renders constants as ", RM=3 Buggy=false", or "" without any.
func constLine(consts []constant) string {
	if len(consts) == 0 {
		return ""
	}
	parts := make([]string, len(consts))
	for i, c := range consts {
		parts[i] = c.Name + "=" + formatConst(c.Value)
	}
	return ", " + strings.Join(parts, " ")
}

func formatConst(v any) string {
	if s, ok := v.(string); ok && (s == "" || strings.ContainsAny(s, " \t\n\"")) {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// writeSummary renders the result: the outcome, the counts, the violation
// with its trace, and the coverage.
func writeSummary[S any](w io.Writer, res *explorer.Result[S], m *model.Model[S], x *exploration) {
	fmt.Fprintf(w, "\n%s\n\n", resultLine(res))
	writeStats(w, res, len(m.Init), x.built)
	for _, v := range res.Violations {
		fmt.Fprintln(w)
		writeViolation(w, v, m)
		if r := x.reproduce(); r != "" {
			fmt.Fprintf(w, "\nto reproduce: %s\n", r)
		}
	}
	fmt.Fprintln(w)
	writeCoverage(w, res.Coverage, res.Status == explorer.Complete)
}

// resultLine is the one-line outcome.
func resultLine[S any](res *explorer.Result[S]) string {
	switch res.Status {
	case explorer.Violated:
		if len(res.Violations) > 0 {
			v := res.Violations[0]
			switch v.Kind {
			case explorer.PanicKind, explorer.ImpureKind:
				first, _, _ := strings.Cut(v.Message, "\n")
				step := v.Trace.Len()
				if v.Attempted != nil {
					step++ // the step that panicked has no state after it in the trace
				}
				return fmt.Sprintf("violation: %s in step %d: %s", v.Kind, step, first)
			case explorer.DeadlockKind:
				return fmt.Sprintf("violation: deadlock after %d %s", v.Trace.Len(), text.Plural(v.Trace.Len(), "step", "steps"))
			}
			return fmt.Sprintf("violation: %s %s violated after %d %s", v.Kind, v.Name, v.Trace.Len(), text.Plural(v.Trace.Len(), "step", "steps"))
		}
		return "violation"
	case explorer.Incomplete:
		if res.Reason == explorer.WalkLimit {
			return fmt.Sprintf("incomplete: %s; no violation in %s %s (%s)",
				res.Reason, commas(res.Stats.Walks), text.Plural(res.Stats.Walks, "walk", "walks"), distinct(res.Stats.Distinct))
		}
		return fmt.Sprintf("incomplete: %s; no violation in %s", res.Reason, distinct(res.Stats.Distinct))
	}
	return fmt.Sprintf("no violation: %s, complete", distinct(res.Stats.Distinct))
}

// distinct counts distinct states: "1 distinct state", "2 distinct states".
func distinct(n int64) string {
	return commas(n) + " " + text.Plural(n, "distinct state", "distinct states")
}

// writeStats writes the counts as a two-column table; built is how long
// the model function ran.
func writeStats[S any](w io.Writer, res *explorer.Result[S], inits int, built time.Duration) {
	st := res.Stats
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  distinct states\t%s\n", commas(st.Distinct))
	generated := st.Transitions + int64(inits)
	fmt.Fprintf(tw, "  transitions\t%s (%s %s generated, counting the %s initial, as TLC does)\n",
		commas(st.Transitions), commas(generated), text.Plural(generated, "state", "states"), commas(int64(inits)))
	if st.Pruned > 0 {
		fmt.Fprintf(tw, "  out of bounds\t%s %s into states outside the constraints: checked, not explored\n",
			commas(st.Pruned), text.Plural(st.Pruned, "transition", "transitions"))
	}
	fmt.Fprintf(tw, "  max depth\t%d\n", st.MaxDepth)
	if st.Queue > 0 {
		fmt.Fprintf(tw, "  not expanded\t%s %s\n", commas(st.Queue), text.Plural(st.Queue, "state", "states"))
	}
	if st.Walks > 0 {
		fmt.Fprintf(tw, "  walks\t%s\n", commas(st.Walks))
	}
	building := ""
	if built >= 100*time.Millisecond {
		building = fmt.Sprintf(" (and %s building the model)", duration(built))
	}
	fmt.Fprintf(tw, "  time\t%s, %s states/s, %d %s%s\n", duration(st.Elapsed), commas(int64(st.StatesPerSec)),
		st.Workers, text.Plural(st.Workers, "worker", "workers"), building)
	if st.PeakMemory > 0 {
		fmt.Fprintf(tw, "  memory\t%s held by the process at its peak\n", byteSize(st.PeakMemory))
	}
	if st.TableBytes > 0 {
		bps := fmt.Sprintf("%.1f", st.BytesPerState())
		if st.BytesPerState() >= 100 {
			bps = commas(int64(st.BytesPerState() + 0.5))
		}
		fmt.Fprintf(tw, "  state table\t%s, %s bytes/state (fingerprints and parent pointers)\n", byteSize(st.TableBytes), bps)
	}
	tw.Flush()
}

// writeViolation explains a violation and shows its trace.
func writeViolation[S any](w io.Writer, v *explorer.Violation[S], m *model.Model[S]) {
	n := v.Trace.Len()
	var note string
	switch v.Kind {
	case explorer.InvariantKind:
		fmt.Fprintf(w, "invariant %s%s is false in the state after step %d:\n\n", v.Name, at(invariantPos(m, v.Name)), n)
	case explorer.PropertyKind:
		fmt.Fprintf(w, "property %s%s is false for step %d:\n\n", v.Name, at(propertyPos(m, v.Name)), n)
	case explorer.DeadlockKind:
		fmt.Fprintf(w, "deadlock: no action is enabled in the state after step %d (mark final states with Terminal, or run with -no-deadlock):\n\n", n)
	case explorer.PanicKind:
		msg, stack, _ := strings.Cut(strings.TrimRight(v.Message, "\n"), "\n")
		fmt.Fprintf(w, "panic: %s\n", msg)
		for _, f := range userFrames(stack) {
			fmt.Fprintf(w, "    %s\n", f)
		}
		fmt.Fprintln(w)
		note = "(panicked)"
	case explorer.ImpureKind:
		fmt.Fprintf(w, "impure action: %s\n", v.Message)
		if p := relPos(actionPos(m, v.Name)); p != "" {
			fmt.Fprintf(w, "    %s  action %s\n", p, v.Name)
		}
		fmt.Fprintln(w)
		note = "(changed the state it was given)"
	default:
		fmt.Fprintf(w, "%s: %s\n\n", v.Kind, v.Message)
	}
	writeTrace(w, v.Trace, v.Attempted, note)
}

func at(p model.Pos) string {
	if s := relPos(p); s != "" {
		return " (" + s + ")"
	}
	return ""
}

// relPos renders p with the file relative to the working directory when it
// is below it.
func relPos(p model.Pos) string {
	if p.File == "" {
		return ""
	}
	file := p.File
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(r, "..") {
			file = r
		}
	}
	return fmt.Sprintf("%s:%d", file, p.Line)
}

func invariantPos[S any](m *model.Model[S], name string) model.Pos {
	for _, inv := range m.Invariants {
		if inv.Name == name {
			return inv.Pos
		}
	}
	return model.Pos{}
}

func propertyPos[S any](m *model.Model[S], name string) model.Pos {
	for _, p := range m.Properties {
		if p.Name == name {
			return p.Pos
		}
	}
	return model.Pos{}
}

func actionPos[S any](m *model.Model[S], name string) model.Pos {
	if a := m.Action(name); a != nil {
		return a.Pos
	}
	return model.Pos{}
}

// writeCoverage writes how often each action fired and the actions and
// values that never did. When the exploration did not finish, the lists
// only describe the part it saw.
func writeCoverage(w io.Writer, c explorer.Coverage, complete bool) {
	if len(c.Actions) == 0 {
		return
	}
	if complete {
		fmt.Fprintln(w, "coverage:")
	} else {
		fmt.Fprintln(w, "coverage of the explored part:")
	}
	// Names align left, counts right.
	nameW, firedW, falseW := len("action"), len("fired"), len("guard false")
	for _, a := range c.Actions {
		nameW = max(nameW, len(a.Name))
		firedW = max(firedW, len(commas(a.Fired)))
		falseW = max(falseW, len(commas(a.GuardFalse)))
	}
	fmt.Fprintf(w, "  %-*s  %*s  %*s\n", nameW, "action", firedW, "fired", falseW, "guard false")
	for _, a := range c.Actions {
		fmt.Fprintf(w, "  %-*s  %*s  %*s\n", nameW, a.Name, firedW, commas(a.Fired), falseW, commas(a.GuardFalse))
	}
	lists := []struct {
		name  string
		items []string
	}{
		{"never enabled", c.NeverEnabled()},
		{"guard never false", c.GuardNeverFalse()},
	}
	unused := c.UnusedValues()
	var uv []string
	for _, a := range c.Actions {
		if vs := unused[a.Name]; len(vs) > 0 {
			uv = append(uv, a.Name+" "+strings.Join(vs, " "))
		}
	}
	lists = append(lists, struct {
		name  string
		items []string
	}{"unused values", uv})
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, l := range lists {
		items := "none"
		if len(l.items) > 0 {
			items = strings.Join(l.items, ", ")
		}
		fmt.Fprintf(tw, "  %s:\t%s\n", l.name, items)
	}
	tw.Flush()
}

// reproduce returns the command that repeats this exploration, or "".
func (x *exploration) reproduce() string {
	if x.pkg == "" {
		return ""
	}
	args := []string{"mbt", "explore", x.pkg}
	f := x.flags
	f.JSON, f.ProgressSet, f.Progress = false, false, 0
	if f.Strategy == "random" && f.Seed == 0 {
		// Make the seed explicit: it is what reproduces a walk.
		args = append(args, "-seed=0")
	}
	for _, a := range f.Args() {
		name, value, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		switch {
		case value == "true" && (name == "purity" || name == "no-deadlock"):
			args = append(args, "-"+name)
		default:
			args = append(args, "-"+name, shellQuote(value))
		}
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '-' || r == '=' || r == '.' || r == '/' || r == '_' || r == ',' || r == ':' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commas renders n with thousands separators: 1,234,567.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// duration rounds d to three significant digits or so.
func duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// byteSize renders n bytes as B, KiB, MiB or GiB.
func byteSize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// userFrames turns the stack of a panic in the model (pairs of lines:
// function, then file:line +offset) into "file:line  function" lines,
// without the frames of mbt's own packages, which only call the user's code
// (frames in mbt's examples and test files are the user's).
func userFrames(stack string) []string {
	lines := strings.Split(stack, "\n")
	var out []string
	for i := 0; i+1 < len(lines); i += 2 {
		fn := strings.TrimSpace(lines[i])
		file := strings.TrimSpace(lines[i+1])
		if j := strings.LastIndex(file, " +0x"); j > 0 {
			file = file[:j]
		}
		if strings.HasPrefix(fn, "github.com/mbtgo/mbt/") && !strings.HasPrefix(fn, "github.com/mbtgo/mbt/examples/") &&
			!strings.Contains(file, "_test.go:") {
			continue
		}
		if j := strings.LastIndex(fn, "("); j > 0 && strings.HasSuffix(fn, ")") {
			fn = fn[:j]
		}
		if k := strings.LastIndex(file, ":"); k > 0 {
			if line, err := strconv.Atoi(file[k+1:]); err == nil {
				file = relPos(model.Pos{File: file[:k], Line: line})
			}
		}
		out = append(out, file+"  "+fn)
	}
	return out
}
