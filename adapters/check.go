package adapters

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
)

// The test binary's flags of Check. They exist in every program that
// imports package adapters, as rapid's do.
var (
	flagSeed       = flag.Int64("mbt.seed", 0, "seed of adapters.Check's random walks (0: derived from the test's name)")
	flagWalks      = flag.Int("mbt.walks", 0, "number of random walks of adapters.Check (0: CheckOptions.Walks, default 100)")
	flagNoFailFile = flag.Bool("mbt.nofailfile", false, "do not save a failing walk of adapters.Check under testdata/mbt")
)

// CheckOptions configure [Check].
type CheckOptions struct {
	_ struct{}

	// Options are the runner's options.
	Options Options
	// Walks is the number of random walks (default 100; -mbt.walks
	// overrides it).
	Walks int
	// Steps is the largest number of steps in one walk (default 30).
	Steps int
	// NegativePercent is the share of steps, in percent, that try an action
	// whose guard is false or an argument just outside its domain, when
	// there is one (default 10; -1: none).
	NegativePercent int
	// ResetPercent is the share of steps, in percent, that reset the
	// implementation in the middle of a walk (default 2; -1: none).
	ResetPercent int
	// UnobservedPercent is the share of steps, in percent, after which the
	// implementation is not observed (Step.NoView), so that a view or
	// invariants check with side effects cannot hide a bug (default 25;
	// -1: none). The last step of a walk is always observed.
	UnobservedPercent int
	// Seed seeds the walks; 0 derives it from the test's name, so that a
	// test walks the same way every run. -mbt.seed overrides it.
	Seed int64
	// MaxShrinks bounds the number of runs spent shrinking a failing walk
	// (default 500).
	MaxShrinks int
}

// Check runs seeded random walks of the model against the implementation:
// each walk takes a fresh adapter from newImpl, resets it, and drives steps
// the model allows (and, now and then, negative steps, arguments just
// outside their domains, and resets), comparing the implementation with
// the model after each, as generated tests do.
//
// A failing walk is shrunk to a minimal one: steps and stretches of steps
// are deleted while the rest is still a walk of the model (every step
// enabled or refused as the model says) and still fails. Check then fails
// the test once, with the shrunk walk, the seed and the command that
// reruns it, and saves the walk under testdata/mbt/<Test>/ (unless
// -mbt.nofailfile), from where the next run replays it first.
//
// newImpl is called once per run of a walk, with a testing.TB whose
// Cleanup functions run when that run ends; its other methods are those of
// t. An adapter constructor written for the generated tests, which takes
// the test, takes it.
func Check[S any](t *testing.T, m *model.Model[S], newImpl func(t testing.TB) any, opts CheckOptions) {
	t.Helper()
	c := &checker[S]{t: t, m: m, newImpl: newImpl, opts: opts}
	c.defaults()
	if c.replaySaved() {
		return
	}
	for k := range c.opts.Walks {
		steps := c.walk(k)
		f, err := c.exec(steps)
		if err != nil {
			t.Fatalf("mbt: random walk %d of %d: %v", k+1, c.opts.Walks, err)
		}
		if f == nil {
			continue
		}
		c.fail(fmt.Sprintf("random walk %d of %d (seed %d)", k+1, c.opts.Walks, c.opts.Seed), steps[:f.Index], f)
		return
	}
}

// checker is one Check.
type checker[S any] struct {
	t       *testing.T
	m       *model.Model[S]
	newImpl func(testing.TB) any
	opts    CheckOptions
	runs    int      // executions so far, for the shrink budget
	env     []string // the adapter's RerunEnv
}

func (c *checker[S]) defaults() {
	o := &c.opts
	if *flagWalks > 0 {
		o.Walks = *flagWalks
	}
	c.fill()
	if *flagSeed != 0 {
		o.Seed = *flagSeed
	}
	if o.Seed == 0 {
		h := fnv.New64a()
		h.Write([]byte(c.t.Name()))
		o.Seed = int64(h.Sum64() &^ (1 << 63))
		if o.Seed == 0 {
			o.Seed = 1
		}
	}
}

// fill sets the defaults of the options other than the seed.
func (c *checker[S]) fill() {
	o := &c.opts
	if o.Walks <= 0 {
		o.Walks = 100
	}
	if o.Steps <= 0 {
		o.Steps = 30
	}
	if o.NegativePercent == 0 {
		o.NegativePercent = 10
	}
	if o.ResetPercent == 0 {
		o.ResetPercent = 2
	}
	if o.UnobservedPercent == 0 {
		o.UnobservedPercent = 25
	}
	if o.MaxShrinks <= 0 {
		o.MaxShrinks = 500
	}
}

