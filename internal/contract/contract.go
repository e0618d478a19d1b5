// Package contract holds what the adapter contract of package adapters
// and the code that package gen writes for it agree on: the method names
// an adapter has of its own, which no model action tested through an
// adapter may have.
package contract

import "fmt"

// reserved are the adapter's own methods: Reset (also the action of a step
// that resets the implementation in the middle of a test), View and
// Invariants.
var reserved = map[string]bool{"Reset": true, "View": true, "Invariants": true}

// Reserved reports whether an action named name clashes with an adapter's
// own method.
func Reserved(name string) bool { return reserved[name] }

// ReservedError explains why the action named name cannot be tested
// through an adapter. A model may still have it: explore, replay and trace
// do not use adapters.
func ReservedError(name string) error {
	return fmt.Errorf("action %s: the name is taken by the adapter's own %s method; rename the action in the model to test it through an adapter", name, name)
}
