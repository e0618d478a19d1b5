package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mbtgo/mbt/internal/driver"

	"github.com/mbtgo/mbt/internal/suggest"
)

// usageError is a bad command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exploreCmd holds the flags of mbt explore.
type exploreCmd struct {
	fs         *flag.FlagSet
	flags      driver.Flags
	driverOnly bool
	exec       string
}

func exploreFlags() *exploreCmd {
	c := &exploreCmd{fs: flag.NewFlagSet("explore", flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	c.flags.Define(c.fs)
	c.fs.BoolVar(&c.driverOnly, "driver-only", false, "print the generated driver program and exit")
	c.fs.StringVar(&c.exec, "exec", "", "run the prebuilt driver `program` instead of building one")
	return c
}

const exploreUsage = `usage: mbt explore [flags] <package> [-model Name] [-set Name=Value ...]

Explore builds the model that a function of the Go package returns, with the
constants of -set, and explores every state it can reach: it checks the
invariants and action properties in each, reports deadlocks and panics,
and prints the shortest counterexample it finds, the counts and the
coverage of the actions. Flags may come before or after the package.

Limits and Ctrl-C hold while the model function runs, too. Memory is what
the driver process holds (its resident set on Linux).

Exit codes: 0 no violation (even if a limit stopped the exploration, or
the building of the model), 1 violation, 2 usage error, 3 load, build or
model error.

Flags:
`

func (c *exploreCmd) printUsage(w io.Writer) {
	printUsage(w, exploreUsage, c.fs, "mbt explore ./examples/twophase -set RM=4", "mbt explore ./examples/twophase -set Buggy=true -json")
}

// explore runs mbt explore.
func explore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := exploreFlags()
	pos, err := parseInterspersed(c.fs, args)
	if errors.Is(err, flag.ErrHelp) {
		c.printUsage(stdout)
		return exitOK
	}
	if err == nil {
		_, err = c.flags.Options()
	}
	if err == nil && len(pos) > 1 {
		err = fmt.Errorf("want one package, got %d: %s", len(pos), strings.Join(pos, " "))
	}
	if err == nil && len(pos) == 0 && c.exec == "" {
		err = errors.New("missing package, as in: mbt explore ./examples/twophase")
	}
	if err != nil {
		fmt.Fprintf(stderr, "mbt explore: %v\nrun 'mbt help explore' for usage\n", err)
		return exitUsage
	}
	pattern := ""
	if len(pos) == 1 {
		pattern = pos[0]
	}
	driverArgs := append([]string{"-driver.protocol=" + strconv.Itoa(driver.Protocol), "-driver.package=" + pattern}, c.flags.Args()...)
	if c.exec != "" {
		code, err := runDriver(ctx, c.exec, driverArgs, stdout, stderr)
		return finish(stderr, code, err)
	}

	t, err := load(ctx, pattern)
	if err != nil {
		return fail(ctx, stderr, "explore", err)
	}
	if err := checkModel(t, c.flags.Model); err != nil {
		return fail(ctx, stderr, "explore", err)
	}
	src, err := driverSource(t)
	if err != nil {
		return fail(ctx, stderr, "explore", err)
	}
	if c.driverOnly {
		stdout.Write(src)
		return exitOK
	}
	bin, cleanup, err := buildDriver(ctx, t, src)
	if err != nil {
		return fail(ctx, stderr, "explore", err)
	}
	defer cleanup()
	code, err := runDriver(ctx, bin, driverArgs, stdout, stderr)
	return finish(stderr, code, err)
}

// checkModel checks -model against the model functions of t.
func checkModel(t *target, name string) error {
	names := make([]string, len(t.Models))
	for i, m := range t.Models {
		names[i] = m.Name
		if m.Name == name {
			return nil
		}
	}
	switch {
	case name == "" && len(names) == 1:
		return nil
	case name == "":
		return &usageError{fmt.Sprintf("%s has %d model functions; choose one with -model: %s", t.Pattern, len(names), strings.Join(names, ", "))}
	}
	msg := fmt.Sprintf("-model %s: %s has no model function %s", name, t.Pattern, name)
	if s := suggest.Closest(name, names); s != "" {
		return &usageError{fmt.Sprintf("%s (did you mean %q?)", msg, s)}
	}
	return &usageError{fmt.Sprintf("%s; its models: %s", msg, strings.Join(names, ", "))}
}

// fail reports err of the command cmd (explore, gen) and returns its exit
// code.
func fail(ctx context.Context, stderr io.Writer, cmd string, err error) int {
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "mbt: interrupted")
		return exitError
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "mbt %s: %v\n", cmd, err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "mbt: %v\n", err)
	return exitError
}

// finish reports an error from running the driver.
func finish(stderr io.Writer, code int, err error) int {
	if err != nil {
		fmt.Fprintf(stderr, "mbt: %v\n", err)
	}
	return code
}

// parseInterspersed parses flags that may come before and after the
// positional arguments, which it returns. "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
