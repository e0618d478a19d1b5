package queue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/model"
)

// Environment variables that NewAdapter reads, and the one that makes a
// test binary serve the Go broker.
const (
	// ImplEnv chooses the broker NewAdapter runs: "go" (the default) or
	// "python": MBT_QUEUE_IMPL=python go test ./examples/queue.
	ImplEnv = "MBT_QUEUE_IMPL"
	// BugsEnv switches planted bugs on in the broker, as a comma-separated
	// list (see broker.ParseBugs): MBT_QUEUE_BUGS=lifo go test
	// ./examples/queue.
	BugsEnv = "MBT_QUEUE_BUGS"
	// ServeEnv, when set, makes the test binary of package queue serve the
	// Go broker on its standard input and output instead of running tests
	// (see the package doc). NewAdapter sets it for the binary it starts.
	ServeEnv = "MBT_QUEUE_SERVE"
	// RequirePythonEnv, when set, makes NewAdapter fail instead of skip
	// the test when python3 is missing; CI sets it.
	RequirePythonEnv = "MBT_REQUIRE_PYTHON"
)

// Actions performed by the adapter rather than by the broker.
const (
	restartBroker = "RestartBroker"
	loseAck       = "LoseAck"
)

// DefaultConfig returns the constants of the `default` tags of Config: the
// instance the generated tests are made from, and the one NewAdapter
// configures its broker for.
func DefaultConfig() Config {
	return Config{Producers: 1, Messages: 2, Consumers: 2, Lease: 2}
}

// Adapter drives a broker program through mbt's subprocess protocol (package
// adapters/subprocess). It is an [adapters.Dynamic] adapter, an
// [adapters.ModelChecker], and has [adapters.Invariants], which ask the
// broker to check its own guarantees.
//
// The broker performs Publish, Deliver, Ack, Tick and CrashConsumer (for
// which it sees the consumer's connection close). Two actions are the
// adapter's own:
//
//   - RestartBroker kills the broker's process group with SIGKILL and
//     starts it again on the same data directory
//     (subprocess.Adapter.Restart): the durable file survives, the leases
//     held in memory do not.
//   - LoseAck is the network losing a consumer's ack: the adapter, which
//     plays the network, does not deliver it to the broker, so the broker
//     gets no request at all. The adapter refuses it, as the model does,
//     when the consumer holds no lease to ack; it reads that from the
//     broker's view. Reading the view ends the leases that ran out, as
//     every operation of the broker but Tick does, so a LoseAck is also an
//     observation: in a stretch of steps a test leaves unobserved (NoView)
//     it can hide a bug that observing hides, such as ackexpired. The
//     generated tests never put one there: a LoseAck changes nothing, so
//     no shortest walk to a state takes it.
type Adapter struct {
	sub  *subprocess.Adapter
	impl string
	bugs string
}

var (
	_ adapters.Dynamic      = (*Adapter)(nil)
	_ adapters.ModelChecker = (*Adapter)(nil)
	_ adapters.Invariants   = (*Adapter)(nil)
	_ adapters.RerunEnver   = (*Adapter)(nil)
)

// RerunEnv returns the settings of $MBT_QUEUE_IMPL and $MBT_QUEUE_BUGS that
// the command printed to rerun a failed test must repeat.
func (a *Adapter) RerunEnv() []string {
	var env []string
	if a.impl != "go" {
		env = append(env, ImplEnv+"="+a.impl)
	}
	if a.bugs != "" {
		env = append(env, BugsEnv+"="+a.bugs)
	}
	return env
}

// NewAdapter starts a broker for the test t, with a fresh data directory
// from t.TempDir and DefaultConfig's lease and quota: the Go broker (package
// broker) by running the test binary again with $MBT_QUEUE_SERVE set, or,
// with $MBT_QUEUE_IMPL=python, the Python broker pyqueue/broker.py. The
// bugs named in $MBT_QUEUE_BUGS are switched on in either. The broker is
// stopped, with its process group, when the test ends.
//
// The Go broker is served by the test binary's TestMain (main_test.go), so
// NewAdapter works only in the tests of this package. Without python3 on
// the PATH a Python run is skipped, or fails when $MBT_REQUIRE_PYTHON is
// set.
func NewAdapter(t testing.TB) *Adapter {
	t.Helper()
	impl := os.Getenv(ImplEnv)
	if impl == "" {
		impl = "go"
	}
	cfg := DefaultConfig()
	args := []string{"-lease", strconv.Itoa(cfg.Lease), "-quota", strconv.Itoa(cfg.Messages),
		"-bugs", os.Getenv(BugsEnv), t.TempDir()}
	// A broker starts in milliseconds; the generous bound is for a loaded
	// CI machine running many race-detector binaries at once.
	opts := subprocess.Options{StartTimeout: 30 * time.Second}
	var command string
	switch impl {
	case "go":
		exe, err := os.Executable()
		if err != nil {
			t.Fatalf("the Go broker runs in this test binary, which cannot be found: %v", err)
		}
		command = exe
		// A test binary built with -race sleeps a second at exit (for
		// other threads' reports) unless told not to: a second per test.
		gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
		opts.Env = []string{ServeEnv + "=1", "GORACE=" + gorace}
	case "python":
		py, err := pythonPath()
		if err != nil {
			if os.Getenv(RequirePythonEnv) != "" {
				t.Fatalf("%s=python needs python3, which is not on the PATH (and %s is set): %v", ImplEnv, RequirePythonEnv, err)
			}
			t.Skipf("skipping the Python broker: python3 is not on the PATH (%v); install it, or leave %s unset to test the Go broker", err, ImplEnv)
		}
		command = py
		// -S skips the site module: the broker needs only the standard
		// library, and it starts several times faster.
		args = append([]string{"-S", pythonBroker()}, args...)
	default:
		t.Fatalf("%s=%q: want go or python", ImplEnv, impl)
	}
	return &Adapter{sub: subprocess.New(t, opts, command, args...), impl: impl, bugs: os.Getenv(BugsEnv)}
}