// Walk returns the walk number k (from 0) that [Check] runs with opts for
// a test whose seed is opts.Seed (which must not be 0): the steps it
// drives, from the model alone. It is for comparing random walks with
// other test suites.
func Walk[S any](m *model.Model[S], opts CheckOptions, k int) []model.Step {
	c := &checker[S]{m: m, opts: opts}
	if c.opts.Seed == 0 {
		c.opts.Seed = 1
	}
	c.fill()
	return c.walk(k)
}

// walk draws walk number k from the model alone: each step is one the
// model allows from the state reached, within its constraints, or a
// negative step; the implementation plays no part in the choice.
func (c *checker[S]) walk(k int) []model.Step {
	m := c.m
	rng := rand.New(rand.NewPCG(uint64(c.opts.Seed), uint64(k)))
	init := c.opts.Options.Init
	s := m.Clone(&m.Init[init])
	n := 1 + rng.IntN(c.opts.Steps)
	var steps []model.Step
	for len(steps) < n {
		var on, off []model.Step
		var next []S
		for _, a := range m.Actions {
			for ch := range a.Choices {
				st := model.Step{Action: a.Name, Args: a.Args(ch)}
				if !a.Enabled(&s, ch) {
					st.Refused = true
					off = append(off, st)
					continue
				}
				ns := m.Clone(&s)
				a.Effect(&ns, ch)
				if ok, _ := m.Within(&ns); ok {
					on = append(on, st)
					next = append(next, ns)
				}
			}
			off = append(off, outsideSteps(a)...)
		}
		roll := rng.IntN(100)
		if len(steps) > 0 && rng.IntN(100) < c.opts.UnobservedPercent {
			steps[len(steps)-1].NoView = true
		}
		switch {
		case len(steps) > 0 && roll < c.opts.ResetPercent:
			steps[len(steps)-1].NoView = false // what a reset forgets is looked at first
			steps = append(steps, model.Step{Action: ResetAction})
			s = m.Clone(&m.Init[init])
		case len(off) > 0 && c.opts.NegativePercent >= 0 && (len(on) == 0 || roll >= 100-c.opts.NegativePercent):
			steps = append(steps, off[rng.IntN(len(off))])
		case len(on) > 0:
			i := rng.IntN(len(on))
			steps = append(steps, on[i])
			s = next[i]
		default:
			return observeLast(steps)
		}
	}
	return observeLast(steps)
}

// observeLast makes the last step of a walk observed.
func observeLast(steps []model.Step) []model.Step {
	if len(steps) > 0 {
		steps[len(steps)-1].NoView = false
	}
	return steps
}

// outsideSteps returns one negative step for each value just outside the
// domain of each of a's parameters, the other arguments being the first
// values of their domains.
func outsideSteps[S any](a *model.Action[S]) []model.Step {
	var out []model.Step
	for i, p := range a.Params {
		for _, v := range p.Invalid {
			args := a.Args(0)
			args[i] = v
			out = append(out, model.Step{Action: a.Name, Args: args, Refused: true})
		}
	}
	return out
}

// exec runs steps on a fresh adapter and returns the first failure, or an
// error when the adapter could not be bound.
func (c *checker[S]) exec(steps []model.Step) (*Failure, error) {
	c.runs++
	tb := &walkTB{TB: c.t}
	defer tb.cleanup()
	impl := c.newImpl(tb)
	if e, ok := impl.(RerunEnver); ok {
		c.env = e.RerunEnv()
	}
	r, err := NewRunner(c.m, impl, c.opts.Options)
	if err != nil {
		return nil, err
	}
	return r.Exec(c.t.Context(), steps), nil
}

// valid reports whether steps is a walk of the model: every positive step
// enabled and within the constraints, every negative step refused by the
// model.
func (c *checker[S]) valid(steps []model.Step) bool {
	m := c.m
	s := m.Clone(&m.Init[c.opts.Options.Init])
	r := &Runner[S]{m: m}
	for _, st := range steps {
		if st.Action == ResetAction && len(st.Args) == 0 {
			s = m.Clone(&m.Init[c.opts.Options.Init])
			continue
		}
		a, ch, outside, err := r.lookup(st)
		if err != nil {
			return false
		}
		if outside {
			continue
		}
		if a.Enabled(&s, ch) == st.Refused {
			return false
		}
		if st.Refused {
			continue
		}
		next := m.Clone(&s)
		a.Effect(&next, ch)
		if ok, _ := m.Within(&next); !ok {
			return false
		}
		s = next
	}
	return true
}

