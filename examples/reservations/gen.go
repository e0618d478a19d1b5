package reservations

// The generated tests, reservations_mbt_test.go, drive the service that
// NewAdapter starts through the paths mbt gen selects from the model.
// Regenerate them after changing the model with go generate
// ./examples/reservations.

//go:generate go run ../../cmd/mbt gen -model Model -adapter NewAdapter .
