package driver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/panicstack"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/internal/traceformat"
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
	// NoDeadlock turns off the report of a trace that ends in a state
	// without an enabled action.
	NoDeadlock bool
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
	fs.BoolVar(&f.NoDeadlock, "no-deadlock", f.NoDeadlock, "do not report a trace that ends in a state without an enabled action")
}

// DefineTarget registers the -driver.* flags of mbt replay on fs.
func (f *ReplayFlags) DefineTarget(fs *flag.FlagSet) {
	fs.StringVar(&f.File, "driver.trace", f.File, "the trace `file` to replay")
	fs.StringVar(&f.AdapterFunc, "driver.adapterfunc", f.AdapterFunc, "the registered `name` of the adapter constructor")
}

// Check checks the flags.
func (f *ReplayFlags) Check() error {
	if f.Format != "" && !slices.Contains(traceformat.Names(), f.Format) {
		return fmt.Errorf("-format %s: want one of %s", f.Format, strings.Join(traceformat.Names(), ", "))
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
	if f.NoDeadlock {
		add("no-deadlock", "true")
	}
	add("driver.trace", f.File)
	add("driver.adapterfunc", f.AdapterFunc)
	return args
}

// RegisterAdapter registers an adapter constructor for mbt replay
// -adapter: name is the name -driver.adapterfunc gives, and fn calls the
// constructor with the replay's testing.TB (a [replayT]).
func RegisterAdapter(name string, fn func(t testing.TB) any) Entry {
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
	return tool + " " + traceformat.StateLabel(tr.Format, i)
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
	fmt.Fprintf(w, "replaying %s (%s, %d %s) on %s (%s%s)", name, tr.Format, len(tr.States), text.Plural(len(tr.States), "state", "states"),
		m.Name, x.funcLabel(), constLine(x.consts))
	if r.flags.Adapter != "" {
		fmt.Fprintf(w, " through %s", r.flags.Adapter)
	}
	fmt.Fprintln(w)

	dec := tlaimport.StateDecoder[S]{Template: &m.Init[0]}
	states, err := dec.DecodeTrace(tr)
	if err != nil {
		fmt.Fprintf(w, "FAIL: the trace's states do not fit %s's state type %s:\n", m.Name, reflect.TypeFor[S]())
		fmt.Fprintf(w, "%s\n", indent(err.Error()))
		return exitViolation
	}
	// A lasso's last step goes back to the state it loops to.
	inferTr, states := withLoopBack(tr, states)
	inf, inferErr := tlaimport.Infer(m, inferTr, states)
	var div *tlaimport.Divergence
	var pe *tlaimport.PanicError
	if inferErr != nil && !errors.As(inferErr, &div) && !errors.As(inferErr, &pe) {
		fmt.Fprintf(x.stderr, "mbt: %v\n", inferErr)
		return exitError
	}
	stop := -1 // the state the model could not match
	switch {
	case div != nil:
		stop = div.Index
	case pe != nil:
		stop = pe.Index
	}
	if stop != 0 {
		fmt.Fprintf(w, "  %s: initial state %d of %s\n", stateName(tr, 0), inf.Init+1, m.Name)
	}
	var steps []model.Step
	var stepTo []int // the trace state each driven step leads to
	var checks []replayStep
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
			steps, stepTo = append(steps, model.Step{Action: s.Step.Action, Args: s.Step.Args}), append(stepTo, tr.Loop)
			checks = append(checks, replayStep{n: n, step: s.Step, to: s.To, back: true})
			continue
		}
		if s.Stutter {
			fmt.Fprintf(w, "  %s: the same as %s: stuttering, no step\n", stateName(tr, s.To), stateName(tr, s.To-1))
			continue
		}
		n++
		fmt.Fprintf(w, "  step %d: %s: matches %s%s\n", n, s.Step, stateName(tr, s.To), stepNote(s))
		steps, stepTo = append(steps, model.Step{Action: s.Step.Action, Args: s.Step.Args}), append(stepTo, s.To)
		checks = append(checks, replayStep{n: n, step: s.Step, to: s.To})
	}
	// Check what the model matched, as mbt explore checks what it reaches:
	// invariants, action properties, and a deadlock at the trace's end.
	var v *replayViolation
	if stop != 0 {
		deadlock := stop < 0 && tr.Loop < 0 && !r.flags.NoDeadlock
		v = checkReplay(m, states, checks, deadlock)
	}
	if stop >= 0 {
		if v != nil {
			writeReplayViolation(w, m, tr, v)
		}
		if div != nil {
			writeDivergence(w, m.Name, tr, div, inferErr)
		} else {
			writeReplayViolation(w, m, tr, inferPanic(pe, n+1))
		}
		if r.flags.Adapter != "" && len(steps) > 0 {
			fmt.Fprintf(w, "driving the %d %s before it through the implementation (%s):\n", len(steps), text.Plural(len(steps), "step", "steps"), r.flags.Adapter)
			if code := drive(ctx, m, x, inf.Init, steps, stepTo, tr, ""); code != exitOK {
				return code
			}
		}
		return exitViolation
	}
	if v == nil {
		fmt.Fprint(w, "ok: ")
	}
	fmt.Fprintf(w, "the trace is a behavior of %s (%d %s", m.Name, n, text.Plural(n, "step", "steps"))
	if stutters := len(inf.Steps) - n; stutters > 0 {
		fmt.Fprintf(w, ", %d stuttering", stutters)
	}
	fmt.Fprintln(w, ")")
	result := exitOK
	if v != nil {
		writeReplayViolation(w, m, tr, v)
		result = exitViolation
	}
	if r.flags.Adapter == "" {
		return result
	}
	fmt.Fprintf(w, "driving the %d %s through the implementation (%s):\n", len(steps), text.Plural(len(steps), "step", "steps"), r.flags.Adapter)
	if code := drive(ctx, m, x, inf.Init, steps, stepTo, tr, replayViolationShort(v)); code != exitOK {
		return code
	}
	return result
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
		fmt.Fprintf(stderr, "mbt: %s %d: %s holds %d %s\n", flagName, index, name, len(traces), text.Plural(len(traces), "trace", "traces"))
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
		notes = append(notes, fmt.Sprintf("%d other %s also lead%s there", s.Others, text.Plural(s.Others, "step", "steps"), text.Plural(s.Others, "s", "")))
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
//
// violation, if not "", names the model's violation that the trace ends
// in, for the last line when the implementation follows every step.
func drive[S any](ctx context.Context, m *model.Model[S], x *exploration, init int, steps []model.Step, stepTo []int, tr *tlaimport.Trace, violation string) int {
	r := x.replay
	var ctor func(testing.TB) any
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
	t := newReplayT(ctx, "Replay/"+m.Name, x.stderr)
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
		what := fmt.Sprintf("all %d steps of the trace", len(steps))
		if len(steps) == 1 {
			what = "the trace's step"
		}
		if violation != "" {
			fmt.Fprintf(w, "violation: the implementation follows %s, to the model's %s above\n", what, violation)
			return exitOK
		}
		fmt.Fprintf(w, "ok: the implementation follows %s\n", what)
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

// replayStep is a step of the model that a trace's step matched: the n-th
// step (from 1) of the replay, which leads from the trace's state to-1 to
// its state to. A lasso's step back leads to len(trace's states), where
// the state it loops to is appended.
type replayStep struct {
	n    int
	step model.Step
	to   int
	back bool // the lasso's step back
}

// replayViolation is what replay found wrong with the model on a trace:
// an invariant false in a state, an action property false for a step, a
// deadlock at the trace's end, or a panic in the model's code.
type replayViolation struct {
	kind explorer.Kind
	name string // the invariant or property
	// state is the index of the trace's state where it shows (for a
	// property or a step that panicked, the state the step leads to), and
	// step the number of the step that led there, or 0.
	state, step int
	label       string // the step, for a property
	// For a panic: msg says what panicked, with what, stack has the
	// panic's frames, and matching says it happened while the model's
	// steps were tried to match the state.
	msg, stack string
	matching   bool
}

// checkReplay checks what replay matched as mbt explore checks what it
// reaches, and returns the first violation: the invariants of the initial
// state, then for each step the action properties and the invariants of
// the state it leads to, and with deadlock, whether the last state has
// an enabled action or is marked terminal. states are the trace's states
// (with a lasso's loop state appended), checks the matched steps.
func checkReplay[S any](m *model.Model[S], states []S, checks []replayStep, deadlock bool) *replayViolation {
	invariants := func(i, step int) *replayViolation {
		for _, inv := range m.Invariants {
			var ok bool
			if p := guarded(func() { ok = inv.Check(&states[i]) }); p != nil {
				return &replayViolation{kind: explorer.PanicKind, name: inv.Name, state: i, step: step,
					msg: fmt.Sprintf("invariant %s panicked: %v", inv.Name, p.value), stack: p.stack}
			}
			if !ok {
				return &replayViolation{kind: explorer.InvariantKind, name: inv.Name, state: i, step: step}
			}
		}
		return nil
	}
	if v := invariants(0, 0); v != nil {
		return v
	}
	for _, c := range checks {
		prev := c.to - 1
		step := model.Step{Action: c.step.Action, Args: c.step.Args}
		for _, prop := range m.Properties {
			var ok bool
			if p := guarded(func() { ok = prop.Check(&states[prev], step, &states[c.to]) }); p != nil {
				return &replayViolation{kind: explorer.PanicKind, name: prop.Name, state: c.to, step: c.n, label: step.String(),
					msg: fmt.Sprintf("property %s panicked: %v", prop.Name, p.value), stack: p.stack}
			}
			if !ok {
				return &replayViolation{kind: explorer.PropertyKind, name: prop.Name, state: c.to, step: c.n, label: step.String()}
			}
		}
		if c.back {
			continue // the state it loops to was checked
		}
		if v := invariants(c.to, c.n); v != nil {
			return v
		}
	}
	if !deadlock {
		return nil
	}
	last, step := len(states)-1, 0
	if len(checks) > 0 {
		step = checks[len(checks)-1].n
	}
	for _, a := range m.Actions {
		for c := range a.Choices {
			var ok bool
			if p := guarded(func() { ok = a.Enabled(&states[last], c) }); p != nil {
				return &replayViolation{kind: explorer.PanicKind, name: a.Name, state: last, step: step,
					msg: fmt.Sprintf("guard of %s panicked: %v", a.Label(c), p.value), stack: p.stack}
			}
			if ok {
				return nil
			}
		}
	}
	if m.Terminal != nil {
		var ok bool
		if p := guarded(func() { ok = m.Terminal(&states[last]) }); p != nil {
			return &replayViolation{kind: explorer.PanicKind, state: last, step: step,
				msg: fmt.Sprintf("terminal predicate panicked: %v", p.value), stack: p.stack}
		}
		if ok {
			return nil
		}
	}
	return &replayViolation{kind: explorer.DeadlockKind, state: last, step: step}
}

// inferPanic turns a panic in the model's code while Infer matched a
// state, in what would be step n, into a violation.
func inferPanic(pe *tlaimport.PanicError, n int) *replayViolation {
	msg := "the model's code panicked"
	if pe.Part != "" {
		msg = fmt.Sprintf("%s of %s panicked", pe.Part, pe.Step)
	}
	v := &replayViolation{kind: explorer.PanicKind, state: pe.Index, msg: fmt.Sprintf("%s: %v", msg, pe.Value), stack: pe.Stack, matching: true}
	if pe.Index > 0 {
		v.step = n
	}
	return v
}

// writeReplayViolation says what is wrong, as mbt explore's result line
// does, with the trace's states and steps.
func writeReplayViolation[S any](w io.Writer, m *model.Model[S], tr *tlaimport.Trace, v *replayViolation) {
	state := stateName(tr, min(v.state, len(tr.States)-1))
	if v.state >= len(tr.States) {
		state = stateName(tr, tr.Loop) + ", where the lasso loops"
	}
	after := ""
	if v.step > 0 {
		after = fmt.Sprintf(", after step %d", v.step)
	}
	says := ""
	if tr.Violation != "" && v.state == len(tr.States)-1 {
		says = fmt.Sprintf(" (the trace says: %s)", strings.TrimSuffix(tr.Violation, "."))
	}
	switch v.kind {
	case explorer.InvariantKind:
		fmt.Fprintf(w, "violation: invariant %s%s is false in %s%s%s\n", v.name, at(invariantPos(m, v.name)), state, after, says)
	case explorer.PropertyKind:
		fmt.Fprintf(w, "violation: property %s%s is false for step %d: %s, which leads to %s%s\n", v.name, at(propertyPos(m, v.name)), v.step, v.label, state, says)
	case explorer.DeadlockKind:
		fmt.Fprintf(w, "violation: deadlock: no action of %s is enabled in %s, the trace's last state, and it is not marked terminal%s "+
			"(mark final states with Terminal, or run with -no-deadlock)\n", m.Name, state, says)
	case explorer.PanicKind:
		where := "in " + state + after
		switch {
		case v.label != "":
			where = fmt.Sprintf("for step %d: %s, which leads to %s", v.step, v.label, state)
		case v.matching && v.step > 0:
			where = fmt.Sprintf("in step %d, matching %s from %s", v.step, state, stateName(tr, v.state-1))
		case v.matching:
			where = "matching the initial " + state
		}
		fmt.Fprintf(w, "violation: panic %s: %s\n", where, v.msg)
		for _, f := range userFrames(v.stack) {
			fmt.Fprintf(w, "    %s\n", f)
		}
	}
}

// replayViolationShort names a violation for the last line of a replay
// through an implementation, or is "" for nil.
func replayViolationShort(v *replayViolation) string {
	switch {
	case v == nil:
		return ""
	case v.kind == explorer.DeadlockKind:
		return "deadlock"
	case v.kind == explorer.PanicKind:
		return "panic"
	}
	return v.kind.String() + " " + v.name
}

// panicked is a panic recovered from the model's code.
type panicked struct {
	value any
	stack string // the frames from the panic to the model's code
}

// guarded calls f, which runs the model's code, and returns the panic in
// it, or nil.
func guarded(f func()) (p *panicked) {
	defer func() {
		if v := recover(); v != nil {
			p = &panicked{value: v, stack: panicFrames(string(debug.Stack()))}
		}
	}()
	f()
	return nil
}

// panicFrames keeps the frames of a panic's stack (runtime/debug.Stack's
// text) from the function that panicked down to checkReplay, which called
// the model's code.
func panicFrames(stack string) string {
	return panicstack.Frames(stack, func(fn string) bool {
		return strings.HasPrefix(fn, "github.com/mbtgo/mbt/internal/driver.checkReplay")
	})
}
