package queue

// The generated tests, queue_mbt_test.go, drive a broker that NewAdapter
// starts (the Go one, or the Python one with MBT_QUEUE_IMPL=python) through
// the paths that mbt gen selects from the model with its default criteria:
// a tour of every transition, and the negative steps the broker must
// refuse (at the boundaries of every guard, with each condition of a guard
// the only false one, and with values outside the domains), tried after an
// unobserved walk; and a reset in the middle of a test. Regenerate them
// after changing the model with go generate ./examples/queue, and check
// that they are current with
//
//	go run ../../cmd/mbt gen -check -model Model -adapter NewAdapter .
//
// NewAdapter configures its broker for DefaultConfig, the model's default
// constants, and the tests must be generated with the same ones.

//go:generate go run ../../cmd/mbt gen -model Model -adapter NewAdapter .
