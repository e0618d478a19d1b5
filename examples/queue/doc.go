// Package queue is a message broker with at-least-once delivery: a model,
// two implementations of it, one in Go and one in Python, and the generated
// tests that drive either through mbt's subprocess adapter (package
// [github.com/mbtgo/mbt/adapters/subprocess]) and compare it with the model
// after every step.
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
//     consumer at a time.
//   - Ack(c, m): the broker marks m acked and never delivers it again. It
//     refuses unless m is in flight to c: acked, ready, leased to another
//     consumer, or after its lease ran out.
//   - Tick: the broker's logical clock advances by one; a lease that runs
//     out makes its message ready again. Time is logical: leases expire on
//     ticks, never on the wall clock, so every run is the same.
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
// their leases, and what each producer knows it published. The [View],
// compared after every step, is the broker's side: each message's status
// (ready, in flight, acked), whether it was delivered, and who holds its
// lease for how many more ticks.
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
// own state when the adapter asks (the protocol's op "invariants", after
// every step), so a violation shows where it happens, not only when the
// view differs later.
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
// ticks: 43 states, 242 transitions). They cover every transition and
// every boundary of a guard, with broker restarts, consumer crashes, lost
// acks and ticks among their steps, and negative steps the broker must
// refuse; the file's Coverage comment gives the counts. Every test starts a broker process, and every
// restart another, so the suite's time goes to starting processes. Two
// producers have 1,607 states and 10,596 transitions, too many for a tour;
// the tests of this package explore that instance instead.
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
//     differs, and the broker reports the producer's order broken.
//   - ackany: an ack from a consumer that does not hold the lease is
//     accepted: a negative step, Ack("c2", "p1.1") while c1 holds p1.1, is
//     not refused (only boundary tests have it).
package queue
