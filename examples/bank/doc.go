// Package bank is a ledger of accounts with deposits, withdrawals and
// transfers, the model a bank service is tested against.
//
// Accounts are named "a", "b", ... and start empty; every balance stays in
// 0..Max. The model checks the invariant NoNegativeBalance and the action
// property MoneyConserved: a transfer leaves the total unchanged, a deposit
// or withdrawal changes it by exactly its amount. Some action is enabled in
// every state (an account below Max takes a deposit, one at Max a
// withdrawal), so there is no deadlock.
//
// The service the model describes is package
// [github.com/mbtgo/mbt/examples/bank/ledger], an HTTP/JSON ledger;
// [NewHTTPAdapter] starts one and drives it through package
// [github.com/mbtgo/mbt/examples/bank/client], so that the runner of package
// adapters can compare it with the model step by step.
//
// With the default constants the model has (Max+1)^Accounts = 16 states.
// Setting OverdraftBug lets a withdrawal take one more than the balance,
// and the explorer finds the one-step overdraft:
//
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/bank -set Accounts=3
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/bank -set OverdraftBug=true
package bank
