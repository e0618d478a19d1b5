// Package text holds the bits of English that mbt's messages share, so
// that every package says "1 step" and "2 steps" the same way: the driver's
// reports, generated tests, the mbt command's output and the adapters'
// failure messages.
package text
