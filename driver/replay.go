package driver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/model"
	"github.com/mbtgo/mbt/tlaimport"
)

// ReplayFlags are the flags of `mbt replay`. The mbt command parses and
// checks them with the same definitions, resolves -adapter, and passes
// them on with [ReplayFlags.Args], with the trace file as -driver.trace and
// the adapter's registered name as -driver.adapterfunc.
type ReplayFlags struct {
	// Model names the model function; it may be empty when the package
	// has one.
	Model string
	// Set holds the -set Name=Value assignments of constants, in order.
	Set []string
	// Adapter names the adapter constructor as the user wrote it: Func in
	// the model's package, or importpath.Func. Empty: replay through the
	// model only.
	Adapter string
	// Format is the trace's format, itf, tlc or tlc-json; "" detects it.
	Format string
	// Trace picks one trace, from 1, of a file that holds several (TLC's
	// output with -continue); 0 means the only one.
	Trace int
	// File is the trace file (-driver.trace).
	File string
	// AdapterFunc is the name the adapter is registered under in the
	// driver program (-driver.adapterfunc), set by the mbt command.
	AdapterFunc string
}

// Define registers the flags of mbt replay on fs.
func (f *ReplayFlags) Define(fs *flag.FlagSet) {
	fs.StringVar(&f.Model, "model", f.Model, "replay on the model function `name` (needed when the package has several)")
	fs.Var((*setFlag)(&f.Set), "set", "set the constant (`Name=Value`) of the model's config; repeatable")
	fs.StringVar(&f.Adapter, "adapter", f.Adapter, "also drive the steps through the implementation: the adapter constructor `Func` in the model's package, or importpath.Func; a func(t T) returning the adapter, where T accepts a testing.TB")
	fs.StringVar(&f.Format, "format", f.Format, "the trace's `format`: itf, tlc or tlc-json (default: detect it)")
	fs.IntVar(&f.Trace, "trace", f.Trace, "replay the trace `number` n (from 1) of a file with several")
}

// DefineTarget registers the -driver.* flags of mbt replay on fs.
func (f *ReplayFlags) DefineTarget(fs *flag.FlagSet) {
	fs.StringVar(&f.File, "driver.trace", f.File, "the trace `file` to replay")
	fs.StringVar(&f.AdapterFunc, "driver.adapterfunc", f.AdapterFunc, "the registered `name` of the adapter constructor")
}

// Check checks the flags.
func (f *ReplayFlags) Check() error {
	if f.Format != "" && !slices.Contains(tlaimport.Formats(), f.Format) {
		return fmt.Errorf("-format %s: want one of %s", f.Format, strings.Join(tlaimport.Formats(), ", "))
	}
	if f.Trace < 0 {
		return errors.New("-trace: must not be negative")
	}
	return checkSets(f.Set)
}

// Args renders the flags that are set, -driver.* included, as
// command-line arguments that Define and DefineTarget parse back.
func (f *ReplayFlags) Args() []string {
	var args []string
	add := func(name, value string) {
		if value != "" {
			args = append(args, "-"+name+"="+value)
		}
	}
	add("model", f.Model)
	for _, s := range f.Set {
		add("set", s)
	}
	add("adapter", f.Adapter)
	add("format", f.Format)
	if f.Trace != 0 {
		add("trace", fmt.Sprint(f.Trace))
	}
	add("driver.trace", f.File)
	add("driver.adapterfunc", f.AdapterFunc)
	return args
}

// RegisterAdapter registers an adapter constructor for mbt replay
// -adapter: name is the name -driver.adapterfunc gives, and fn calls the
// constructor with the replay's [T]. The mbt command writes one into the
// driver program it builds for mbt replay -adapter:
//
//	driver.RegisterAdapter("NewHTTPAdapter", func(t *driver.T) any { return bank.NewHTTPAdapter(t) })
func RegisterAdapter(name string, fn func(t *T) any) Entry {
	if fn == nil {
		panic(fmt.Sprintf("driver: RegisterAdapter(%q): the constructor is nil", name))
	}
	return Entry{name: name, adapter: fn}
}

