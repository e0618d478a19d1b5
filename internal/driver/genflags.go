package driver

import (
	"errors"
	"flag"
	"fmt"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/internal/traceformat"
)

// DefaultCriteria are the selection criteria of mbt gen without -criteria.
const DefaultCriteria = "transitions,boundaries,conditions,invalid,reset"

// GenFlags are the flags of `mbt gen`. The mbt command parses and checks
// them with the same definitions as the driver, resolves -adapter and -o
// (which need the package's types and directory) into a [GenTarget], and
// passes both on with [GenFlags.Args] and [GenTarget.Args].
type GenFlags struct {
	// Model names the model function; it may be empty when the package
	// has one.
	Model string
	// Set holds the -set Name=Value assignments of constants, in order.
	Set []string
	// Adapter names the adapter constructor: Func in the model's package,
	// or importpath.Func. The mbt command resolves it.
	Adapter string
	// Criteria is the comma-separated list of selection criteria
	// (gen.ParseCriteria).
	Criteria string
	// TestSteps, MaxTests, MaxSteps, Seed, Walks and WalkSteps are the
	// options of gen.Select; 0 means its default.
	TestSteps int
	MaxTests  int
	MaxSteps  int
	Seed      int64
	Walks     int
	WalkSteps int
	// Out is the file to write, relative to the package's directory; ""
	// means <model>_mbt_test.go. The mbt command resolves it.
	Out string
	// Package is the package clause of the generated file; "" means the
	// model's package name with _test.
	Package string
	// Check compares the file with what would be generated instead of
	// writing it.
	Check bool
	// Scaffold writes an adapter skeleton instead of the tests.
	Scaffold bool
	// Trace is a TLA+ trace file (TLC's output, -dumpTrace json, or ITF)
	// whose steps make the one test to write, instead of the tests that
	// the criteria select; "" selects them. A relative path is relative
	// to the working directory.
	Trace string
	// Format is the trace's format, itf, tlc or tlc-json; "" detects it.
	Format string
	// TraceIndex picks one trace, from 1, of a file that holds several;
	// 0 means the only one.
	TraceIndex int
}

// Define registers the flags on fs.
func (f *GenFlags) Define(fs *flag.FlagSet) {
	if f.Criteria == "" {
		f.Criteria = DefaultCriteria
	}
	fs.StringVar(&f.Model, "model", f.Model, "generate tests for the model function `name` (needed when the package has several)")
	fs.Var((*setFlag)(&f.Set), "set", "set the constant (`Name=Value`) of the model's config; repeatable")
	fs.StringVar(&f.Adapter, "adapter", f.Adapter, "the adapter constructor: `Func` in the model's package, or importpath.Func; a func(t T) returning the adapter, where T accepts a *testing.T")
	fs.StringVar(&f.Criteria, "criteria", f.Criteria, "comma-separated selection `criteria`: states, transitions, actions, pairs, boundaries, conditions, invalid, reset, counterexamples, random")
	fs.IntVar(&f.MaxTests, "max-tests", f.MaxTests, "at most this many `tests`, chosen by what they add to the coverage (0: 400; -1: no limit)")
	fs.IntVar(&f.MaxSteps, "max-steps", f.MaxSteps, "at most this many `steps` in all the tests together, chosen by what they add to the coverage (0: no limit)")
	fs.IntVar(&f.TestSteps, "test-steps", f.TestSteps, "longest test a tour makes before it starts a new one (0: 50, or 4 times the depth of the state graph)")
	fs.Int64Var(&f.Seed, "seed", f.Seed, "seed of the random criterion's walks (0: 1)")
	fs.IntVar(&f.Walks, "walks", f.Walks, "number of walks of the random criterion (0: 10)")
	fs.IntVar(&f.WalkSteps, "walk-steps", f.WalkSteps, "length of each walk of the random criterion (0: 20)")
	fs.StringVar(&f.Out, "o", f.Out, "the `file` to write, relative to the package's directory (default <model>_mbt_test.go)")
	fs.StringVar(&f.Package, "package", f.Package, "package `name` of the generated file (default the model's package name with _test)")
	fs.BoolVar(&f.Check, "check", f.Check, "write nothing: exit 1 if the file is not what mbt gen would write")
	fs.BoolVar(&f.Scaffold, "scaffold", f.Scaffold, "write an adapter skeleton, <model>_adapter.go, instead of the tests; never overwrites")
	fs.StringVar(&f.Trace, "trace", f.Trace, "write one test that follows the TLA+ trace in `file` (TLC output, -dumpTrace json or ITF) instead of selecting tests; excludes -criteria")
	fs.StringVar(&f.Format, "format", f.Format, "the -trace file's `format`: itf, tlc or tlc-json (default: detect it)")
	fs.IntVar(&f.TraceIndex, "trace-index", f.TraceIndex, "with -trace, use the trace `number` n (from 1) of a file with several")
}

