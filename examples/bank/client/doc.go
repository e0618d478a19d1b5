// Package client is a Go client of the ledger service (examples/bank/ledger).
package client
