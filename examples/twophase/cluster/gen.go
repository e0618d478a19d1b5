package cluster

//go:generate go run ../../../cmd/mbt gen -model Model -adapter NewAdapter -criteria transitions,boundaries .
