package driver

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mbtgo/mbt/explorer"
)

// Protocol is the version of the command line that the mbt command passes to
// a driver. A driver refuses to run for a command that speaks another
// version, so that an mbt command and a model module that require different
// versions of mbt fail with a clear message.
//
// Version 2 added -driver.command (explore or gen) and the flags of mbt gen
// ([GenFlags], [GenTarget]).
const Protocol = 2

// Flags are the settings of one exploration: the flags of `mbt explore` that
// the driver acts on. The mbt command parses and checks them with the same
// definitions, then passes them on to the driver with [Flags.Args].
type Flags struct {
	// Model names the model function to explore; it may be empty when the
	// package has one.
	Model string
	// Set holds the -set Name=Value assignments of constants, in order.
	Set []string
	// Strategy is bfs, dfs or random.
	Strategy string
	// Workers is the number of goroutines; 0 means all cores.
	Workers int
	// MaxStates, MaxDepth, MaxTime and MaxMemory are the limits of
	// [explorer.Options]; 0 means no limit. The driver applies MaxTime and
	// MaxMemory from the moment it calls the model function, so they bound
	// building the model too (see [Main]).
	MaxStates int64
	MaxDepth  int
	MaxTime   time.Duration
	MaxMemory int64
	// Seed and Walks configure the random strategy.
	Seed  int64
	Walks int
	// Purity turns on [explorer.Options.CheckPurity].
	Purity bool
	// NoDeadlock turns off deadlock reports.
	NoDeadlock bool
	// JSON asks for one JSON object on stdout instead of text.
	JSON bool
	// Progress is the interval between progress reports. When ProgressSet
	// is false, progress is shown every second on a terminal, every 5
	// seconds elsewhere, and not at all with JSON.
	Progress    time.Duration
	ProgressSet bool
	// ITF is a file to write the counterexample of the first violation
	// to, as ITF JSON; "" writes none.
	ITF string
}

// Define registers the flags on fs.
func (f *Flags) Define(fs *flag.FlagSet) {
	if f.Strategy == "" {
		f.Strategy = "bfs"
	}
	fs.StringVar(&f.Model, "model", f.Model, "explore the model function `name` (needed when the package has several)")
	fs.Var((*setFlag)(&f.Set), "set", "set the constant (`Name=Value`) of the model's config; repeatable")
	fs.StringVar(&f.Strategy, "strategy", f.Strategy, "exploration order: bfs, dfs or random")
	fs.IntVar(&f.Workers, "workers", f.Workers, "number of `goroutines` expanding states (0: all cores)")
	fs.Int64Var(&f.MaxStates, "max-states", f.MaxStates, "stop after this many distinct `states` (0: no limit)")
	fs.IntVar(&f.MaxDepth, "max-depth", f.MaxDepth, "do not expand states deeper than this many `steps`; the length of each random walk (0: no limit, 100 for random)")
	fs.DurationVar(&f.MaxTime, "max-time", f.MaxTime, "stop after this long, building the model included (0: no limit)")
	fs.Var((*bytesValue)(&f.MaxMemory), "max-memory", "stop when the driver process holds more memory than this `size`, building the model included: its resident set on Linux, the Go runtime's memory elsewhere (1000000, 512MB, 2GiB; 0: no limit)")
	fs.Int64Var(&f.Seed, "seed", f.Seed, "seed of the random walks")
	fs.IntVar(&f.Walks, "walks", f.Walks, "number of random walks (0: 1000)")
	fs.BoolVar(&f.Purity, "purity", f.Purity, "check that guards and effects do not change the state they are given")
	fs.BoolVar(&f.NoDeadlock, "no-deadlock", f.NoDeadlock, "do not report states without an enabled action")
	fs.BoolVar(&f.JSON, "json", f.JSON, "print the result as one JSON object")
	fs.Var(&progressValue{f}, "progress", "report progress on stderr every `interval` (default 1s on a terminal, 5s elsewhere, none with -json; 0: off)")
	fs.StringVar(&f.ITF, "itf", f.ITF, "write the counterexample of a violation to `file` as ITF JSON (Apalache's and Quint's trace format)")
}

