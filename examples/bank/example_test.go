package bank_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/explorer"
)

// The explorer finds the overdraft that the off-by-one guard allows.
func ExampleModel() {
	m, err := bank.Model(bank.Config{Accounts: 2, Max: 3, MaxAmount: 2, OverdraftBug: true})
	if err != nil {
		log.Fatal(err)
	}
	res, err := explorer.Explore(context.Background(), m, explorer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	v := res.Violations[0]
	fmt.Println(v)
	for i, st := range v.Trace.Steps {
		fmt.Printf("%s returns %v: balances %v\n", st, st.Output, v.Trace.States[i+1].Balances)
	}
	// Output:
	// invariant NoNegativeBalance violated after 1 step
	// Withdraw("a", 1) returns -1: balances map[a:-1 b:0]
}
