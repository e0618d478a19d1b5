// Package ledger is a small HTTP/JSON ledger service: the real
// implementation that examples/bank's model describes and its generated
// tests drive.
//
// Endpoints (JSON bodies, JSON answers; errors as {"error": "..."} with
// status 409 for refused operations and 400 for malformed requests):
//
//	GET  /balances                              -> {"a": 0, "b": 2}
//	POST /deposit  {"account":"a","amount":2}  -> {"balance": 2}
//	POST /withdraw {"account":"a","amount":1}  -> {"balance": 1}
//	POST /transfer {"from":"a","to":"b","amount":1} -> {}
//	POST /reset                                 -> {} (all balances to 0)
//
// The server has planted bugs, off by default and switched on at start
// (see [Bug] and [AllBugs]), so that the project can show that its generated tests catch
// each of them.
package ledger