// Options checks the flags and returns the options of gen.Select they
// describe.
func (f *GenFlags) Options() (gen.Options, error) {
	crit, err := gen.ParseCriteria(f.Criteria)
	if err != nil {
		return gen.Options{}, fmt.Errorf("-criteria: %w", err)
	}
	if err := checkNonNegative(
		intFlag{"max-steps", int64(f.MaxSteps)}, intFlag{"test-steps", int64(f.TestSteps)}, intFlag{"walks", int64(f.Walks)}, intFlag{"walk-steps", int64(f.WalkSteps)},
	); err != nil {
		return gen.Options{}, err
	}
	if f.MaxTests < -1 {
		return gen.Options{}, errors.New("-max-tests: want a number of tests, or -1 for no limit")
	}
	if err := checkSets(f.Set); err != nil {
		return gen.Options{}, err
	}
	if f.Package != "" && !token.IsIdentifier(f.Package) {
		return gen.Options{}, fmt.Errorf("-package %q: not a Go package name", f.Package)
	}
	if f.Check && f.Scaffold {
		return gen.Options{}, errors.New("-check and -scaffold do not go together: -scaffold writes an adapter skeleton once, -check checks the generated tests")
	}
	switch {
	case f.Format != "" && !slices.Contains(traceformat.Names(), f.Format):
		return gen.Options{}, fmt.Errorf("-format %s: want one of %s", f.Format, strings.Join(traceformat.Names(), ", "))
	case f.TraceIndex < 0:
		return gen.Options{}, errors.New("-trace-index: must not be negative")
	case f.Trace == "" && f.Format != "":
		return gen.Options{}, errors.New("-format is the format of the -trace file; name the file with -trace")
	case f.Trace == "" && f.TraceIndex != 0:
		return gen.Options{}, errors.New("-trace-index picks a trace of the -trace file; name the file with -trace")
	case f.Trace != "" && f.Scaffold:
		return gen.Options{}, errors.New("-trace and -scaffold do not go together: -scaffold writes an adapter skeleton, -trace a test")
	case f.Trace != "" && f.Criteria != DefaultCriteria:
		return gen.Options{}, errors.New("-trace and -criteria do not go together: -trace writes the trace's steps as the one test, instead of selecting tests")
	}
	return gen.Options{Criteria: crit, TestSteps: f.TestSteps, MaxTests: f.MaxTests, MaxSteps: f.MaxSteps,
		Seed: f.Seed, Walks: f.Walks, WalkSteps: f.WalkSteps}, nil
}