// python is the interpreter that runs the Python broker, found once.
var python struct {
	once sync.Once
	path string
	err  error
}

// pythonPath returns the path of python3. A version manager's shim on the
// PATH (pyenv, asdf) can take longer to start than the whole broker, so
// the interpreter is asked where it really is.
func pythonPath() (string, error) {
	python.once.Do(func() {
		py, err := exec.LookPath("python3")
		if err != nil {
			python.err = err
			return
		}
		python.path = py
		out, err := exec.Command(py, "-S", "-c", "import sys; print(sys.executable)").Output()
		if p := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(p) {
			python.path = p
		}
	})
	return python.path, python.err
}

// pythonBroker returns the path of pyqueue/broker.py: next to this source
// file, or in the working directory, which go test sets to the package's.
func pythonBroker() string {
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "pyqueue", "broker.py")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, _ := filepath.Abs(filepath.Join("pyqueue", "broker.py"))
	return p
}

// Impl returns the implementation the adapter runs: "go" or "python".
func (a *Adapter) Impl() string { return a.impl }

// Subprocess returns the subprocess adapter that talks to the broker.
func (a *Adapter) Subprocess() *subprocess.Adapter { return a.sub }

// Reset empties the broker.
func (a *Adapter) Reset(ctx context.Context) error { return a.sub.Reset(ctx) }

// Do performs step: RestartBroker and LoseAck itself, the others through the
// broker.
func (a *Adapter) Do(ctx context.Context, step model.Step, out reflect.Type) (any, error) {
	switch step.Action {
	case restartBroker:
		return nil, a.sub.Restart(ctx)
	case loseAck:
		if len(step.Args) != 1 {
			return nil, fmt.Errorf("LoseAck takes a consumer, got %d arguments", len(step.Args))
		}
		consumer, _ := step.Args[0].(string)
		v, err := a.sub.Observe(ctx, reflect.TypeFor[View]())
		if err != nil {
			return nil, err
		}
		for _, m := range v.(View).Messages {
			if m.Status == InFlight && m.Consumer == consumer {
				return nil, nil // the ack is lost on the way: the broker never gets it
			}
		}
		return nil, fmt.Errorf("consumer %s holds no lease: it has no ack to lose", consumer)
	}
	return a.sub.Do(ctx, step, out)
}

// Observe returns the broker's view.
func (a *Adapter) Observe(ctx context.Context, view reflect.Type) (any, error) {
	return a.sub.Observe(ctx, view)
}

// Invariants asks the broker to check its guarantees on its own state.
func (a *Adapter) Invariants(ctx context.Context) error { return a.sub.Invariants(ctx) }

// CheckModel checks that m has the actions the adapter performs itself,
// and that the broker implements all the others.
func (a *Adapter) CheckModel(m model.Machine) error {
	var names []string
	for _, ai := range m.Actions() {
		names = append(names, ai.Name)
	}
	var errs []error
	for _, own := range []string{restartBroker, loseAck} {
		if !slices.Contains(names, own) {
			errs = append(errs, fmt.Errorf("queue: model %s has no action %s, which the adapter performs", m.Name(), own))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return a.sub.CheckModel(brokerActions{m})
}

// brokerActions is a model without the actions the adapter performs, for
// the broker's hello.
type brokerActions struct{ model.Machine }

func (b brokerActions) Actions() []model.ActionInfo {
	return slices.DeleteFunc(slices.Clone(b.Machine.Actions()), func(ai model.ActionInfo) bool {
		return ai.Name == restartBroker || ai.Name == loseAck
	})
}
