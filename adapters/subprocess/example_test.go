package subprocess_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/model"
)

// counter is an implementation in Go: a counter from 0 to 10, with the
// action Inc(n), which returns the new value.
type counter struct{ n int }

func (c *counter) Actions() []string { return []string{"Inc"} }

func (c *counter) Reset() error { c.n = 0; return nil }

func (c *counter) Step(action string, args []json.RawMessage) (any, error) {
	var n int
	if action != "Inc" || len(args) != 1 {
		return nil, fmt.Errorf("no action %s/%d", action, len(args))
	}
	if err := json.Unmarshal(args[0], &n); err != nil {
		return nil, err
	}
	if c.n+n > 10 {
		return nil, fmt.Errorf("%d + %d is over the limit of 10", c.n, n)
	}
	c.n += n
	return c.n, nil
}

func (c *counter) View() (any, error) {
	return struct {
		N int `json:"n"`
	}{c.n}, nil
}

// A Go program answers mbt with Serve, reading requests from its standard
// input; here they come from a string, to show the lines of the protocol.
func ExampleServe() {
	requests := strings.NewReader(`{"id":1,"op":"hello","protocol":1,"model":"Counter","actions":[{"name":"Inc","params":["n"]}]}
{"id":2,"op":"reset"}
{"id":3,"op":"step","action":"Inc","args":[2]}
{"id":4,"op":"step","action":"Inc","args":[9]}
{"id":5,"op":"view"}
`)
	if err := subprocess.Serve(requests, os.Stdout, "gocounter", &counter{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"id":1,"ok":true,"name":"gocounter","protocol":1,"actions":["Inc"]}
	// {"id":2,"ok":true}
	// {"id":3,"ok":true,"output":2}
	// {"id":4,"ok":false,"error":"2 + 9 is over the limit of 10"}
	// {"id":5,"ok":true,"view":{"n":2}}
}

// Start runs a program and drives it by hand. The program here is this
// test binary, which serves a wallet of 0 to 3 coins when
// MBT_SUBPROCESS_TEST_CHILD is set (see TestMain); a test of a Python
// implementation would start "python3" with "wallet.py". Tests usually
// hand the adapter to adapters.NewRunner instead.
func ExampleStart() {
	ctx := context.Background()
	opts := subprocess.Options{Env: []string{"MBT_SUBPROCESS_TEST_CHILD=wallet"}}
	a, err := subprocess.Start(ctx, opts, os.Args[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()

	if err := a.Reset(ctx); err != nil {
		fmt.Println(err)
		return
	}
	_, err = a.Do(ctx, model.Step{Action: "Deposit", Args: []any{3}}, nil)
	fmt.Println("Deposit(3):", err)
	out, err := a.Do(ctx, model.Step{Action: "Withdraw", Args: []any{1}}, reflect.TypeFor[int]())
	fmt.Println("Withdraw(1):", out, err)
	_, err = a.Do(ctx, model.Step{Action: "Withdraw", Args: []any{9}}, nil)
	fmt.Println("Withdraw(9) is refused:", err)
	view, err := a.Observe(ctx, reflect.TypeFor[Wallet]())
	fmt.Printf("view: %+v %v\n", view, err)
	fmt.Println("name:", a.Name())
	// Output:
	// Deposit(3): <nil>
	// Withdraw(1): 2 <nil>
	// Withdraw(9) is refused: insufficient funds
	// view: {Balance:2} <nil>
	// name: gowallet
}