// replaying is what mbt replay passes to the driver.
type replaying struct {
	flags    ReplayFlags
	adapters []Entry
}

// stateName names the i-th state of tr for people: "TLC state 4", "ITF
// state 3".
func stateName(tr *tlaimport.Trace, i int) string {
	tool := "ITF"
	switch tr.Format {
	case tlaimport.FormatTLC, tlaimport.FormatTLCJSON:
		tool = "TLC"
	}
	return tool + " " + tlaimport.StateLabel(tr, i)
}

// replay reads the trace, decodes its states into m's, infers the steps
// and, with an adapter, drives them through the implementation. It
// returns the exit code.
func replay[S any](ctx context.Context, m *model.Model[S], x *exploration) int {
	r := x.replay
	name := r.flags.File
	tr, code := readTrace(x.stderr, name, r.flags.Format, r.flags.Trace, "-trace")
	if tr == nil {
		return code
	}
	w := x.stdout
	fmt.Fprintf(w, "replaying %s (%s, %d %s) on %s (%s%s)", name, tr.Format, len(tr.States), plural(len(tr.States), "state", "states"),
		m.Name, x.funcLabel(), constLine(x.consts))
	if r.flags.Adapter != "" {
		fmt.Fprintf(w, " through %s", r.flags.Adapter)
	}
	fmt.Fprintln(w)

	dec := tlaimport.StateDecoder[S]{Template: &m.Init[0]}
	states, err := dec.DecodeTrace(tr)
	if err != nil {
		fmt.Fprintf(w, "FAIL: the trace's states do not fit %s's state type %s:\n", m.Name, m.Codec.Type())
		fmt.Fprintf(w, "%s\n", indent(err.Error()))
		return exitViolation
	}
	// A lasso's last step goes back to the state it loops to.
	inferTr, states := withLoopBack(tr, states)
	inf, inferErr := tlaimport.Infer(m, inferTr, states)
	var div *tlaimport.Divergence
	if inferErr != nil && !errors.As(inferErr, &div) {
		fmt.Fprintf(x.stderr, "mbt: %v\n", inferErr)
		return exitError
	}
	if div == nil || div.Index > 0 {
		fmt.Fprintf(w, "  %s: initial state %d of %s\n", stateName(tr, 0), inf.Init+1, m.Name)
	}
	var steps []adapters.Step
	var stepTo []int // the trace state each driven step leads to
	n := 0
	for _, s := range inf.Steps {
		if s.To >= len(tr.States) {
			// The lasso's step back.
			if s.Stutter {
				fmt.Fprintf(w, "  back to %s: no step needed (stuttering)\n", stateName(tr, tr.Loop))
				continue
			}
			n++
			fmt.Fprintf(w, "  step %d: %s: leads back to %s, where the lasso loops\n", n, s.Step, stateName(tr, tr.Loop))
			steps, stepTo = append(steps, adapters.Step{Action: s.Step.Action, Args: s.Step.Args}), append(stepTo, tr.Loop)
			continue
		}
		if s.Stutter {
			fmt.Fprintf(w, "  %s: the same as %s: stuttering, no step\n", stateName(tr, s.To), stateName(tr, s.To-1))
			continue
		}
		n++
		fmt.Fprintf(w, "  step %d: %s: matches %s%s\n", n, s.Step, stateName(tr, s.To), stepNote(s))
		steps, stepTo = append(steps, adapters.Step{Action: s.Step.Action, Args: s.Step.Args}), append(stepTo, s.To)
	}
	if div != nil {
		writeDivergence(w, m.Name, tr, div, inferErr)
		if r.flags.Adapter != "" && len(steps) > 0 {
			fmt.Fprintf(w, "driving the %d %s before it through the implementation (%s):\n", len(steps), plural(len(steps), "step", "steps"), r.flags.Adapter)
			if code := drive(ctx, m, x, inf.Init, steps, stepTo, tr); code != exitOK {
				return code
			}
		}
		return exitViolation
	}
	fmt.Fprintf(w, "ok: the trace is a behavior of %s (%d %s", m.Name, n, plural(n, "step", "steps"))
	if stutters := len(inf.Steps) - n; stutters > 0 {
		fmt.Fprintf(w, ", %d stuttering", stutters)
	}
	fmt.Fprintln(w, ")")
	last := len(tr.States) - 1
	if bad := m.Erase().Check(states[last]); len(bad) > 0 {
		fmt.Fprintf(w, "  %s violates the %s %s of %s", stateName(tr, last), plural(len(bad), "invariant", "invariants"), strings.Join(bad, ", "), m.Name)
		if tr.Violation != "" {
			fmt.Fprintf(w, " (the trace says: %s)", tr.Violation)
		}
		fmt.Fprintln(w)
	}
	if r.flags.Adapter == "" {
		return exitOK
	}
	fmt.Fprintf(w, "driving the %d %s through the implementation (%s):\n", len(steps), plural(len(steps), "step", "steps"), r.flags.Adapter)
	return drive(ctx, m, x, inf.Init, steps, stepTo, tr)
}

