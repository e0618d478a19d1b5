package fault_test

import (
	"fmt"

	"github.com/mbtgo/mbt/adapters/fault"
)

// A partition sets every link between the two sides, both ways; links
// within a side keep working.
func ExampleNetwork_Partition() {
	n := fault.NewNetwork()
	defer n.Close()
	// Each node listens on its own port; the others dial the proxy instead.
	targets := map[string]string{"a": "127.0.0.1:7001", "b": "127.0.0.1:7002", "c": "127.0.0.1:7003"}
	for _, from := range []string{"a", "b", "c"} {
		for _, to := range []string{"a", "b", "c"} {
			if from != to {
				if _, err := n.Link(from, to, targets[to]); err != nil {
					panic(err)
				}
			}
		}
	}

	n.Partition(fault.Drop, []string{"a"}, []string{"b", "c"})
	for _, l := range n.Links() {
		from, to := l[0], l[1]
		fmt.Printf("%s->%s %v\n", from, to, n.Proxy(from, to).Mode(fault.ToTarget))
	}
	// Output:
	// a->b Drop
	// a->c Drop
	// b->a Drop
	// b->c Pass
	// c->a Drop
	// c->b Pass
}
