package queue

import (
	"fmt"
	"slices"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Config holds the constants of the model, set with mbt explore -set
// Lease=3.
type Config struct {
	// Producers is the number of producers, named "p1", "p2", ... (1 to 9).
	Producers int `default:"1"`
	// Messages is the number of messages each producer publishes (1 to 9);
	// producer p's k-th message has the ID "pP.k".
	Messages int `default:"2"`
	// Consumers is the number of consumers, named "c1", "c2", ... (1 to 9).
	Consumers int `default:"2"`
	// Lease is the number of ticks a delivery stays leased to its consumer
	// before the broker may deliver the message again (at least 1).
	Lease int `default:"2"`
}

// Status is what the broker knows about a message.
type Status string

// The statuses of a message.
const (
	// Ready: deliverable; no consumer holds a lease on it.
	Ready Status = "ready"
	// InFlight: delivered to a consumer whose lease has not expired.
	InFlight Status = "inflight"
	// Acked: a consumer acknowledged it; the broker never delivers it again.
	Acked Status = "acked"
)

// Message is one published message as the model's broker holds it. ID,
// Producer, Seq, Delivered and Acked are durable (in the broker's file);
// Consumer and Ticks are the lease, which lives in the broker's memory only
// and is lost when the broker restarts.
type Message struct {
	ID       string // "p1.2": producer p1's second message
	Producer int    // index of the producer, from 0
	Seq      int    // 1 for a producer's first message, 2 for its second, ...
	// Delivered: the broker delivered it at least once, so a later
	// delivery is a redelivery.
	Delivered bool
	// Acked: a consumer's acknowledgement of it reached the broker.
	Acked bool
	// Consumer holds the lease, "" when none.
	Consumer string
	// Ticks is the number of ticks left on the lease, 0 when none.
	Ticks int
}

// Status returns the message's status.
func (m Message) Status() Status {
	switch {
	case m.Acked:
		return Acked
	case m.Consumer != "":
		return InFlight
	}
	return Ready
}

// State is the broker and what its producers know.
type State struct {
	// Published[p] is the number of producer p's messages the broker
	// confirmed: what the producer knows was accepted, which the view
	// leaves out.
	Published []int
	// Log holds the broker's messages in publish order.
	Log []Message
}

// find returns the index in s.Log of the message with the given ID, or -1.
func (s State) find(id string) int {
	return slices.IndexFunc(s.Log, func(m Message) bool { return m.ID == id })
}

// leased reports whether consumer c holds a lease on some message.
func (s State) leased(c string) bool {
	return slices.ContainsFunc(s.Log, func(m Message) bool { return m.Consumer == c })
}

// next returns the index of the message Deliver hands out: the oldest ready
// one in publish order, or -1 when none is ready.
func (s State) next() int {
	return slices.IndexFunc(s.Log, func(m Message) bool { return m.Status() == Ready })
}

// Delivery is the output of Deliver: the message handed to the consumer.
type Delivery struct {
	ID string `json:"id"`
	// Redelivered: the broker delivered this message before (its lease
	// expired, or the broker restarted, before an ack reached it).
	Redelivered bool `json:"redelivered"`
}

// View is what the broker shows of itself, compared with the model's after
// every step a test observes: its messages in publish order.
type View struct {
	Messages []MessageView `json:"messages"`
}

// MessageView is one message of a [View].
type MessageView struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Delivered: delivered at least once.
	Delivered bool `json:"delivered"`
	// Consumer holds the lease of an in-flight message.
	Consumer string `json:"consumer,omitempty"`
	// Expires is the number of ticks left on the lease of an in-flight
	// message: it becomes ready after that many Ticks.
	Expires int `json:"expires,omitempty"`
}

// ViewOf returns the broker's view of s.
func ViewOf(s State) View {
	v := View{Messages: make([]MessageView, 0, len(s.Log))}
	for _, m := range s.Log {
		v.Messages = append(v.Messages, MessageView{
			ID: m.ID, Status: m.Status(), Delivered: m.Delivered, Consumer: m.Consumer, Expires: m.Ticks,
		})
	}
	return v
}

