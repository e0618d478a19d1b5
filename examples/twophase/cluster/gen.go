package cluster

// The generated tests, cluster_mbt_test.go, drive the cluster that
// NewAdapter starts through a tour of every transition of the model and
// the boundaries of every guard, with the negative steps the nodes (or the
// harness, for its own limits) must refuse. With DefaultConfig (2 resource
// managers, 1 fault per behavior) the model has 188 states and 691
// transitions (the suite's size is in the Coverage comment of
// cluster_mbt_test.go). MaxFaults=2 would make it 541 states and 2097
// transitions, three times as many to tour.
// NewAdapter runs the cluster with DefaultConfig, and the tests must be
// generated with the same constants. Regenerate them after changing the
// model with go generate ./examples/twophase/cluster, and check that they
// are current with
//
//	go run ../../../cmd/mbt gen -check -model Model -adapter NewAdapter -criteria transitions,boundaries .

//go:generate go run ../../../cmd/mbt gen -model Model -adapter NewAdapter -criteria transitions,boundaries .