// readTrace reads the trace file name in format ("" detects it) and
// picks its trace index (from 1; 0 means the only one), which the flag
// flagName sets. It reports a problem on stderr and returns nil and the
// exit code.
func readTrace(stderr io.Writer, name, format string, index int, flagName string) (*tlaimport.Trace, int) {
	data, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(stderr, "mbt: %v\n", err)
		return nil, exitUsage
	}
	traces, err := tlaimport.ReadFormat(name, data, format)
	if err != nil {
		fmt.Fprintf(stderr, "mbt: %v\n", err)
		return nil, exitUsage
	}
	switch {
	case len(traces) == 0:
		fmt.Fprintf(stderr, "mbt: %s holds no trace\n", name)
	case index > len(traces):
		fmt.Fprintf(stderr, "mbt: %s %d: %s holds %d %s\n", flagName, index, name, len(traces), plural(len(traces), "trace", "traces"))
	case index > 0:
		return traces[index-1], exitOK
	case len(traces) > 1:
		fmt.Fprintf(stderr, "mbt: %s holds %d traces; choose one with %s 1 to %s %d\n", name, len(traces), flagName, flagName, len(traces))
	default:
		return traces[0], exitOK
	}
	return nil, exitUsage
}

// writeDivergence says where the trace tr leaves the model, and why.
func writeDivergence(w io.Writer, modelName string, tr *tlaimport.Trace, div *tlaimport.Divergence, err error) {
	if div.Index >= len(tr.States) {
		fmt.Fprintf(w, "FAIL: the lasso's step back to %s is not a step of %s:\n", stateName(tr, tr.Loop), modelName)
	} else if div.Index == 0 {
		fmt.Fprintf(w, "FAIL: %s is not an initial state of %s:\n", stateName(tr, 0), modelName)
	} else {
		fmt.Fprintf(w, "FAIL: %s is not a step of %s from %s:\n", stateName(tr, div.Index), modelName, stateName(tr, div.Index-1))
	}
	fmt.Fprintf(w, "%s\n", indent(err.Error()))
}

// withLoopBack returns the trace and states to infer the steps of: for a
// lasso, with the state it loops back to appended, so that its last step
// goes back there.
func withLoopBack[S any](tr *tlaimport.Trace, states []S) (*tlaimport.Trace, []S) {
	if tr.Loop < 0 || tr.Loop >= len(tr.States) {
		return tr, states
	}
	back := *tr
	back.States = append(slices.Clone(tr.States), tlaimport.State{Vars: tr.States[tr.Loop].Vars, Pos: tr.States[len(tr.States)-1].Pos})
	return &back, append(states, states[tr.Loop])
}