// Args renders the flags that differ from their defaults as command-line
// arguments that [GenFlags.Define] parses back.
func (f *GenFlags) Args() []string {
	var args []string
	add := func(name, value string) { args = append(args, "-"+name+"="+value) }
	for _, s := range []struct{ name, v string }{{"model", f.Model}, {"adapter", f.Adapter}} {
		if s.v != "" {
			add(s.name, s.v)
		}
	}
	for _, s := range f.Set {
		add("set", s)
	}
	if f.Criteria != "" && f.Criteria != DefaultCriteria {
		add("criteria", f.Criteria)
	}
	for _, c := range []struct {
		name string
		v    int64
	}{
		{"max-tests", int64(f.MaxTests)}, {"max-steps", int64(f.MaxSteps)}, {"test-steps", int64(f.TestSteps)},
		{"seed", f.Seed}, {"walks", int64(f.Walks)}, {"walk-steps", int64(f.WalkSteps)},
	} {
		if c.v != 0 {
			add(c.name, strconv.FormatInt(c.v, 10))
		}
	}
	for _, s := range []struct{ name, v string }{{"o", f.Out}, {"package", f.Package}, {"trace", f.Trace}, {"format", f.Format}} {
		if s.v != "" {
			add(s.name, s.v)
		}
	}
	if f.TraceIndex != 0 {
		add("trace-index", strconv.Itoa(f.TraceIndex))
	}
	for _, b := range []struct {
		name string
		v    bool
	}{{"check", f.Check}, {"scaffold", f.Scaffold}} {
		if b.v {
			add(b.name, "true")
		}
	}
	return args
}

// GenTarget is what the mbt command works out for mbt gen from the
// package's types and directory, and passes to the driver as -driver.*
// flags: where the package is, the file to write, and the adapter.
type GenTarget struct {
	// PkgPath and PkgName are the import path and the package clause of
	// the model's package.
	PkgPath, PkgName string
	// PkgDir is the package's directory, absolute.
	PkgDir string
	// Dir is the package's directory relative to the module root, such as
	// ./examples/bank: the rerun commands of the generated tests use it.
	Dir string
	// Out is the absolute path of the file to write; "" means
	// <model>_mbt_test.go in PkgDir.
	Out string
	// AdapterPath, AdapterName and AdapterFunc locate the adapter
	// constructor: its package's import path and package clause, and the
	// function's name.
	AdapterPath, AdapterName, AdapterFunc string
	// Command is the mbt gen command that regenerates the file, for its
	// header.
	Command string
}

// fields lists the -driver.* flags of t.
func (t *GenTarget) fields() []struct {
	name, usage string
	p           *string
} {
	return []struct {
		name, usage string
		p           *string
	}{
		{"driver.pkgpath", "import `path` of the model's package", &t.PkgPath},
		{"driver.pkgname", "package `name` of the model's package", &t.PkgName},
		{"driver.pkgdir", "absolute `directory` of the model's package", &t.PkgDir},
		{"driver.dir", "the package's `directory` relative to the module root", &t.Dir},
		{"driver.out", "absolute path of the `file` to write", &t.Out},
		{"driver.adapterpath", "import `path` of the adapter constructor's package", &t.AdapterPath},
		{"driver.adaptername", "package `name` of the adapter constructor's package", &t.AdapterName},
		{"driver.adapterfunc", "`name` of the adapter constructor", &t.AdapterFunc},
		{"driver.cmdline", "the `command` that regenerates the file", &t.Command},
	}
}

// Define registers the -driver.* flags of t on fs.
func (t *GenTarget) Define(fs *flag.FlagSet) {
	for _, f := range t.fields() {
		fs.StringVar(f.p, f.name, *f.p, f.usage)
	}
}

// Args renders t as -driver.* arguments that [GenTarget.Define] parses back.
func (t *GenTarget) Args() []string {
	var args []string
	for _, f := range t.fields() {
		if *f.p != "" {
			args = append(args, "-"+f.name+"="+*f.p)
		}
	}
	return args
}

// check reports what the driver cannot do without.
func (t *GenTarget) check(scaffold bool) error {
	var missing []string
	need := []struct{ name, v string }{{"pkgpath", t.PkgPath}, {"pkgname", t.PkgName}, {"pkgdir", t.PkgDir}}
	if !scaffold {
		need = append(need, []struct{ name, v string }{{"adapterpath", t.AdapterPath}, {"adaptername", t.AdapterName}, {"adapterfunc", t.AdapterFunc}}...)
	}
	for _, n := range need {
		if n.v == "" {
			missing = append(missing, "-driver."+n.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s: run this program through mbt gen", strings.Join(missing, ", "))
	}
	return nil
}
