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
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/internal/driver"
)

// driverPkgPath is the import path of package driver, which the driver
// program imports; its RegisterAdapter says what an adapter constructor
// gets in mbt replay.
const driverPkgPath = "github.com/mbtgo/mbt/driver"

// replayCmd holds the flags of mbt replay.
type replayCmd struct {
	fs    *flag.FlagSet
	flags driver.ReplayFlags
}

func replayFlags() *replayCmd {
	c := &replayCmd{fs: flag.NewFlagSet("replay", flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	c.flags.Define(c.fs)
	return c
}

const replayUsage = `usage: mbt replay [flags] <package> <trace file> [-model Name] [-set Name=Value ...] [-adapter Func]

Replay reads a trace that TLC, Apalache or Quint wrote (TLC's text output
or -dumpTrace json, ITF JSON), decodes its states into the state type of
the model that a function of the Go package returns (the state struct's
tla:"name" tags name the TLA+ variables), and finds for each state the step
of the model that leads there, checking the action the trace names. It
prints the steps and says whether the trace is a behavior of the model, or
at which state it leaves it and why. As explore does, it checks the
model's invariants and action properties on the trace, reports a trace
that ends in a deadlock, and reports a panic in the model's code. With
-adapter it then drives the steps through the implementation, as a
generated test would, and reports where the implementation agrees with
the trace and where it does not.

Exit codes: 0 the trace is a behavior of the model and violates none of
its checks (and the implementation follows it), 1 it is not, or it
violates one (or the implementation diverges), 2 usage error or a trace
file that does not parse, 3 load, build or model error.

Flags:
`

func (c *replayCmd) printUsage(w io.Writer) {
	printUsage(w, replayUsage, c.fs, "mbt replay ./examples/twophase TwoPhase.out.txt -set Buggy=true", "mbt replay -adapter NewHTTPAdapter ./examples/bank bank.itf.json")
}

// replayMain runs mbt replay.
func replayMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := replayFlags()
	pos, err := parseInterspersed(c.fs, args)
	if errors.Is(err, flag.ErrHelp) {
		c.printUsage(stdout)
		return exitOK
	}
	f := &c.flags
	if err == nil {
		err = f.Check()
	}
	switch {
	case err != nil:
	case len(pos) < 2:
		err = errors.New("want a package and a trace file, as in: mbt replay ./examples/twophase TwoPhase.out.txt")
	case len(pos) > 2:
		err = fmt.Errorf("want a package and a trace file, got %d arguments: %s", len(pos), strings.Join(pos, " "))
	}
	if err != nil {
		fmt.Fprintf(stderr, "mbt replay: %v\nrun 'mbt help replay' for usage\n", err)
		return exitUsage
	}
	pattern, file := pos[0], pos[1]
	if fi, err := os.Stat(file); err != nil || fi.IsDir() {
		if err == nil {
			err = fmt.Errorf("%s is a directory", file)
		}
		fmt.Fprintf(stderr, "mbt replay: trace file: %v\n", err)
		return exitUsage
	}
	f.File = file

	var extra []string
	var adapterPath, adapterName string
	if f.Adapter != "" {
		adapterPath, adapterName, err = splitAdapter(f.Adapter)
		if err != nil {
			return fail(ctx, stderr, "replay", err)
		}
		extra = append(extra, driverPkgPath)
		if adapterPath != "" {
			extra = append(extra, adapterPath)
		}
	}
	t, err := load(ctx, pattern, extra...)
	if err != nil {
		return fail(ctx, stderr, "replay", err)
	}
	if err := checkModel(t, f.Model); err != nil {
		return fail(ctx, stderr, "replay", err)
	}
	var src []byte
	if f.Adapter == "" {
		src, err = driverSource(t)
	} else {
		var a adapterFunc
		a, err = resolveReplayAdapter(t, adapterPath, adapterName)
		if err == nil {
			f.AdapterFunc = f.Adapter
			src, err = replayDriverSource(t, a, f.AdapterFunc)
		}
	}
	if err != nil {
		return fail(ctx, stderr, "replay", err)
	}
	bin, cleanup, err := buildDriver(ctx, t, src)
	if err != nil {
		return fail(ctx, stderr, "replay", err)
	}
	defer cleanup()
	driverArgs := []string{"-driver.protocol=" + strconv.Itoa(driver.Protocol), "-driver.command=replay", "-driver.package=" + pattern}
	driverArgs = append(driverArgs, f.Args()...)
	rec := &headWriter{w: stderr}
	code, err := runDriver(ctx, bin, driverArgs, stdout, rec)
	if code == exitUsage && (strings.Contains(rec.head.String(), `not "replay"`) || strings.Contains(rec.head.String(), "flag provided but not defined: -driver.")) {
		fmt.Fprintf(stderr, "mbt: the github.com/mbtgo/mbt that this module requires is older than this mbt command "+
			"(its driver has no mbt replay); update it with go get github.com/mbtgo/mbt@latest, "+
			"or install the mbt command of the same version\n")
		return exitError
	}
	return finish(stderr, code, err)
}

// resolveReplayAdapter checks that the function fn of the package path
// (the model's package when "") exists, is exported, and can make the
// adapter from the testing.TB that mbt replay passes it: a function of one
// parameter that a testing.TB can be passed to, with one result. What it
// gets is read from driver.RegisterAdapter of the mbt the module requires.
func resolveReplayAdapter(t *target, path, fn string) (adapterFunc, error) {
	drv := t.Extra[driverPkgPath]
	if drv == nil || drv.Types == nil || len(drv.Errors) > 0 {
		return adapterFunc{}, &loadError{fmt.Sprintf("-adapter: package %s did not load", driverPkgPath)}
	}
	var param types.Type
	if reg, ok := drv.Types.Scope().Lookup("RegisterAdapter").(*types.Func); ok {
		if sig := reg.Type().(*types.Signature); sig.Params().Len() == 2 {
			if ctor, ok := sig.Params().At(1).Type().(*types.Signature); ok && ctor.Params().Len() == 1 &&
				types.TypeString(ctor.Params().At(0).Type(), nil) == "testing.TB" {
				param = ctor.Params().At(0).Type()
			}
		}
	}
	if param == nil {
		return adapterFunc{}, &loadError{"-adapter: the github.com/mbtgo/mbt that this module requires has no driver.RegisterAdapter for a func(testing.TB), which mbt replay -adapter needs; " +
			"update it with go get github.com/mbtgo/mbt@latest"}
	}
	return findAdapter(t, path, fn, adapterRule{
		param:      param,
		want:       "takes a testing.TB",
		unexported: "the program mbt replay builds cannot call it",
		hint: func(f *types.Func) string {
			if sig := f.Type().(*types.Signature); sig.Params().Len() == 1 && types.TypeString(sig.Params().At(0).Type(), nil) == "*testing.T" {
				return "mbt replay runs the adapter outside go test, where there is no *testing.T: take a testing.TB, or an interface with the methods the constructor uses"
			}
			return ""
		},
	})
}

// replayDriverSource returns the driver program for mbt replay -adapter:
// the program of driverSource, which registers every model function of
// t's package, with the adapter constructor a registered under key.
func replayDriverSource(t *target, a adapterFunc, key string) ([]byte, error) {
	alias := pkgAlias(t)
	adapterAlias, adapterPath := alias, ""
	if a.path != t.ImportPath {
		adapterAlias, adapterPath = a.name, a.path
		if !token.IsIdentifier(adapterAlias) || adapterAlias == "driver" || adapterAlias == "main" || adapterAlias == "testing" || adapterAlias == alias {
			adapterAlias = "adapterpkg"
		}
	}
	head := fmt.Sprintf("// Generated by: mbt replay -adapter %s %s\n\n", key, t.Pattern) +
		"// This program is the driver that mbt builds to replay traces on the\n" +
		fmt.Sprintf("// models of package %s and through the adapter %s.\n", t.ImportPath, key)
	extra := fmt.Sprintf("\t\tdriver.RegisterAdapter(%s, func(t testing.TB) any { return %s.%s(t) }),\n", strconv.Quote(key), adapterAlias, a.fn)
	return writeDriver(t, head, adapterAlias, adapterPath, extra)
}
