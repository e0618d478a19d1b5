package cluster

// The generated tests, cluster_mbt_test.go, are mbt gen's default
// criteria: they drive the cluster that NewAdapter starts through a tour
// of every transition of the model, and try the negative steps the nodes
// (or the harness, for its own limits) must refuse: at the boundaries of
// every guard, with each named condition of a guard as the only false one,
// and with resource managers and links outside the model's domains; one
// test also resets the cluster in the middle. With DefaultConfig (2
// resource managers, 1 fault per behavior) the model has 188 states and
// 691 transitions, and the suite some 300 tests of 1,300 steps, which run
// in 15 to 20 seconds on a busy machine of 2 cores (the exact counts are in
// the Coverage comment of cluster_mbt_test.go). MaxFaults=2 would make the model 541
// states and 2097 transitions, three times as many to tour.
// NewAdapter runs the cluster with DefaultConfig, and the tests must be
// generated with the same constants. Regenerate them after changing the
// model with go generate ./examples/twophase/cluster, and check that they
// are current with
//
//	go run ../../../cmd/mbt gen -check -model Model -adapter NewAdapter .

//go:generate go run ../../../cmd/mbt gen -model Model -adapter NewAdapter .
