package tlaimport

import "encoding/json"

// Trace is a behavior read from a tool's output: states and the actions
// between them.
type Trace struct {
	// Format is the format it was read from: "tlc", "tlc-json" or "itf".
	Format string
	// File is the name it was read from.
	File string
	// Vars are the variable names, in the order the source lists them
	// (ITF's vars; for TLC, the order of the first state).
	Vars []string
	// Params are ITF's params (constants), if any.
	Params []string
	// States are the states, the initial state first.
	States []State
	// Loop is the index of the state a lasso returns to (TLC's "Back to
	// state K", ITF's loop), or -1 when the trace is not a lasso.
	Loop int
	// Stuttering says the behavior ends by stuttering forever (TLC's
	// "Stuttering").
	Stuttering bool
	// Violation is the tool's description of what the trace violates, such
	// as "Invariant NotSolved is violated.", or "".
	Violation string
	// Meta is ITF's "#meta" object, kept verbatim so it can be written back.
	Meta json.RawMessage
}

// State is one state of a trace.
type State struct {
	// Vars maps variable names to values.
	Vars map[string]Value
	// Action is the action that led to this state, when the tool named it;
	// nil for the initial state and for unlabeled traces.
	Action *Action
	// Pos is where the state starts in the file.
	Pos Pos
	// Meta is ITF's per-state "#meta", kept verbatim.
	Meta json.RawMessage
}

// Action is an action label: the name of the action and, where the tool
// printed them, its arguments and where it is defined in the spec.
type Action struct {
	Name string
	// Args are the arguments in order (TLC's RMPrepare(r2)) or, from
	// Quint's mbt::nondetPicks, the nondeterministic picks by name.
	Args  []Value
	Picks map[string]Value
	// Location is the spec location as the tool printed it, like "line 41,
	// col 17 to line 44, col 52 of module TwoPhase".
	Location string
}
