package driver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"

	"github.com/mbtgo/mbt/internal/lifeline"
	"github.com/mbtgo/mbt/internal/suggest"
)

// Exit codes of the driver, the same as the mbt command's.
const (
	exitOK        = 0 // no violation, complete or not
	exitViolation = 1 // a property failed
	exitUsage     = 2 // bad flags or constants
	exitError     = 3 // the model could not be built, or an internal error
)

// Entry is a model function registered with the driver. Make one with
// [Register] or one of its variants.
type Entry struct {
	name   string       // the name -model selects, like Model
	fn     string       // the function's full name, like example.com/m/pkg.Model
	config reflect.Type // the config parameter's type; nil without one
	// run builds the model from cfg (the zero Value without a config) and
	// explores it or generates its tests, returning the exit code.
	run func(ctx context.Context, cfg reflect.Value, x *exploration) int
	// adapter, set instead of run, is an adapter constructor for mbt
	// replay ([RegisterAdapter]).
	adapter func(t testing.TB) any
}

// Register registers a model function that takes a config struct, whose
// exported fields are the model's constants, and returns the model or an
// error. name is the function's name, which -model selects.
func Register[C, S any](name string, fn func(C) (*model.Model[S], error)) Entry {
	if fn == nil {
		panic(fmt.Sprintf("driver: Register(%q): the model function is nil", name))
	}
	return newEntry(name, fn, reflect.TypeFor[C](), fn)
}

// RegisterNoConfig registers a model function without constants.
func RegisterNoConfig[S any](name string, fn func() (*model.Model[S], error)) Entry {
	if fn == nil {
		panic(fmt.Sprintf("driver: RegisterNoConfig(%q): the model function is nil", name))
	}
	return newEntry(name, fn, nil, func(struct{}) (*model.Model[S], error) { return fn() })
}

// RegisterNoError registers a model function that takes a config struct
// and cannot fail, such as one that calls dsl's MustBuild.
func RegisterNoError[C, S any](name string, fn func(C) *model.Model[S]) Entry {
	if fn == nil {
		panic(fmt.Sprintf("driver: RegisterNoError(%q): the model function is nil", name))
	}
	return newEntry(name, fn, reflect.TypeFor[C](), func(c C) (*model.Model[S], error) { return fn(c), nil })
}

// RegisterNoConfigNoError registers a model function without constants
// that cannot fail.
func RegisterNoConfigNoError[S any](name string, fn func() *model.Model[S]) Entry {
	if fn == nil {
		panic(fmt.Sprintf("driver: RegisterNoConfigNoError(%q): the model function is nil", name))
	}
	return newEntry(name, fn, nil, func(struct{}) (*model.Model[S], error) { return fn(), nil })
}

// newEntry erases the types of a model function: the Entry's run closure
// knows C and S, Main does not need to.
func newEntry[C, S any](name string, orig any, config reflect.Type, build func(C) (*model.Model[S], error)) Entry {
	e := Entry{name: name, fn: funcName(orig), config: config}
	e.run = func(ctx context.Context, cfg reflect.Value, x *exploration) int {
		var c C
		if cfg.IsValid() {
			c = cfg.Interface().(C)
		}
		var m *model.Model[S]
		var err error
		if s := x.build(ctx, func() { m, err = construct(build, c) }); s != nil {
			return stopped[S](s, x)
		}
		var pe *panicError
		if errors.As(err, &pe) {
			fmt.Fprintf(x.stderr, "mbt: %s panicked: %v\n", x.funcLabel(), pe.value)
			for _, f := range userFrames(pe.stack) {
				fmt.Fprintf(x.stderr, "    %s\n", f)
			}
			return exitError
		}
		if err != nil {
			fmt.Fprintf(x.stderr, "mbt: %s: %v\n", x.funcLabel(), err)
			return exitError
		}
		if m == nil {
			fmt.Fprintf(x.stderr, "mbt: %s returned a nil model\n", x.funcLabel())
			return exitError
		}
		if x.gen != nil {
			return generate(ctx, m, cfg, x)
		}
		if x.replay != nil {
			return replay(ctx, m, x)
		}
		return explore(ctx, m, x)
	}
	return e
}

// construct calls the model function, turning a panic into a
// *panicError.
func construct[C, S any](build func(C) (*model.Model[S], error), c C) (m *model.Model[S], err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: stackFrames(string(debug.Stack()))}
		}
	}()
	return build(c)
}

// panicError is a panic of the model function.
type panicError struct {
	value any
	stack string // the frames between the panic and the driver (see stackFrames)
}

func (e *panicError) Error() string { return fmt.Sprintf("panicked: %v", e.value) }

