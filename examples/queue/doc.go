// Package queue is a message broker with at-least-once delivery: a model,
// two implementations of it, one in Go and one in Python, and the generated
// tests that drive either through mbt's subprocess adapter (package
// [github.com/mbtgo/mbt/adapters/subprocess]) and compare it with the model
// step by step.
//
// # The model
//
// Producers p1, p2, ... publish messages; consumers c1, c2, ... receive and
// acknowledge them. [Model] has these actions:
//
//   - Publish(p): the broker appends producer p's next message, "p1.1",
//     "p1.2", ..., and returns its ID; a producer publishes Messages
//     messages (the broker's quota).
//   - Deliver(c): the broker leases the oldest ready message, in publish
//     order, to consumer c for Lease ticks and returns it as a [Delivery],
//     marked Redelivered when it was delivered before. It refuses when no
//     message is ready, or when c already holds a lease: one message per
//     consumer at a time (the two conditions of its guard, named with
//     Requires, so that a test tries each alone).
//   - Ack(c, m): the broker marks m acked and never delivers it again. It
//     refuses unless m is in flight to c: acked, ready, leased to another
//     consumer, or after its lease ran out.
//   - Tick: the broker's logical clock advances by one; a lease that runs
//     out makes its message ready again. Time is logical: leases expire on
//     ticks, never on the wall clock, so every run is the same.
//
// Producers and consumers are the model's bound, not the broker's: it
// serves any client by the name it gives. So the values outside the
// domains of Publish and Deliver, which the broker must refuse, are the
// empty name only (declared with Outside); Ack, CrashConsumer and LoseAck
// also try the name "unknown", a consumer that holds no lease, and Ack a
// message ID that was never published.
//
// and three faults:
//
//   - RestartBroker: kill -9 of the broker's process and a new one on the
//     same data directory. The durable file survives; the leases, held in
//     memory, do not, so every in-flight message is ready again.
//   - CrashConsumer(c): consumer c dies before it acks the message it
//     holds. Its connection closes, and the broker makes the message ready
//     at once. The broker refuses it for a consumer without a lease.
//   - LoseAck(c): the network loses c's ack of the message it holds. The
//     broker never hears of it, so nothing changes, and the message comes
//     back, marked Redelivered, when its lease runs out: at least once,
//     not exactly once.
//
// The state is the broker's log of messages, with their durable flags and
// their leases, and what each producer knows it published. The [View]
// is the broker's side: each message's status (ready, in flight, acked),
// whether it was delivered, and who holds its lease for how many more
// ticks.
//
// # The guarantees
//
// The model's invariants and action property state what users of a queue
// care about, and exploring it finds them true:
//
//  1. NoLostMessage: every message a producer had confirmed is in the
//     broker's log, once, and is acked, ready, or in flight under a lease
//     that will run out, whatever restarts happened.
//  2. NoDeliveryAfterAck: Deliver never hands out an acked message (and no
//     acked message holds a lease).
//  3. ProducerOrder: a producer's messages are first delivered in the
//     order it published them.
//
// plus OneLeasePerConsumer. Both brokers check the same guarantees on their
// own state when the adapter asks (the protocol's op "invariants", with
// every view the runner reads), so a violation shows where it happens, not
// only when the view differs later.
//
// # Two implementations, one test file
//
// Package [github.com/mbtgo/mbt/examples/queue/broker] is the broker in Go,
// and pyqueue/broker.py the same broker in Python 3 with the standard
// library only. Each writes its messages to queue.json in the data
// directory it is given on every change (the same format), keeps leases in
// memory, reads time from an injected logical clock, and speaks the
// subprocess protocol: JSON requests on standard input, one response a line
// on standard output.
//
// [NewAdapter] starts one for each test, on a fresh t.TempDir: the Go broker
// with MBT_QUEUE_IMPL=go, the default, or the Python one with
// MBT_QUEUE_IMPL=python. It wraps the subprocess adapter in an [Adapter]
// that performs RestartBroker itself (Restart: SIGKILL to the process group,
// then a new process on the same directory), plays the network that loses
// LoseAck's ack (the broker gets no request at all), and passes every
// other step on. The test's cleanup ends the
// broker and its process group; the kernel kills it too if the test binary
// dies (Pdeathsig).
//
// The Go broker needs no build step: the test binary is its binary too.
// NewAdapter runs the test binary again with MBT_QUEUE_SERVE set, and the
// package's TestMain serves instead of testing:
//
//	func TestMain(m *testing.M) {
//		if os.Getenv(queue.ServeEnv) != "" {
//			os.Exit(broker.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
//		}
//		os.Exit(m.Run())
//	}
//
// # Running
//
//	go test ./examples/queue                         # the Go broker
//	MBT_QUEUE_IMPL=python go test ./examples/queue   # the Python broker
//	MBT_QUEUE_BUGS=lifo go test ./examples/queue     # with a planted bug
//	go generate ./examples/queue                     # after changing the model
//	go run ./cmd/mbt explore ./examples/queue -set Producers=2 -set Lease=2
//
// Without python3 on the PATH the Python runs are skipped; with
// MBT_REQUIRE_PYTHON set, as in CI, they fail instead.
//
// The generated tests, queue_mbt_test.go, are made from the model's default
// constants (one producer of two messages, two consumers, a lease of two
// ticks: 43 states, 242 transitions) with mbt gen's default criteria. They
// take every transition, with broker restarts, consumer crashes, lost acks
// and ticks among their steps, and try the steps the broker must refuse:
// each refused action where it is refused, right after each kind of step
// that turns it off (an Ack right after the Tick that ended its lease, the
// Ack that acked it, the restart or the crash that dropped it), where the
// same action with another argument is allowed, with each condition of
// Deliver's guard the only false one, and with each value outside a
// domain; and one test resets the broker in the middle. The file's
// Coverage comment gives the counts.
//
// The runner reads the broker's view, and asks for its invariants, after
// every step of a test but the walk that leads to the negative steps,
// which it leaves unobserved (NoView), and it reads the view twice to
// make sure that reading changes nothing. Unobserved walks matter here:
// the brokers end leases lazily, when an operation looks at them, and
// reading the view is such an operation, so a broker whose Ack forgot to
// look (the bug ackexpired below) passes every test that reads the view
// between the Tick and the Ack.
//
// Every test starts a broker process, and every restart another, so the
// suite's time goes to starting processes; reading a view costs a
// fraction of a millisecond. Two producers have 1,607 states and 10,596
// transitions, too many for a tour; the tests of this package explore
// that instance instead.
//
// # Planted bugs
//
// Both brokers have the same planted bugs, off unless named in
// MBT_QUEUE_BUGS (comma-separated), and TestPlantedBugs checks that the
// generated tests catch each one in both, at the same step:
//
//   - forgetack: acks are not persisted, so after a restart an acked
//     message is ready and delivered again: the view after RestartBroker
//     differs.
//   - dropinflight: a restart drops the messages delivered and not acked
//     instead of making them ready: the view differs, and the broker's own
//     invariants report the lost messages.
//   - lifo: the newest ready message is delivered first: Deliver's output
//     differs (and the broker's own invariants, when asked, report the
//     producer's order broken).
//   - ackany: an ack from a consumer that does not hold the lease is
//     accepted: a negative step, Ack("c1", "p1.1") while c2 holds p1.1, is
//     not refused.
//   - ackexpired: Ack does not first end the leases that ran out, as
//     every other operation does, so an ack after its lease ran out is
//     accepted when nothing looked at the broker since the Tick: the
//     negative step Ack("c2", "p1.1") right after the Tick that ended c2's
//     lease, after an unobserved walk there, is not refused. A suite that
//     reads the view after every step cannot catch it.
package queue
