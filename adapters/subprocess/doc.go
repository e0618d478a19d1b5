// Package subprocess drives an implementation written in any language
// through a program that speaks JSON lines on its standard input and
// output: protocol 1, specified for the teams who implement it in
// docs/subprocess-protocol.md.
//
// The package owns running the program and the wire: requests, responses,
// decoding values into the model's Go types, and telling a broken program
// from a refused step. Comparing the implementation with the model is the
// runner's job (package adapters): an [Adapter] is an [adapters.Dynamic]
// adapter, so [adapters.NewRunner] and [adapters.Check] take it as they
// take an adapter with one Go method per action.
//
// # The protocol
//
// mbt writes one JSON object per line to the program's stdin; the program
// answers each with one JSON object on one line on its stdout, and flushes.
// stderr is free for logs. Every request has "id" (1, 2, 3, … from each
// start of the program) and "op"; every response the same "id" and "ok",
// and "error" when ok is false:
//
//	{"id":1,"op":"hello","protocol":1,"model":"Wallet","actions":[{"name":"Deposit","params":["amt"]}]}
//	{"id":1,"ok":true,"name":"pywallet","protocol":1,"actions":["Deposit"],"invariants":true}
//	{"id":2,"op":"reset"}                                   {"id":2,"ok":true}
//	{"id":3,"op":"step","action":"Deposit","args":[2]}      {"id":3,"ok":true}
//	{"id":4,"op":"step","action":"Withdraw","args":[3]}     {"id":4,"ok":false,"error":"insufficient funds"}
//	{"id":5,"op":"view"}                                    {"id":5,"ok":true,"view":{"balance":2}}
//	{"id":6,"op":"invariants"}                              {"id":6,"ok":true}
//
// Values are the JSON encoding of the model's Go values, as encoding/json
// writes them. A step answered with ok false is refused: the runner checks
// that the model refuses it too. Anything else that goes wrong (a line
// that is not JSON, a wrong id, a missing "ok", an output or view that
// does not decode strictly into the model's type, no answer within the
// step's deadline, the program exiting) is a protocol error: it wraps
// [adapters.ErrBroken], so it fails the test even on a negative step, and
// it names the request (during step Publish("p1")) and shows the last
// lines of the program's stderr. After a timeout or an unreadable answer
// the program is killed, as its state is unknown; the next Reset starts it
// again and says hello again.
//
// # Processes
//
// The program runs in a process group of its own. On Linux it is started
// with Pdeathsig SIGKILL, so it dies with the test binary, even one killed
// by SIGKILL; its children die with it only when the group is killed (by
// [Adapter.Crash], [Adapter.Close], a protocol error, or its own exit), so
// a wrapper script should exec the implementation rather than fork it.
// Every wait has a bound: [Adapter.Close] returns within
// [Options.StopTimeout] and a few seconds, whatever the program does.
//
// # Programs written in Go
//
// [Serve] is the program side: a main that calls
// Serve(os.Stdin, os.Stdout, name, handler) implements the protocol with a
// [Handler].
//
// The text of error messages is for people; do not depend on it being
// stable.
//
// # Index
//
// Driving a program: [Start], [New], [Options], [Adapter],
// [Adapter.Reset], [Adapter.Do], [Adapter.Observe], [Adapter.Invariants],
// [Adapter.CheckModel].
//
// Faults and lifecycle: [Adapter.Crash], [Adapter.Restart],
// [Adapter.Close], [Adapter.Name], [Adapter.Stderr].
//
// The program side: [Serve], [Handler].
//
// The wire: [Protocol], [Request], [Response], [ActionDecl].
package subprocess