// funcName returns the full name of the function fn, like
// example.com/m/pkg.Model, or "" if unknown.
func funcName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return ""
	}
	f := runtime.FuncForPC(v.Pointer())
	if f == nil {
		return ""
	}
	return f.Name()
}

// Main is the main function of a driver program: it parses the command
// line, builds the model that -model names with the constants of -set,
// explores it and prints the result, then exits with the mbt command's exit
// codes (0 no violation, 1 violation, 2 usage error, 3 model or internal
// error). An interrupt (Ctrl-C) stops the exploration and prints what was
// found so far.
//
// The limits of -max-time and -max-memory and an interrupt hold from the
// start, while the model function runs too: the clock starts when it is
// called, and -max-time covers building the model and exploring it. If
// one of them comes before the model function returns, Main cannot stop the
// user's code; it reports "incomplete: time limit reached while building the
// model (3s); no state explored" (or -json's result with status incomplete
// and "stopped_building": true) and exits with 0, as a limit that stops the
// exploration does: no violation was found. mbt gen and mbt replay have no
// limits; an interrupt while their model is built exits 3. A panic in the
// model function is reported with the user's frames and exits 3.
//
// While the model runs, os.Stdout points at standard error so that prints in
// the user's code cannot corrupt the output.
//
// Run by the mbt command, the driver exits as soon as mbt has died, even if
// the user's code is busy: mbt hands it a pipe (package internal/lifeline)
// that it watches. Run by hand, it watches nothing.
func Main(entries ...Entry) {
	lifeline.Watch(func() {
		fmt.Fprintln(os.Stderr, "mbt: the mbt command has exited; so does its driver")
		os.Exit(exitError)
	})
	ctx := interruptContext()
	stdout := os.Stdout
	os.Stdout = os.Stderr
	os.Exit(run(ctx, os.Args[1:], stdout, os.Stderr, isTerminal(os.Stderr), entries))
}

// interruptContext returns a context canceled by the first interrupt. A
// terminal's Ctrl-C reaches both the mbt command and the driver, and the
// command forwards the interrupt it gets, so one Ctrl-C may arrive twice in
// quick succession. A later interrupt, for when the model's code does not
// return, exits at once.
func interruptContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	c := make(chan os.Signal, 4)
	signal.Notify(c, os.Interrupt)
	go func() {
		<-c
		first := time.Now()
		cancel()
		for range c {
			if time.Since(first) > 250*time.Millisecond {
				fmt.Fprintln(os.Stderr, "\nmbt: interrupted again; exiting without a result")
				os.Exit(exitError)
			}
		}
	}()
	return ctx
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// exploration is what an Entry's run needs besides the config.
type exploration struct {
	gen      *generation // set for mbt gen
	replay   *replaying  // set for mbt replay
	flags    Flags
	opts     explorer.Options
	stdout   io.Writer
	stderr   io.Writer
	terminal bool   // stderr is a terminal
	pkg      string // the package as the user named it, for messages
	entry    *Entry
	consts   []constant
	now      func() time.Time
	built    time.Duration // how long the model function ran
	stopped  bool          // a limit or an interrupt came before it returned
}

// funcLabel names the model function, like twophase.Model.
func (x *exploration) funcLabel() string {
	if x.entry.fn == "" {
		return x.entry.name
	}
	return shortFunc(x.entry.fn)
}

// shortFunc shortens example.com/m/pkg.Model to pkg.Model.
func shortFunc(full string) string {
	if i := strings.LastIndex(full, "/"); i >= 0 {
		return full[i+1:]
	}
	return full
}

// pkgPath returns the import path of the model function's package.
func (x *exploration) pkgPath() string {
	full := x.entry.fn
	slash := strings.LastIndex(full, "/")
	if dot := strings.Index(full[slash+1:], "."); dot >= 0 {
		return full[:slash+1+dot]
	}
	return ""
}

