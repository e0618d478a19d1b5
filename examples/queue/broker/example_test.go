package broker_test

import (
	"fmt"
	"log"
	"os"

	"github.com/mbtgo/mbt/examples/queue/broker"
)

// At-least-once delivery across a crash: a message delivered but not acked
// when the broker dies is delivered again by the broker that recovers the
// data directory, marked as a redelivery; an acked one never is.
func Example() {
	dir, err := os.MkdirTemp("", "broker")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	open := func() *broker.Broker {
		b, err := broker.Open(broker.Options{Dir: dir, Lease: 2})
		if err != nil {
			log.Fatal(err)
		}
		return b
	}

	b := open()
	for range 2 {
		if _, err := b.Publish("p1"); err != nil {
			log.Fatal(err)
		}
	}
	d, _ := b.Deliver("c1")
	fmt.Printf("c1 gets %+v\n", d)
	fmt.Println("c1 acks it:", b.Ack("c1", d.ID))
	d, _ = b.Deliver("c1")
	fmt.Printf("c1 gets %+v\n", d)

	b = open() // the broker crashed before c1 acked p1.2; a new one starts
	d, _ = b.Deliver("c2")
	fmt.Printf("c2 gets %+v\n", d)
	_, err = b.Deliver("c1")
	fmt.Println("c1:", err)
	// Output:
	// c1 gets {ID:p1.1 Redelivered:false}
	// c1 acks it: <nil>
	// c1 gets {ID:p1.2 Redelivered:false}
	// c2 gets {ID:p1.2 Redelivered:true}
	// c1: no message is ready
}