// shrink deletes stretches of steps from a failing walk while it still
// fails, and returns the shortest failing walk found with its failure: no
// stretch of it can be deleted (within the budget of runs).
func (c *checker[S]) shrink(steps []model.Step, f *Failure) ([]model.Step, *Failure) {
	cur, curF := slices.Clone(steps), f
	try := func(cand []model.Step) bool {
		if c.runs >= c.opts.MaxShrinks || !c.valid(cand) {
			return false
		}
		g, err := c.exec(cand)
		if err != nil || g == nil {
			return false
		}
		cur, curF = cand[:g.Index], g
		return true
	}
	// Longest stretches first; after each deletion start again, since
	// the walk is shorter. Only walks of the model are run, so deleting a
	// stretch that a later step depends on costs no run.
	for changed := true; changed; {
		changed = false
	sizes:
		for size := len(cur) - 1; size >= 1; size-- {
			for i := 0; i+size <= len(cur); i++ {
				if try(append(slices.Clone(cur[:i]), cur[i+size:]...)) {
					changed = true
					break sizes
				}
			}
		}
	}
	return cur, curF
}

// fail shrinks a failing walk, saves it, and fails the test once.
func (c *checker[S]) fail(what string, steps []model.Step, f *Failure) {
	c.t.Helper()
	n := len(steps)
	steps, f = c.shrink(steps, f)
	var b strings.Builder
	fmt.Fprintf(&b, "mbt: %s failed", what)
	if len(steps) < n {
		fmt.Fprintf(&b, "; shrunk from %d to %d %s", n, len(steps), text.Plural(len(steps), "step", "steps"))
	}
	b.WriteString(":\n")
	f.Rerun = ""
	f.total = len(steps) // the walk as reported ends with the failing step
	c.explain(steps, f)
	b.WriteString(f.Error())
	fmt.Fprintf(&b, "\nrerun: %s%s -mbt.seed=%d", envPrefix(c.env), rerun(c.t.Name(), c.opts.Options.Package), c.opts.Seed)
	if path, err := c.save(steps); err != nil {
		fmt.Fprintf(&b, "\nthe walk was not saved: %v", err)
	} else if path != "" {
		fmt.Fprintf(&b, "\nthe walk is saved in %s; the next run replays it first", path)
	}
	c.t.Fatal(b.String())
}

// explain runs a failing walk again with the implementation observed
// after every step, on a fresh adapter, when steps before the failure went
// unobserved, and notes what that shows (see Runner.explainUnobserved).
func (c *checker[S]) explain(steps []model.Step, f *Failure) {
	hidden := false
	for _, st := range steps[:max(f.Index-1, 0)] {
		hidden = hidden || st.NoView
	}
	if !hidden || f.Err != nil {
		return
	}
	tb := &walkTB{TB: c.t}
	defer tb.cleanup()
	r, err := NewRunner(c.m, c.newImpl(tb), c.opts.Options)
	if err != nil {
		return
	}
	r.explainUnobserved(c.t.Context(), f, steps)
}

// savedWalk is a failing walk as saved under testdata/mbt.
type savedWalk struct {
	Model string      `json:"model"`
	Seed  int64       `json:"seed"`
	Steps []savedStep `json:"steps"`
}

type savedStep struct {
	Action  string            `json:"action"`
	Args    []json.RawMessage `json:"args,omitempty"`
	Refused bool              `json:"refused,omitempty"`
	NoView  bool              `json:"noview,omitempty"`
}

// failDir is where the failing walks of the test are saved.
func (c *checker[S]) failDir() string {
	name := strings.NewReplacer("/", "_", "\\", "_", ":", "_").Replace(c.t.Name())
	return filepath.Join("testdata", "mbt", name)
}

// save writes steps under testdata/mbt/<Test>/ and returns the file's
// path, or "" with -mbt.nofailfile.
func (c *checker[S]) save(steps []model.Step) (string, error) {
	if *flagNoFailFile {
		return "", nil
	}
	w := savedWalk{Model: c.m.Name, Seed: c.opts.Seed}
	for _, st := range steps {
		ss := savedStep{Action: st.Action, Refused: st.Refused, NoView: st.NoView}
		for _, a := range st.Args {
			raw, err := json.Marshal(a)
			if err != nil {
				return "", fmt.Errorf("encode %v: %w", st, err)
			}
			ss.Args = append(ss.Args, raw)
		}
		w.Steps = append(w.Steps, ss)
	}
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return "", err
	}
	data = append(data, '\n')
	sum := sha256.Sum256(data)
	dir := c.failDir()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("walk-%x.json", sum[:4]))
	return path, os.WriteFile(path, data, 0o666)
}

