package bank

// The generated tests, bank_mbt_test.go, drive the ledger service that
// NewHTTPAdapter starts through the paths that mbt gen selects from the
// model: a tour of every transition and the boundaries of every guard, with
// the negative steps the service must refuse. Regenerate them after
// changing the model with go generate ./examples/bank, and check that they
// are current with
//
//	go run ../../cmd/mbt gen -check -model Model -adapter NewHTTPAdapter -set Max=3 .
//
// NewHTTPAdapter starts its ledger with the model's default constants
// (Accounts=2 Max=3 MaxAmount=2), and the tests must be generated with the
// same ones.

//go:generate go run ../../cmd/mbt gen -model Model -adapter NewHTTPAdapter -set Max=3 .
