// Package adapters is the contract between an mbt model and the real
// implementation it describes, and the runner that drives one through the
// other and compares them step by step.
//
// # The contract
//
// An adapter is any Go value with these methods:
//
//	Reset(ctx context.Context) error           // back to the model's initial state
//	View(ctx context.Context) (V, error)       // the state as the model's View sees it
//
// and, for every action of the model, a method of the same name that takes a
// context and the action's parameters with the same Go types, and returns an
// error, or an output and an error:
//
//	// model: dsl.Action2(m, "Withdraw", acct, amt, ...).Returns(...)
//	Withdraw(ctx context.Context, acct string, amt int) (int, error)
//
// A returned error means the implementation refused the step. [Bind] checks
// the whole contract before anything runs and reports every mismatch at once,
// with "did you mean" for near-miss names.
//
// # Steps and negative steps
//
// A step ([model.Step]) is an action with arguments. A step whose guard is
// false in the model, marked Refused, is a negative step: the implementation must refuse it (return an
// error) and its view must not change. Negative steps test the rejections
// that most test suites forget: withdrawing more than the balance,
// committing before every participant prepared.
//
// # The runner
//
// [Runner.Run] resets the implementation and drives a list of steps through
// it and through the model. After each step it compares the output and the
// view with the model's (go-cmp; see [Options.Cmp]), and on a mismatch reports
// the step, the steps before it, a -model +impl diff of everything that
// differs, and the command that reruns the test. It serves generated tests,
// replayed traces, and [Check], which runs seeded random walks of the model
// and shrinks a failure to a minimal walk the model allows.
//
// A step with Action "Reset" ([ResetAction]) resets the implementation in
// the middle of a test. A step with NoView leaves the implementation
// unobserved (no View, no Invariants) until the next observed step; every
// observation reads the view twice and fails if the two differ, since
// observing must not change the implementation.
//
// # References
//
// Where the implementation names what it creates (UUIDs, keys), the model
// uses references, model.Ref "r1", "r2", ... The runner learns the
// implementation's name for each reference from the output of the step
// that creates it, passes that name wherever the reference is an argument,
// and translates the implementation's names in outputs and views back, so
// that failures read as the model does. A reference no step has created
// reaches the implementation as a name it never issued ([UnknownName], or
// the adapter's [RefNamer]).
//
// The text of failure messages is for people; do not depend on it being
// stable.
//
// # Adapters reached by name, system invariants, broken connections
//
// An implementation in another process or language is reached through a
// [Dynamic] adapter instead: Do performs any action by name and Observe
// returns the view, each told the Go type the model expects, so the adapter
// can decode into it. Package adapters/subprocess is one, speaking JSON lines
// to a program on its standard input and output.
//
// An adapter with an Invariants(ctx) error method has it called after Reset
// and after every step that is observed (see NoView above): the place for
// properties read from the real system, such as "no resource manager
// committed while another aborted". An adapter
// error that wraps [ErrBroken] (a lost connection, a crashed subprocess) is
// reported as a failure even on a negative step, where another error would
// be the refusal the model expects. Package adapters/fault has the building
// blocks for distributed systems: a TCP proxy per link that drops, delays or
// cuts traffic, and processes a test can crash and restart. An adapter whose
// behaviour depends on the environment (a planted bug, the implementation
// chosen) says so with a RerunEnv() []string method ([RerunEnver]), and the
// rerun command printed on failure sets those variables again.
//
// # Index
//
// Binding: [Bind], [Binding], [Resetter], [Dynamic], [ModelChecker],
// [Invariants], [ErrBroken], [RerunEnver], and [ErrNotImplemented] for
// the methods of a scaffolded adapter.
//
// Running: [NewRunner], [Runner], [Runner.Run], [ResetAction],
// [Options], [TB], [Failure], [ErrStale].
//
// References: [RefNamer], [UnknownName].
//
// Random testing: [Check], [CheckOptions], [Walk].
package adapters
