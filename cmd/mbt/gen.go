package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/internal/driver"

	"github.com/mbtgo/mbt/internal/suggest"
)

// genCmd holds the flags of mbt gen.
type genCmd struct {
	fs    *flag.FlagSet
	flags driver.GenFlags
}

func genFlags() *genCmd {
	c := &genCmd{fs: flag.NewFlagSet("gen", flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	c.flags.Define(c.fs)
	return c
}

const genUsage = `usage: mbt gen [flags] -adapter Func <package> [-model Name] [-set Name=Value ...]
       mbt gen -trace file [-format f] [-trace-index n] -adapter Func <package> [...]
       mbt gen -scaffold <package> [-model Name] [-set Name=Value ...]

Gen builds the model that a function of the Go package returns, with the
constants of -set, selects test paths from its state graph by the
criteria of -criteria, and writes them as a Go test file in the package's
directory, <model>_mbt_test.go by default. Each test drives its steps
through the model and through the adapter that -adapter returns, and
fails at the first step where they disagree. Run it from a go:generate
line in the package:

	//go:generate go tool mbt gen -adapter NewHTTPAdapter .

-trace writes one test instead, of criterion trace, that follows a TLA+
trace that TLC, Apalache or Quint wrote (as mbt replay reads it): gen
decodes its states, infers the model's step between each two, and writes
those steps. A trace that is not a behavior of the model is an error
(exit 1), and nothing is written. -trace excludes -criteria.

-check writes nothing and exits 1 when the file is not what gen would
write. -scaffold writes an adapter skeleton to fill in,
<model>_adapter.go, once.

Exit codes: 0 written (or up to date), 1 stale (with -check) or a -trace
that does not fit the model, 2 usage error, 3 load, build or model error.

Flags:
`

func (c *genCmd) printUsage(w io.Writer) {
	printUsage(w, genUsage, c.fs, "mbt gen -adapter NewHTTPAdapter -set Max=3 ./examples/bank", "mbt gen -check -adapter NewHTTPAdapter -set Max=3 ./examples/bank", "mbt gen -trace TwoPhase.out.txt -adapter NewAdapter ./examples/twophase", "mbt gen -scaffold ./examples/bank")
}

// genMain runs mbt gen.
func genMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := genFlags()
	pos, err := parseInterspersed(c.fs, args)
	if errors.Is(err, flag.ErrHelp) {
		c.printUsage(stdout)
		return exitOK
	}
	f := &c.flags
	if err == nil {
		_, err = f.Options()
	}
	switch {
	case err != nil:
	case len(pos) > 1:
		err = fmt.Errorf("want one package, got %d: %s", len(pos), strings.Join(pos, " "))
	case len(pos) == 0:
		err = errors.New("missing package, as in: mbt gen -adapter NewHTTPAdapter ./examples/bank (. in a go:generate line)")
	case f.Scaffold && f.Adapter != "":
		err = errors.New("-scaffold writes an adapter skeleton; generate the tests with -adapter once it is filled in")
	case !f.Scaffold && f.Adapter == "":
		err = errors.New("missing -adapter: name the function that returns the adapter, as in -adapter NewHTTPAdapter, " +
			"or write a skeleton with -scaffold")
	case f.Trace != "" && flagSet(c.fs, "criteria"):
		err = errors.New("-trace and -criteria do not go together: -trace writes the trace's steps as the one test, instead of selecting tests")
	case f.Out != "" && !strings.HasSuffix(f.Out, "_test.go"):
		err = fmt.Errorf("-o %s: the generated file is a test: its name must end in _test.go", f.Out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mbt gen: %v\nrun 'mbt help gen' for usage\n", err)
		return exitUsage
	}
	pattern := pos[0]
	if f.Trace != "" {
		if fi, err := os.Stat(f.Trace); err != nil || fi.IsDir() {
			if err == nil {
				err = fmt.Errorf("%s is a directory", f.Trace)
			}
			fmt.Fprintf(stderr, "mbt gen: -trace: %v\n", err)
			return exitUsage
		}
	}

	var extra []string
	var adapterPath, adapterFunc string
	if !f.Scaffold {
		adapterPath, adapterFunc, err = splitAdapter(f.Adapter)
		if err != nil {
			return fail(ctx, stderr, "gen", err)
		}
		extra = append(extra, "testing")
		if adapterPath != "" {
			extra = append(extra, adapterPath)
		}
	}
	t, err := load(ctx, pattern, extra...)
	if err != nil {
		return fail(ctx, stderr, "gen", err)
	}
	if err := checkModel(t, f.Model); err != nil {
		return fail(ctx, stderr, "gen", err)
	}
	if !t.MainModule {
		return fail(ctx, stderr, "gen", &usageError{fmt.Sprintf("%s (%s) is not in the main module: mbt gen writes into the package's directory; "+
			"run it in the package's own module", pattern, t.ImportPath)})
	}
	gt := driver.GenTarget{PkgPath: t.ImportPath, PkgName: t.Name, PkgDir: t.Dir, Dir: moduleRelDir(t)}
	filePkg := f.Package
	if filePkg == "" {
		filePkg = t.Name + "_test"
	}
	if filePkg != t.Name && filePkg != t.Name+"_test" {
		return fail(ctx, stderr, "gen", &usageError{fmt.Sprintf("-package %s: the file goes in the directory of package %s, so its package must be %s or %s_test",
			filePkg, t.Name, t.Name, t.Name)})
	}
	if f.Out != "" {
		out := f.Out
		if !filepath.IsAbs(out) {
			out = filepath.Join(t.Dir, out)
		}
		out = filepath.Clean(out)
		if filepath.Dir(out) != filepath.Clean(t.Dir) {
			return fail(ctx, stderr, "gen", &usageError{fmt.Sprintf("-o %s: the file must be in the package's directory, %s (a relative -o is relative to it)",
				f.Out, relPos(t.Dir))})
		}
		gt.Out = out
	}
	if !f.Scaffold {
		a, err := resolveAdapter(t, adapterPath, adapterFunc, filePkg)
		if err != nil {
			return fail(ctx, stderr, "gen", err)
		}
		gt.AdapterPath, gt.AdapterName, gt.AdapterFunc = a.path, a.name, a.fn
	}
	gt.Command = commandLine(c.fs, args, gt.Dir, t.Dir)

	src, err := driverSource(t)
	if err != nil {
		return fail(ctx, stderr, "gen", err)
	}
	bin, cleanup, err := buildDriver(ctx, t, src)
	if err != nil {
		return fail(ctx, stderr, "gen", err)
	}
	defer cleanup()
	driverArgs := []string{"-driver.protocol=" + strconv.Itoa(driver.Protocol), "-driver.command=gen", "-driver.package=" + pattern}
	driverArgs = append(driverArgs, gt.Args()...)
	driverArgs = append(driverArgs, f.Args()...)
	rec := &headWriter{w: stderr}
	code, err := runDriver(ctx, bin, driverArgs, stdout, rec)
	if code == exitUsage && strings.Contains(rec.head.String(), "flag provided but not defined: -driver.") {
		// A driver of protocol 1 fails on the flags of mbt gen before it
		// checks the protocol.
		fmt.Fprintf(stderr, "mbt: the github.com/mbtgo/mbt that this module requires is older than this mbt command "+
			"(its driver speaks an older protocol than %d, without mbt gen); update it with go get github.com/mbtgo/mbt@latest, "+
			"or install the mbt command of the same version\n", driver.Protocol)
		return exitError
	}
	return finish(stderr, code, err)
}

// headWriter passes writes on to w and keeps the first 4 KiB.
type headWriter struct {
	w    io.Writer
	head strings.Builder
}

func (h *headWriter) Write(p []byte) (int, error) {
	if n := 4096 - h.head.Len(); n > 0 {
		h.head.Write(p[:min(n, len(p))])
	}
	return h.w.Write(p)
}

// moduleRelDir returns the package's directory relative to its module's
// root, as ./examples/bank or ., so that commands that use it run from the
// module root whatever directory mbt ran in.
func moduleRelDir(t *target) string {
	rel, err := filepath.Rel(t.ModuleDir, t.Dir)
	if err != nil || t.ModuleDir == "" || strings.HasPrefix(rel, "..") {
		return t.Pattern
	}
	if rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

// splitAdapter splits -adapter into an import path ("" for the model's
// package) and a function name.
func splitAdapter(spec string) (path, fn string, err error) {
	i := strings.LastIndex(spec, ".")
	if i < 0 {
		if !token.IsIdentifier(spec) {
			return "", "", &usageError{fmt.Sprintf("-adapter %q: want a function name (NewHTTPAdapter) or importpath.Func", spec)}
		}
		return "", spec, nil
	}
	path, fn = spec[:i], spec[i+1:]
	switch {
	case !token.IsIdentifier(fn) || path == "" || strings.HasSuffix(path, "/"):
		return "", "", &usageError{fmt.Sprintf("-adapter %q: want a function name (NewHTTPAdapter) or importpath.Func", spec)}
	case strings.HasPrefix(path, ".") || filepath.IsAbs(path):
		return "", "", &usageError{fmt.Sprintf("-adapter %s: name the package by its import path, as in example.com/shop/adapters.%s, not by its directory", spec, fn)}
	}
	return path, fn, nil
}

// adapterFunc is a resolved -adapter.
type adapterFunc struct {
	path, name, fn string
}

// resolveAdapter checks that the function fn of the package path (the
// model's package when "") exists and can make the adapter for a
// generated test in package filePkg of the model's directory: a function
// of one parameter that a *testing.T can be passed to, with one result.
func resolveAdapter(t *target, path, fn, filePkg string) (adapterFunc, error) {
	testing := t.Extra["testing"]
	if testing == nil || testing.Types == nil {
		return adapterFunc{}, &loadError{"-adapter: package testing did not load"}
	}
	tObj := testing.Types.Scope().Lookup("T")
	if tObj == nil {
		return adapterFunc{}, &loadError{"-adapter: package testing has no type T"}
	}
	return findAdapter(t, path, fn, adapterRule{
		param:       types.NewPointer(tObj.Type()),
		want:        "takes a *testing.T",
		inPackageOK: func(a adapterFunc) bool { return a.path == t.ImportPath && filePkg == t.Name },
		unexported:  "the generated tests (in package " + filePkg + ") cannot call it",
	})
}

// adapterRule is what an -adapter function must be, for one command.
type adapterRule struct {
	param       types.Type               // a value the constructor must accept
	want        string                   // how to say so: "takes a *testing.T"
	inPackageOK func(adapterFunc) bool   // may an unexported function do?
	unexported  string                   // why it may not: "... cannot call it"
	hint        func(*types.Func) string // more advice when it does not fit, or ""
}

// findAdapter resolves the -adapter function fn of the package path (the
// model's package when "") and checks it against rule: it must exist
// (with "did you mean" and the functions that would fit otherwise), be a
// function, be exported unless rule allows otherwise, and take one
// parameter that rule.param can be passed to, returning one result.
func findAdapter(t *target, path, fn string, rule adapterRule) (adapterFunc, error) {
	spec := fn
	pkg := t.Types
	a := adapterFunc{path: t.ImportPath, name: t.Name, fn: fn}
	if path != "" {
		spec = path + "." + fn
		p := t.Extra[path]
		switch {
		case p == nil && path == t.ImportPath:
		case p == nil:
			return a, &loadError{fmt.Sprintf("-adapter %s: package %s was not loaded", spec, path)}
		case len(p.Errors) > 0:
			msg := packageErrors(path, p)
			if p.Types == nil || p.Name == "" {
				return a, &usageError{fmt.Sprintf("-adapter %s: %s", spec, msg)}
			}
			return a, &loadError{fmt.Sprintf("-adapter %s: %s", spec, msg)}
		default:
			pkg, a.path, a.name = p.Types, p.PkgPath, p.Name
		}
	}
	inPackage := rule.inPackageOK != nil && rule.inPackageOK(a)
	fits := func(f *types.Func) bool {
		sig := f.Type().(*types.Signature)
		return sig.Recv() == nil && sig.TypeParams().Len() == 0 && !sig.Variadic() &&
			sig.Params().Len() == 1 && sig.Results().Len() == 1 &&
			types.AssignableTo(rule.param, sig.Params().At(0).Type())
	}
	var names, fitting []string
	scope := pkg.Scope()
	for _, n := range scope.Names() {
		if f, ok := scope.Lookup(n).(*types.Func); ok && (inPackage || f.Exported()) {
			names = append(names, n)
			if fits(f) {
				fitting = append(fitting, n)
			}
		}
	}
	obj := scope.Lookup(fn)
	if obj == nil {
		msg := fmt.Sprintf("-adapter %s: package %s has no function %s", spec, a.path, fn)
		if s := suggest.Closest(fn, names); s != "" {
			return a, &usageError{fmt.Sprintf("%s (did you mean %q?)", msg, s)}
		}
		if len(fitting) > 0 {
			return a, &usageError{fmt.Sprintf("%s; functions that could make the adapter: %s", msg, strings.Join(fitting, ", "))}
		}
		return a, &usageError{msg + " (mbt looks in the package's non-test files)"}
	}
	f, ok := obj.(*types.Func)
	if !ok {
		return a, &usageError{fmt.Sprintf("-adapter %s: %s is a %s, not a function", spec, fn, objectKind(obj))}
	}
	if !inPackage && !f.Exported() {
		return a, &usageError{fmt.Sprintf("-adapter %s: %s is not exported, so %s", spec, fn, rule.unexported)}
	}
	if !fits(f) {
		qual := func(p *types.Package) string {
			if p == pkg {
				return ""
			}
			return p.Name()
		}
		msg := fmt.Sprintf("-adapter %s: %s is %s; want a function of one parameter that %s, returning the adapter, as in\n"+
			"\tfunc %s(t testing.TB) *Adapter", spec, fn, types.TypeString(f.Type(), qual), rule.want, fn)
		if rule.hint != nil {
			if h := rule.hint(f); h != "" {
				msg += "\n" + h
			}
		}
		return a, &usageError{msg}
	}
	return a, nil
}

// objectKind names the kind of a package-level object.
func objectKind(obj types.Object) string {
	switch obj.(type) {
	case *types.TypeName:
		return "type"
	case *types.Var:
		return "variable"
	case *types.Const:
		return "constant"
	}
	return "name"
}

// commandLine renders the mbt gen command that regenerates the file, for
// its header, so that the same command gives the same line wherever mbt
// runs and however its flags are spelled: the user's flags in their order,
// each as -name value (-name for a true boolean, nothing for a false one),
// without -check; the package as dir (its directory relative to the module
// root); -o relative to the package's directory pkgDir, as a relative -o
// is; -trace relative to pkgDir too, where a go:generate line runs.
func commandLine(fs *flag.FlagSet, args []string, dir, pkgDir string) string {
	parts := []string{"mbt", "gen"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				parts = append(parts, "--", shellQuote(dir))
			}
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			parts = append(parts, shellQuote(dir))
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		fl := fs.Lookup(name)
		if fl == nil {
			continue // parsing accepted every flag; not reached
		}
		if isBoolFlag(fl) {
			if b, err := strconv.ParseBool(value); name != "check" && (!hasValue || err == nil && b) {
				parts = append(parts, "-"+name)
			}
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			value = args[i]
		}
		switch name {
		case "trace":
			// Relative to the working directory.
			if abs, err := filepath.Abs(value); err == nil {
				value = relTo(pkgDir, abs)
			}
		case "o":
			// Relative to the package's directory.
			if !filepath.IsAbs(value) {
				value = filepath.Join(pkgDir, value)
			}
			value = relTo(pkgDir, value)
		}
		parts = append(parts, "-"+name, shellQuote(value))
	}
	return strings.Join(parts, " ")
}

// relTo returns the path path relative to dir, with slashes, or path if
// it has none.
func relTo(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(r)
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// isBoolFlag reports whether f is a boolean flag, which takes no separate
// value.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=,:+@%", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