// replaySaved runs the walks saved for the test, and fails it at the
// first that fails. It reports whether the test failed.
func (c *checker[S]) replaySaved() bool {
	c.t.Helper()
	files, _ := filepath.Glob(filepath.Join(c.failDir(), "walk-*.json"))
	slices.Sort(files)
	for _, path := range files {
		steps, err := c.load(path)
		if err != nil {
			c.t.Logf("mbt: %s: %v; skipped (delete it if the model changed)", path, err)
			continue
		}
		f, err := c.exec(steps)
		if err != nil {
			c.t.Fatalf("mbt: the saved walk %s: %v", path, err)
		}
		if f != nil {
			c.fail("the saved walk "+path, steps[:f.Index], f)
			return true
		}
	}
	return false
}

// load reads a saved walk, decoding each argument into the type of the
// parameter it is for.
func (c *checker[S]) load(path string) ([]model.Step, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w savedWalk
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, err
	}
	var steps []model.Step
	for i, ss := range w.Steps {
		st := model.Step{Action: ss.Action, Refused: ss.Refused, NoView: ss.NoView}
		if ss.Action == ResetAction && len(ss.Args) == 0 {
			steps = append(steps, st)
			continue
		}
		a := c.m.Action(ss.Action)
		if a == nil || len(a.Params) != len(ss.Args) {
			return nil, fmt.Errorf("step %d: model %s has no action %s with %d %s", i+1, c.m.Name, ss.Action, len(ss.Args), text.Plural(len(ss.Args), "argument", "arguments"))
		}
		for j, raw := range ss.Args {
			v, ok := argFromJSON(a.Params[j], raw)
			if !ok {
				return nil, fmt.Errorf("step %d: %s: argument %s = %s is not a value of the model", i+1, ss.Action, a.Params[j].Name, raw)
			}
			st.Args = append(st.Args, v)
		}
		steps = append(steps, st)
	}
	if !c.valid(steps) {
		return nil, errors.New("it is no longer a walk of the model")
	}
	return steps, nil
}

// argFromJSON finds the domain value, or value just outside it, of p whose
// JSON encoding is raw.
func argFromJSON(p model.Param, raw json.RawMessage) (any, bool) {
	for _, vs := range [][]any{p.Values, p.Invalid} {
		for _, v := range vs {
			if b, err := json.Marshal(v); err == nil && string(b) == string(raw) {
				return v, true
			}
		}
	}
	return nil, false
}

// walkTB is the testing.TB an adapter constructor gets for one run of a
// walk: Cleanup functions run when the run ends; everything else is the
// test's. A constructor that gives up (Fatal, FailNow, Skip) ends the whole
// Check, after the run's cleanups.
type walkTB struct {
	testing.TB
	cleanups []func()
}

// Cleanup registers f to run when the run of the walk ends.
func (w *walkTB) Cleanup(f func()) { w.cleanups = append(w.cleanups, f) }

// Fatal runs the walk's cleanups and fails the test.
func (w *walkTB) Fatal(args ...any) { w.cleanup(); w.TB.Fatal(args...) }

// Fatalf runs the walk's cleanups and fails the test.
func (w *walkTB) Fatalf(format string, args ...any) { w.cleanup(); w.TB.Fatalf(format, args...) }

// FailNow runs the walk's cleanups and fails the test.
func (w *walkTB) FailNow() { w.cleanup(); w.TB.FailNow() }

// Skip runs the walk's cleanups and skips the test.
func (w *walkTB) Skip(args ...any) { w.cleanup(); w.TB.Skip(args...) }

// Skipf runs the walk's cleanups and skips the test.
func (w *walkTB) Skipf(format string, args ...any) { w.cleanup(); w.TB.Skipf(format, args...) }

// SkipNow runs the walk's cleanups and skips the test.
func (w *walkTB) SkipNow() { w.cleanup(); w.TB.SkipNow() }

func (w *walkTB) cleanup() {
	for i := len(w.cleanups) - 1; i >= 0; i-- {
		w.cleanups[i]()
	}
	w.cleanups = nil
}