// ProducerNames returns the names of n producers: "p1", "p2", ...
func ProducerNames(n int) []string { return names("p", n) }

// ConsumerNames returns the names of n consumers: "c1", "c2", ...
func ConsumerNames(n int) []string { return names("c", n) }

// MessageIDs returns the IDs of every message of the model, producer by
// producer: "p1.1", "p1.2", ..., "p2.1", ...
func MessageIDs(c Config) []string {
	var ids []string
	for _, p := range ProducerNames(c.Producers) {
		for k := 1; k <= c.Messages; k++ {
			ids = append(ids, fmt.Sprintf("%s.%d", p, k))
		}
	}
	return ids
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

// Model is a message broker with at-least-once delivery, its producers and
// consumers.
//
// Publish(p) appends producer p's next message and returns its ID.
// Deliver(c) leases the oldest ready message, in publish order, to
// consumer c for Lease ticks and returns it as a [Delivery]; the broker
// refuses it when no message is ready or c already holds a lease (one
// message per consumer at a time). Ack(c, m) acknowledges message m; the
// broker refuses it unless m is in flight to c. Tick advances the broker's
// logical clock by one; a lease that runs out makes its message ready
// again.
//
// The faults: RestartBroker is kill -9 and a restart of the broker: its
// durable file survives, its leases do not, so in-flight messages become
// ready. CrashConsumer(c) is consumer c dying before it acks the message
// it holds: its connection closes and the broker makes the message ready
// at once. LoseAck(c) is the network losing c's ack of the message it
// holds: the broker never hears of it, so nothing changes, and the message
// comes back when its lease runs out. Both need c to hold a lease.
func Model(c Config) (*model.Model[State], error) {
	switch {
	case c.Producers < 1 || c.Producers > 9:
		return nil, fmt.Errorf("queue: Producers is %d, want 1 to 9", c.Producers)
	case c.Messages < 1 || c.Messages > 9:
		return nil, fmt.Errorf("queue: Messages is %d, want 1 to 9", c.Messages)
	case c.Consumers < 1 || c.Consumers > 9:
		return nil, fmt.Errorf("queue: Consumers is %d, want 1 to 9", c.Consumers)
	case c.Lease < 1:
		return nil, fmt.Errorf("queue: Lease is %d, want at least 1", c.Lease)
	}
	m := dsl.New[State]("Queue")
	m.Const("Producers", c.Producers).Const("Messages", c.Messages).
		Const("Consumers", c.Consumers).Const("Lease", c.Lease)
	m.Init(State{Published: make([]int, c.Producers)})

	producers, consumers := ProducerNames(c.Producers), ConsumerNames(c.Consumers)
	// The names of producers and consumers bound the model, not the
	// broker: it serves any client by the name it gives, so only the empty
	// name is outside the domains of Publish and Deliver that the broker
	// must refuse. The actions on a lease (Ack, CrashConsumer, LoseAck)
	// keep the derived values outside, "" and "unknown": a consumer that
	// holds no lease.
	producer := dsl.Values("p", producers...).Outside("")
	consumer := dsl.Values("c", consumers...)
	pIndex := func(p string) int { return slices.Index(producers, p) }

	dsl.Action1(m, "Publish", producer,
		func(s State, p string) bool { return s.Published[pIndex(p)] < c.Messages },
		func(s *State, p string) {
			i := pIndex(p)
			s.Published[i]++
			s.Log = append(s.Log, Message{ID: fmt.Sprintf("%s.%d", p, s.Published[i]), Producer: i, Seq: s.Published[i]})
		}).
		Returns(func(s State, p string) any { return fmt.Sprintf("%s.%d", p, s.Published[pIndex(p)]+1) })

	dsl.Action1(m, "Deliver", dsl.Values("c", consumers...).Outside(""), nil,
		func(s *State, cn string) {
			if i := s.next(); i >= 0 {
				msg := &s.Log[i]
				msg.Delivered, msg.Consumer, msg.Ticks = true, cn, c.Lease
			}
		}).
		Requires("a message is ready", func(s State, _ string) bool { return s.next() >= 0 }).
		Requires("c holds no lease", func(s State, cn string) bool { return !s.leased(cn) }).
		Returns(func(s State, cn string) any {
			i := s.next()
			if i < 0 {
				return nil
			}
			return Delivery{ID: s.Log[i].ID, Redelivered: s.Log[i].Delivered}
		})

	dsl.Action2(m, "Ack", consumer, dsl.Values("m", MessageIDs(c)...),
		func(s State, cn, id string) bool {
			i := s.find(id)
			return i >= 0 && s.Log[i].Status() == InFlight && s.Log[i].Consumer == cn
		},
		func(s *State, cn, id string) {
			if i := s.find(id); i >= 0 {
				s.Log[i].Acked, s.Log[i].Consumer, s.Log[i].Ticks = true, "", 0
			}
		})

	m.Action("Tick", nil, func(s *State) {
		for i := range s.Log {
			if msg := &s.Log[i]; msg.Ticks > 0 {
				msg.Ticks--
				if msg.Ticks == 0 {
					msg.Consumer = ""
				}
			}
		}
	})

	m.Action("RestartBroker", nil, func(s *State) {
		for i := range s.Log {
			s.Log[i].Consumer, s.Log[i].Ticks = "", 0
		}
	})

	// The consumer faults need a consumer holding a delivery, leased to
	// it: CrashConsumer ends its lease at once, as its connection closes;
	// LoseAck changes nothing at all, as the ack never reaches the broker.
	holds := func(s State, cn string) bool { return s.leased(cn) }
	dsl.Action1(m, "CrashConsumer", consumer, holds, func(s *State, cn string) {
		for i := range s.Log {
			if s.Log[i].Consumer == cn {
				s.Log[i].Consumer, s.Log[i].Ticks = "", 0
			}
		}
	})
	dsl.Action1(m, "LoseAck", consumer, holds, func(*State, string) {})

	m.View(func(s State) any { return ViewOf(s) })

	// (1) No published message is lost: every message a producer had
	// confirmed is in the broker's log, exactly once, and is acked, ready,
	// or in flight under a lease that will run out.
	m.Invariant("NoLostMessage", func(s State) bool {
		n := make([]int, c.Producers)
		seen := map[string]bool{}
		for _, msg := range s.Log {
			if seen[msg.ID] {
				return false
			}
			seen[msg.ID] = true
			n[msg.Producer]++
			leased := msg.Consumer != "" && msg.Ticks >= 1 && msg.Ticks <= c.Lease
			unleased := msg.Consumer == "" && msg.Ticks == 0
			if !leased && !unleased || msg.Acked && leased {
				return false
			}
		}
		return slices.Equal(n, s.Published)
	})
	// (2) No delivery after ack: an acked message is never leased (above),
	// and Deliver never hands one out.
	m.Property("NoDeliveryAfterAck", func(prev State, step model.Step, next State) bool {
		if step.Action != "Deliver" {
			return true
		}
		for i, msg := range next.Log {
			if msg.Consumer != "" && prev.Log[i].Consumer == "" && prev.Log[i].Acked {
				return false
			}
		}
		return true
	})
	// (3) Per-producer order: a producer's messages are first delivered in
	// the order it published them, so the delivered ones are a prefix.
	m.Invariant("ProducerOrder", func(s State) bool {
		last := make([]int, c.Producers) // seq of the newest delivered message
		for _, msg := range s.Log {
			if msg.Delivered {
				if msg.Seq != last[msg.Producer]+1 {
					return false
				}
				last[msg.Producer] = msg.Seq
			}
		}
		return true
	})
	// One lease per consumer: the broker's prefetch limit.
	m.Invariant("OneLeasePerConsumer", func(s State) bool {
		seen := map[string]bool{}
		for _, msg := range s.Log {
			if msg.Consumer != "" {
				if seen[msg.Consumer] {
					return false
				}
				seen[msg.Consumer] = true
			}
		}
		return true
	})
	return m.Build()
}
