package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"

	"github.com/mbtgo/mbt/internal/suggest"
)

// Exit codes; see the manual in doc.go.
const (
	exitOK        = 0 // no violation (the exploration may be incomplete)
	exitViolation = 1 // a property failed; for gen -check, a stale file
	exitUsage     = 2 // bad command line
	exitError     = 3 // the model could not be loaded, built or run
)

func main() {
	log.SetPrefix("mbt: ")
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `mbt explores state-machine models written in Go, generates Go tests
from them, and replays TLA+ traces on them.

Usage:

	mbt <command> [arguments]

Commands:

	explore   explore every reachable state of a model in a Go package
	gen       write a model's generated Go test file
	replay    replay a TLC, Apalache or Quint trace on a model, and through
	          the implementation
	trace     print a TLC, Apalache or Quint trace, or convert it to ITF
	version   print mbt's version
	help      print this help, or a command's: mbt help explore

Examples:

	mbt explore ./examples/twophase -set RM=4
	mbt gen -adapter NewHTTPAdapter ./examples/bank
	mbt replay ./examples/twophase TwoPhase.out.txt -set Buggy=true

The manual: go doc github.com/mbtgo/mbt/cmd/mbt
`

// commands are the subcommands, for did-you-mean.
var commands = []string{"explore", "gen", "replay", "trace", "version", "help"}

// run runs mbt with the arguments after the program name and returns the
// exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "explore":
		return explore(ctx, rest, stdout, stderr)
	case "gen":
		return genMain(ctx, rest, stdout, stderr)
	case "replay":
		return replayMain(ctx, rest, stdout, stderr)
	case "trace":
		return traceMain(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "mbt %s %s %s/%s\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			switch rest[0] {
			case "explore":
				exploreFlags().printUsage(stdout)
				return exitOK
			case "gen":
				genFlags().printUsage(stdout)
				return exitOK
			case "replay":
				replayFlags().printUsage(stdout)
				return exitOK
			case "trace":
				traceFlags().printUsage(stdout)
				return exitOK
			}
		}
		if len(rest) > 0 && rest[0] != "help" && rest[0] != "version" {
			return unknown(stderr, rest[0])
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		return unknown(stderr, cmd)
	}
}

// unknown reports an unknown command.
func unknown(stderr io.Writer, cmd string) int {
	msg := fmt.Sprintf("mbt: unknown command %q", cmd)
	if s := suggest.Closest(cmd, commands); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	fmt.Fprintf(stderr, "%s\nrun 'mbt help' for usage\n", msg)
	return exitUsage
}

// version returns the module version mbt was built from, or (devel).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// printUsage writes a command's usage text, its flags with their defaults,
// and example command lines, and leaves fs writing nowhere.
func printUsage(w io.Writer, usage string, fs *flag.FlagSet, examples ...string) {
	fmt.Fprint(w, usage)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprint(w, "\nExamples:\n\n")
	for _, e := range examples {
		fmt.Fprintf(w, "\t%s\n", e)
	}
}
