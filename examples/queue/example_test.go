package queue_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mbtgo/mbt/examples/queue"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// The three guarantees hold in every state that two producers, two
// consumers, lost acks, consumer crashes and broker restarts can reach.
func ExampleModel() {
	m, err := queue.Model(queue.Config{Producers: 2, Messages: 2, Consumers: 2, Lease: 2})
	if err != nil {
		log.Fatal(err)
	}
	res, err := explorer.Explore(context.Background(), m, explorer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v: %d states, %d transitions, %d violations\n",
		res.Status, res.Stats.Distinct, res.Stats.Transitions, len(res.Violations))
	for _, inv := range m.Invariants {
		fmt.Println("invariant", inv.Name)
	}
	for _, p := range m.Properties {
		fmt.Println("property", p.Name)
	}
	// Output:
	// complete: 1607 states, 10596 transitions, 0 violations
	// invariant NoLostMessage
	// invariant ProducerOrder
	// invariant OneLeasePerConsumer
	// property NoDeliveryAfterAck
}

// A lost ack means a redelivery: at least once, not exactly once.
func ExampleDelivery() {
	m, err := queue.Model(queue.DefaultConfig())
	if err != nil {
		log.Fatal(err)
	}
	mm := m.Erase()
	s := mm.InitStates()[0]
	for _, st := range []model.Step{
		{Action: "Publish", Args: []any{"p1"}},
		{Action: "Deliver", Args: []any{"c1"}},
		{Action: "LoseAck", Args: []any{"c1"}},
		{Action: "Tick"},
		{Action: "Tick"},
		{Action: "Deliver", Args: []any{"c2"}},
	} {
		next, out, err := mm.Apply(s, st)
		if err != nil {
			log.Fatal(err)
		}
		if out.Output != nil {
			fmt.Printf("%v returns %+v\n", st, out.Output)
		} else {
			fmt.Println(st)
		}
		s = next
	}
	fmt.Printf("%+v\n", mm.View(s))
	// Output:
	// Publish("p1") returns p1.1
	// Deliver("c1") returns {ID:p1.1 Redelivered:false}
	// LoseAck("c1")
	// Tick
	// Tick
	// Deliver("c2") returns {ID:p1.1 Redelivered:true}
	// {Messages:[{ID:p1.1 Status:inflight Delivered:true Consumer:c2 Expires:2}]}
}
