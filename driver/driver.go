package driver

import (
	"testing"

	idriver "github.com/mbtgo/mbt/internal/driver"
	"github.com/mbtgo/mbt/model"
)

// Entry is a model function or an adapter constructor registered with the
// driver. Make one with [Register], one of its variants, or
// [RegisterAdapter].
type Entry struct{ e idriver.Entry }

// Register registers a model function that takes a config struct, whose
// exported fields are the model's constants, and returns the model or an
// error. name is the function's name, which -model selects.
func Register[C, S any](name string, fn func(C) (*model.Model[S], error)) Entry {
	return Entry{idriver.Register(name, fn)}
}

// RegisterNoConfig registers a model function without constants.
func RegisterNoConfig[S any](name string, fn func() (*model.Model[S], error)) Entry {
	return Entry{idriver.RegisterNoConfig(name, fn)}
}

// RegisterNoError registers a model function that takes a config struct
// and cannot fail, such as one that calls dsl's MustBuild.
func RegisterNoError[C, S any](name string, fn func(C) *model.Model[S]) Entry {
	return Entry{idriver.RegisterNoError(name, fn)}
}

// RegisterNoConfigNoError registers a model function without constants
// that cannot fail.
func RegisterNoConfigNoError[S any](name string, fn func() *model.Model[S]) Entry {
	return Entry{idriver.RegisterNoConfigNoError(name, fn)}
}

// RegisterAdapter registers an adapter constructor for mbt replay
// -adapter: name is the constructor's name, and fn calls it with the
// testing.TB of the replay, which logs to standard error, stops the replay
// on Fatal, FailNow and Skip, and runs Cleanup functions when the replay
// ends. The mbt command writes one into the driver program it builds for
// mbt replay -adapter:
//
//	driver.RegisterAdapter("NewHTTPAdapter", func(t testing.TB) any { return bank.NewHTTPAdapter(t) })
func RegisterAdapter(name string, fn func(t testing.TB) any) Entry {
	return Entry{idriver.RegisterAdapter(name, fn)}
}

// Main is the main function of a driver program: it parses the command
// line that the mbt command passes, builds the model that -model names
// with the constants of -set, explores it, generates its tests or replays
// a trace, prints the result, and exits with the mbt command's exit codes
// (0 no violation, 1 violation, 2 usage error, 3 model or internal error).
// A panic in the model function is reported with the user's frames and
// exits 3. While the model runs, os.Stdout points at standard error so
// that prints in the user's code cannot corrupt the output.
func Main(entries ...Entry) {
	es := make([]idriver.Entry, len(entries))
	for i, e := range entries {
		es[i] = e.e
	}
	idriver.Main(es...)
}

// Defaults returns the Config value that mbt explore and mbt gen build for
// a model when no -set is given: each field set from its `default:"..."`
// tag, parsed as -set parses values. Adapters and tests use it to start an
// implementation with the same constants as the generated tests.
func Defaults[C any]() (C, error) { return idriver.Defaults[C]() }
