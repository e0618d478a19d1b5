// Package broker is a message broker with at-least-once delivery, the Go
// implementation of the model of package
// [github.com/mbtgo/mbt/examples/queue]. pyqueue/broker.py, next to this
// package, is the same broker in Python.
//
// A [Broker] keeps its messages in a durable JSON file, queue.json in the
// data directory it is opened on, written through a temporary file and a
// rename on every change before the operation returns. Leases live in
// memory only: a broker opened again on the same directory, as after a
// kill -9, recovers every message and its published, delivered and acked
// flags, and makes every unacked message deliverable again. Time comes
// from an injected logical [Clock]: a lease runs out when the clock has
// ticked its length, never with the wall clock.
//
// [Server] answers mbt's subprocess protocol for a broker, and [Main] is
// the program that serves it on standard input and output; package queue
// runs it by executing its test binary again.
//
// [Bugs] are planted defects, off unless set, that the generated tests of
// package queue catch.
package broker
