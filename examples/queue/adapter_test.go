package queue

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// fatalTB is a TB whose Fatalf and Skipf stop NewAdapter with a panic
// that the test recovers, instead of ending the test.
type fatalTB struct {
	*testing.T
}

type stopped struct{ kind, msg string }

func (f fatalTB) Fatalf(format string, args ...any) {
	panic(stopped{"fatal", fmt.Sprintf(format, args...)})
}

func (f fatalTB) Skipf(format string, args ...any) {
	panic(stopped{"skip", fmt.Sprintf(format, args...)})
}

func TestNewAdapter_BadImpl(t *testing.T) {
	t.Setenv(ImplEnv, "ruby")
	defer func() {
		s, ok := recover().(stopped)
		if !ok || s.kind != "fatal" || !strings.Contains(s.msg, `MBT_QUEUE_IMPL="ruby": want go or python`) {
			t.Errorf("NewAdapter stopped with %+v, want a fatal error naming MBT_QUEUE_IMPL", s)
		}
	}()
	NewAdapter(fatalTB{t})
	t.Error("NewAdapter returned")
}

func TestNewAdapter_BadBugs(t *testing.T) {
	t.Setenv(ImplEnv, "go")
	t.Setenv(BugsEnv, "fifo")
	a := NewAdapter(t)
	err := a.Reset(t.Context())
	if !errors.Is(err, adapters.ErrBroken) || !strings.Contains(err.Error(), `unknown bug "fifo"`) {
		t.Errorf("Reset with MBT_QUEUE_BUGS=fifo: %v; want the broker's exit with its complaint", err)
	}
	a.Subprocess().Close() // it exited with status 2, which Close would report
}

// The adapter loses an ack only when the consumer holds a lease, and then
// sends the broker nothing; the broker refuses the crash of a consumer
// without one. RestartBroker is a new process that keeps the durable
// state.
func TestAdapter_Faults(t *testing.T) {
	for _, impl := range []string{"go", "python"} {
		t.Run(impl, func(t *testing.T) {
			if impl == "python" {
				needPython(t)
			}
			t.Setenv(ImplEnv, impl)
			t.Setenv(BugsEnv, "")
			a := NewAdapter(t)
			if a.Impl() != impl {
				t.Fatalf("Impl() = %q, want %q", a.Impl(), impl)
			}
			ctx := t.Context()
			if err := a.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			str, dlv := reflect.TypeFor[string](), reflect.TypeFor[Delivery]()
			tests := []struct {
				action string
				args   []any
				out    reflect.Type
				want   any
				err    string
				reason string
			}{
				{"LoseAck", []any{"c1"}, nil, nil, "consumer c1 holds no lease", "c1 was never delivered anything"},
				{"CrashConsumer", []any{"c1"}, nil, nil, "the consumer holds no lease", "the broker refuses it"},
				{"Publish", []any{"p1"}, str, "p1.1", "", ""},
				{"Deliver", []any{"c1"}, dlv, Delivery{ID: "p1.1"}, "", ""},
				{"LoseAck", []any{"c1"}, nil, nil, "", "c1 holds p1.1"},
				{"Deliver", []any{"c1"}, nil, nil, "the consumer already holds a lease", "the broker never got the ack"},
				{"RestartBroker", nil, nil, nil, "", ""},
				{"Deliver", []any{"c2"}, dlv, Delivery{ID: "p1.1", Redelivered: true}, "", "the restart ended c1's lease"},
				{"CrashConsumer", []any{"c2"}, nil, nil, "", "c2 holds p1.1"},
				{"Deliver", []any{"c1"}, dlv, Delivery{ID: "p1.1", Redelivered: true}, "", "c2's crash ended its lease"},
				{"Ack", []any{"c1", "p1.1"}, nil, nil, "", ""},
				{"LoseAck", []any{"c1"}, nil, nil, "consumer c1 holds no lease", "c1 acked what it held"},
			}
			for i, tt := range tests {
				got, err := a.Do(ctx, model.Step{Action: tt.action, Args: tt.args}, tt.out)
				switch {
				case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
					t.Fatalf("step %d, %s%v: error %v, want %q (%s)", i+1, tt.action, tt.args, err, tt.err, tt.reason)
				case tt.err == "" && err != nil:
					t.Fatalf("step %d, %s%v: %v (%s)", i+1, tt.action, tt.args, err, tt.reason)
				case tt.err == "" && !reflect.DeepEqual(got, tt.want):
					t.Fatalf("step %d, %s%v = %#v, want %#v (%s)", i+1, tt.action, tt.args, got, tt.want, tt.reason)
				}
			}
			if err := a.Invariants(ctx); err != nil {
				t.Errorf("Invariants: %v", err)
			}
			v, err := a.Observe(ctx, reflect.TypeFor[View]())
			want := View{Messages: []MessageView{{ID: "p1.1", Status: Acked, Delivered: true}}}
			if err != nil || !reflect.DeepEqual(v, want) {
				t.Errorf("Observe = %+v, %v; want %+v", v, err, want)
			}
		})
	}
}

func TestAdapter_CheckModel(t *testing.T) {
	t.Setenv(ImplEnv, "go")
	t.Setenv(BugsEnv, "")
	small := func(actions ...string) model.Machine {
		m := dsl.New[int]("Queue")
		m.Init(0)
		for _, a := range actions {
			m.Action(a, nil, func(*int) {})
		}
		return m.MustBuild().Erase()
	}
	full, err := Model(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		m    model.Machine
		want []string // in the error; none for no error
	}{
		{"the model", full.Erase(), nil},
		{"no faults", small("Publish", "Tick"), []string{"has no action RestartBroker", "has no action LoseAck"}},
		{"an action the broker lacks", small("Publish", "Purge", "RestartBroker", "LoseAck"), []string{"action Purge is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewAdapter(t).CheckModel(tt.m)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("CheckModel: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckModel: no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("CheckModel: %v; want %q in it", err, w)
				}
			}
		})
	}
}

// children returns the processes whose parent is this one, on Linux.
func children(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("/proc/self/task/*/children")
	if err != nil || len(files) == 0 {
		t.Skip("no /proc/self/task/*/children on this system")
	}
	var pids []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // the thread ended
		}
		pids = append(pids, strings.Fields(string(data))...)
	}
	return pids
}

// A test leaves no broker running: its cleanup ends the broker, and the
// broker restarts killed the ones before.
func TestNothingLeftRunning(t *testing.T) {
	t.Setenv(BugsEnv, "")
	for _, impl := range []string{"go", "python"} {
		t.Run(impl, func(t *testing.T) {
			if impl == "python" {
				needPython(t)
			}
			t.Setenv(ImplEnv, impl)
			if pids := children(t); len(pids) > 0 {
				t.Fatalf("child processes %v are running before the test: an earlier test left them", pids)
			}
			t.Run("a test", func(t *testing.T) {
				a := NewAdapter(t)
				ctx := t.Context()
				if err := a.Reset(ctx); err != nil {
					t.Fatal(err)
				}
				for range 3 {
					if _, err := a.Do(ctx, model.Step{Action: "RestartBroker"}, nil); err != nil {
						t.Fatal(err)
					}
				}
				if pids := children(t); len(pids) != 1 {
					t.Errorf("while the test runs: child processes %v, want the broker alone", pids)
				}
			})
			if pids := children(t); len(pids) > 0 {
				t.Errorf("after the test: child processes %v are left running", pids)
			}
		})
	}
}