// stepNote explains how a step was found, for its line.
func stepNote(s tlaimport.InferredStep) string {
	var notes []string
	switch {
	case s.Note != "":
		notes = append(notes, s.Note)
	case s.Label == nil:
		notes = append(notes, "inferred: the trace does not name the action")
	}
	if s.Others > 0 {
		notes = append(notes, fmt.Sprintf("%d other %s also lead%s there", s.Others, plural(s.Others, "step", "steps"), plural(s.Others, "s", "")))
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// indent indents every line of s by a tab.
func indent(s string) string {
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

// drive runs the steps through the adapter that -adapter names and
// reports where the implementation agrees and where it does not.
func drive[S any](ctx context.Context, m *model.Model[S], x *exploration, init int, steps []adapters.Step, stepTo []int, tr *tlaimport.Trace) int {
	r := x.replay
	var ctor func(*T) any
	for _, e := range r.adapters {
		if e.name == r.flags.AdapterFunc {
			ctor = e.adapter
		}
	}
	if ctor == nil {
		fmt.Fprintf(x.stderr, "mbt: this driver has no adapter %q: run it through mbt replay -adapter\n", r.flags.AdapterFunc)
		return exitUsage
	}
	w := x.stdout
	t := newT(ctx, "Replay/"+m.Name, x.stderr)
	defer t.cleanup()
	var impl any
	stopped, err := t.run(func() { impl = ctor(t) })
	switch {
	case err != nil:
		fmt.Fprintf(x.stderr, "mbt: %s %v\n", r.flags.Adapter, err)
		return exitError
	case t.Skipped():
		fmt.Fprintf(w, "skipped: %s called Skip\n", r.flags.Adapter)
		return exitOK
	case stopped || t.Failed():
		fmt.Fprintf(x.stderr, "mbt: %s failed: %s\n", r.flags.Adapter, strings.Join(t.msgs, "; "))
		return exitError
	}
	runner, err := adapters.NewRunner(m, impl, adapters.Options{Init: init})
	if err != nil {
		fmt.Fprintf(x.stderr, "mbt: the adapter %s does not fit %s: %v\n", r.flags.Adapter, m.Name, err)
		return exitError
	}
	var f *adapters.Failure
	stopped, err = t.run(func() { f = runner.Exec(ctx, steps) })
	switch {
	case err != nil:
		fmt.Fprintf(x.stderr, "mbt: the adapter %v\n", err)
		return exitError
	case stopped || t.Failed():
		fmt.Fprintf(x.stderr, "mbt: the adapter failed the replay: %s\n", strings.Join(t.msgs, "; "))
		return exitError
	case ctx.Err() != nil:
		fmt.Fprintln(x.stderr, "mbt: interrupted")
		return exitError
	}
	agreed := len(steps)
	if f != nil {
		agreed = f.Index - 1
	}
	if f != nil && f.Index == 0 {
		fmt.Fprintf(w, "  %s: the implementation DISAGREES after Reset:\n", stateName(tr, 0))
		writeMismatches(w, f)
		fmt.Fprintf(w, "FAIL: the implementation does not start in %s's initial state\n", m.Name)
		return exitViolation
	}
	fmt.Fprintf(w, "  %s: the implementation agrees after Reset\n", stateName(tr, 0))
	for i := range agreed {
		fmt.Fprintf(w, "  step %d: %s: the implementation agrees (%s)\n", i+1, steps[i], stateName(tr, stepTo[i]))
	}
	if f == nil {
		if len(steps) == 1 {
			fmt.Fprintln(w, "ok: the implementation follows the trace's step")
		} else {
			fmt.Fprintf(w, "ok: the implementation follows all %d steps of the trace\n", len(steps))
		}
		return exitOK
	}
	fmt.Fprintf(w, "  step %d: %s: the implementation DISAGREES (%s):\n", f.Index, steps[f.Index-1], stateName(tr, stepTo[f.Index-1]))
	writeMismatches(w, f)
	fmt.Fprintf(w, "FAIL: the implementation diverges from the trace at step %d of %d\n", f.Index, len(steps))
	return exitViolation
}

// writeMismatches writes the differences of a failed step.
func writeMismatches(w io.Writer, f *adapters.Failure) {
	if f.Err != nil {
		fmt.Fprintf(w, "\t%v\n", f.Err)
	}
	for _, m := range f.Mismatches {
		fmt.Fprintf(w, "%s\n", indent(strings.TrimRight(m, "\n")))
	}
}
