// Package suggest finds the name a user probably meant: "did you mean".
// The mbt command, the driver and the adapters binding share it.
package suggest
