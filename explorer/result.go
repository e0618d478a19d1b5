package explorer

import (
	"fmt"
	"time"

	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
)

// Status says how an exploration ended.
type Status int

const (
	// Complete: every reachable state was explored and no property failed.
	Complete Status = iota
	// Violated: a property failed; Result.Violations has the traces.
	Violated
	// Incomplete: a limit or cancellation stopped the exploration before it
	// finished, with no violation found so far; Result.Reason says which.
	Incomplete
)

var statusNames = [...]string{Complete: "complete", Violated: "violation", Incomplete: "incomplete"}

func (s Status) String() string { return statusNames[s] }

// MarshalText renders the status as complete, violation or incomplete.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reason says why an exploration stopped early.
type Reason int

const (
	// NoReason: the exploration was not stopped early.
	NoReason Reason = iota
	// StateLimit: Options.MaxStates distinct states were reached.
	StateLimit
	// DepthLimit: states at Options.MaxDepth were not expanded.
	DepthLimit
	// TimeLimit: Options.MaxTime passed.
	TimeLimit
	// MemoryLimit: the process's memory grew beyond Options.MaxMemory.
	MemoryLimit
	// Canceled: the context was canceled.
	Canceled
	// WalkLimit: the Random strategy ran all its walks; states it did not
	// visit may still be reachable.
	WalkLimit
)

var reasonNames = [...]string{"", "state limit reached", "depth limit reached", "time limit reached",
	"memory limit reached", "canceled", "random walks done"}

func (r Reason) String() string { return reasonNames[r] }

// MarshalText renders the reason as text.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Kind is the kind of a violation.
type Kind int

const (
	// InvariantKind: an invariant is false in a reachable state.
	InvariantKind Kind = iota
	// PropertyKind: an action property is false for a reachable transition.
	PropertyKind
	// DeadlockKind: a reachable state that is not terminal has no enabled
	// action.
	DeadlockKind
	// PanicKind: user code (a guard, effect, invariant, property, view)
	// panicked.
	PanicKind
	// ImpureKind: a guard or effect changed the state it was given.
	ImpureKind
)

var kindNames = [...]string{"invariant", "property", "deadlock", "panic", "impure action"}

func (k Kind) String() string { return kindNames[k] }

// MarshalText renders the kind as text.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Violation is a property that failed, with the trace that shows it.
type Violation[S any] struct {
	Kind Kind `json:"kind"`
	// Name is the invariant or property that failed, or the action that
	// panicked or was impure; empty for deadlocks.
	Name string `json:"name,omitempty"`
	// Message explains the failure; for panics it holds the panic value
	// and the stack of the user code.
	Message string `json:"message"`
	// Trace leads from an initial state to the state where the violation
	// shows. For invariants, properties and impure effects it ends with the
	// offending step; for deadlocks at the deadlocked state.
	Trace model.Trace[S] `json:"trace"`
	// Attempted is the step that panicked or was impure: it has no
	// successor state in Trace.
	Attempted *model.Step `json:"attempted,omitempty"`
}

func (v *Violation[S]) String() string {
	steps := fmt.Sprintf("%d %s", v.Trace.Len(), text.Plural(v.Trace.Len(), "step", "steps"))
	switch v.Kind {
	case DeadlockKind:
		return "deadlock after " + steps
	case PanicKind, ImpureKind:
		return fmt.Sprintf("%s: %s", v.Kind, v.Message)
	}
	return fmt.Sprintf("%s %s violated after %s", v.Kind, v.Name, steps)
}

// Stats are the counts of an exploration.
type Stats struct {
	// Distinct is the number of distinct states found.
	Distinct int64 `json:"distinct"`
	// Transitions is the number of enabled (action, arguments) pairs
	// evaluated, including those leading to known states. TLC's "states
	// generated" is Transitions plus the number of initial states.
	Transitions int64 `json:"transitions"`
	// Pruned is the number of those transitions that lead to a state
	// outside the model's constraints (see [model.Constraint]), which is
	// checked but not counted as distinct nor expanded.
	Pruned int64 `json:"pruned,omitempty"`
	// MaxDepth is the length of the longest shortest path found (BFS), or
	// the deepest state visited (DFS, Random).
	MaxDepth int `json:"max_depth"`
	// Queue is the number of states found but not expanded when the
	// exploration stopped.
	Queue int64 `json:"queue"`
	// Walks is the number of random walks completed (Random only).
	Walks int64 `json:"walks,omitempty"`
	// Elapsed is the exploration's wall time.
	Elapsed time.Duration `json:"elapsed_ns"`
	// StatesPerSec is Distinct / Elapsed.
	StatesPerSec float64 `json:"states_per_sec"`
	// TableBytes is the memory held for all distinct states: the
	// fingerprint set plus the parent pointers for trace reconstruction.
	// It is a part of PeakMemory.
	TableBytes int64 `json:"table_bytes"`
	// PeakMemory is the most memory the whole process held while it
	// explored, measured as for Options.MaxMemory (the resident set size
	// on Linux) every 50 ms and at the start and end. Besides the table it
	// counts the frontier of full states, the Go runtime's free memory not
	// yet returned to the system, the model and the rest of the program.
	PeakMemory int64 `json:"peak_memory_bytes"`
	// Workers is the number of goroutines that expanded states.
	Workers int `json:"workers"`
}

// BytesPerState is TableBytes per distinct state.
func (s Stats) BytesPerState() float64 {
	if s.Distinct == 0 {
		return 0
	}
	return float64(s.TableBytes) / float64(s.Distinct)
}

// Result is the outcome of an exploration. A limit or a cancellation gives
// a Result with Status Incomplete and everything found so far, not an error.
type Result[S any] struct {
	Model      string          `json:"model"`
	Strategy   string          `json:"strategy"`
	Status     Status          `json:"status"`
	Reason     Reason          `json:"reason,omitempty"`
	Stats      Stats           `json:"stats"`
	Violations []*Violation[S] `json:"violations,omitempty"`
	Coverage   Coverage        `json:"coverage"`
}