// Options checks the flags and returns the explorer options they describe,
// without a progress callback.
func (f *Flags) Options() (explorer.Options, error) {
	strategy, err := explorer.ParseStrategy(f.Strategy)
	if err != nil {
		return explorer.Options{}, fmt.Errorf("-strategy: %w", err)
	}
	if err := checkNonNegative(
		intFlag{"workers", int64(f.Workers)}, intFlag{"max-states", f.MaxStates}, intFlag{"max-depth", int64(f.MaxDepth)},
		intFlag{"max-time", int64(f.MaxTime)}, intFlag{"max-memory", f.MaxMemory}, intFlag{"walks", int64(f.Walks)},
		intFlag{"progress", int64(f.Progress)},
	); err != nil {
		return explorer.Options{}, err
	}
	if err := checkSets(f.Set); err != nil {
		return explorer.Options{}, err
	}
	return explorer.Options{
		Strategy:    strategy,
		Workers:     f.Workers,
		MaxStates:   f.MaxStates,
		MaxDepth:    f.MaxDepth,
		MaxTime:     f.MaxTime,
		MaxMemory:   f.MaxMemory,
		Seed:        f.Seed,
		Walks:       f.Walks,
		CheckPurity: f.Purity,
		NoDeadlock:  f.NoDeadlock,
	}, nil
}

// Args renders the flags that differ from their defaults as command-line
// arguments that [Flags.Define] parses back.
func (f *Flags) Args() []string {
	var args []string
	add := func(name, value string) { args = append(args, "-"+name+"="+value) }
	if f.Model != "" {
		add("model", f.Model)
	}
	for _, s := range f.Set {
		add("set", s)
	}
	if f.Strategy != "" && f.Strategy != "bfs" {
		add("strategy", f.Strategy)
	}
	ints := []struct {
		name string
		v    int64
	}{
		{"workers", int64(f.Workers)}, {"max-states", f.MaxStates}, {"max-depth", int64(f.MaxDepth)},
		{"max-memory", f.MaxMemory}, {"seed", f.Seed}, {"walks", int64(f.Walks)},
	}
	for _, c := range ints {
		if c.v != 0 {
			add(c.name, strconv.FormatInt(c.v, 10))
		}
	}
	if f.MaxTime != 0 {
		add("max-time", f.MaxTime.String())
	}
	bools := []struct {
		name string
		v    bool
	}{{"purity", f.Purity}, {"no-deadlock", f.NoDeadlock}, {"json", f.JSON}}
	for _, c := range bools {
		if c.v {
			add(c.name, "true")
		}
	}
	if f.ProgressSet {
		add("progress", f.Progress.String())
	}
	if f.ITF != "" {
		add("itf", f.ITF)
	}
	return args
}

// splitAssignment splits Name=Value.
func splitAssignment(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", fmt.Errorf("-set %q: want Name=Value", s)
	}
	return name, value, nil
}

// setFlag collects repeated -set flags.
type setFlag []string

func (s *setFlag) String() string { return strings.Join(*s, " ") }

func (s *setFlag) Set(v string) error {
	if _, _, err := splitAssignment(v); err != nil {
		return errors.New("want Name=Value")
	}
	*s = append(*s, v)
	return nil
}

// bytesValue is a byte count with an optional unit suffix.
type bytesValue int64

func (b *bytesValue) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *bytesValue) Set(s string) error {
	n, err := ParseBytes(s)
	if err != nil {
		return err
	}
	*b = bytesValue(n)
	return nil
}

// progressValue records the interval and that it was given.
type progressValue struct{ f *Flags }

func (p *progressValue) String() string {
	if p == nil || p.f == nil || !p.f.ProgressSet {
		return ""
	}
	return p.f.Progress.String()
}

func (p *progressValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("want a duration such as 500ms or 2s")
	}
	p.f.Progress, p.f.ProgressSet = d, true
	return nil
}

// ParseBytes parses a size in bytes: a number with an optional unit, B, KB,
// MB, GB, TB or KiB, MiB, GiB, TiB, in any case. KB and KiB both mean 1024
// bytes, as memory sizes usually do. Fractions are allowed: 1.5GB.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToUpper(strings.TrimSpace(t[i:]))
	mult := map[string]float64{
		"": 1, "B": 1,
		"K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
		"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
		"G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30,
		"T": 1 << 40, "TB": 1 << 40, "TIB": 1 << 40,
	}[unit]
	if mult == 0 || num == "" {
		return 0, fmt.Errorf("bad size %q: want bytes with an optional unit, like 512MB or 2GiB", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("bad size %q: want bytes with an optional unit, like 512MB or 2GiB", s)
	}
	return int64(f * mult), nil
}

// intFlag is a numeric flag's name and value, for checkNonNegative.
type intFlag struct {
	name string
	v    int64
}

// checkNonNegative returns an error naming the first flag whose value is
// negative.
func checkNonNegative(flags ...intFlag) error {
	for _, f := range flags {
		if f.v < 0 {
			return fmt.Errorf("-%s: must not be negative", f.name)
		}
	}
	return nil
}

// checkSets returns an error for the first -set that is not Name=Value.
func checkSets(sets []string) error {
	for _, s := range sets {
		if _, _, err := splitAssignment(s); err != nil {
			return err
		}
	}
	return nil
}