// run is Main with its environment passed in; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, terminal bool, entries []Entry) int {
	// The protocol and the command decide which flags exist: read them
	// first, so that a command of another protocol is told so rather than
	// that its flags are unknown.
	protocol, command := prescan(args)
	if protocol != Protocol {
		fmt.Fprintf(stderr, "mbt: the mbt command speaks driver protocol %d, but the github.com/mbtgo/mbt%s required by this module speaks %d; "+
			"install the mbt command of the same version as the module requires\n", protocol, mbtVersion(), Protocol)
		return exitError
	}
	fs := flag.NewFlagSet("driver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	x := &exploration{stdout: stdout, stderr: stderr, terminal: terminal, now: time.Now}
	fs.Int("driver.protocol", Protocol, "protocol `version` of the mbt command")
	fs.String("driver.command", "explore", "the mbt `command` to run: explore, gen or replay")
	fs.StringVar(&x.pkg, "driver.package", "", "the `package` as the user named it, for messages")
	switch command {
	case "explore":
		x.flags.Define(fs)
	case "gen":
		x.gen = &generation{}
		x.gen.flags.Define(fs)
		x.gen.target.Define(fs)
	case "replay":
		x.replay = &replaying{}
		x.replay.flags.Define(fs)
		x.replay.flags.DefineTarget(fs)
	default:
		fmt.Fprintf(stderr, "mbt: this driver runs mbt explore, mbt gen and mbt replay, not %q\n", command)
		return exitUsage
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [flags]\n\nThis program was generated by mbt; run it through mbt explore, mbt gen or mbt replay. Flags:\n", fs.Name())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mbt: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	modelName, sets := x.flags.Model, x.flags.Set
	var models []Entry
	for _, e := range entries {
		if e.adapter != nil {
			if x.replay != nil {
				x.replay.adapters = append(x.replay.adapters, e)
			}
			continue
		}
		models = append(models, e)
	}
	entries = models
	if x.replay != nil {
		modelName, sets = x.replay.flags.Model, x.replay.flags.Set
		if err := x.replay.flags.Check(); err != nil {
			fmt.Fprintf(stderr, "mbt: %v\n", err)
			return exitUsage
		}
		if x.replay.flags.File == "" {
			fmt.Fprintln(stderr, "mbt: missing -driver.trace: run this program through mbt replay")
			return exitUsage
		}
	} else if x.gen != nil {
		modelName, sets = x.gen.flags.Model, x.gen.flags.Set
		opts, err := x.gen.flags.Options()
		if err == nil {
			err = x.gen.target.check(x.gen.flags.Scaffold)
		}
		if err != nil {
			fmt.Fprintf(stderr, "mbt: %v\n", err)
			return exitUsage
		}
		x.gen.opts = opts
	} else {
		opts, err := x.flags.Options()
		if err != nil {
			fmt.Fprintf(stderr, "mbt: %v\n", err)
			return exitUsage
		}
		x.opts = opts
	}
	e, err := pick(entries, modelName)
	if err != nil {
		fmt.Fprintf(stderr, "mbt: %v\n", err)
		return exitUsage
	}
	x.entry = e
	cfg, consts, err := configure(e.config, sets)
	if err != nil {
		fmt.Fprintf(stderr, "mbt: %v\n", err)
		var ue *usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitError
	}
	x.consts = consts
	return e.run(ctx, cfg, x)
}

// prescan returns the values of -driver.protocol and -driver.command in
// args, or their defaults: the current protocol and explore. A protocol
// that does not parse is -1.
func prescan(args []string) (protocol int, command string) {
	protocol, command = Protocol, "explore"
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, value, ok := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "driver.protocol" && name != "driver.command") {
			continue
		}
		if !ok {
			if i+1 >= len(args) {
				break
			}
			i++
			value = args[i]
		}
		if name == "driver.command" {
			command = value
			continue
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			n = -1
		}
		protocol = n
	}
	return protocol, command
}

// pick returns the entry named name, or the only one when name is empty.
func pick(entries []Entry, name string) (*Entry, error) {
	names := make([]string, len(entries))
	for i := range entries {
		names[i] = entries[i].name
		if entries[i].name == name {
			return &entries[i], nil
		}
	}
	switch {
	case len(entries) == 0:
		return nil, errors.New("no model functions were registered")
	case name == "" && len(entries) == 1:
		return &entries[0], nil
	case name == "":
		return nil, fmt.Errorf("the package has %d models; choose one with -model: %s", len(entries), strings.Join(names, ", "))
	}
	msg := fmt.Sprintf("-model %s: no such model function", name)
	if s := suggest.Closest(name, names); s != "" {
		return nil, fmt.Errorf("%s (did you mean %q?)", msg, s)
	}
	return nil, fmt.Errorf("%s; models: %s", msg, strings.Join(names, ", "))
}

var mbtVersionOnce = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if bi.Main.Path == "github.com/mbtgo/mbt" {
		return " " + bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/mbtgo/mbt" {
			if d.Replace != nil {
				return " " + d.Version + " (replaced by " + d.Replace.Path + ")"
			}
			return " " + d.Version
		}
	}
	return ""
})

// mbtVersion returns " vX.Y.Z", the version of mbt this program was built
// with, or "" when unknown.
func mbtVersion() string { return mbtVersionOnce() }
