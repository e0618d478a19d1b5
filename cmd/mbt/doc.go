// Mbt explores state-machine models written in Go with package dsl,
// generates Go tests from them, and replays TLA+ traces on them.
//
// Usage:
//
//	mbt <command> [arguments]
//
// The commands are:
//
//	explore   explore every reachable state of a model in a Go package
//	gen       write a model's generated Go test file
//	replay    replay a TLC, Apalache or Quint trace on a model, and through
//	          the implementation
//	trace     print a TLC, Apalache or Quint trace, or convert it to ITF
//	version   print mbt's version
//	help      print help; mbt help <command> prints a command's flags
//
// There is no graph command yet: explore -itf writes a counterexample, and
// explorer.BuildGraph gives Go code a model's whole state graph.
//
// # Installing
//
// A module that has models requires github.com/mbtgo/mbt. Pin the command
// as a tool of the module (Go 1.24 or later), so that everyone runs the
// version that go.mod names, and run it with go tool:
//
//	go get -tool github.com/mbtgo/mbt/cmd/mbt
//	go tool mbt explore ./lock
//
// and in a model's package:
//
//	//go:generate go tool mbt gen -adapter NewAdapter .
//
// Or install it, preferably of the version that go.mod requires, and run
// mbt:
//
//	go install github.com/mbtgo/mbt/cmd/mbt@latest
//
// go run github.com/mbtgo/mbt/cmd/mbt fails in a module without the tool
// line, whose go.sum does not hold the command's dependencies.
//
// # Explore
//
//	mbt explore [flags] <package> [-model Name] [-set Name=Value ...]
//
// Explore builds a model from a package of your module, checks its
// invariants and action properties in every state it can reach, and reports
// deadlocks and panics in the model's code, each with the shortest trace
// that leads there (with the default bfs strategy). Flags may come before or
// after the package. The package is a directory (./examples/twophase) or an
// import path, and must name one package.
//
// A model function is an exported function of the package with one of these
// signatures, where Config is any struct type and S is the state type:
//
//	func Name(c Config) (*model.Model[S], error)
//	func Name() (*model.Model[S], error)
//	func Name(c Config) *model.Model[S]
//	func Name() *model.Model[S]
//
// The exported fields of Config are the model's constants, like CONSTANTS
// in a TLA+ .cfg file. -set Name=Value sets one; a field tag such as
// `default:"3"` gives the value used when it is not set, and the zero value
// is used otherwise. Booleans, integers, floats, strings and durations can be
// set, as can types that implement encoding.TextUnmarshaler and slices of
// all these (-set Accounts=alice,bob). When the package has one model
// function, -model is optional; with several, -model names one.
//
// The flags are:
//
//	-model name        the model function to explore
//	-set Name=Value    set a constant; repeatable
//	-strategy s        bfs (default: shortest counterexamples), dfs or random
//	-workers n         goroutines expanding states (0, the default: all cores)
//	-max-states n      stop after n distinct states
//	-max-depth n       do not expand states deeper than n steps; for random,
//	                   the length of each walk (default 100)
//	-max-time d        stop after the duration d (10s, 5m), counted from the
//	                   call of the model function
//	-max-memory size   stop when the driver process holds more memory than
//	                   size (1000000, 512MB, 2GiB; KB, MB, GB mean KiB, MiB,
//	                   GiB): its resident set size on Linux, elsewhere the
//	                   memory the Go runtime holds; the memory figure of the
//	                   result is the same measure
//	-seed n            seed of the random walks (default 0)
//	-walks n           number of random walks (default 1000)
//	-purity            check that guards and effects do not change the state
//	                   they are given
//	-no-deadlock       do not report states without an enabled action
//	-json              print the result as one JSON object
//	-progress d        report progress on stderr every d; by default every
//	                   second, in place, when stderr is a terminal, and every
//	                   5 seconds, a line each, when it is not (a file, a CI
//	                   log), but not with -json; -progress 0 turns it off
//	-itf file          write the counterexample of the first violation to
//	                   file as ITF JSON, which mbt replay, Quint and
//	                   Apalache's tools read (see Trace formats)
//	-driver-only       print the generated driver program and exit
//	-exec program      run a prebuilt driver program instead of building one
//
// A limit that stops the exploration is not a failure: the result says
// "incomplete", gives the reason, and reports what was found. So does an
// interrupt (Ctrl-C): the exploration stops and mbt prints its partial
// result. A second interrupt, if the model's code does not return, exits at
// once.
//
// The limits and an interrupt hold from the start, while the model function
// builds the model too (a model with huge constants may take minutes and
// gigabytes to build). The model function cannot be interrupted, so when one
// of them comes before it returns, mbt stops waiting and reports, for
// example,
//
//	incomplete: time limit reached while building the model (3s); no state explored
//
// with how long the function ran and the memory the process held, and
// exits 0, as for any limit: no violation was found, though nothing was
// explored. With -json the result has status "incomplete", its reason,
// "distinct": 0 and "stopped_building": true.
//
// The driver program does not outlive mbt, however mbt ends (even by
// SIGKILL): on Linux the kernel kills it when mbt dies, and on every Unix
// it watches a pipe from mbt and exits when the pipe closes. The go commands
// that build it die with mbt on Linux.
//
// # Output
//
// On a terminal, a progress line (distinct states, states per second,
// depth, queue, memory) is rewritten in place on stderr while the
// exploration runs; elsewhere the same line is written every 5 seconds.
// Then stdout gets the result: a one-line outcome, the counts (distinct
// states; transitions, and states generated as TLC counts them; depth; time,
// with the time the model function took when it is noticeable; memory,
// the most the whole driver process held, as -max-memory measures it; the
// state table, the fingerprints and parent pointers of the distinct states,
// and its bytes per state), the violation if there is one, with its trace as a table
// of steps and the variables each one changes (old → new; nested struct
// fields as Msgs.Commit), and the coverage of the actions: how often each
// fired and how often its guard was false, the actions never enabled, the
// guards never false, and argument values never used.
//
// This text is for people and may change from one version to the next. For
// scripts, -json prints one JSON object on stdout: the fields of
// explorer.Result (model, strategy, status, reason, stats, violations with
// their traces, coverage) plus the model function's name ("function"), its
// package and the constants it was built with, how long the model
// function ran ("build_ns") and, when a limit or an interrupt came before it
// returned, "stopped_building": true. stats.peak_memory_bytes is the most
// memory the process held (as -max-memory measures it) and
// stats.table_bytes the state table's part. Apart from timings (elapsed
// time, states per second, build_ns), memory and the number of workers,
// the same model and flags give the same JSON. States, step arguments and
// outputs are written as encoding/json writes them (json tags, MarshalJSON
// and MarshalText methods), and so is what encoding/json refuses or leaves
// out: a map whose keys are not strings, integers or text marshalers is an
// array of {"key": ..., "value": ...} objects in the order of the keys'
// JSON, unexported fields are written under their Go names, NaN and
// infinities are the strings "NaN", "+Inf" and "-Inf", and complex numbers
// strings such as "(1+2i)".
//
// # Gen
//
//	mbt gen [flags] -adapter Func <package> [-model Name] [-set Name=Value ...]
//	mbt gen -trace file [-format f] [-trace-index n] -adapter Func <package> [...]
//	mbt gen -scaffold <package> [-model Name] [-set Name=Value ...]
//
// Gen builds the model as explore does, builds its state graph, selects test
// paths from it by the criteria of -criteria, and writes them as an
// ordinary Go test file in the package's directory. The default criteria
// take every transition, try the steps the implementation must refuse
// where they matter (right after each kind of step that disables them, in
// the initial state, where an argument tuple that differs in one value is
// enabled), each named guard condition as the only false one, the values
// just outside each parameter's domain, and a reset in the middle of a
// test. Tests are chosen by what they add to the coverage within the
// budget of -max-tests and -max-steps, steps to refuse first, and the file
// lists them shortest first, so that the first failure go test prints is
// the shortest test that shows it. The file begins with what its tests
// cover, and what the budget left out. Each test resets the
// implementation, drives its steps through the model and through the
// adapter, and fails at the first step where they disagree, with the steps
// before it, a diff of the views (-model +impl) and the go test -run line
// that reruns it. Run it from a go:generate line in the model's package:
//
//	//go:generate go tool mbt gen -model Model -adapter NewHTTPAdapter .
//
// and commit the file it writes. It imports github.com/mbtgo/mbt/adapters:
// if go test then says that go.mod needs updates, run go mod tidy (with a
// tool line for mbt, go.mod has them already). The file starts with
// "// Code generated by mbt; DO NOT EDIT." and the command that regenerates
// it; it is gofmt'ed, and the same model and flags give the same bytes.
// It embeds the model's signature (model.Model.Signature): when the
// model's definition changes (an action, a domain, a constant, an initial
// state), the old tests fail with "the test does not match the model; it
// is stale: run go generate" instead of testing the wrong thing. The
// constants the model was built with are written into the file.
//
// The adapter is the value that drives the real implementation: a method
// per action of the model, Reset and View (see package adapters for the
// contract, which the tests check before they run), or a program in any
// language through package adapters/subprocess, or several processes
// behind the fault-injecting proxies of package adapters/fault. -adapter names the
// function that makes one for a test: Func in the model's package, or
// importpath.Func in another package of the module, with one parameter
// that a *testing.T can be passed to and one result, such as
//
//	func NewHTTPAdapter(t bank.TB) *HTTPAdapter
//
// mbt checks that it exists and has that shape before it builds anything,
// and suggests the closest name when it does not exist. The function must be
// exported unless -package puts the tests in the model's package itself.
// mbt reads the package's non-test files only: an adapter declared in a
// _test.go file cannot be named.
//
// The flags are:
//
//	-model name          the model function
//	-set Name=Value      set a constant; repeatable
//	-adapter Func        the adapter constructor (required unless -scaffold)
//	-criteria list       comma-separated selection criteria (default
//	                     transitions,boundaries,conditions,invalid,reset):
//	                     states, transitions, actions, pairs, boundaries,
//	                     conditions, invalid, reset, counterexamples,
//	                     random; see package gen and docs/guide.md
//	-max-tests n         at most n tests (default 400; -1: no limit)
//	-max-steps n         at most n steps in all the tests together (default:
//	                     no limit)
//	-test-steps n        the longest test a tour makes before it starts a
//	                     new one (default 50, or four times the depth of the
//	                     state graph if that is more)
//	-seed n              seed of the random criterion's walks (default 1)
//	-walks n             number of random walks (default 10)
//	-walk-steps n        length of each random walk (default 20)
//	-o file              the file to write, relative to the package's
//	                     directory, in which it must be; it must end in
//	                     _test.go (default <model>_mbt_test.go, the model's
//	                     name in lower case: bank_mbt_test.go for model Bank)
//	-package name        the package clause of the file: the model's package
//	                     or, the default, that name with _test
//	-check               write nothing; exit 1 if the file does not exist or
//	                     differs from what gen would write, and show the
//	                     first difference
//	-scaffold            write an adapter skeleton instead of the tests
//	-trace file          write one test that follows the TLA+ trace in file
//	                     instead of selecting tests; excludes -criteria
//	-format f            the -trace file's format: itf, tlc or tlc-json
//	                     (default: detect it)
//	-trace-index n       the trace, from 1, of a -trace file with several
//
// -trace turns a trace that TLC, Apalache or Quint wrote into a regression
// test: gen reads it as mbt replay does (its -format; its -trace is
// gen's -trace-index, since gen's -trace names the file), decodes its
// states into the model's, infers the model's step between each two
// (stuttering steps are dropped; a lasso's step back to where it loops is
// kept), and writes those steps as one test of criterion trace,
// Test<Model>_Trace_<hash>. The trace's values reach the file only as Go
// literals. A trace that is not a behavior of the model is an error: gen
// prints where it leaves the model, as mbt replay does, exits 1 and writes
// nothing. The header's command names the trace file relative to the
// package's directory, where a go:generate line runs; a relative -trace is
// relative to the working directory.
//
// The file is written through a temporary file and a rename, so a reader
// never sees half of it, and only when its content changes. mbt does not
// overwrite a file that it did not generate (one without its header line).
// The header's command repeats the flags in the order they were given,
// except -check, each written as -name value (-name=value and --name are
// the same flags), with the package as its directory relative to the module
// root (./examples/bank) and -o and -trace relative to the package's
// directory, so that it is the same whatever directory mbt ran in, and
// -check finds a file fresh when it was generated with the same flags.
// The rerun lines of failing tests name the package the same way, and work
// from the module root.
//
// To check in CI that generated files are current, run go generate and
// compare, or run each generator with -check:
//
//	go generate ./... && git diff --exit-code
//
// -scaffold starts an adapter: it writes <model>_adapter.go in the package's
// directory with a type <Model>Adapter (BankAdapter for model Bank), a
// constructor New<Model>Adapter(t testing.TB), and Reset, View and one
// method per action with the parameter types the contract requires, each
// returning adapters.ErrNotImplemented. The file is yours: it has no DO NOT
// EDIT header, and mbt never overwrites it; if it exists, -scaffold exits
// 2. Fill it in, then generate the tests with -adapter New<Model>Adapter.
//
// # Replay
//
//	mbt replay [flags] <package> <trace file> [-model Name] [-set Name=Value ...] [-adapter Func]
//
// Replay checks a trace that a TLA+ tool wrote against a model, and with
// -adapter against the implementation: the way to see whether the code has
// the bug that TLC found in the spec. It reads the trace (TLC's text output
// or -dumpTrace json, or ITF from Apalache, Quint or mbt explore -itf; see
// Trace formats), builds the model as explore does, and decodes each state
// into the model's state type with package tlaimport's rules: a field of
// the state struct takes the TLA+ variable its `tla:"name"` tag names (else
// the one with its name, ignoring case); TLC's model values r1, r2, r3 and
// Quint's strings "rm1", "rm2" index Go slices from 0 (the numbering rule:
// rmState \in [RM -> ...] is a []RMState, tmPrepared \subseteq RM a []bool,
// RMPrepare(r2) is RMPrepare(1)); a type can decode itself by implementing
// tlaimport.Decoder. Variables the state type has no field for are
// ignored.
//
// Then it finds, for each state, the step of the model that leads there
// from the state before: where the trace names the action (TLC's
// State 4: <RMPrepare(r2) ...>, Quint's mbt::actionTaken and
// mbt::nondetPicks), the step must be that action with those arguments;
// elsewhere any step that leads there will do. Two equal states in a row
// are stuttering and need no step. It prints one line per step,
//
//	step 3: RMPrepare(1): matches TLC state 4
//
// It checks what it matched as explore checks what it reaches: the
// invariants in every state, the action properties of every step, and,
// unless -no-deadlock, that the trace does not end in a state where no
// action is enabled and that the model does not mark terminal; a panic in
// the model's code (a guard, effect, invariant, property or the terminal
// predicate) is reported with the step and the frames of the user's code.
// It ends with "ok: the trace is a behavior of TwoPhase", or with the
// first violation, as in
//
//	violation: invariant Consistent (examples/twophase/twophase.go:92) is false in TLC state 8, after step 7
//
// or with the first state the model cannot reach, with its file:line:col,
// the reason (the trace's action is not enabled, or leads to another
// state) and the model's nearest steps with the variables in which they
// differ from the trace.
//
// With -adapter, the steps then run through the implementation, as in a
// generated test: after each one the runner compares the output and the
// view with the model's, and the replay reports each step the
// implementation agrees with and, at the first it does not, the
// differences (-model +impl). -adapter names the constructor as mbt gen's
// does, except that there is no *testing.T outside go test: the
// constructor gets a testing.TB of the replay's own (logs go to stderr,
// Fatal stops the replay, Cleanup runs at its end), so it must take
// testing.TB, as mbt gen -scaffold writes it, or an interface with the
// methods it uses:
//
//	func NewHTTPAdapter(t testing.TB) *HTTPAdapter
//
// The flags are:
//
//	-model name        the model function
//	-set Name=Value    set a constant; repeatable
//	-adapter Func      also drive the steps through the implementation
//	-format f          the trace's format: itf, tlc or tlc-json (default:
//	                   detected from the content)
//	-trace n           the trace to replay, from 1, of a file that holds
//	                   several (TLC's output with -continue)
//	-no-deadlock       do not report a trace that ends in a state without
//	                   an enabled action
//
// # Trace
//
//	mbt trace [-format itf|tlc|tlc-json] [-to itf] [-trace n] <file>
//
// Trace needs no model: it prints a trace as a table, the initial state's
// variables and then, for each state, the action the tool named and the
// variables that changed, old → new, a long change part by part (a
// record's field, a function's key, the elements a set gained (+) or lost
// (−)). With -to itf it writes the trace to stdout as ITF JSON instead. A
// file that holds no trace (empty, not a trace, or TLC's output of a run
// that found no error) is an error, exit 2, as it is for replay and gen
// -trace.
//
// # Trace formats
//
// TLC's text output (plain or -tool), TLC's -dumpTrace json, and the
// Informal Trace Format (ITF) of Apalache and Quint, including Quint's
// mbt::actionTaken and mbt::nondetPicks; the format is detected from the
// content unless -format names it. mbt explore -itf writes ITF with those
// two variables, so that mbt replay and mbt trace show its actions; ITF has
// no model values, so they come back as strings, which decode the same.
// Errors in a file name its file:line:col. States are numbered as the tool
// numbers them: from 1 for TLC, from 0 for ITF.
//
// # Exit codes
//
//	0  no violation, whether the exploration completed or a limit or an
//	   interrupt stopped it (even before the model function returned);
//	   for gen, the file was written or is up to date; for replay, the trace
//	   is a behavior of the model that violates none of its checks (and the
//	   implementation follows it)
//	1  a violation: an invariant or property failed, a deadlock, a panic in
//	   the model's code, or an impure guard or effect; for gen -check, the
//	   file is stale or missing; for replay, the trace's states do not fit
//	   the state type, the model cannot take one of its steps, or the
//	   implementation disagrees
//	2  usage error: bad flags, unknown command, model, constant, criterion
//	   or adapter, a value that does not parse, a file that mbt must not
//	   overwrite, a trace file that is missing, does not parse or holds no
//	   trace (for trace, replay and gen -trace alike)
//	3  the package could not be loaded or compiled, the model function failed
//	   (such as a dsl definition error) or panicked (mbt prints the panic and
//	   the model's frames), the state graph is too big to generate tests
//	   from, or another internal error; for gen and replay, an interrupt
//
// # How a model is loaded
//
// A model is a value built at run time, so mbt cannot read it from the
// source. It resolves the package with golang.org/x/tools/go/packages, finds
// the model functions by their types, and generates a small main package
// that imports the package and github.com/mbtgo/mbt/driver and registers
// every model function (-driver-only prints it). It builds that program
// inside your module, in a directory .mbt-driver next to the package that
// exists only in a go build -overlay (nothing is written to your tree), so
// your go.mod decides which version of mbt explores the model or generates
// its tests. The driver imports more of mbt than your packages do, and so
// may need requirements and checksums that your go.mod and go.sum do not
// have: the go command builds it on temporary copies of them (-modfile;
// in a workspace, a copy of go.work and go.work.sum in GOWORK, since
// workspaces refuse -modfile) and adds what is missing there, from the
// module cache or the module proxy. Your go.mod, go.sum, go.work and
// go.work.sum are never written. In a vendored module, package driver must
// be vendored: with a tool line for mbt, go mod vendor vendors it.
// Then it runs the program with the flags, passes its input and
// output through and exits with its exit code. Explore and gen run the same
// program; for gen, mbt first resolves -adapter and -o from the package's
// types and directory, and the program selects the tests and writes the
// file. The version of package driver in your module and the
// mbt command must agree on the protocol between them; when they do not,
// install the mbt command of the version your go.mod requires.
//
// Built drivers are cached under $MBT_CACHE, or mbt in the user cache
// directory (os.UserCacheDir), keyed by the build ID that go list -export
// reports, which changes whenever the model's package or anything it imports
// changes. Only the latest driver of each package is kept. With a warm cache,
// mbt explore starts the exploration a fraction of a second after it is
// run.
//
// When the driver does not build, mbt prints the go command's message
// (exit 3) and removes its temporary files, as it does when interrupted
// during the build. If the driver cannot be built in your module, print it
// with -driver-only, build it yourself, and run it with -exec:
//
//	mbt explore -driver-only ./ledger > tools/ledgerdriver/main.go
//	go build -o ledgerdriver ./tools/ledgerdriver
//	mbt explore -exec ./ledgerdriver -set Accounts=3
//
// # Examples
//
// Explore Lamport's two-phase commit with four resource managers, then the
// buggy variant, which prints a counterexample:
//
//	mbt explore ./examples/twophase -set RM=4
//	mbt explore ./examples/twophase -set Buggy=true
//
// From a checkout of mbt, without installing it:
//
//	go run ./cmd/mbt explore ./examples/twophase -set RM=4
//
// Random walks, for a state space too big to finish, and a result for a
// script:
//
//	mbt explore ./examples/counters -set K=8 -strategy random -walks 10000 -seed 7
//	mbt explore ./examples/twophase -json | jq .stats.distinct
//
// Generate the bank example's tests (as its go:generate line does), check
// that they are current, and run them against the ledger service, then
// against one with a planted bug:
//
//	mbt gen -model Model -adapter NewHTTPAdapter -set Max=3 ./examples/bank
//	mbt gen -check -model Model -adapter NewHTTPAdapter -set Max=3 ./examples/bank
//	go test ./examples/bank
//	MBT_BANK_BUGS=overdraft go test ./examples/bank
//
// Start an adapter for a new model:
//
//	mbt gen -scaffold ./ledger
//
// Replay TLC's counterexample for TwoPhase.tla on the Go model, which
// has the same bug, and on the correct one, which says at which state the
// trace leaves it:
//
//	mbt replay ./examples/twophase TwoPhase.out.txt -set Buggy=true
//	mbt replay ./examples/twophase TwoPhase.out.txt
//
// Write the bank's counterexample as ITF, and see whether the ledger
// service has the bug:
//
//	mbt explore ./examples/bank -set OverdraftBug=true -itf overdraft.itf.json
//	mbt replay -adapter NewHTTPAdapter ./examples/bank overdraft.itf.json -set OverdraftBug=true
//
// Look at a trace, or convert TLC's output to ITF:
//
//	mbt trace TwoPhase.out.txt
//	mbt trace -to itf DieHard.out.txt > DieHard.itf.json
package main
